#!/usr/bin/env node
// Where does an ETL load spend its time? Runs etl/dist's loadFiles in-process with the DuckDB
// connection's run/runAndReadAll wrapped to time every statement (no ETL change), then prints the
// slowest statements. Usage: node bench/profile-etl.mjs DIR [--db FILE [--increment]] [--twice] [--top 25] [--dump PREFIX]
// (--increment loads into the existing --db; --dump writes PREFIX.load.json / PREFIX.reload.json with every statement's full SQL and time)
import { createRequire } from 'node:module';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'package.json'));
const { DuckDBConnection } = require('@duckdb/node-api');
const etl = require(join(ROOT, 'etl', 'dist', 'index.js'));

const args = process.argv.slice(2);
const dir = args.find((a, i) => !a.startsWith('--') && !['--db', '--top', '--dump'].includes(args[i - 1]));
if (!dir) {
  console.error('usage: node bench/profile-etl.mjs DIR [--db FILE] [--twice] [--top 25]');
  process.exit(2);
}
const db = args.includes('--db') ? resolve(args[args.indexOf('--db') + 1]) : join(tmpdir(), `refunds-profile-${process.pid}.duckdb`);
const top = args.includes('--top') ? Number(args[args.indexOf('--top') + 1]) : 25;
const twice = args.includes('--twice');

const dump = args.includes('--dump') ? resolve(args[args.indexOf('--dump') + 1]) : null;
const stats = [];
let depth = 0; // runAndReadAll may call run: count the outer call only
for (const m of ['run', 'runAndReadAll']) {
  const orig = DuckDBConnection.prototype[m];
  DuckDBConnection.prototype[m] = async function (sql, ...rest) {
    const t0 = performance.now();
    depth++;
    try {
      return await orig.call(this, sql, ...rest);
    } finally {
      depth--;
      if (depth === 0) stats.push({ ms: performance.now() - t0, sql: String(sql).replace(/\s+/g, ' ').trim(), full: String(sql), values: rest[0] });
    }
  };
}

async function once(label) {
  stats.length = 0;
  const t0 = performance.now();
  const inst = await etl.openDatabase(db);
  const conn = await etl.connect(inst);
  const s = await etl.loadFiles(conn, [resolve(dir)]);
  const tLoad = performance.now() - t0;
  conn.closeSync();
  const t1 = performance.now();
  inst.closeSync();
  const tClose = performance.now() - t1;
  const total = stats.reduce((a, x) => a + x.ms, 0);
  console.log(
    `\n== ${label}: loadFiles ${tLoad.toFixed(0)} ms (SQL ${total.toFixed(0)} ms in ${stats.length} statements), close/checkpoint ${tClose.toFixed(0)} ms; loaded ${s.tables.reduce((a, t) => a + t.loaded, 0)}`,
  );
  const sorted = [...stats].sort((a, b) => b.ms - a.ms).slice(0, top);
  for (const x of sorted) console.log(`${x.ms.toFixed(0).padStart(7)} ms  ${x.sql.slice(0, 220)}`);
  if (dump)
    writeFileSync(
      `${dump}.${label}.json`,
      JSON.stringify(
        stats.map((x) => ({ ms: x.ms, sql: x.full })),
        null,
        1,
      ),
    );
}

// --increment: load DIR into the existing --db (a nightly increment) instead of a fresh file.
if (!args.includes('--increment')) {
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
}
await once('load');
if (twice) await once('reload');
if (!args.includes('--db')) rmSync(db, { force: true });
