#!/usr/bin/env node
// npm run bench:scale [-- --refunds 100000000] [--memory-limit 18GB] [--stop-after-min 60] [--keep] [--out RESULTS.md]
//
// The large-scale run of issue 16: N refunds (4N orders) generated, the three large tables turned into
// Parquet (the CSV of 100M refunds is about 45 GB; the CSV of each table is deleted once its Parquet
// file is written, so the disk holds one at a time), loaded by the ETL CLI into a new DuckDB file under
// a memory limit, then every contract query answered once through the built API. Records the load time
// and its phases, the load's peak memory (VmHWM of the process), the file size and the answers' times
// in the `<!-- scale -->` section of bench/RESULTS.md. A load stopped by --stop-after-min (or failing)
// is recorded with how far it got: the phases it finished, and when.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totalmem } from 'node:os';
import { DuckDBInstance } from '@duckdb/node-api';
import { memoryOf, startServer } from './server.mjs';
import { OPERATIONS, variants } from './queries.mjs';
import { fmtDur, fmtMs, mdTable, p50, timeRuns } from './stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
const LARGE = ['orders', 'refunds', 'surveys'];

const args = process.argv.slice(2);
const arg = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? def : args[i + 1];
};
const N = Number(arg('refunds', 100_000_000));
const MEMORY_LIMIT = arg('memory-limit', '18GB');
const STOP_AFTER_MIN = arg('stop-after-min', null) === null ? null : Number(arg('stop-after-min'));
const KEEP = args.includes('--keep');
const RESULTS = resolve(arg('out', join(ROOT, 'bench', 'RESULTS.md')));
const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const gb = (bytes) => `${(bytes / 1e9).toFixed(2)} GB`;
const freeBytes = () => {
  const s = statfsSync(DATA);
  return s.bavail * s.bsize;
};
const dirBytes = (dir) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).reduce((a, e) => a + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0)
    : 0;

/** Runs a command, prefixing each stderr line with the seconds since it started; polls the process's memory. */
function run(cmd, argv, { env = {}, stopAfterMs = null, onLine = () => {} } = {}) {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = { rssMb: 0, hwmMb: 0 };
    let stopped = false;
    const poll = setInterval(() => {
      const m = memoryOf(child.pid);
      if (m) peak = { rssMb: Math.max(peak.rssMb, m.rssMb), hwmMb: Math.max(peak.hwmMb, m.hwmMb) };
    }, 1000);
    const timer =
      stopAfterMs === null
        ? null
        : setTimeout(() => {
            stopped = true;
            child.kill('SIGTERM');
          }, stopAfterMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      for (const line of String(d).split('\n').filter(Boolean)) onLine(line, performance.now() - t0);
    });
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      res({ code, signal, stopped, ms: performance.now() - t0, stdout, stderr, peak });
    });
  });
}

/** bench/data/<N>-parquet: the generated tables, the large ones as Parquet of text columns (the load checks them as it checks CSV). */
async function prepared() {
  const dir = join(DATA, `${N}-parquet`);
  const marker = join(dir, '.ready.json');
  if (existsSync(marker)) return { dir, ...JSON.parse(readFileSync(marker, 'utf8')), reused: true };
  const csvDir = join(DATA, String(N));
  const need = N * 460; // bytes of CSV per refund, measured at 10M (4,525 MB)
  let generateMs = null;
  // Files generated here are deleted as they are converted (the disk holds one copy); an existing folder is left as it was.
  const generatedHere = !existsSync(join(csvDir, '.generated'));
  if (generatedHere) {
    if (freeBytes() < need) throw new Error(`the CSV of ${N} refunds needs about ${gb(need)}; ${gb(freeBytes())} free`);
    log(`generating ${N.toLocaleString('en')} refunds into ${csvDir}`);
    const g = await run(process.execPath, ['etl/dist/cli.js', 'generate', '--out', csvDir, '--refunds', String(N), '--seed', '1']);
    if (g.code !== 0) throw new Error(`generate failed:\n${g.stderr.slice(-2000)}`);
    writeFileSync(join(csvDir, '.generated'), g.stdout);
    generateMs = g.ms;
    log(`generated in ${fmtDur(g.ms)}: ${g.stdout.trim()}`);
  }
  mkdirSync(dir, { recursive: true });
  const csvBytes = readdirSync(csvDir)
    .filter((f) => f.endsWith('.csv'))
    .reduce((a, f) => a + statSync(join(csvDir, f)).size, 0);
  const db = await DuckDBInstance.create(':memory:', { preserve_insertion_order: 'false', memory_limit: MEMORY_LIMIT });
  const conn = await db.connect();
  const t0 = performance.now();
  for (const f of readdirSync(csvDir).filter((x) => x.endsWith('.csv'))) {
    const table = f.slice(0, -4);
    const from = join(csvDir, f);
    if (!LARGE.includes(table)) {
      copyFileSync(from, join(dir, f));
      continue;
    }
    const to = join(dir, `${table}.parquet`);
    const t1 = performance.now();
    await conn.run(
      `COPY (SELECT * FROM read_csv('${from}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')) TO '${to}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    log(`${table}: ${gb(statSync(from).size)} CSV -> ${gb(statSync(to).size)} Parquet in ${fmtDur(performance.now() - t1)}`);
    if (generatedHere) rmSync(from);
  }
  conn.closeSync();
  db.closeSync();
  if (generatedHere) rmSync(csvDir, { recursive: true, force: true });
  const info = { generateMs, convertMs: performance.now() - t0, csvBytes, parquetBytes: dirBytes(dir) };
  writeFileSync(marker, JSON.stringify(info));
  return { dir, ...info, reused: false };
}

const ctx = { typicalFilter: { from: '2025-04-01', to: '2025-07-01', channels: ['app', 'web'] }, scopedChange: 'PC1', otherChange: 'PC3' };

async function queries(dbFile) {
  const work = dirname(dbFile);
  const server = await startServer(
    ROOT,
    {
      REFUNDS_DB: dbFile,
      REFUNDS_CACHE: 'off',
      REFUNDS_APP_DB: join(work, 'app.sqlite'),
      REFUNDS_IMPORT_DIR: join(work, 'imports'),
      REFUNDS_BACKUP_DIR: join(work, 'backups'),
    },
    { timeoutMs: 900_000 },
  );
  const rows = [];
  try {
    for (const op of OPERATIONS) {
      for (const v of variants(op, ctx)) {
        const row = { op: op.name, variant: v.label };
        rows.push(row);
        try {
          const first = performance.now();
          const r = await server.gql(op.query, v.variables);
          row.firstMs = performance.now() - first;
          if (r.body.errors?.length) throw new Error(r.body.errors[0].message);
          const t = await timeRuns(() => server.gql(op.query, v.variables), { warmup: 0, runs: 3 });
          row.p50 = p50(t.times);
          row.max = Math.max(...t.times);
        } catch (e) {
          row.error = String(e.message ?? e).slice(0, 200);
        }
        log(`  ${op.name} ${v.label}: first ${fmtMs(row.firstMs)} ms, p50 ${fmtMs(row.p50)} ms${row.error ? ` ERROR ${row.error}` : ''}`);
      }
    }
    return { rows, serverPeak: memoryOf(server.pid) };
  } finally {
    await server.stop();
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'etl/dist/cli.js')) || !existsSync(join(ROOT, 'server/dist/main.js'))) throw new Error('run npm run build first');
  const R = {
    startedAt: new Date().toISOString(),
    command: `npm run bench:scale${args.length ? ` -- ${args.join(' ')}` : ''}`,
    n: N,
    memoryLimit: MEMORY_LIMIT,
  };
  R.ramBytes = totalmem();
  R.data = await prepared();
  const work = join(DATA, `scale-${N}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const dbFile = join(work, 'w.duckdb');
  R.freeBeforeLoad = freeBytes();
  log(`loading into ${dbFile} (memory limit ${MEMORY_LIMIT}; ${gb(R.freeBeforeLoad)} free)`);
  R.phases = [];
  let spillMax = 0;
  const spill = setInterval(() => (spillMax = Math.max(spillMax, dirBytes(`${dbFile}.tmp`))), 10_000);
  const load = await run(process.execPath, ['etl/dist/cli.js', 'load', '--db', dbFile, '--memory-limit', MEMORY_LIMIT, R.data.dir], {
    env: { REFUNDS_DEBUG_PHASES: '1' },
    stopAfterMs: STOP_AFTER_MIN === null ? null : STOP_AFTER_MIN * 60_000,
    onLine: (line, ms) => {
      const m = /^phase (\S+) (\S+)$/.exec(line);
      if (!m) return;
      R.phases.push({ table: m[1], phase: m[2], atMs: ms });
      log(`  ${fmtDur(ms)}: ${m[1]} ${m[2]}`);
    },
  });
  clearInterval(spill);
  R.load = {
    ms: load.ms,
    code: load.code,
    signal: load.signal,
    stopped: load.stopped,
    peakRssMb: load.peak.rssMb,
    peakHwmMb: load.peak.hwmMb,
    spillMaxBytes: spillMax,
  };
  R.load.fileBytes = existsSync(dbFile) ? statSync(dbFile).size : 0;
  R.load.ok = load.code === 0;
  if (!R.load.ok) R.load.error = load.stopped ? `stopped after ${STOP_AFTER_MIN} min` : load.stderr.split('\n').filter(Boolean).slice(-3).join(' / ');
  log(`load ${R.load.ok ? 'finished' : 'did not finish'} after ${fmtDur(load.ms)}; peak ${load.peak.hwmMb.toFixed(0)} MB; file ${gb(R.load.fileBytes)}`);
  if (R.load.ok) R.queries = await queries(dbFile);
  writeSection(R);
  writeFileSync(join(DATA, `scale-${N}.json`), JSON.stringify(R, null, 1));
  if (!KEEP) rmSync(work, { recursive: true, force: true });
}

function writeSection(R) {
  const lines = ['<!-- scale -->', `## ${R.n.toLocaleString('en')} refunds on one machine (\`npm run bench:scale\`)`, ''];
  lines.push(
    `- **Date:** ${R.startedAt}; **command:** \`${R.command}\`; ${(R.ramBytes / 2 ** 30).toFixed(0)} GiB of RAM, DuckDB memory limit ${R.memoryLimit}.`,
    `- **Input:** ${R.n.toLocaleString('en')} refunds, ${(4 * R.n).toLocaleString('en')} orders; CSV ${gb(R.data.csvBytes)}, loaded as Parquet of text columns: ${gb(R.data.parquetBytes)}` +
      (R.data.reused ? ' (files of an earlier run).' : `; generated in ${fmtDur(R.data.generateMs)}, turned into Parquet in ${fmtDur(R.data.convertMs)}.`),
    `- **Load:** ${R.load.ok ? `finished in ${fmtDur(R.load.ms)}` : `did not finish: ${R.load.error}, after ${fmtDur(R.load.ms)}`}; peak memory of the load process ${(R.load.peakHwmMb / 1024).toFixed(1)} GiB (VmHWM); DuckDB's spill folder at most ${gb(R.load.spillMaxBytes)}; database file ${gb(R.load.fileBytes)}.`,
    '',
    'Phases of the load (time since it started):',
    '',
    mdTable(
      ['at', 'table', 'phase'],
      R.phases.map((p) => [fmtDur(p.atMs), p.table, p.phase]),
    ),
    '',
  );
  if (R.queries) {
    lines.push(
      `Every contract query once cold, then 3 runs (result cache off); server memory after them: ${R.queries.serverPeak ? `${(R.queries.serverPeak.hwmMb / 1024).toFixed(1)} GiB (VmHWM)` : '-'}.`,
      '',
      mdTable(
        ['query', 'variant', 'first ms', 'p50 ms', 'max ms', ''],
        R.queries.rows.map((q) => [q.op, q.variant, fmtMs(q.firstMs), fmtMs(q.p50), fmtMs(q.max), q.error ? `error: ${q.error}` : '']),
      ),
      '',
    );
  }
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const kept = /<!-- scale -->[\s\S]*?<!-- \/scale -->/.exec(old);
  const reading = kept ? (/<!-- reading -->[\s\S]*?<!-- \/reading -->/.exec(kept[0])?.[0] ?? '') : '';
  lines.push(reading, '<!-- /scale -->');
  const section = lines.join('\n');
  writeFileSync(RESULTS, kept ? old.replace(kept[0], section) : `${old.trimEnd()}\n\n${section}\n`);
  log(`wrote the scale section of ${RESULTS}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
