import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { SCHEMA_DDL, sql } from '@refunds/warehouse';
import { DIMENSIONS, GRAINS } from '@refunds/shared';
import { dimensionSql, periodSql } from './dimensions';
import { filterCondition, previousPeriod, validateFilter } from './filter';

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
