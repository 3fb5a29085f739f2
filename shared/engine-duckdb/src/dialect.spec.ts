import { AMOUNT_BANDS, amountBandSql, around, asTimestamp, DECIDED_SQL, DUCKDB as d, raw, sql } from '@refunds/warehouse';
import type { DuckDBConnection } from '@duckdb/node-api';
import { connect, openDatabase, queryRows } from './duckdb';

/** The DuckDB dialect points and the model's fragments, run on DuckDB against values worked out by hand. */
describe('the DuckDB dialect', () => {
  // A fresh database per test: one test creates orders and fx_rates.
  let conn: DuckDBConnection;
  beforeEach(async () => {
    conn = await connect(await openDatabase(':memory:'));
  });
  afterEach(() => conn.closeSync());
  const rows = raw(`(VALUES (TIMESTAMP '2025-03-05 10:30:00', 49.99, 'approved', 'web'), (TIMESTAMP '2025-03-31 23:00:00', 50, 'pending', 'chat'),
    (TIMESTAMP '2025-04-01 00:00:00', 999.5, 'rejected', 'web'), (TIMESTAMP '2025-04-02 08:00:00', 1000, 'withdrawn', 'app')) t(ts, amount, decision, channel)`);

  test('date points, conditional aggregates, list membership and amount bands', async () => {
    const [r] = await queryRows<Record<string, unknown>>(
      conn,
      sql`SELECT
          ${raw(d.formatDay(d.dateTrunc('week', 'min(ts)')))} AS wk,
          ${raw(d.formatDay(d.dateTrunc('month', 'max(ts)')))} AS mon,
          ${raw(d.formatDay(d.dateTrunc('quarter', 'max(ts)')))} AS qtr,
          ${raw(d.formatDay(d.addDays('min(ts)', 30)))} AS plus30,
          ${raw(d.formatDay(d.subHours('min(ts)', 48)))} AS minus48h,
          ${raw(d.countIf(DECIDED_SQL.text))} AS decided,
          ${raw(`coalesce(${d.fsumIf('amount', `decision = 'rejected'`)}, 0)`)} AS rejected_amount,
          ${around(d.countIf, sql`channel = ${'web'}`)} AS web,
          list(${raw(amountBandSql('amount'))} ORDER BY ts) AS bands
        FROM ${rows}`,
    );
    expect(r).toMatchObject({
      wk: '2025-03-03', // the Monday of Wednesday 2025-03-05
      mon: '2025-04-01',
      qtr: '2025-04-01',
      plus30: '2025-04-04',
      minus48h: '2025-03-03',
      decided: 2,
      rejected_amount: 999.5,
      web: 2,
      bands: ['[0,50)', '[50,200)', '[200,1000)', '[1000,inf)'],
    });
    expect(AMOUNT_BANDS.map((b) => b.label)).toEqual(r.bands);
    const [m] = await queryRows<{ n: number }>(conn, sql`SELECT count(*) AS n FROM ${rows} WHERE ${d.inList(raw('channel'), ['web', 'app'])}`);
    expect(m.n).toBe(3);
  });
  test('day bounds, quantiles, NULL over no rows, EXISTS, 64-bit integers and TRUE (the points the ClickHouse dialect mirrors)', async () => {
    const [r] = await queryRows<Record<string, unknown>>(
      conn,
      sql`SELECT
          ${around(d.countIf, d.dayBound(raw('ts'), '>=', '2025-04-01', 'timestamp'))} AS from_april,
          ${raw(d.quantileCont('amount', 0.5))} AS median,
          ${raw(d.quantileCont('amount', 0.9))} AS q90,
          ${raw(d.aggIf('avg', 'amount', `decision = 'none'`))} AS none_avg,
          ${raw(d.aggIf('var_samp', 'amount', `decision = 'approved'`))} AS one_var,
          ${raw(d.int64('sum(1)'))} AS n,
          ${raw(d.exists(`SELECT 1 FROM ${rows.text} WHERE amount > 999`))} AS some,
          ${raw(d.true)} AS t
        FROM ${rows}`,
    );
    // Sorted amounts 49.99, 50, 999.5, 1000: position 1.5 and 2.7.
    expect(r).toMatchObject({ from_april: 2, median: 524.75, none_avg: null, one_var: null, n: 4, some: true, t: true });
    expect(r.q90).toBeCloseTo(999.85, 9);
    const [m] = await queryRows<{ n: number; latest: unknown }>(
      conn,
      sql`SELECT count(*) AS n, ${raw(d.maxOrNull('ts'))} AS latest FROM ${rows} WHERE ${d.dayBound(raw('CAST(ts AS DATE)'), '<', '2025-04-01', 'date')} AND amount > 10000`,
    );
    expect(m).toEqual({ n: 0, latest: null });
  });

  test('sorted lists, the mode with ties to the smallest, timestamps as read, MD5 in hex, and reconciliation (agents, records, catalog)', async () => {
    const values = raw(`(VALUES ('b', 1), ('a', 1), (NULL, 1), ('a', 1), ('b', 1), ('c', 1), (NULL, 2)) t(v, g)`);
    const rows = await queryRows<Record<string, unknown>>(
      conn,
      sql`SELECT g, ${raw(d.mode('v'))} AS m, (SELECT ${raw(d.sortedList('v'))} FROM ${values} WHERE v IS NOT NULL AND g = 1) AS l
          FROM ${values} GROUP BY g ORDER BY g`,
    );
    // a and b both twice: the smallest; a group of NULLs only has none.
    expect(rows).toEqual([
      { g: 1, m: 'a', l: ['a', 'a', 'b', 'b', 'c'] },
      { g: 2, m: null, l: ['a', 'a', 'b', 'b', 'c'] },
    ]);
    const [e] = await queryRows<Record<string, unknown>>(
      conn,
      sql`SELECT (SELECT ${raw(d.sortedList('v'))} FROM ${values} WHERE g = 3) AS empty, ${raw(d.md5Hex(`'sc1'`))} AS h,
          ${raw(d.timestampMs(`TIMESTAMP '1969-12-31 23:59:59.9999'`))} AS before, ${raw(d.timestampMs(`TIMESTAMP '2025-01-01 00:00:00.0019'`))} AS after`,
    );
    // md5('sc1') by node:crypto; 100 µs before 1970 truncates toward zero to 0 ms, 1.9 ms after 2025 to 1 ms.
    expect(e).toEqual({ empty: [], h: 'a693ea2b7245e8daaa323e258ddc9e95', before: new Date(0), after: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 1)) });
    expect(asTimestamp(Date.UTC(2025, 0, 1))).toEqual(new Date(Date.UTC(2025, 0, 1)));
    expect(asTimestamp(null)).toBeNull();
    expect(d.reconciles).toBe(true);
  });

  test('revenue within any window (ASOF fx rate of the order day), instants and epoch microseconds', async () => {
    // C1's refund R1 of order O1, decided 2025-03-01 12:00. Its other orders: O2 at decided_at (out), O3 10 USD on
    // 2025-03-05 (USD 7.0 from 03-01; 7.2 from 03-06 is later), O4 20 CNY on 2025-03-11 12:00 (in at 10 days, not at 9),
    // O5 5 EUR with no EUR rate yet (no amount). C2's refund R2 has no other order.
    await queryRows(
      conn,
      `CREATE TABLE orders AS SELECT * FROM (VALUES
          ('O1', 'C1', TIMESTAMP '2025-02-20 00:00:00', 100.0, 'CNY'), ('O2', 'C1', TIMESTAMP '2025-03-01 12:00:00', 1.0, 'CNY'),
          ('O3', 'C1', TIMESTAMP '2025-03-05 08:00:00', 10.0, 'USD'), ('O4', 'C1', TIMESTAMP '2025-03-11 12:00:00', 20.0, NULL),
          ('O5', 'C1', TIMESTAMP '2025-03-02 00:00:00', 5.0, 'EUR'), ('O9', 'C2', TIMESTAMP '2025-01-01 00:00:00', 9.0, 'CNY'))
          t(order_id, customer_id, ordered_at, amount, currency)`,
    );
    await queryRows(
      conn,
      `CREATE TABLE fx_rates AS SELECT * FROM (VALUES (DATE '2025-03-01', 'USD', 7.0), (DATE '2025-03-06', 'USD', 7.2), (DATE '2025-04-01', 'EUR', 8.0))
          t(date, currency, rate_to_reporting)`,
    );
    const revenue = async (days: number) => {
      const w = d.windowRevenue(days, `'CNY'`);
      return queryRows<{ refund_id: string; rev: number }>(
        conn,
        `WITH e AS (SELECT * FROM (VALUES ('R1', 'O1', 'C1', TIMESTAMP '2025-03-01 12:00:00'), ('R2', 'O9', 'C2', TIMESTAMP '2025-01-02 00:00:00'))
             t(refund_id, order_id, customer_id, decided_at))
           SELECT e.refund_id, ${w.value} AS rev FROM e ${w.join} ORDER BY e.refund_id`,
      );
    };
    expect(await revenue(10)).toEqual([
      { refund_id: 'R1', rev: 90 },
      { refund_id: 'R2', rev: 0 },
    ]);
    expect(await revenue(9)).toEqual([
      { refund_id: 'R1', rev: 70 },
      { refund_id: 'R2', rev: 0 },
    ]);
    expect(() => d.windowRevenue(1.5, `'CNY'`)).toThrow(/whole number/);
    const [t] = await queryRows<{ us: number; before: number; later: boolean }>(
      conn,
      sql`SELECT ${raw(d.epochMicros('ts'))} AS us, ${raw(d.epochMicros(`TIMESTAMP '1969-12-31 23:59:59.5'`))} AS before, ts > TIMESTAMP '2025-02-14 13:45:30.249' AS later
          FROM (SELECT ${d.instant('2025-02-14 13:45:30.250')} AS ts)`,
    );
    expect(t).toEqual({ us: Date.UTC(2025, 1, 14, 13, 45, 30, 250) * 1000, before: -500_000, later: true });
    expect(() => d.instant("2025-02-14' OR 1")).toThrow(/not a UTC instant/);
  });

  // The points of the reasons and channels queries; the same rows and answers run on ClickHouse in
  // test/integration/clickhouse-reasons.test.ts.
  test('any value, arg_min by a tuple, joins and period dates', async () => {
    const t = raw(`(SELECT 1 AS g, 3 AS v, 2 AS o, 1 AS c UNION ALL SELECT 1, 5, 1, 1 UNION ALL SELECT 1, 7, 3, 0 UNION ALL SELECT 2, 4, 1, 0) AS t`);
    const rows = await queryRows<Record<string, unknown>>(
      conn,
      sql`SELECT g, ${raw(d.anyValue('g'))} AS any_g, ${raw(d.argMin('v', '(-c, o)'))} AS top
          FROM ${t} GROUP BY g ORDER BY g`,
    );
    // g = 1: the rows with c = 1 come first, then the smallest o: v = 5. g = 2: its one row.
    expect(rows).toEqual([
      { g: 1, any_g: 1, top: 5 },
      { g: 2, any_g: 2, top: 4 },
    ]);
    const joined = (kind: 'inner' | 'left') =>
      queryRows(
        conn,
        sql`SELECT k, a, b FROM (SELECT 1 AS k, 'x' AS a UNION ALL SELECT 2 AS k, 'y' AS a) AS l ${raw(d.join(kind))} (SELECT 1 AS k, 'z' AS b) AS r USING (k) ORDER BY k`,
      );
    expect(await joined('inner')).toEqual([{ k: 1, a: 'x', b: 'z' }]);
    expect(await joined('left')).toEqual([
      { k: 1, a: 'x', b: 'z' },
      { k: 2, a: 'y', b: null },
    ]);
    const [p] = await queryRows<Record<string, unknown>>(
      conn,
      sql`SELECT ${raw(d.formatDay(d.periodDate('week', "TIMESTAMP '2024-01-07 23:59:59.999'")))} AS wk,
          ${raw(d.periodDate('week', "TIMESTAMP '2024-01-08 00:00:00'"))} - ${raw(d.periodDate('week', "TIMESTAMP '2024-01-07 23:59:59.999'"))} AS days,
          ${raw(d.formatDay(d.periodDate('quarter', "TIMESTAMP '2024-05-15 12:00:00'")))} AS qtr`,
    );
    expect(p).toEqual({ wk: '2024-01-01', days: 7, qtr: '2024-04-01' });
    expect(d.ctes).toBe(true);
  });
});
