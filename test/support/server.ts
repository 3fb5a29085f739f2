import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { connect, loadFiles, openDatabase } from '@refunds/etl';
import { tempDir, writeTables, type Row } from '../../etl/src/testing/factory';
import type { TableName } from '@refunds/warehouse';

const ROOT = resolve(__dirname, '..', '..');

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; argument?: string } }>;
}

export interface TestServer {
  url: string;
  dbPath: string;
  child: ChildProcess;
  logs: () => string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers by value; each test names the fields it checks
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GqlResult<T>>;
  close(): Promise<void>;
}

/** Loads `tables` into a fresh DuckDB file (through the real loader), then boots the real server on it. */
export async function startTestServer(tables: Partial<Record<TableName, Row[]>> | string, env: Record<string, string> = {}): Promise<TestServer> {
  const dir = tempDir('refunds-srv-');
  const dbPath = join(dir, 'test.duckdb');
  const dataDir = typeof tables === 'string' ? tables : writeTables(tables);
  const inst = await openDatabase(dbPath);
  const conn = await connect(inst);
  await loadFiles(conn, [dataDir]);
  conn.closeSync();
  inst.closeSync();
  return serveDatabase(dbPath, env);
}

/** Boots the real server on an existing DuckDB file. */
export async function serveDatabase(dbPath: string, env: Record<string, string> = {}): Promise<TestServer> {
  const { child, url, logs } = await spawnServer({ REFUNDS_DB: dbPath, ...env });
  return { url, dbPath, child, logs, gql: gqlClient(url), close: () => stopServer(child) };
}

/** POSTs a query to `url`/graphql with the admin token (or `token`; null sends none). */
export function gqlClient(url: string): TestServer['gql'] {
  return async (query, variables, token = ADMIN_TOKEN) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as GqlResult<never>;
  };
}

/** Asserts no GraphQL errors and returns data. */
export function ok<T>(r: GqlResult<T>): T {
  if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
  return r.data as T;
}

/** Starts the built server (`server/dist/main.js`) as a child process and waits for its ready line. */
export async function spawnServer(
  env: Record<string, string>,
  /** Runs this script instead, with the server's path as its first argument (a wrapper that forwards the ready line). */
  wrapper?: string,
): Promise<{ child: ChildProcess; url: string; logs: () => string }> {
  const main = join(ROOT, 'server', 'dist', 'main.js');
  const child = spawn(process.execPath, wrapper ? [wrapper, main] : [main], {
    env: {
      ...process.env,
      REFUNDS_ADMIN_TOKEN: ADMIN_TOKEN,
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      REFUNDS_RATE_LIMIT: '100000',
      // Tests send many wrong tokens from one address; the throttling tests set their own limits.
      REFUNDS_SIGNIN_FAILURES_PER_ADDRESS: '100000',
      NO_COLOR: '1',
      ...env,
    },
    stdio: [wrapper ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    // Generous: on a loaded two-core machine a cold start (Nest, TypeORM migrations, DuckDB) can take tens of seconds.
    const timer = setTimeout(() => {
      // A server left running would keep Jest from exiting after the run.
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 90 s:\n${out}`));
    }, 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ready: (http:\/\/[^/\s]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return { child, url, logs: () => out };
}

export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}
