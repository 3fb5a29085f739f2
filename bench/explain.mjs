#!/usr/bin/env node
// Profiles the slowest distinct statements of a REFUNDS_SQL_LOG (or one SQL file) on a DuckDB file:
// runs each with DuckDB's JSON profiler and prints the operators by time (EXPLAIN ANALYZE, condensed).
// Usage: node bench/explain.mjs DB (--log SQL_LOG [--top 8] [--match TEXT] | --sql FILE.sql) [--tree]
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, listValue } from '@duckdb/node-api';

const args = process.argv.slice(2);
const flag = (k) => (args.includes(k) ? args[args.indexOf(k) + 1] : undefined);
const db = args[0];
if (!db || (!flag('--log') && !flag('--sql'))) {
  console.error('usage: node bench/explain.mjs DB (--log SQL_LOG [--top 8] [--match TEXT] | --sql FILE.sql) [--tree]');
  process.exit(2);
}
const top = Number(flag('--top') ?? 8);
const match = flag('--match');

let stmts;
if (flag('--sql')) stmts = [{ sql: readFileSync(flag('--sql'), 'utf8'), values: [], ms: [] }];
else {
  const by = new Map();
  for (const line of readFileSync(flag('--log'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const l = JSON.parse(line);
    if (match && !l.sql.includes(match)) continue;
    const k = l.sql + JSON.stringify(l.values);
    const e = by.get(k) ?? { sql: l.sql, values: l.values, ms: [] };
    e.ms.push(l.ms);
    by.set(k, e);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  stmts = [...by.values()].sort((a, b) => med(b.ms) - med(a.ms)).slice(0, top);
  for (const s of stmts) s.logged = med(s.ms);
}

const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
const conn = await inst.connect();
await conn.run(`SET TimeZone = 'UTC'`);
const out = join(tmpdir(), `refunds-profile-${process.pid}.json`);

function walk(node, depth, acc) {
  const name = node.operator_name ?? node.operator_type ?? node.name ?? '?';
  const t = node.operator_timing ?? node.timing ?? 0;
  const rows = node.operator_cardinality ?? node.cardinality ?? null;
  const extra = node.extra_info ? JSON.stringify(node.extra_info).slice(0, 140) : '';
  if (name !== 'Query' && name !== '?') acc.push({ depth, name: String(name).trim(), ms: t * 1000, rows, extra });
  for (const c of node.children ?? []) walk(c, depth + 1, acc);
  return acc;
}

for (const s of stmts) {
  const values = (s.values ?? []).map((v) => (Array.isArray(v) ? listValue(v) : v));
  const text = s.sql.replace(/\s+/g, ' ').trim();
  // warm, then profile
  await conn.runAndReadAll(s.sql, values.length ? values : undefined);
  const t0 = performance.now();
  await conn.runAndReadAll(s.sql, values.length ? values : undefined);
  const plain = performance.now() - t0;
  await conn.run(`SET enable_profiling = 'json'`);
  await conn.run(`SET profiling_output = '${out}'`);
  await conn.runAndReadAll(s.sql, values.length ? values : undefined);
  await conn.run(`SET enable_profiling = 'no_output'`);
  await conn.run(`RESET enable_profiling`);
  const prof = JSON.parse(readFileSync(out, 'utf8'));
  const ops = walk(prof, 0, []);
  const total = prof.latency ?? prof.timing ?? null;
  console.log(
    `\n=== ${s.logged !== undefined ? `logged p50 ${s.logged.toFixed(0)} ms, ` : ''}now ${plain.toFixed(0)} ms${total ? `, profiled ${(total * 1000).toFixed(0)} ms` : ''}`,
  );
  console.log(`    ${text.slice(0, 300)}${text.length > 300 ? ' ...' : ''}  ${JSON.stringify(s.values ?? []).slice(0, 80)}`);
  const list = args.includes('--tree') ? ops : [...ops].sort((a, b) => b.ms - a.ms).slice(0, 8);
  for (const o of list)
    console.log(
      `    ${o.ms.toFixed(1).padStart(8)} ms  ${'  '.repeat(args.includes('--tree') ? o.depth : 0)}${o.name.padEnd(22)} rows ${String(o.rows ?? '').padStart(9)}  ${o.extra}`,
    );
}
rmSync(out, { force: true });
conn.closeSync();
inst.closeSync();
