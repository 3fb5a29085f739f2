import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { raw, SCHEMA_DDL, sql, type Raw, type Sql } from '@refunds/warehouse';
import { DIMENSIONS, GRAINS } from '@refunds/shared';
import { dimensionSql, periodSql } from './dimensions';
import { factSource, filterCondition, previousPeriod, validateFilter } from './filter';

describe('filters compile to SQL that DuckDB accepts and that binds every value', () => {
  const filters = [
    {},
    { from: '2024-01-01' },
    { from: '2024-01-01', to: '2024-04-01', channels: ['chat', 'web'] },
    { productLines: ["o'brien"], reasonCodes: ['x'], agentIds: ['A1'], teams: ['T'], campaigns: ['618'] },
    { channels: ["'; DROP TABLE refunds; --"] },
  ];

  test.each(filters)('EXPLAIN %j', async (f) => {
    const inst = await openDatabase(':memory:');
    const conn = await connect(inst);
    for (const ddl of SCHEMA_DDL) await runSql(conn, ddl);
    const cond = filterCondition(validateFilter(f));
    const { text, values } = cond.render();
    expect(text).not.toMatch(/DROP|o'brien|chat/);
    expect(values.length).toBe(Object.keys(f).length); // one bound value per filter field, lists included
    await queryRows(conn, sql`EXPLAIN SELECT count(*) FROM refund_facts WHERE ${cond}`);
    for (const d of DIMENSIONS)
      for (const g of GRAINS) await queryRows(conn, sql`EXPLAIN SELECT ${dimensionSql(d.name, g)}, count(*) FROM refund_facts WHERE ${cond} GROUP BY 1`);
    await queryRows(
      conn,
      sql`EXPLAIN SELECT count(*) FROM orders WHERE ${filterCondition(f, { only: ['channels', 'campaigns'], columns: { time: 'ordered_at' } })}`,
    );
    conn.closeSync();
    inst.closeSync();
  });

  test('the filter narrows rows as the spec says: from inclusive, to exclusive', async () => {
    const inst = await openDatabase(':memory:');
    const conn = await connect(inst);
    for (const ddl of SCHEMA_DDL) await runSql(conn, ddl);
    await queryRows(
      conn,
      `INSERT INTO refund_facts (refund_id, channel, requested_at) VALUES ('a', 'web', '2024-01-01 00:00:00'), ('b', 'web', '2024-03-31 23:59:59'), ('c', 'web', '2024-04-01 00:00:00'), ('d', 'chat', '2024-02-01')`,
    );
    const ids = async (f: object) =>
      (await queryRows<{ refund_id: string }>(conn, sql`SELECT refund_id FROM refund_facts WHERE ${filterCondition(validateFilter(f))} ORDER BY 1`)).map(
        (r) => r.refund_id,
      );
    expect(await ids({ from: '2024-01-01', to: '2024-04-01' })).toEqual(['a', 'b', 'd']);
    expect(await ids({ channels: [' WEB '] })).toEqual(['a', 'b', 'c']);
    expect(await queryRows(conn, sql`SELECT ${periodSql('WEEK')} AS p FROM refund_facts WHERE refund_id = 'b'`)).toEqual([{ p: '2024-03-25' }]);
    expect(await queryRows(conn, sql`SELECT ${periodSql('QUARTER')} AS p FROM refund_facts WHERE refund_id = 'b'`)).toEqual([{ p: '2024-01-01' }]);
    conn.closeSync();
    inst.closeSync();
  });
});

test('bad filters name the argument', () => {
  expect(() => validateFilter({ from: '2024-05-01', to: '2024-04-01' })).toThrow(/filter.from: must not be after filter.to/);
  expect(() => validateFilter({ channels: Array.from({ length: 501 }, (_, i) => `c${i}`) })).toThrow(/filter.channels: at most 500/);
  expect(() => validateFilter({ teams: ['x'.repeat(201)] })).toThrow(/filter.teams/);
});

test('previous period: the same length just before from', () => {
  expect(previousPeriod({ from: '2024-04-01', to: '2024-07-01', channels: ['chat'] })).toEqual({ from: '2024-01-01', to: '2024-04-01', channels: ['chat'] });
  expect(previousPeriod({ from: '2024-04-01' })).toBeNull();
});

describe('whole years, months or weeks of a range come from the coarser rollups, the rest from the daily one', () => {
  // Coarser rows hold other numbers than the daily rows they would sum, so the total shows which table answered each day.
  const daily = [
    ['2023-12-20', 5],
    ['2024-01-15', 1],
    ['2024-01-25', 3],
    ['2024-02-10', 10],
    ['2024-03-05', 100],
    ['2024-04-05', 7],
    ['2024-04-20', 1000],
  ] as const;
  const coarser = {
    refund_yearly: [
      ['2023-01-01', 300_000_000],
      ['2024-01-01', 500_000_000],
    ],
    refund_monthly: [
      ['2023-12-01', 400_000],
      ['2024-01-01', 1_000_000],
      ['2024-02-01', 10_000],
      ['2024-03-01', 100_000],
      ['2024-04-01', 10_000_000],
    ],
    // Mondays: 2024-01-22 (the week of 01-25), 2024-03-04 (of 03-05), 2024-04-01 (of 04-05).
    refund_weekly: [
      ['2024-01-22', 30_000],
      ['2024-03-04', 1_000_000],
      ['2024-04-01', 70_000],
    ],
  } as const;

  test.each([
    ['NONE', {}, 800_000_000],
    ['NONE', { from: '2023-12-10', to: '2025-01-01' }, 500_000_000 + 5],
    ['NONE', { from: '2023-12-01', to: '2024-03-15' }, 400_000 + 1_000_000 + 10_000 + 100],
    ['MONTH', {}, 11_510_000],
    ['NONE', { from: '2024-01-20', to: '2024-04-10' }, 3 + 10_000 + 100_000 + 7],
    ['MONTH', { from: '2024-02-01', to: '2024-04-01' }, 110_000],
    ['QUARTER', { from: '2024-02-01' }, 10_000 + 100_000 + 10_000_000],
    ['NONE', { to: '2024-03-15' }, 300_000_000 + 1_000_000 + 10_000 + 100],
    ['NONE', { from: '2024-03-02', to: '2024-03-20' }, 100],
    ['MONTH', { from: '2024-01-20', to: '2024-02-20' }, 3 + 10],
    ['WEEK', {}, 1_100_000],
    ['WEEK', { from: '2024-01-24', to: '2024-04-08' }, 3 + 1_000_000 + 70_000],
    ['WEEK', { from: '2024-01-22', to: '2024-01-29' }, 30_000],
    ['WEEK', { from: '2024-01-23', to: '2024-01-28' }, 3],
    ['DAY', { from: '2024-01-20', to: '2024-04-10' }, 3 + 10 + 100 + 7],
  ] as const)('%s over %j sums to %d', async (periods, f, expected) => {
    const inst = await openDatabase(':memory:');
    const conn = await connect(inst);
    for (const ddl of SCHEMA_DDL) await runSql(conn, ddl);
    const insert = (table: string, day: string, n: number) =>
      runSql(conn, sql`INSERT INTO ${raw(table)} (day, decision, n) VALUES (CAST(${day} AS DATE), 'approved', ${n})`);
    for (const [day, n] of daily) await insert('refund_daily', day, n);
    for (const [table, rows] of Object.entries(coarser)) for (const [day, n] of rows) await insert(table, day, n);
    const sum = async (src: { table: Raw | Sql; filter: Sql }) =>
      Number((await queryRows<{ n: number | null }>(conn, sql`SELECT CAST(sum(n) AS BIGINT) AS n FROM ${src.table} WHERE ${src.filter}`))[0].n ?? 0);
    expect(await sum(factSource(f, true, ['decision'], undefined, undefined, { periods }))).toBe(expected);
    // Without the option every day is read from the daily rollup.
    const inRange = daily.filter(([day]) => (!('from' in f) || day >= f.from) && (!('to' in f) || day < f.to)).reduce((s, [, n]) => s + n, 0);
    expect(await sum(factSource(f, true, ['decision']))).toBe(inRange);
    conn.closeSync();
    inst.closeSync();
  });
});
