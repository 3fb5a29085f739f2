#!/usr/bin/env node
// npm run bench [-- --quick] [-- --sizes 200000,1000000] [--runs 15] [--duration 60] [--connections 16]
//               [--no-browser] [--no-load] [--keep] [--load-timeout-min 20]
//               [--db FILE --sizes N]   queries, mixed load and pages only, on a database loaded before
// Generates data, times the ETL against a plain DuckDB load, times every API query against its own SQL
// and against the straightforward SQL over the raw tables, runs a mixed concurrent load, times two
// pages in Chromium, prints the tables and writes bench/RESULTS.md.
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { DuckDBInstance, listValue } from '@duckdb/node-api';
import { ADMIN_TOKEN, memoryOf, pollMemory, startServer } from './server.mjs';
import { OPERATIONS, isMissingOperation, mixedBodies, variants } from './queries.mjs';
import { NAIVE } from './naive-sql.mjs';
import { fmtDur, fmtMs, fmtRatio, mdTable, p50, p95, percentile, ratio, textTable, timeRuns } from './stats.mjs';
import { measurePages } from './browser.mjs';
import { makeIncrements } from './increments.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const DATA = join(BENCH, 'data');
const TABLE_FILES = ['agents', 'incentive_plans', 'policy_changes', 'fx_rates', 'orders', 'refunds', 'surveys'];

// ---------------------------------------------------------------------------------------------- args
function parseArgs(argv) {
  const o = {
    quick: false,
    sizes: null,
    runs: 15,
    duration: null,
    connections: 16,
    browser: true,
    load: true,
    keep: false,
    loadTimeoutMin: 20,
    reloadTimeoutMin: null,
    out: join(BENCH, 'RESULTS.md'),
    db: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const [, inline] = a.split('=');
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a.startsWith('--sizes'))
      o.sizes = val()
        .split(',')
        .map((s) => Number(s.trim().replace(/_/g, '')));
    else if (a.startsWith('--runs')) o.runs = Number(val());
    else if (a.startsWith('--duration')) o.duration = Number(val());
    else if (a.startsWith('--connections')) o.connections = Number(val());
    else if (a.startsWith('--load-timeout-min')) o.loadTimeoutMin = Number(val());
    else if (a.startsWith('--reload-timeout-min')) o.reloadTimeoutMin = Number(val());
    else if (a.startsWith('--out')) o.out = resolve(val());
    else if (a.startsWith('--db')) o.db = resolve(val());
    else if (a === '--no-browser') o.browser = false;
    else if (a === '--no-load') o.load = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\n')
          .slice(1, 6)
          .join('\n') + '\n',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  o.sizes ??= o.quick ? [1_000_000] : [1_000_000, 10_000_000];
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error('--sizes: whole numbers >= 1000');
  // A 10M load takes longer than the query figures it feeds; --db measures those on a file loaded earlier.
  if (o.db && (o.sizes.length !== 1 || !existsSync(o.db))) throw new Error('--db FILE needs an existing file and one --sizes value (its refund count)');
  o.duration ??= o.quick ? 20 : 60;
  // Straightforward SQL can take seconds per run: cap its total time per variant (p50 needs few runs).
  o.naiveCapMs = o.quick ? 6_000 : 20_000;
  o.replayCapMs = o.quick ? 8_000 : 20_000;
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const log = (...a) => console.log(...a);
const startedAt = new Date();
const t00 = performance.now();

// --------------------------------------------------------------------------------------- machine
function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? '?';
  let disk = '';
  try {
    disk = execFileSync('df', ['-h', '--output=size,avail', ROOT], { encoding: 'utf8' }).trim().split('\n')[1].trim().replace(/\s+/, ' size, ') + ' free';
  } catch {
    /* ignore */
  }
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (dirty) commit += ` (+ uncommitted changes in ${dirty.split('\n').length} files)`;
  } catch {
    /* ignore */
  }
  return {
    nproc: cpus().length,
    memGb: totalmem() / 2 ** 30,
    freeGb: freemem() / 2 ** 30,
    cpu: model,
    node: process.version,
    duckdb: JSON.parse(readFileSync(createRequire(`${ROOT}/package.json`).resolve('@duckdb/node-api/package.json'), 'utf8')).version,
    disk,
    commit,
  };
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// ------------------------------------------------------------------------------------- processes
function run(cmd, args, { env = {}, timeoutMs = 0, quiet = true } = {}) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!quiet) process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
    });
    let timedOut = false;
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs)
      : null;
    child.on('error', rej);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      res({ code, stdout, stderr, ms: performance.now() - t0, timedOut });
    });
  });
}

// ------------------------------------------------------------------------------------------ data
async function ensureGenerated(n) {
  const dir = join(DATA, String(n));
  const marker = join(dir, '.generated');
  if (existsSync(marker) && TABLE_FILES.every((t) => existsSync(join(dir, `${t}.csv`)))) {
    log(`  data: ${dir} (already generated)`);
    return { dir, generatedMs: null };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  log(`  generating ${n.toLocaleString('en')} refunds into ${dir} ...`);
  const r = await run(process.execPath, ['etl/dist/cli.js', 'generate', '--out', dir, '--refunds', String(n), '--seed', '1']);
  if (r.code !== 0) throw new Error(`generate failed (${r.code}):\n${r.stderr}`);
  writeFileSync(marker, r.stdout);
  log(`  ${r.stdout.trim()} (${fmtDur(r.ms)})`);
  return { dir, generatedMs: r.ms };
}

/** Reads every file once so the plain load and the ETL both start from a warm page cache. */
async function warmFiles(dir) {
  const t0 = performance.now();
  let bytes = 0;
  for (const t of TABLE_FILES) {
    const p = join(dir, `${t}.csv`);
    bytes += statSync(p).size;
    await new Promise((res, rej) =>
      createReadStream(p, { highWaterMark: 4 << 20 })
        .on('data', () => {})
        .on('end', res)
        .on('error', rej),
    );
  }
  return { bytes, ms: performance.now() - t0 };
}

/** The floor: CREATE TABLE x AS SELECT * FROM read_csv(file) per file, in a fresh DuckDB file (closing = checkpoint included). */
async function plainLoad(dir, dbPath) {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  const t0 = performance.now();
  const inst = await DuckDBInstance.create(dbPath);
  const c = await inst.connect();
  const perTable = {};
  for (const t of TABLE_FILES) {
    const t1 = performance.now();
    await c.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv('${join(dir, `${t}.csv`).replace(/'/g, "''")}')`);
    perTable[t] = performance.now() - t1;
  }
  c.closeSync();
  inst.closeSync();
  const ms = performance.now() - t0;
  const size = statSync(dbPath).size;
  rmSync(dbPath, { force: true });
  return { ms, perTable, size };
}

function parseLoadSummary(stdout) {
  const m = /load (\d+) (\w+) in ([\d.]+) s/.exec(stdout);
  const rollups = /rollups (\w+)/.exec(stdout)?.[1] ?? null;
  const tables = {};
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells.length === 6 && /^\d+$/.test(cells[1]) && TABLE_FILES.includes(cells[0])) {
      const [table, read, loaded, replaced, unchanged, rejected] = cells;
      tables[table] = { read: +read, loaded: +loaded, replaced: +replaced, unchanged: +unchanged, rejected: +rejected };
    }
  }
  const sum = (k) => Object.values(tables).reduce((a, t) => a + t[k], 0);
  return {
    outcome: m?.[2] ?? null,
    rollups,
    reportedMs: m ? Number(m[3]) * 1000 : null,
    tables,
    read: sum('read'),
    loaded: sum('loaded'),
    replaced: sum('replaced'),
    rejected: sum('rejected'),
  };
}

async function etlLoad(dbPath, dir, label, timeoutMin) {
  log(`  ${label}: node etl/dist/cli.js load --db ${dbPath} ${dir} (time limit ${timeoutMin} min)`);
  const r = await run(process.execPath, ['etl/dist/cli.js', 'load', '--db', dbPath, dir], { timeoutMs: timeoutMin * 60_000 });
  // A killed load commits nothing (the load is one transaction): the file stays as it was.
  if (r.timedOut) return { ms: r.ms, timedOut: true, error: `killed after ${timeoutMin} min` };
  if (r.code !== 0) return { ms: r.ms, error: `exit ${r.code}: ${(r.stderr.split('\n').find((l) => l.startsWith('error')) ?? r.stderr.slice(-300)).trim()}` };
  return { ms: r.ms, ...parseLoadSummary(r.stdout) };
}

// --------------------------------------------------------------------------------------- context
async function dataContext(conn) {
  const one = async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS();
  const [range] = await one(`SELECT strftime(min(requested_at), '%Y-%m-%d') AS lo, strftime(max(requested_at), '%Y-%m-%d') AS hi FROM refunds`);
  const channels = (await one(`SELECT channel FROM refunds GROUP BY 1 ORDER BY count(*) DESC, 1`)).map((r) => r.channel);
  const productLines = (await one(`SELECT product_line FROM refunds WHERE product_line IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1`)).map(
    (r) => r.product_line,
  );
  const changes = await one(`SELECT change_id, scope_channel, scope_product_line FROM policy_changes ORDER BY effective_at, change_id`);
  const quarters = [];
  const months = [];
  const years = [];
  const lo = new Date(`${range.lo}T00:00:00Z`);
  const hi = new Date(`${range.hi}T00:00:00Z`);
  const day = (d) => d.toISOString().slice(0, 10);
  for (let y = lo.getUTCFullYear(); y <= hi.getUTCFullYear(); y++) {
    years.push({ from: `${y}-01-01`, to: `${y + 1}-01-01` });
    for (let m = 0; m < 12; m++) {
      const from = new Date(Date.UTC(y, m, 1));
      const to = new Date(Date.UTC(y, m + 1, 1));
      if (to <= lo || from > hi) continue;
      months.push({ from: day(from), to: day(to) });
      if (m % 3 === 0) quarters.push({ from: day(from), to: day(new Date(Date.UTC(y, m + 3, 1))) });
    }
  }
  // Typical: a full quarter two before the last (repurchase windows are then mostly uncensored), top two channels.
  const q = quarters[Math.max(0, quarters.length - 3)];
  const scoped = changes.find((c) => c.scope_channel) ?? changes[0];
  const other = changes.find((c) => c !== scoped && c.scope_product_line) ?? changes.find((c) => c !== scoped) ?? scoped;
  return {
    range,
    channels,
    productLines,
    quarters,
    months,
    years,
    changeIds: changes.map((c) => c.change_id),
    scopedChange: scoped?.change_id,
    otherChange: other?.change_id,
    typicalFilter: { from: q.from, to: q.to, channels: channels.slice(0, 2) },
  };
}

// ------------------------------------------------------------------------------------------ SQL
function readLogLines(path, fromByte) {
  if (!existsSync(path)) return { lines: [], end: fromByte };
  const buf = readFileSync(path);
  const text = buf.subarray(fromByte).toString('utf8');
  return {
    lines: text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
    end: buf.length,
  };
}

const bindValue = (v) => (Array.isArray(v) ? listValue(v) : v);

async function runStatement(conn, s) {
  const values = s.values ?? [];
  return conn.runAndReadAll(s.sql, values.length ? values.map(bindValue) : undefined);
}

/** The statements of one request, run concurrently on separate connections (as the server's pool can). */
async function replay(conns, stmts) {
  await Promise.all(stmts.map((s, i) => runStatement(conns[i % conns.length], s)));
}

// ------------------------------------------------------------------------------------ one size
/** Generation, plain and ETL loads, reload and the nightly increments; false when the load failed. */
async function loadsAndIncrements(n, R, work, apiDb) {
  const gen = await ensureGenerated(n);
  R.generatedMs = gen.generatedMs;
  // ---- 2. loads
  const warm = await warmFiles(gen.dir);
  R.inputBytes = warm.bytes;
  log(`  input ${(warm.bytes / 2 ** 20).toFixed(0)} MB (read once to warm the page cache: ${fmtDur(warm.ms)})`);
  R.plain = await plainLoad(gen.dir, join(work, 'plain.duckdb'));
  log(`  plain DuckDB load (CREATE TABLE AS read_csv, 7 files): ${fmtDur(R.plain.ms)}`);
  R.load = await etlLoad(apiDb, gen.dir, 'ETL load', opts.loadTimeoutMin);
  log(
    `  ETL load: ${fmtDur(R.load.ms)} ${R.load.error ? `FAILED ${R.load.error}` : `(${fmtRatio(ratio(R.load.ms, R.plain.ms))} plain; CLI reports ${fmtDur(R.load.reportedMs)}; ${R.load.loaded} rows loaded, ${R.load.rejected} rejected)`}`,
  );
  if (R.load.error) {
    R.notes.push(`ETL load failed: ${R.load.error}; queries skipped for this size.`);
    return false;
  }
  R.dbBytes = statSync(apiDb).size;
  R.reload = await etlLoad(apiDb, gen.dir, 'ETL reload', opts.reloadTimeoutMin ?? opts.loadTimeoutMin);
  log(
    `  ETL reload: ${fmtDur(R.reload.ms)} ${R.reload.error ? `FAILED ${R.reload.error}` : `(${fmtRatio(ratio(R.reload.ms, R.plain.ms))} plain; ${R.reload.loaded} loaded, ${R.reload.replaced} replaced: ${R.reload.loaded === 0 && R.reload.replaced === 0 ? 'nothing changed, as it should' : 'CHANGED ROWS'})`}`,
  );
  R.dbBytesAfterReload = statSync(apiDb).size;
  if (R.reload.error) R.notes.push(`ETL reload failed: ${R.reload.error}`);
  // The machine is shared: measure the floor again after the ETL runs and keep the faster of the two.
  const plain2 = await plainLoad(gen.dir, join(work, 'plain.duckdb'));
  log(`  plain DuckDB load again: ${fmtDur(plain2.ms)} (the faster one is the floor)`);
  R.plainRuns = [R.plain.ms, plain2.ms];
  if (plain2.ms < R.plain.ms) R.plain = plain2;

  // ---- 2b. nightly increments, one after the other on a copy of the loaded file (the queries read the full load)
  const inc = await makeIncrements(gen.dir, join(DATA, `inc-${n}`));
  const incDb = join(work, 'increment.duckdb');
  copyFileSync(apiDb, incDb);
  R.increments = {};
  for (const [key, dir, label, rows] of [
    ['refunds', inc.newRefunds, `1% new refunds (${inc.refunds} refunds, ${inc.surveys} surveys)`, inc.refunds + inc.surveys],
    ['orders', inc.newOrders, `1% new orders (${inc.orders} orders)`, inc.orders],
  ]) {
    const x = await etlLoad(incDb, dir, `ETL increment, ${label}`, opts.loadTimeoutMin);
    R.increments[key] = { ...x, label, expectedRows: rows };
    log(
      `  increment ${label}: ${fmtDur(x.ms)} ${x.error ? `FAILED ${x.error}` : `(${fmtPct(ratio(x.ms, R.load.ms))} of the full load; ${x.loaded} loaded${x.loaded === rows ? '' : ` (expected ${rows})`}; rollups ${x.rollups})`}`,
    );
    if (x.error) R.notes.push(`increment ${label} failed: ${x.error}`);
  }
  rmSync(incDb, { force: true });
  return true;
}

async function benchSize(n, results) {
  const R = { n, notes: [] };
  results.sizes.push(R);
  log(`\n=== ${n.toLocaleString('en')} refunds (load avg ${loadavg()}) ===`);
  const work = join(DATA, `work-${n}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const apiDb = opts.db ?? join(work, 'api.duckdb');
  const directDb = join(work, 'direct.duckdb');
  if (opts.db) {
    R.existingDb = opts.db;
    R.dbBytes = statSync(opts.db).size;
    R.notes.push(`queries on ${opts.db}, loaded before this run (--db): loads and increments not measured here.`);
  } else if (!(await loadsAndIncrements(n, R, work, apiDb))) return R;

  // Separate copy for direct queries: DuckDB allows one process per file.
  copyFileSync(apiDb, directDb);
  const inst = await DuckDBInstance.create(directDb, { access_mode: 'READ_ONLY' });
  const conns = [];
  for (let i = 0; i < 4; i++) {
    const c = await inst.connect();
    await c.run(`SET TimeZone = 'UTC'`);
    conns.push(c);
  }
  const ctx = await dataContext(conns[0]);
  R.ctx = { typicalFilter: ctx.typicalFilter, range: ctx.range, scopedChange: ctx.scopedChange, otherChange: ctx.otherChange };
  log(`  typical filter: ${JSON.stringify(ctx.typicalFilter)}`);

  // ---- 3. queries, cache off
  const sqlLog = join(work, 'sql.log');
  const probe = join(work, 'eld-queries.json');
  let server = await startServer(ROOT, { REFUNDS_DB: apiDb, REFUNDS_CACHE: 'off', REFUNDS_SQL_LOG: sqlLog }, { probe });
  log(`  server (cache off) at ${server.url}, pid ${server.pid}, RSS ${memoryOf(server.pid)?.rssMb.toFixed(0)} MB`);
  R.queries = [];
  const missing = new Set();
  // Large sizes: slow SQL gets one timed run after its warm-up (the p50 of the fast API still has all runs).
  const big = n >= 5_000_000;
  try {
    for (const op of OPERATIONS) {
      for (const v of variants(op, ctx)) {
        const row = { op: op.name, variant: v.label };
        R.queries.push(row);
        const probeReq = await server.gql(op.query, v.variables);
        if (isMissingOperation(probeReq.body)) {
          row.skipped = `not in the schema: ${probeReq.body.errors[0].message.slice(0, 120)}`;
          missing.add(op.name);
          log(`  ${op.name} ${v.label}: skipped (${row.skipped})`);
          continue;
        }
        if (probeReq.body.errors?.length || probeReq.status !== 200) {
          row.error = `HTTP ${probeReq.status}: ${JSON.stringify(probeReq.body.errors?.[0] ?? probeReq.body).slice(0, 200)}`;
          log(`  ${op.name} ${v.label}: ERROR ${row.error}`);
          continue;
        }
        // (the probe above was the first warm-up) one more warm-up whose SQL we capture
        const before = existsSync(sqlLog) ? statSync(sqlLog).size : 0;
        const warmRes = await server.gql(op.query, v.variables);
        const { lines: stmts, end } = readLogLines(sqlLog, before);
        row.statements = stmts.length;
        row.bytes = warmRes.bytes;
        let errors = 0;
        const api = await timeRuns(
          async () => {
            const r = await server.gql(op.query, v.variables);
            if (r.status !== 200 || r.body.errors?.length) errors++;
            return r.body.data;
          },
          // slow queries at large sizes: at least 7 runs, then stop after ~20 s (p95 of 7 = the max)
          { warmup: 0, runs: opts.runs, minRuns: 7, capMs: big ? 20_000 : Infinity },
        );
        const { lines: timedLines } = readLogLines(sqlLog, end);
        row.apiTimes = api.times;
        row.apiP50 = p50(api.times);
        row.apiP95 = p95(api.times);
        row.apiRuns = api.times.length;
        row.apiErrors = errors;
        // Server-side SQL time per request (sum of the logged ms of its statements).
        if (stmts.length) {
          const per = [];
          for (let i = 0; i + stmts.length <= timedLines.length; i += stmts.length)
            per.push(timedLines.slice(i, i + stmts.length).reduce((a, l) => a + l.ms, 0));
          row.serverSqlP50 = p50(per);
        }
        // (b) the API's own SQL replayed on the copy
        if (stmts.length) {
          const own = await timeRuns(() => replay(conns, stmts), { warmup: 1, runs: opts.runs, capMs: opts.replayCapMs, minRuns: big ? 1 : 3 });
          row.ownP50 = p50(own.times);
          row.ownRuns = own.times.length;
        }
        // (a) straightforward SQL over the raw tables
        const naive = NAIVE[op.name]?.(v);
        if (naive) {
          try {
            let post;
            const res = await timeRuns(
              async () => {
                const rows = (await conns[0].runAndReadAll(naive.sql)).getRowObjectsJS();
                if (naive.extraSql) {
                  const extra = (await conns[1].runAndReadAll(naive.extraSql)).getRowObjectsJS();
                  post = naive.post(rows, extra);
                }
                return rows;
              },
              { warmup: 1, runs: opts.runs, capMs: opts.naiveCapMs, minRuns: big ? 1 : 3 },
            );
            row.naiveP50 = p50(res.times);
            row.naiveRuns = res.times.length;
            const apiData = (await server.gql(op.query, v.variables)).body.data;
            try {
              row.check = naive.check ? (naive.check(apiData, res.first.map(normalize), post) ?? 'same') : '';
            } catch (e) {
              row.check = `check failed: ${e.message}`;
            }
          } catch (e) {
            row.naiveError = e.message.split('\n')[0].slice(0, 200);
          }
        }
        log(
          `  ${op.name.padEnd(22)} ${v.label.padEnd(8)} API p50 ${fmtMs(row.apiP50).padStart(6)} p95 ${fmtMs(row.apiP95).padStart(6)} | own SQL ${fmtMs(row.ownP50).padStart(6)} (${row.statements} stmt) ${fmtRatio(ratio(row.apiP50, row.ownP50)).padStart(6)} | straightforward ${fmtMs(row.naiveP50).padStart(7)} ${fmtRatio(ratio(row.naiveP50, row.apiP50)).padStart(6)}${row.check && row.check !== 'same' ? `  [check: ${row.check.slice(0, 160)}]` : ''}${row.naiveError ? ` [straightforward failed: ${row.naiveError}]` : ''}`,
        );
      }
    }
    R.queryPhaseMemory = memoryOf(server.pid);

    // ---- 5. pages in Chromium (same server: cache off, so the page waits for real work)
    if (opts.browser) {
      log(`  pages in Chromium (server cache off):`);
      const f = ctx.typicalFilter;
      const first = `?from=${f.from}&to=${f.to}`;
      const ch = ctx.channels;
      const changes = [
        `${first}&channel=${ch[0]}`,
        `${first}&channel=${ch[1]}`,
        `${first}&channel=${ch[2] ?? ch[0]}`,
        `${first}&channel=${ch[0]}&channel=${ch[1]}`,
      ];
      try {
        R.browser = await measurePages(ROOT, {
          url: server.url,
          token: ADMIN_TOKEN,
          log,
          pages: [
            { name: 'Overview', path: '/', first, changes },
            { name: 'Incentives', path: '/incentives', first, changes },
          ],
        });
        if (R.browser.error) log(`    ${R.browser.error}`);
      } catch (e) {
        R.browser = { error: e.message.split('\n')[0] };
        log(`    browser failed: ${R.browser.error}`);
      }
    }
  } finally {
    await server.stop();
  }
  for (const c of conns) c.closeSync();
  inst.closeSync();

  // ---- 4. mixed concurrent load, cache on
  if (opts.load) {
    const probe2 = join(work, 'eld-load.json');
    server = await startServer(ROOT, { REFUNDS_DB: apiDb, REFUNDS_SQL_LOG: join(work, 'sql-load.log') }, { probe: probe2 });
    try {
      R.loadTest = await mixedLoad(server, { ...ctx, missing }, probe2);
    } catch (e) {
      R.loadTest = { error: e.message };
      log(`  load test failed: ${e.message}`);
    } finally {
      await server.stop();
    }
  }
  if (!opts.keep) rmSync(directDb, { force: true });
  return R;
}

function normalize(row) {
  for (const k of Object.keys(row)) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
  return row;
}

async function mixedLoad(server, ctx, probe) {
  const require = createRequire(`${ROOT}/package.json`);
  const autocannon = require('autocannon');
  const { pool, sequence: bodies } = mixedBodies(ctx);
  const sqlLog = join(dirname(probe), 'sql-load.log');
  // Warm the DuckDB buffers (not the result cache: these bodies are not in the mix) so the run measures steady state.
  for (const op of OPERATIONS.filter((o) => !ctx.missing.has(o.name))) {
    for (const v of variants(op, { ...ctx, typicalFilter: { ...ctx.typicalFilter, channels: ctx.channels.slice(2, 4) } }))
      await server.gql(op.query, v.variables);
  }
  const sqlBefore = existsSync(sqlLog) ? statSync(sqlLog).size : 0;
  let i = 0;
  let gqlErrors = 0;
  const errorSamples = [];
  const mem = pollMemory(server.pid, 200);
  writeFileSync(`${probe}.reset`, ''); // the event-loop probe resets itself and removes the file
  for (let k = 0; k < 40 && existsSync(`${probe}.reset`); k++) await new Promise((r) => setTimeout(r, 25));
  log(
    `  mixed load: ${opts.connections} connections, ${opts.duration} s, ${pool.length} distinct request bodies over ${new Set(pool.map((b) => b.op)).size} operations (skewed popularity), result cache on`,
  );
  const result = await new Promise((res, rej) => {
    const inst = autocannon(
      {
        url: `${server.url}/graphql`,
        connections: opts.connections,
        duration: opts.duration,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        requests: [
          {
            setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length].body }),
            onResponse: (status, body) => {
              if (status === 200 && body && body.includes('"errors"')) {
                gqlErrors++;
                if (errorSamples.length < 3) errorSamples.push(body.slice(0, 300));
              }
            },
          },
        ],
      },
      (err, r) => (err ? rej(err) : res(r)),
    );
    inst.on('error', rej);
  });
  const m = mem.stop();
  let eld = null;
  try {
    await new Promise((r) => setTimeout(r, 600));
    eld = JSON.parse(readFileSync(probe, 'utf8'));
  } catch {
    /* probe not written */
  }
  const { lines } = readLogLines(sqlLog, sqlBefore);
  const out = {
    connections: opts.connections,
    duration: opts.duration,
    requests: result.requests.total,
    distinctBodies: pool.length,
    distinctSent: new Set(bodies.slice(0, i).map((b) => b.body)).size,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    gqlErrors,
    errorSamples,
    sqlStatements: lines.length,
    sqlMsP50: p50(lines.map((l) => l.ms)),
    sqlMsP99: percentile(
      lines.map((l) => l.ms),
      99,
    ),
    peakRssMb: m.maxRssMb,
    vmHwmMb: m.hwmMb,
    endRssMb: m.endRssMb,
    eld,
  };
  log(
    `  -> ${out.rps.toFixed(1)} req/s, p50 ${out.p50} ms, p99 ${out.p99} ms, max ${out.max} ms, errors ${out.errors}, timeouts ${out.timeouts}, non-2xx ${out.non2xx}, GraphQL errors ${gqlErrors}; ` +
      `${out.distinctSent} distinct bodies sent, ${out.sqlStatements} SQL statements ran (the rest came from the result cache); peak RSS ${m.maxRssMb.toFixed(0)} MB (VmHWM ${m.hwmMb.toFixed(0)} MB)` +
      (eld ? `; event loop: max stall ${eld.maxTimerLateMs.toFixed(0)} ms, ${eld.stallsOver100} stalls > 100 ms, delay p99 ${eld.p99Ms.toFixed(1)} ms` : ''),
  );
  if (errorSamples.length) log(`     GraphQL error sample: ${errorSamples[0]}`);
  return out;
}

// ------------------------------------------------------------------------------------------ report
const TARGETS = {
  loadRatio: 1.5,
  reloadRatio: 2,
  p50: 100,
  p95: 250,
  speedup: 20,
  overhead: 1.2,
  loadP99: 1000,
  incRefunds: 0.05,
  incOrders: 0.1,
};

function loadRows(results) {
  return results.sizes
    .filter((R) => !R.existingDb)
    .map((R) => [
      R.n.toLocaleString('en'),
      R.inputBytes ? `${(R.inputBytes / 2 ** 20).toFixed(0)} MB` : '-',
      fmtMs(R.plain?.ms),
      R.load?.timedOut ? `> ${fmtMs(R.load.ms)} (killed)` : R.load?.error ? `failed: ${R.load.error}` : fmtMs(R.load?.ms),
      R.load?.timedOut ? `> ${fmtRatio(ratio(R.load.ms, R.plain?.ms))}` : fmtRatio(ratio(R.load?.ms, R.plain?.ms)),
      R.reload ? (R.reload.timedOut ? `> ${fmtMs(R.reload.ms)} (killed)` : R.reload.error ? `failed: ${R.reload.error}` : fmtMs(R.reload.ms)) : '-',
      R.reload?.timedOut ? `> ${fmtRatio(ratio(R.reload.ms, R.plain?.ms))}` : fmtRatio(ratio(R.reload?.ms, R.plain?.ms)),
      R.reload && !R.reload.error ? `${R.reload.loaded}/${R.reload.replaced}` : '-',
      R.dbBytes ? `${(R.dbBytes / 2 ** 20).toFixed(0)} MB` : '-',
    ]);
}
const LOAD_HEAD = ['refunds', 'input', 'plain ms', 'ETL load ms', 'load/plain', 'reload ms', 'reload/plain', 'reload loaded/replaced', 'db file'];

const fmtPct = (r) => (r === null || r === undefined ? '-' : `${(r * 100).toFixed(1)}%`);
function incrementRows(results) {
  return results.sizes.flatMap((R) =>
    Object.values(R.increments ?? {}).map((x) => [
      R.n.toLocaleString('en'),
      x.label,
      x.error ? `failed: ${x.error}` : fmtMs(x.ms),
      fmtPct(ratio(x.ms, R.load?.ms)),
      x.error ? '-' : `${x.loaded}${x.loaded === x.expectedRows ? '' : ` (expected ${x.expectedRows})`}`,
      x.rollups ?? '-',
    ]),
  );
}
const INCREMENT_HEAD = ['refunds', 'increment', 'ETL ms', 'of the full load', 'rows loaded', 'rollups'];

function queryRows(R) {
  return (R.queries ?? []).map((q) => {
    if (q.skipped) return [q.op, q.variant, 'skipped', '', '', '', '', '', '', '', ''];
    if (q.error) return [q.op, q.variant, `error`, '', '', '', '', '', '', '', q.error.slice(0, 60)];
    return [
      q.op,
      q.variant,
      fmtMs(q.apiP50),
      q.apiRuns && q.apiRuns < opts.runs ? `${fmtMs(q.apiP95)} (${q.apiRuns} runs)` : fmtMs(q.apiP95),
      fmtMs(q.serverSqlP50),
      fmtMs(q.ownP50),
      q.statements,
      fmtRatio(ratio(q.apiP50, q.ownP50)),
      q.naiveError ? 'failed' : fmtMs(q.naiveP50),
      fmtRatio(ratio(q.naiveP50, q.apiP50)),
      q.naiveError ? q.naiveError.slice(0, 60) : q.check === 'same' ? 'same' : q.check ? `DIFF ${q.check.slice(0, 80)}` : '',
    ];
  });
}
const QUERY_HEAD = ['query', 'variant', 'API p50', 'API p95', 'srv SQL', 'own SQL p50', 'stmts', 'API/own', 'straightfwd p50', 'speedup', 'result check'];

function loadTestRows(results) {
  return results.sizes
    .filter((R) => R.loadTest)
    .map((R) => {
      const L = R.loadTest;
      if (L.error) return [R.n.toLocaleString('en'), `failed: ${L.error}`, '', '', '', '', '', '', '', ''];
      return [
        R.n.toLocaleString('en'),
        `${L.connections} x ${L.duration} s`,
        L.rps.toFixed(1),
        L.requests,
        `${L.p50} / ${L.p99} / ${L.max}`,
        `${L.errors} / ${L.timeouts} / ${L.non2xx} / ${L.gqlErrors}`,
        `${L.sqlStatements} (${L.distinctSent ?? '?'} distinct bodies)`,
        `${L.peakRssMb.toFixed(0)} (HWM ${L.vmHwmMb.toFixed(0)})`,
        L.eld ? `${L.eld.maxTimerLateMs.toFixed(0)} ms max; ${L.eld.stallsOver100} > 100 ms; p99 ${L.eld.p99Ms.toFixed(1)} ms` : '-',
      ];
    });
}
const LOADTEST_HEAD = [
  'refunds',
  'load',
  'req/s',
  'requests',
  'latency p50/p99/max ms',
  'errors/timeouts/non2xx/GraphQL',
  'SQL run',
  'peak RSS MB',
  'event-loop stalls',
];

function browserRows(results) {
  const rows = [];
  for (const R of results.sizes) {
    if (!R.browser) continue;
    if (R.browser.error) {
      rows.push([R.n.toLocaleString('en'), '-', `not measured: ${R.browser.error}`, '', '']);
      continue;
    }
    for (const p of R.browser.pages)
      for (const s of p.steps)
        rows.push([R.n.toLocaleString('en'), p.page, s.label, s.ok ? fmtMs(s.ms) : `not ready: ${String(s.why).slice(0, 140)}`, s.ok ? s.graphql : '']);
  }
  return rows;
}
const BROWSER_HEAD = ['refunds', 'page', 'step', 'ms to idle + charts drawn', 'GraphQL requests'];

function targets(results) {
  const out = [];
  const mark = (ok) => (ok === null ? 'n/a' : ok ? 'met' : 'MISSED');
  for (const R of results.sizes) {
    const n = R.n.toLocaleString('en');
    const lr = ratio(R.load?.ms, R.plain?.ms);
    const rr = ratio(R.reload?.ms, R.plain?.ms);
    const shown = (x, r) => (x?.timedOut ? `> ${fmtRatio(r)} (killed after ${fmtDur(x.ms)})` : x?.error || r === null ? 'failed' : fmtRatio(r));
    // A killed load is a miss only when its time so far already exceeds the target.
    const verdict = (x, r, target) => (x?.timedOut ? (r !== null && r > target ? false : null) : x?.error ? false : r === null ? null : r <= target);
    if (!R.existingDb) out.push([n, `ETL load <= ${TARGETS.loadRatio}x plain`, shown(R.load, lr), mark(verdict(R.load, lr, TARGETS.loadRatio))]);
    if (R.reload) out.push([n, `reload <= ${TARGETS.reloadRatio}x plain`, shown(R.reload, rr), mark(verdict(R.reload, rr, TARGETS.reloadRatio))]);
    for (const [key, target] of [
      ['refunds', TARGETS.incRefunds],
      ['orders', TARGETS.incOrders],
    ]) {
      const x = R.increments?.[key];
      if (!x) continue;
      const r = ratio(x.ms, R.load?.ms);
      out.push([
        n,
        `1% new ${key} <= ${fmtPct(target)} of the full load`,
        x.error ? 'failed' : fmtPct(r),
        mark(x.error ? false : r === null ? null : r <= target),
      ]);
    }
    const qs = (R.queries ?? []).filter((q) => q.apiP50 !== undefined);
    if (qs.length) {
      const slow50 = qs.filter((q) => q.apiP50 > TARGETS.p50);
      const slow95 = qs.filter((q) => q.apiP95 > TARGETS.p95);
      out.push([
        n,
        `every query p50 <= ${TARGETS.p50} ms`,
        slow50.length ? slow50.map((q) => `${q.op}/${q.variant} ${fmtMs(q.apiP50)}`).join(', ') : `max ${fmtMs(Math.max(...qs.map((q) => q.apiP50)))}`,
        mark(!slow50.length),
      ]);
      out.push([
        n,
        `every query p95 <= ${TARGETS.p95} ms`,
        slow95.length ? slow95.map((q) => `${q.op}/${q.variant} ${fmtMs(q.apiP95)}`).join(', ') : `max ${fmtMs(Math.max(...qs.map((q) => q.apiP95)))}`,
        mark(!slow95.length),
      ]);
      for (const name of ['repurchaseAfterRefund', 'rejectionEconomics']) {
        const rows = qs.filter((q) => q.op === name && q.naiveP50 !== undefined);
        if (!rows.length) continue;
        const sp = rows.map((q) => ratio(q.naiveP50, q.apiP50));
        out.push([
          n,
          `${name} >= ${TARGETS.speedup}x straightforward`,
          rows.map((q, i) => `${q.variant} ${fmtRatio(sp[i])}`).join(', '),
          mark(sp.every((s) => s >= TARGETS.speedup)),
        ]);
      }
      const oh = qs.filter((q) => q.ownP50 !== undefined).map((q) => ({ q, r: ratio(q.apiP50, q.ownP50) }));
      const bad = oh.filter((x) => x.r > TARGETS.overhead);
      out.push([
        n,
        `API overhead <= ${TARGETS.overhead}x own SQL`,
        bad.length ? bad.map((x) => `${x.q.op}/${x.q.variant} ${fmtRatio(x.r)}`).join(', ') : `max ${fmtRatio(Math.max(...oh.map((x) => x.r)))}`,
        mark(!bad.length),
      ]);
    }
    const L = R.loadTest;
    if (L && !L.error) {
      const errs = L.errors + L.timeouts + L.non2xx + L.gqlErrors;
      out.push([n, 'concurrent: 0 errors', `${errs}`, mark(errs === 0)]);
      out.push([n, `concurrent: p99 <= ${TARGETS.loadP99} ms`, `${L.p99} ms`, mark(L.p99 <= TARGETS.loadP99)]);
    }
  }
  return out;
}

function writeReport(results, final) {
  const M = results.machine;
  const lines = [];
  /** A table under its heading and what it measures; nothing when the table has no rows. */
  const section = (heading, about, head, rows) => {
    if (rows.length) lines.push(heading, '', about, '', mdTable(head, rows), '');
  };
  lines.push('# Benchmark results', '');
  lines.push(
    `Written by \`bench/run.mjs\`${final ? '' : ' (partial: the run was still going or was stopped)'}. Raw figures: \`bench/data/last-results.json\` (not committed).`,
    '',
  );
  lines.push(`- **Date:** ${results.startedAt}`);
  lines.push(`- **Command:** \`${results.command}\` (${(results.wallMs / 60000).toFixed(1)} min)`);
  lines.push(`- **Machine:** ${M.nproc} CPUs (${M.cpu}), ${M.memGb.toFixed(1)} GB RAM; Node ${M.node}; DuckDB node-api ${M.duckdb}; disk ${M.disk}`);
  lines.push(`- **Code:** ${M.commit}; load average at start ${results.loadavgStart}${results.loadavgEnd ? `, at end ${results.loadavgEnd}` : ''}`);
  lines.push('');
  section(
    '## Load (ETL CLI vs plain DuckDB)',
    'Plain = `CREATE TABLE t AS SELECT * FROM read_csv(file)` for the 7 files in a fresh DuckDB file (from Node, same run; measured before the ETL load and after the reload, the faster one counts). ETL = `node etl/dist/cli.js load --db fresh.duckdb DIR` (process wall time). Reload = the same files again into the loaded file (must change nothing; the loader recognises files byte for byte those of the last committed load and does not read them again, README "The CLI"). Files were read once before, so both start from a warm page cache.',
    LOAD_HEAD,
    loadRows(results),
  );
  section(
    '### Nightly increments',
    "After the reload, on a copy of the loaded file, one after the other: `node etl/dist/cli.js load --db copy.duckdb DIR` (process wall time) with the files of `bench/increments.mjs`: copies of the latest 1% of refunds (and their surveys), then of the latest 1% of orders, with new ids, moved forward past the loaded data. The new orders are existing customers' orders, so earlier refunds' repurchase facts change. *of the full load* = increment / ETL load above. *rollups*: how the load brought the rollups up to date (incremental = only the changed groups).",
    INCREMENT_HEAD,
    incrementRows(results),
  );
  for (const R of results.sizes) {
    if (!R.queries?.length) continue;
    section(
      `## Queries, ${R.n.toLocaleString('en')} refunds (result cache off)`,
      `Typical filter: \`${JSON.stringify(R.ctx.typicalFilter)}\`; policyImpact: changes ${R.ctx.scopedChange} and ${R.ctx.otherChange}, 90 days. ms; API = POST /graphql on loopback, ${opts.runs} runs after 2 warm-ups. ` +
        '*srv SQL* = the server-logged SQL time of one request (sum over its statements). *own SQL* = the statements of the REFUNDS_SQL_LOG of one request replayed concurrently on a read-only copy from Node (p50). ' +
        '*straightforward* = SQL written from metrics.md over the raw tables (refunds, orders, surveys, agents, fx_rates; never refund_facts), same copy, p50 (fewer runs when slow). API/own = overhead; speedup = straightforward / API. *result check*: the straightforward answer compared with the API answer (counts exact, amounts and rates to 1e-6).',
      QUERY_HEAD,
      queryRows(R),
    );
  }
  section(
    '## Mixed concurrent load (result cache on)',
    'autocannon from the bench process (same 2-CPU machine) on loopback, POST /graphql with bodies drawn (seeded, skewed: u^2) from a pool of 400 covering every operation with varied filters (all / a quarter / a month / a year, channel subsets, product lines), so popular views repeat as on a shared dashboard. ' +
      'Errors = socket errors / timeouts / non-2xx / answers with GraphQL `errors`. *SQL run* = statements the server actually ran (the rest came from its result cache). Peak RSS: /proc/PID/status polled every 200 ms (VmHWM = lifetime peak). ' +
      "Event-loop stalls: `bench/eld-probe.cjs` preloaded into the server with `node --require` (no server change): a 20 ms timer's worst lateness, and perf_hooks.monitorEventLoopDelay p99, reset just before the load.",
    LOADTEST_HEAD,
    loadTestRows(results),
  );
  section(
    '## Pages in Chromium (server result cache off)',
    'playwright-core + /usr/bin/chromium headless; signed in with the session cookie (`POST /api/session` with the token). Time from navigation (or, for *in-app*, `history.pushState` + `popstate`) until no request has been in flight for 300 ms, `.recharts-surface` is drawn and no `[data-loading]`, `.skeleton` or `[aria-busy=true]` element is left (the quiet period itself is not counted).',
    BROWSER_HEAD,
    browserRows(results),
  );
  lines.push('## Targets', '');
  lines.push(mdTable(['refunds', 'target', 'measured', ''], targets(results)), '');
  const notes = results.sizes.flatMap((R) => R.notes.map((x) => `${R.n.toLocaleString('en')}: ${x}`));
  if (results.notes.length || notes.length) {
    lines.push('## Notes', '');
    for (const x of [...results.notes, ...notes]) lines.push(`- ${x}`);
    lines.push('');
  }
  if (results.analysis) lines.push(results.analysis, '');
  writeFileSync(opts.out, lines.join('\n'));
  mkdirSync(DATA, { recursive: true });
  const raw = opts.out === join(BENCH, 'RESULTS.md') ? join(DATA, 'last-results.json') : `${opts.out}.json`;
  writeFileSync(raw, JSON.stringify({ ...results, sizes: results.sizes.map((R) => ({ ...R })) }, null, 1));
}

/**
 * Keeps what follows the generated tables of an earlier RESULTS.md across runs: from the hand-written
 * analysis on, with the sessions' hand-written sections and the soak (bench/soak.mjs), ClickHouse
 * (bench/clickhouse.mjs) and scale (bench/scale.mjs) sections in their places; without an analysis,
 * the marked sections alone.
 */
function keptAnalysis() {
  if (!existsSync(opts.out)) return null;
  const md = readFileSync(opts.out, 'utf8');
  const from = md.indexOf('<!-- analysis -->');
  if (from >= 0) return md.slice(from).trimEnd();
  const keep = [
    /<!-- analysis -->[\s\S]*?<!-- \/analysis -->/,
    /<!-- soak -->[\s\S]*?<!-- \/soak -->/,
    /<!-- clickhouse -->[\s\S]*?<!-- \/clickhouse -->/,
    /<!-- scale -->[\s\S]*?<!-- \/scale -->/,
  ]
    .map((re) => re.exec(md)?.[0])
    .filter(Boolean);
  return keep.length ? keep.join('\n\n') : null;
}

function printTables(results) {
  log('\n' + textTable(LOAD_HEAD, loadRows(results)));
  if (incrementRows(results).length) log('\nincrements:\n' + textTable(INCREMENT_HEAD, incrementRows(results)));
  for (const R of results.sizes) if (R.queries?.length) log(`\nqueries, ${R.n.toLocaleString('en')} refunds:\n` + textTable(QUERY_HEAD, queryRows(R)));
  const lt = loadTestRows(results);
  if (lt.length) log('\nmixed load:\n' + textTable(LOADTEST_HEAD, lt));
  const br = browserRows(results);
  if (br.length) log('\npages:\n' + textTable(BROWSER_HEAD, br));
  log(
    '\ntargets:\n' +
      textTable(
        ['refunds', 'target', 'measured', ''],
        targets(results).map((r) => [r[0], r[1], r[2].length > 110 ? `${r[2].slice(0, 107)}...` : r[2], r[3]]),
      ),
  );
}

// -------------------------------------------------------------------------------------------- main
async function main() {
  for (const f of ['etl/dist/cli.js', 'server/dist/main.js']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
  const results = {
    startedAt: startedAt.toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machine(),
    loadavgStart: loadavg(),
    sizes: [],
    notes: [],
    analysis: keptAnalysis(),
  };
  if (!existsSync(join(ROOT, 'client', 'dist', 'index.html'))) results.notes.push('client/dist is not built: the page timings will fail.');
  log(`bench: sizes ${opts.sizes.join(', ')}; ${results.machine.nproc} CPUs, ${results.machine.memGb.toFixed(1)} GB; load avg ${results.loadavgStart}`);
  const others = otherHeavyProcesses();
  if (others.length) {
    results.notes.push(`Other busy processes at start (CPU%): ${others.join('; ')}. This machine is shared: figures can be noisy.`);
    log(`  note: other busy processes: ${others.join('; ')}`);
  }
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    results.notes.push('Run interrupted (signal): figures are partial.');
    results.wallMs = performance.now() - t00;
    writeReport(results, false);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const n of opts.sizes) {
    try {
      await benchSize(n, results);
    } catch (e) {
      const R = results.sizes.find((x) => x.n === n) ?? { n, notes: [] };
      if (!results.sizes.includes(R)) results.sizes.push(R);
      R.notes.push(`aborted: ${e.message.split('\n')[0]}`);
      log(`  ${n}: aborted: ${e.stack}`);
    }
    results.wallMs = performance.now() - t00;
    writeReport(results, false);
  }
  results.wallMs = performance.now() - t00;
  results.loadavgEnd = loadavg();
  if (!interrupted) writeReport(results, true);
  printTables(results);
  log(`\nwrote ${opts.out} (${(results.wallMs / 60000).toFixed(1)} min)`);
  if (!opts.keep) for (const R of results.sizes) rmSync(join(DATA, `work-${R.n}`), { recursive: true, force: true });
}

/** Other processes using CPU right now (the machine is shared with other engineers' builds and tests). */
function otherHeavyProcesses() {
  try {
    const out = execFileSync('ps', ['-eo', 'pid,pcpu,etimes,args', '--sort=-pcpu', '--no-headers'], { encoding: 'utf8' });
    return out
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((c) => c.length >= 4 && Number(c[0]) !== process.pid && Number(c[0]) !== process.ppid && Number(c[1]) >= 20 && !c.join(' ').includes('bench'))
      .slice(0, 5)
      .map((c) => `${c.slice(3).join(' ').slice(0, 60)} (${c[1]}%)`);
  } catch {
    return [];
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
