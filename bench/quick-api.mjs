// Quick API latency check on an existing database (no load, no baselines): p50/p95 per operation.
// node bench/quick-api.mjs DB [runs]   (result cache off)
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPERATIONS, variants } from './queries.mjs';
import { ADMIN_TOKEN, startServer } from './server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const db = resolve(process.argv[2]);
const runs = Number(process.argv[3] ?? 7);
const env = { REFUNDS_DB: db, REFUNDS_CACHE: 'off' };
if (process.env.REFUNDS_ROLLUPS) env.REFUNDS_ROLLUPS = process.env.REFUNDS_ROLLUPS;
const t0 = performance.now();
const server = await startServer(ROOT, env, { timeoutMs: 900_000 });
console.log(`server up in ${Math.round(performance.now() - t0)} ms`);
const ctx = { typicalFilter: { from: '2025-04-01', to: '2025-07-01', channels: ['app', 'web'] }, scopedChange: 'PC1', otherChange: 'PC3' };
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
try {
  for (const op of OPERATIONS) {
    for (const v of variants(op, ctx)) {
      const times = [];
      for (let i = 0; i < runs + 1; i++) {
        const s = performance.now();
        const res = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
          body: JSON.stringify({ query: op.query, variables: v.variables }),
        });
        const body = await res.json();
        if (body.errors) throw new Error(`${op.name}/${v.label}: ${JSON.stringify(body.errors)}`);
        if (i > 0) times.push(performance.now() - s);
      }
      console.log(
        `${op.name.padEnd(24)} ${v.label.padEnd(8)} p50 ${pct(times, 0.5).toFixed(0).padStart(6)} ms  p95 ${pct(times, 0.95).toFixed(0).padStart(6)} ms`,
      );
    }
  }
} finally {
  await server.stop();
}
