#!/usr/bin/env node
// npm run soak [-- --minutes 10] [--base 200000] [--increment 2000] [--connections 8]
// A long mixed GraphQL load on a running server while, every minute, the ETL CLI loads a small
// generated file set into the same database (handed over to the server: REFUNDS_ADMIN_TOKEN).
// Requires 0 errors; after each load, overview.refunds must equal count(*) of the distinct refund ids
// loaded so far, computed directly in DuckDB (a shadow in-memory database fed the same files).
// Reports RSS at start, end and peak, and writes a "Soak" section into bench/RESULTS.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { ADMIN_TOKEN, memoryOf, pollMemory, startServer } from './server.mjs';
import { OPERATIONS, mixedBodies } from './queries.mjs';
import { fmtDur, mdTable, percentile, textTable } from './stats.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');

const argv = process.argv.slice(2);
const num = (k, d) => (argv.includes(k) ? Number(argv[argv.indexOf(k) + 1]) : d);
const minutes = num('--minutes', 10);
const baseN = num('--base', 200_000);
const incN = num('--increment', 2_000);
const connections = num('--connections', 8);
const intervalMs = num('--interval-s', 60) * 1000;
const log = (...a) => console.log(...a);

function run(args, env = {}) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => res({ code, out, err, ms: performance.now() - t0 }));
  });
}

async function generate(dir, n, seed) {
  if (existsSync(join(dir, '.generated'))) return;
  rmSync(dir, { recursive: true, force: true });
  const r = await run(['etl/dist/cli.js', 'generate', '--out', dir, '--refunds', String(n), '--seed', String(seed)]);
  if (r.code !== 0) throw new Error(`generate failed: ${r.err}`);
  writeFileSync(join(dir, '.generated'), r.out);
}

/**
 * A small increment: refunds, orders and surveys of a generated set with every id prefixed, so the
 * rows are new (customer ids are kept: the increment adds orders and refunds to existing customers,
 * which exercises the incremental recompute of repurchase facts).
 */
async function makeIncrement(conn, src, out, tag) {
  mkdirSync(out, { recursive: true });
  const f = (t) => `'${join(src, `${t}.csv`)}'`;
  const o = (t) => `'${join(out, `${t}.csv`)}'`;
  const p = `'${tag}_'`;
  await conn.run(
    `COPY (SELECT * REPLACE (${p} || refund_id AS refund_id, ${p} || order_id AS order_id) FROM read_csv(${f('refunds')}, all_varchar = true)) TO ${o('refunds')} (HEADER)`,
  );
  await conn.run(`COPY (SELECT * REPLACE (${p} || order_id AS order_id) FROM read_csv(${f('orders')}, all_varchar = true)) TO ${o('orders')} (HEADER)`);
  await conn.run(
    `COPY (SELECT * REPLACE (${p} || survey_id AS survey_id, CASE WHEN refund_id IS NULL THEN NULL ELSE ${p} || refund_id END AS refund_id) FROM read_csv(${f('surveys')}, all_varchar = true)) TO ${o('surveys')} (HEADER)`,
  );
}

async function main() {
  for (const f of ['etl/dist/cli.js', 'server/dist/main.js']) if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run npm run build first`);
  const work = join(DATA, 'soak-work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const baseDir = join(DATA, String(baseN));
  log(
    `soak: ${minutes} min, base ${baseN.toLocaleString('en')} refunds, a load of ${incN.toLocaleString('en')} new refunds every ${intervalMs / 1000} s, ${connections} connections`,
  );
  await generate(baseDir, baseN, 1);
  const incSrc = join(DATA, `soak-inc-${incN}`);
  await generate(incSrc, incN, 2);

  // shadow: an independent DuckDB computation of the refund count
  const shadow = await DuckDBInstance.create(':memory:');
  const sc = await shadow.connect();
  await sc.run(`CREATE TABLE ids AS SELECT DISTINCT refund_id FROM read_csv('${join(baseDir, 'refunds.csv')}', all_varchar = true)`);
  const shadowCount = async () => Number((await sc.runAndReadAll(`SELECT count(*) FROM ids`)).getRows()[0][0]);

  const db = join(work, 'soak.duckdb');
  const base = await run(['etl/dist/cli.js', 'load', '--db', db, baseDir]);
  if (base.code !== 0) throw new Error(`base load failed: ${base.err}`);
  log(`  base load ${fmtDur(base.ms)}`);

  const probe = join(work, 'eld.json');
  const server = await startServer(ROOT, { REFUNDS_DB: db }, { probe });
  const require = createRequire(join(ROOT, 'package.json'));
  const autocannon = require('autocannon');
  const rows = [];
  let failures = 0;
  let memStart;
  let memEnd;
  let result;
  let m;
  try {
    const ctxConn = sc;
    const q = async (sql) => (await ctxConn.runAndReadAll(sql)).getRowObjectsJS();
    await sc.run(`CREATE TABLE r AS SELECT channel, product_line, requested_at FROM read_csv('${join(baseDir, 'refunds.csv')}')`);
    const channels = (await q(`SELECT channel FROM r GROUP BY 1 ORDER BY count(*) DESC`)).map((x) => x.channel);
    const productLines = (await q(`SELECT product_line FROM r WHERE product_line IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC`)).map((x) => x.product_line);
    const changeIds = (await q(`SELECT change_id FROM read_csv('${join(baseDir, 'policy_changes.csv')}')`)).map((x) => x.change_id);
    const quarters = [];
    const months = [];
    for (const y of [2024, 2025])
      for (let mo = 1; mo <= 12; mo++)
        months.push({ from: `${y}-${String(mo).padStart(2, '0')}-01`, to: mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01` });
    for (let i = 0; i < months.length; i += 3) quarters.push({ from: months[i].from, to: months[i + 2].to });
    const ctx = {
      channels,
      productLines,
      changeIds,
      quarters,
      months,
      years: [
        { from: '2024-01-01', to: '2025-01-01' },
        { from: '2025-01-01', to: '2026-01-01' },
      ],
      missing: new Set(),
    };
    const { pool, sequence } = mixedBodies(ctx, { count: 200_000 });
    // warm-up: every operation once
    for (const b of pool.slice(0, OPERATIONS.length))
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: b.body,
      });
    memStart = memoryOf(server.pid);
    writeFileSync(`${probe}.reset`, '');
    log(`  server pid ${server.pid}, RSS at start ${memStart.rssMb.toFixed(0)} MB`);
    const mem = pollMemory(server.pid, 500);

    let i = 0;
    let gqlErrors = 0;
    const samples = [];
    const perMinute = { requests: 0, errors: 0 };
    const load = new Promise((res, rej) => {
      const inst = autocannon(
        {
          url: `${server.url}/graphql`,
          connections,
          duration: minutes * 60,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
          requests: [
            {
              setupRequest: (req) => ({ ...req, body: sequence[i++ % sequence.length].body }),
              onResponse: (status, body) => {
                perMinute.requests++;
                if (status !== 200 || (body && body.includes('"errors"'))) {
                  gqlErrors++;
                  perMinute.errors++;
                  if (samples.length < 3) samples.push(`${status} ${String(body).slice(0, 300)}`);
                }
              },
            },
          ],
        },
        (err, r) => (err ? rej(err) : res(r)),
      );
      inst.on('error', rej);
    });

    const t0 = performance.now();
    const loads = (async () => {
      for (let k = 1; performance.now() - t0 + intervalMs <= minutes * 60_000 + 1000; k++) {
        const due = t0 + k * intervalMs - intervalMs / 2;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
        const inc = join(work, `inc-${k}`);
        await makeIncrement(sc, incSrc, inc, `K${k}`);
        const r = await run(['etl/dist/cli.js', 'load', '--db', db, inc], { REFUNDS_ADMIN_TOKEN: ADMIN_TOKEN });
        await sc.run(
          `INSERT INTO ids SELECT DISTINCT refund_id FROM read_csv('${join(inc, 'refunds.csv')}', all_varchar = true) EXCEPT SELECT refund_id FROM ids`,
        );
        const expected = await shadowCount();
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
          body: JSON.stringify({ query: '{ overview { refunds } }' }),
        }).then((x) => x.json());
        const got = res?.data?.overview?.refunds ?? null;
        const handedOver = /committed/.test(r.out) && existsSync(`${db}.server.json`);
        const ok = r.code === 0 && got === expected;
        if (!ok) failures++;
        const mm = memoryOf(server.pid);
        const row = {
          minute: k,
          loadMs: r.ms,
          exit: r.code,
          summary: (r.out.split('\n')[0] || r.err.split('\n')[0] || '').slice(0, 90),
          expected,
          got,
          ok,
          requests: perMinute.requests,
          errors: perMinute.errors,
          rssMb: mm?.rssMb ?? null,
          handedOver,
        };
        perMinute.requests = 0;
        perMinute.errors = 0;
        rows.push(row);
        log(
          `  [${k}] load ${fmtDur(r.ms)} exit ${r.code}: ${row.summary} | overview.refunds ${got} vs count(*) ${expected} ${ok ? 'ok' : 'MISMATCH'} | ${row.requests} requests, ${row.errors} errors | RSS ${row.rssMb?.toFixed(0)} MB`,
        );
        if (r.code !== 0) log(`      ${r.err.trim().slice(0, 300)}`);
      }
    })();
    [result] = await Promise.all([load, loads]);
    m = mem.stop();
    memEnd = memoryOf(server.pid);
    let eld = null;
    try {
      eld = JSON.parse(readFileSync(probe, 'utf8'));
    } catch {
      /* no probe output */
    }
    const errors = result.errors + result.timeouts + result.non2xx + gqlErrors;
    const summary = {
      minutes,
      requests: result.requests.total,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      errors,
      loads: rows.length,
      loadFailures: failures,
      rssStartMb: memStart.rssMb,
      rssEndMb: memEnd?.rssMb ?? null,
      rssPeakMb: m.maxRssMb,
      loadMsP50: percentile(
        rows.map((r) => r.loadMs),
        50,
      ),
      eld,
    };
    log(
      `\nsoak: ${summary.requests} requests (${summary.rps.toFixed(1)}/s), latency p50 ${summary.p50} ms p99 ${summary.p99} ms max ${summary.max} ms; errors ${errors} (socket ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, GraphQL ${gqlErrors}); ` +
        `${rows.length} loads, ${failures} failed or mismatched; RSS start ${summary.rssStartMb.toFixed(0)} MB, end ${summary.rssEndMb?.toFixed(0)} MB, peak ${summary.rssPeakMb.toFixed(0)} MB` +
        (eld ? `; event loop: max stall ${eld.maxTimerLateMs.toFixed(0)} ms, ${eld.stallsOver100} stalls > 100 ms` : ''),
    );
    if (samples.length) log(`  error samples:\n  ${samples.join('\n  ')}`);
    log(
      '\n' +
        textTable(
          ['min', 'load ms', 'exit', 'overview.refunds', 'count(*)', 'check', 'requests', 'errors', 'RSS MB'],
          rows.map((r) => [r.minute, r.loadMs.toFixed(0), r.exit, r.got, r.expected, r.ok ? 'ok' : 'MISMATCH', r.requests, r.errors, r.rssMb?.toFixed(0)]),
        ),
    );
    writeSection(summary, rows);
    if (errors > 0 || failures > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    sc.closeSync();
    shadow.closeSync();
    rmSync(work, { recursive: true, force: true });
  }
}

function writeSection(s, rows) {
  const text = [
    '<!-- soak -->',
    '## Soak (`npm run soak`)',
    '',
    `${new Date().toISOString()}: \`npm run soak -- --minutes ${minutes}\`: ${minutes} min of mixed GraphQL queries (${connections} connections, result cache on) on a ${baseN.toLocaleString('en')}-refund database while every ${intervalMs / 1000} s the CLI loads ${incN.toLocaleString('en')} new refunds (with their orders and surveys) through the server hand-over.`,
    '',
    `- requests ${s.requests} (${s.rps.toFixed(1)}/s), latency p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms`,
    `- **errors ${s.errors}**; loads ${s.loads}, failed or mismatched ${s.loadFailures} (check: overview.refunds = count(*) of distinct refund ids, computed in a separate DuckDB)`,
    `- server RSS: start ${s.rssStartMb.toFixed(0)} MB, end ${s.rssEndMb?.toFixed(0)} MB, peak ${s.rssPeakMb.toFixed(0)} MB; load time p50 ${fmtDur(s.loadMsP50)}` +
      (s.eld ? `; event loop: max stall ${s.eld.maxTimerLateMs.toFixed(0)} ms, ${s.eld.stallsOver100} stalls > 100 ms` : ''),
    '',
    mdTable(
      ['minute', 'load ms', 'exit', 'overview.refunds', 'count(*)', 'check', 'requests', 'errors', 'RSS MB'],
      rows.map((r) => [r.minute, r.loadMs.toFixed(0), r.exit, r.got, r.expected, r.ok ? 'ok' : 'MISMATCH', r.requests, r.errors, r.rssMb?.toFixed(0)]),
    ),
    '<!-- /soak -->',
  ].join('\n');
  let md = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  if (/<!-- soak -->[\s\S]*?<!-- \/soak -->/.test(md)) md = md.replace(/<!-- soak -->[\s\S]*?<!-- \/soak -->/, text);
  else md = `${md.trimEnd()}\n\n${text}\n`;
  writeFileSync(RESULTS, md);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
