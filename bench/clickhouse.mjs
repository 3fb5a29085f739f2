// npm run bench:clickhouse [-- --sizes 1000000] [--runs 7] [--shards 2]
//
// The contract query set on a ClickHouse cluster beside DuckDB, in one run on the same generated data:
// both loaded by the ETL CLI (`load --db FILE` and `load --db clickhouse://...`), both served by the
// built API with the result cache off. Per operation: the API's p50/p95 on each engine, the
// ClickHouse statements the API ran (its REFUNDS_SQL_LOG, values inlined) replayed directly on the
// cluster (the engine's own time: API/own = the API's overhead), and whether the two engines' answers
// agree. Writes the `<!-- clickhouse -->` section of bench/RESULTS.md (run.mjs keeps it) and
// bench/data/clickhouse-results.json. The shards are local `clickhouse-server` processes (Debian's
// 18.16 here), started and stopped by this script on loopback, on the same 2 cores as everything else.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { OPERATIONS, variants } from './queries.mjs';
import { ADMIN_TOKEN, startServer } from './server.mjs';
import { fmtDur, fmtMs, fmtRatio, mdTable, p50, p95, ratio, textTable, timeRuns } from './stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const require = createRequire(import.meta.url);
const { startClickHouseCluster, clickhouseInstalled, CLICKHOUSE_SERVER } = require(join(ROOT, 'shared/engine-clickhouse/dist/index.js'));
const { createClient } = require(join(ROOT, 'node_modules/@clickhouse/client'));

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return def;
  return args[i].includes('=') ? args[i].split('=')[1] : args[i + 1];
};
const SIZES = String(arg('sizes', '1000000')).split(',').map(Number);
const RUNS = Number(arg('runs', 7));
const SHARDS = Number(arg('shards', 2));
const log = (...a) => console.log(...a);

function run(cmd, argv, { env = {} } = {}) {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
    child.on('exit', (code) => res({ code, stdout, stderr, ms: performance.now() - t0 }));
  });
}

async function generated(n) {
  const dir = join(DATA, String(n));
  if (existsSync(join(dir, '.generated'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  log(`generating ${n.toLocaleString('en')} refunds into ${dir}`);
  const r = await run(process.execPath, ['etl/dist/cli.js', 'generate', '--out', dir, '--refunds', String(n), '--seed', '1']);
  if (r.code !== 0) throw new Error(`generate failed:\n${r.stderr}`);
  writeFileSync(join(dir, '.generated'), r.stdout);
  return dir;
}

async function etlLoad(db, dir, label) {
  const r = await run(process.execPath, ['etl/dist/cli.js', 'load', '--db', db, dir]);
  if (r.code !== 0) throw new Error(`${label} failed (${r.code}):\n${r.stderr.slice(-3000)}`);
  log(`  ${label}: ${fmtDur(r.ms)}`);
  return r.ms;
}

async function gql(url, query, variables) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors?.length) throw new Error(JSON.stringify(body.errors[0]).slice(0, 300));
  return body.data;
}

function logLines(path, from) {
  if (!existsSync(path)) return { lines: [], end: from };
  const buf = readFileSync(path);
  return {
    lines: buf
      .subarray(from)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
    end: buf.length,
  };
}

/** Same answers: equal structure, numbers to 1e-9 relative (sums in another order). */
function agree(a, b, path = '') {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) ? null : `${path}: ${a} vs ${b}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: ${a.length} rows vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = agree(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of Object.keys(b)) {
      const d = agree(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

const ctx = { typicalFilter: { from: '2025-04-01', to: '2025-07-01', channels: ['app', 'web'] }, scopedChange: 'PC1', otherChange: 'PC3' };

async function benchSize(n) {
  const R = { n, shards: SHARDS, queries: [] };
  const dir = await generated(n);
  const work = join(DATA, `clickhouse-${n}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  R.inputBytes = ['orders', 'refunds', 'surveys', 'agents', 'fx_rates', 'incentive_plans', 'policy_changes']
    .map((t) => join(dir, `${t}.csv`))
    .filter(existsSync)
    .reduce((a, f) => a + statSync(f).size, 0);
  const duckFile = join(work, 'w.duckdb');
  log(`${n.toLocaleString('en')} refunds`);
  R.duckLoadMs = await etlLoad(duckFile, dir, 'DuckDB load');
  const ch = await startClickHouseCluster(SHARDS, { maxMemoryBytes: 12_000_000_000 });
  try {
    const url = ch.url('refunds');
    R.chVersion = (await ch.query(0, 'SELECT version()')).trim();
    R.chLoadMs = await etlLoad(url, dir, `ClickHouse load (${SHARDS} shards)`);
    R.chRows = [];
    for (let i = 0; i < SHARDS; i++) R.chRows.push(Number((await ch.query(i, 'SELECT count() FROM refunds.refunds_local')).trim()));
    const sqlLog = { duckdb: join(work, 'duck-sql.log'), clickhouse: join(work, 'ch-sql.log') };
    const duck = await startServer(
      ROOT,
      { REFUNDS_DB: duckFile, REFUNDS_CACHE: 'off', REFUNDS_SQL_LOG: sqlLog.duckdb, REFUNDS_APP_DB: join(work, 'app1.sqlite') },
      { timeoutMs: 600_000 },
    );
    const chApi = await startServer(
      ROOT,
      {
        REFUNDS_DB: url,
        REFUNDS_CACHE: 'off',
        REFUNDS_SQL_LOG: sqlLog.clickhouse,
        REFUNDS_APP_DB: join(work, 'app2.sqlite'),
        REFUNDS_IMPORT_DIR: join(work, 'imports'),
      },
      { timeoutMs: 600_000 },
    );
    const direct = createClient({ url: ch.shards[0].endpoint, request_timeout: 300_000 });
    try {
      for (const op of OPERATIONS) {
        for (const v of variants(op, ctx)) {
          const row = { op: op.name, variant: v.label };
          R.queries.push(row);
          try {
            const duckAnswer = await gql(duck.url, op.query, v.variables);
            const before = existsSync(sqlLog.clickhouse) ? statSync(sqlLog.clickhouse).size : 0;
            const chAnswer = await gql(chApi.url, op.query, v.variables);
            const stmts = logLines(sqlLog.clickhouse, before).lines;
            row.check = agree(chAnswer, duckAnswer) ?? 'same';
            const d = await timeRuns(() => gql(duck.url, op.query, v.variables), { warmup: 1, runs: RUNS });
            const c = await timeRuns(() => gql(chApi.url, op.query, v.variables), { warmup: 1, runs: RUNS });
            const own = await timeRuns(() => Promise.all(stmts.map((s) => direct.query({ query: s.sql, format: 'JSONEachRow' }).then((rs) => rs.json()))), {
              warmup: 1,
              runs: RUNS,
            });
            Object.assign(row, {
              duckP50: p50(d.times),
              duckP95: p95(d.times),
              chP50: p50(c.times),
              chP95: p95(c.times),
              chOwnP50: p50(own.times),
              statements: stmts.length,
            });
          } catch (e) {
            row.error = e.message.split('\n')[0].slice(0, 200);
          }
          log(
            `  ${op.name.padEnd(22)} ${v.label.padEnd(8)} DuckDB API ${fmtMs(row.duckP50).padStart(7)} | ClickHouse API ${fmtMs(row.chP50).padStart(7)} own ${fmtMs(row.chOwnP50).padStart(7)} | CH/DuckDB ${fmtRatio(ratio(row.chP50, row.duckP50)).padStart(7)} ${row.error ? `ERROR ${row.error}` : row.check === 'same' ? '' : `[differs: ${row.check}]`}`,
          );
        }
      }
    } finally {
      await direct.close();
      await duck.stop();
      await chApi.stop();
    }
  } finally {
    await ch.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return R;
}

const HEAD = [
  'operation',
  'variant',
  'DuckDB API p50',
  'p95',
  'ClickHouse API p50',
  'p95',
  'ClickHouse own SQL p50',
  'API/own',
  'ClickHouse / DuckDB',
  'answers',
];
const rowsOf = (R) =>
  R.queries.map((q) => [
    q.op,
    q.variant,
    fmtMs(q.duckP50),
    fmtMs(q.duckP95),
    fmtMs(q.chP50),
    fmtMs(q.chP95),
    fmtMs(q.chOwnP50),
    fmtRatio(ratio(q.chP50, q.chOwnP50)),
    fmtRatio(ratio(q.chP50, q.duckP50)),
    q.error ? `error: ${q.error}` : q.check,
  ]);

function report(results) {
  const lines = ['<!-- clickhouse -->', '## DuckDB and a ClickHouse cluster, side by side (`npm run bench:clickhouse`)', ''];
  lines.push(
    `- **Date:** ${results.startedAt}; **command:** \`${results.command}\`; ClickHouse ${results.sizes[0]?.chVersion ?? '?'} (${CLICKHOUSE_SERVER}), ${SHARDS} shards on this machine.`,
    '',
  );
  lines.push(
    'Both warehouses loaded by the ETL CLI from the same generated files and served by the built API, result cache off, on loopback; ' +
      `${RUNS} timed runs after a warm-up. *own SQL* = the statements the ClickHouse API logged for one request (values inlined), replayed concurrently on the first shard directly. *answers*: the two APIs' answers compared field by field (1e-9 relative).`,
    '',
  );
  for (const R of results.sizes) {
    lines.push(`### ${R.n.toLocaleString('en')} refunds`, '');
    lines.push(
      `Load: DuckDB ${fmtDur(R.duckLoadMs)}, ClickHouse ${fmtDur(R.chLoadMs)} (${fmtRatio(ratio(R.chLoadMs, R.duckLoadMs))}); refunds per shard ${R.chRows.map((x) => x.toLocaleString('en')).join(' / ')}; CSV input ${(R.inputBytes / 1e6).toFixed(0)} MB.`,
      '',
    );
    lines.push(mdTable(HEAD, rowsOf(R)), '');
  }
  lines.push(results.analysis ?? '', '<!-- /clickhouse -->');
  return lines.join('\n');
}

async function main() {
  if (!clickhouseInstalled()) throw new Error(`${CLICKHOUSE_SERVER} is not installed (apt-get install clickhouse-server)`);
  for (const f of ['etl/dist/cli.js', 'server/dist/main.js', 'shared/engine-clickhouse/dist/index.js'])
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
  const results = {
    startedAt: new Date().toISOString(),
    command: `npm run bench:clickhouse${args.length ? ` -- ${args.join(' ')}` : ''}`,
    chVersion: null,
    sizes: [],
  };
  for (const n of SIZES) results.sizes.push(await benchSize(n));
  for (const R of results.sizes) log(`\n${R.n.toLocaleString('en')} refunds:\n${textTable(HEAD, rowsOf(R))}`);
  mkdirSync(DATA, { recursive: true });
  writeFileSync(join(DATA, 'clickhouse-results.json'), JSON.stringify(results, null, 1));
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const kept = /<!-- clickhouse -->[\s\S]*?<!-- \/clickhouse -->/.exec(old);
  // The hand-written reading below the tables survives a rerun.
  results.analysis = kept ? (/<!-- reading -->[\s\S]*?<!-- \/reading -->/.exec(kept[0])?.[0] ?? null) : null;
  const section = report(results);
  writeFileSync(RESULTS, kept ? old.replace(kept[0], section) : `${old.trimEnd()}\n\n${section}\n`);
  log(`\nwrote the clickhouse section of ${RESULTS}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
