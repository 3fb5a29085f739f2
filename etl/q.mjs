import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
const db = await DuckDBInstance.create(process.argv[2], { access_mode: 'READ_ONLY' });
const c = await db.connect();
for (let q of process.argv.slice(3)) {
  if (q.startsWith('@')) q = readFileSync(q.slice(1), 'utf8');
  if (q.startsWith('EXPLAIN')) { const r = await c.runAndReadAll(q); console.log(r.getRowObjectsJson().map((x) => x.explain_value).join('\n')); continue; }
  const ts = [];
  for (let i = 0; i < 7; i++) { const t = performance.now(); await c.runAndReadAll(q); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log('p50', ts[3].toFixed(1), 'ms', q.replace(/\s+/g, ' ').slice(0, 100));
}
