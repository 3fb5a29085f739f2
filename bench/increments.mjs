// Nightly increments for the bench, made from a generated data set (npm run bench; or
// node bench/increments.mjs DIR OUT to write them alone):
// - OUT/new-refunds: 1% new refunds (and their surveys): copies of the latest 1% of refunds with new
//   ids, moved forward by that slice's time span, so they follow the loaded data as the next days'
//   refunds would (existing customers and orders; the latest request moves).
// - OUT/new-orders: 1% new orders: copies of the latest 1% of orders with new ids, moved forward the
//   same way. They are existing customers' orders, so earlier refunds' repurchase facts change
//   (next order, revenue within each window) and the latest order moves.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const lit = (s) => `'${s.replace(/'/g, "''")}'`;
const csv = (path) => `read_csv(${lit(path)}, header = true, all_varchar = true)`;
const iso = (expr) => `strftime(${expr}, '%Y-%m-%dT%H:%M:%SZ')`;

/** Writes OUT/new-refunds and OUT/new-orders (once per data set; a marker records the counts). */
export async function makeIncrements(dir, out, fraction = 0.01) {
  const marker = join(out, '.made');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'new-refunds'), { recursive: true });
  mkdirSync(join(out, 'new-orders'), { recursive: true });
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  const one = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS()[0];
  const shifted = (col, span) => `CASE WHEN ${col} IS NULL OR ${col} = '' THEN NULL ELSE ${iso(`CAST(${col} AS TIMESTAMP) + ${span}`)} END`;

  // Refunds: the latest `fraction` by request time.
  await c.run(
    `CREATE TABLE r AS SELECT * FROM ${csv(join(dir, 'refunds.csv'))} QUALIFY row_number() OVER (ORDER BY CAST(requested_at AS TIMESTAMP) DESC) <= (SELECT ceil(count(*) * ${fraction}) FROM ${csv(join(dir, 'refunds.csv'))})`,
  );
  const { span: rspan } = await one(
    `SELECT CAST(ceil(epoch(max(CAST(requested_at AS TIMESTAMP)) - min(CAST(requested_at AS TIMESTAMP))) / 86400) + 1 AS INTEGER) AS span FROM r`,
  );
  const rIv = `INTERVAL ${rspan} DAY`;
  const rCols = (await c.runAndReadAll(`DESCRIBE r`)).getRowObjectsJS().map((x) => x.column_name);
  const rSel = rCols
    .map((k) =>
      k === 'refund_id' ? `'X' || refund_id AS refund_id` : ['requested_at', 'decided_at', 'paid_at'].includes(k) ? `${shifted(k, rIv)} AS ${k}` : k,
    )
    .join(', ');
  await c.run(`COPY (SELECT ${rSel} FROM r) TO ${lit(join(out, 'new-refunds', 'refunds.csv'))} (HEADER, DELIMITER ',')`);
  const sCols = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${csv(join(dir, 'surveys.csv'))}`)).getRowObjectsJS().map((x) => x.column_name);
  const sSel = sCols
    .map((k) =>
      k === 'survey_id'
        ? `'X' || survey_id AS survey_id`
        : k === 'refund_id'
          ? `'X' || refund_id AS refund_id`
          : k === 'responded_at'
            ? `${shifted(k, rIv)} AS ${k}`
            : k,
    )
    .join(', ');
  await c.run(
    `COPY (SELECT ${sSel} FROM ${csv(join(dir, 'surveys.csv'))} WHERE refund_id IN (SELECT refund_id FROM r)) TO ${lit(join(out, 'new-refunds', 'surveys.csv'))} (HEADER, DELIMITER ',')`,
  );

  // Orders: the latest `fraction` by order time.
  await c.run(
    `CREATE TABLE o AS SELECT * FROM ${csv(join(dir, 'orders.csv'))} QUALIFY row_number() OVER (ORDER BY CAST(ordered_at AS TIMESTAMP) DESC) <= (SELECT ceil(count(*) * ${fraction}) FROM ${csv(join(dir, 'orders.csv'))})`,
  );
  const { span: ospan } = await one(
    `SELECT CAST(ceil(epoch(max(CAST(ordered_at AS TIMESTAMP)) - min(CAST(ordered_at AS TIMESTAMP))) / 86400) + 1 AS INTEGER) AS span FROM o`,
  );
  const oCols = (await c.runAndReadAll(`DESCRIBE o`)).getRowObjectsJS().map((x) => x.column_name);
  const oSel = oCols
    .map((k) => (k === 'order_id' ? `'X' || order_id AS order_id` : k === 'ordered_at' ? `${shifted(k, `INTERVAL ${ospan} DAY`)} AS ${k}` : k))
    .join(', ');
  await c.run(`COPY (SELECT ${oSel} FROM o) TO ${lit(join(out, 'new-orders', 'orders.csv'))} (HEADER, DELIMITER ',')`);

  const counts = await one(
    `SELECT (SELECT count(*) FROM r) AS refunds, (SELECT count(*) FROM ${csv(join(out, 'new-refunds', 'surveys.csv'))}) AS surveys, (SELECT count(*) FROM o) AS orders`,
  );
  const made = {
    refunds: Number(counts.refunds),
    surveys: Number(counts.surveys),
    orders: Number(counts.orders),
    refundShiftDays: rspan,
    orderShiftDays: ospan,
    newRefunds: join(out, 'new-refunds'),
    newOrders: join(out, 'new-orders'),
  };
  c.closeSync();
  inst.closeSync();
  writeFileSync(marker, JSON.stringify(made));
  return made;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const [dir, out] = process.argv.slice(2);
  if (!dir || !out) {
    console.error('usage: node bench/increments.mjs DATA_DIR OUT_DIR');
    process.exit(2);
  }
  console.log(JSON.stringify(await makeIncrements(resolve(dir), resolve(out))));
}
