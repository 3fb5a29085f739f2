import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real ClickHouse servers on loopback for the tests and the benchmark: `clickhouse-server`
 * processes (two by default), each with its own config, ports and data folder under one temp dir,
 * all listed in `remote_servers` under CLUSTER, so Distributed tables spread rows over real shards.
 * Debian's package (18.16) is the one that installs here; `.ci/run` installs it without starting its service.
 */
export const CLICKHOUSE_SERVER = process.env.REFUNDS_CLICKHOUSE_SERVER ?? '/usr/sbin/clickhouse-server';
export const CLUSTER = 'refunds_test';
/** A user with a password (the default user has none), to test credentials in URLs. */
export const CH_USER = 'refunds';
export const CH_PASSWORD = 'p@ss:w/rd?';

export const clickhouseInstalled = (): boolean => existsSync(CLICKHOUSE_SERVER);

export interface Shard {
  index: number;
  http: number;
  tcp: number;
  dir: string;
  child: ChildProcess;
  /** `http://127.0.0.1:<http port>` */
  endpoint: string;
}

export interface ClickHouseCluster {
  shards: Shard[];
  dir: string;
  /** Warehouse URL over every shard's HTTP endpoint, with the cluster and the password user. */
  url(database: string, opts?: { cluster?: boolean; shards?: number[]; password?: string }): string;
  /** Runs one statement on one shard over HTTP (default user); returns the body. */
  query(shard: number, statement: string): Promise<string>;
  /** SIGKILLs one shard and waits until it is gone. */
  kill(shard: number): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function configXml(dir: string, ports: { http: number; tcp: number; interserver: number }, all: Array<{ tcp: number }>): string {
  const replicas = all.map((s) => `<shard><replica><host>127.0.0.1</host><port>${s.tcp}</port></replica></shard>`).join('');
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
  <remote_servers><${CLUSTER}>${replicas}</${CLUSTER}></remote_servers>
</yandex>
`;
}

function usersXml(maxMemoryBytes: number): string {
  const net = '<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>';
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>${maxMemoryBytes}</max_memory_usage><load_balancing>in_order</load_balancing></default></profiles>
  <users>
    <default><password></password>${net}<profile>default</profile><quota>default</quota></default>
    <${CH_USER}><password>${esc(CH_PASSWORD)}</password>${net}<profile>default</profile><quota>default</quota></${CH_USER}>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

async function httpQuery(endpoint: string, statement: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${endpoint}/`, { method: 'POST', body: statement });
  } catch {
    // ClickHouse closes an idle keep-alive connection after 3 s; a request sent on it as it closes
    // fails with "other side closed". Once more, on a new connection.
    res = await fetch(`${endpoint}/`, { method: 'POST', body: statement });
  }
  const body = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${endpoint}: ${body.trim()}`);
  return body;
}

async function waitUntilAnswers(shard: Shard, logs: () => string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (shard.child.exitCode !== null) throw new Error(`clickhouse-server shard ${shard.index} exited with ${shard.child.exitCode}:\n${logs()}`);
    try {
      if ((await httpQuery(shard.endpoint, 'SELECT 1')).trim() === '1') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`clickhouse-server shard ${shard.index} did not answer in ${timeoutMs / 1000} s:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill(signal);
    if (signal !== 'SIGKILL') setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** Starts `count` (default 2) shards and waits until every one answers. */
export async function startClickHouseCluster(count = 2, opts: { maxMemoryBytes?: number } = {}): Promise<ClickHouseCluster> {
  const root = mkdtempSync(join(tmpdir(), 'refunds-ch-'));
  const ports: Array<{ http: number; tcp: number; interserver: number }> = [];
  for (let i = 0; i < count; i++) ports.push({ http: await freePort(), tcp: await freePort(), interserver: await freePort() });
  const shards: Shard[] = [];
  const outputs: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const dir = join(root, `shard${i + 1}`);
      for (const sub of ['data', 'tmp', 'log', 'user_files', 'format_schemas']) mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, 'config.xml'), configXml(dir, ports[i], ports));
      writeFileSync(join(dir, 'users.xml'), usersXml(opts.maxMemoryBytes ?? 4_000_000_000));
      const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(dir, 'config.xml')}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      outputs[i] = '';
      const collect = (d: Buffer) => {
        outputs[i] = (outputs[i] + d.toString()).slice(-20_000);
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      shards.push({ index: i, http: ports[i].http, tcp: ports[i].tcp, dir, child, endpoint: `http://127.0.0.1:${ports[i].http}` });
    }
    const logsOf = (i: number) => () => {
      const err = join(shards[i].dir, 'log', 'error.log');
      return `${outputs[i]}${existsSync(err) ? readFileSync(err, 'utf8').slice(-4000) : ''}`;
    };
    await Promise.all(shards.map((s) => waitUntilAnswers(s, logsOf(s.index))));
  } catch (e) {
    await Promise.all(shards.map((s) => stopChild(s.child, 'SIGKILL')));
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  // A test run that ends without afterAll (a crash, a timeout) leaves no server behind.
  const onExit = () => {
    for (const s of shards) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    try {
      rmSync(root, { recursive: true, force: true });
    } catch {
      // a shard still closing its files: the temp folder is the system's to clear
    }
  };
  process.once('exit', onExit);
  return {
    shards,
    dir: root,
    url(database, opts = {}) {
      const which = opts.shards ?? shards.map((s) => s.index);
      const hosts = which.map((i) => `127.0.0.1:${shards[i].http}`).join(',');
      const cluster = opts.cluster === false ? '' : `?cluster=${CLUSTER}`;
      return `clickhouse://${CH_USER}:${encodeURIComponent(opts.password ?? CH_PASSWORD)}@${hosts}/${database}${cluster}`;
    },
    query: (i, statement) => httpQuery(shards[i].endpoint, statement),
    kill: (i) => stopChild(shards[i].child, 'SIGKILL'),
    async stop() {
      process.removeListener('exit', onExit);
      await Promise.all(shards.map((s) => stopChild(s.child)));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
