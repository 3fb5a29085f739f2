import { ChNames, clickhouseDialect, compileClickHouse } from '@refunds/engine-clickhouse';
import { DUCKDB, sql } from '@refunds/warehouse';
import { Ctes } from './ctes';

describe('Ctes', () => {
  const build = (c: Ctes) => {
    const a = c.add('a', sql`SELECT x FROM t WHERE y = ${'v'}`);
    const b = c.add('b', sql`SELECT x FROM ${a} AS a1 WHERE x > ${1}`);
    return c.statement(sql`SELECT * FROM ${a} AS a2 JOIN ${b} AS b2 USING (x)`);
  };

  test('DuckDB: one WITH clause, references by name, values bound in order', () => {
    const q = build(new Ctes(DUCKDB)).render();
    expect(q.text).toBe(
      'WITH "a" AS (SELECT x FROM t WHERE y = $1),\n"b" AS (SELECT x FROM "a" AS a1 WHERE x > $2)\nSELECT * FROM "a" AS a2 JOIN "b" AS b2 USING (x)',
    );
    expect(q.values).toEqual(['v', 1]);
  });

  test('ClickHouse (no CTEs on 18.16): each reference is the subquery itself', () => {
    const text = compileClickHouse(build(new Ctes(clickhouseDialect(new ChNames('r', null)))));
    expect(text).toBe(
      "SELECT * FROM (SELECT x FROM t WHERE y = 'v') AS a2 JOIN (SELECT x FROM (SELECT x FROM t WHERE y = 'v') AS a1 WHERE x > 1) AS b2 USING (x)",
    );
  });
});
