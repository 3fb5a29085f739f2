import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create('/tmp/b1.duckdb', { access_mode: 'READ_ONLY' });
const c = await inst.connect();
for (const q of [
 `SELECT min(requested_at), max(requested_at), count(*) FROM refunds`,
 `SELECT min(ordered_at), max(ordered_at), count(*) FROM orders`,
 `SELECT channel, count(*) FROM refunds GROUP BY 1 ORDER BY 2 DESC`,
 `SELECT currency, count(*) FROM refunds GROUP BY 1 ORDER BY 2 DESC`,
 `SELECT currency, count(*) FROM orders GROUP BY 1 ORDER BY 2 DESC`,
 `SELECT decision, count(*) FROM refunds GROUP BY 1`,
 `SELECT * FROM policy_changes`,
 `SELECT * FROM incentive_plans`,
 `SELECT table_name, estimated_size, column_count FROM duckdb_tables()`,
 `SELECT count(DISTINCT product_id), count(DISTINCT customer_id), count(DISTINCT agent_id), count(DISTINCT campaign) FROM refunds`,
]) { const r = await c.runAndReadAll(q); console.log(q, '\n', r.getRowsJS().map(x=>x.map(String).join(' | ')).join('\n')); }
