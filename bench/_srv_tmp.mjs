import { startServer } from './server.mjs';
import { OPERATIONS, variants } from './queries.mjs';
import { rmSync, readFileSync } from 'node:fs';
rmSync('/tmp/sql.log', { force: true });
const s = await startServer('/work/main', { REFUNDS_DB: '/tmp/b1s.duckdb', REFUNDS_CACHE: 'off', REFUNDS_SQL_LOG: '/tmp/sql.log' }, { probe: '/tmp/eld.json' });
console.log(s.url);
const ctx = { typicalFilter: { from: '2025-04-01', to: '2025-07-01', channels: ['app', 'web'] }, scopedChange: 'PC1', otherChange: 'PC3' };
for (const op of OPERATIONS) for (const v of variants(op, ctx)) {
  const t0 = performance.now(); const r = await s.gql(op.query, v.variables); const t1 = performance.now(); const r2 = await s.gql(op.query, v.variables);
  console.log(op.name, v.label, (t1-t0).toFixed(0), (performance.now()-t1).toFixed(0), r.status, JSON.stringify(r.body).slice(0, 200));
}
console.log(readFileSync('/tmp/eld.json','utf8'));
await s.stop();
const lines = readFileSync('/tmp/sql.log','utf8').trim().split('\n');
console.log(lines.length); console.log(lines.slice(0,3).join('\n').slice(0,3000));
