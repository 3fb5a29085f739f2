#!/usr/bin/env node
// Captures the SQL the API runs for every benchmarked operation: starts the server on a copy of DB with
// REFUNDS_SQL_LOG, sends each variant (unfiltered, typical) once, and leaves the log for bench/explain.mjs.
// Usage: node bench/capture-sql.mjs DB OUT.log   (then: node bench/explain.mjs DB --log OUT.log)
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';
import { OPERATIONS, variants } from './queries.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [db, out] = process.argv.slice(2);
if (!db || !out) {
  console.error('usage: node bench/capture-sql.mjs DB OUT.log');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'refunds-capture-'));
const copy = join(dir, 'copy.duckdb');
copyFileSync(resolve(db), copy);
rmSync(resolve(out), { force: true });
const server = await startServer(ROOT, { REFUNDS_DB: copy, REFUNDS_CACHE: 'off', REFUNDS_SQL_LOG: resolve(out) });
try {
  const ctx = { typicalFilter: { from: '2025-04-01', to: '2025-07-01', channels: ['app', 'web'] }, scopedChange: 'PC1', otherChange: 'PC3' };
  for (const op of OPERATIONS) {
    for (const v of variants(op, ctx)) {
      const t0 = performance.now();
      const r = await server.gql(op.query, v.variables);
      console.log(
        `${op.name} ${v.label}: ${(performance.now() - t0).toFixed(0)} ms${r.body.errors ? ` ERROR ${JSON.stringify(r.body.errors[0]).slice(0, 200)}` : ''}`,
      );
    }
  }
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
