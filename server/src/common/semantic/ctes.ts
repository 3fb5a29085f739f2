import { join, raw, sql, type Dialect, type Sql } from '@refunds/warehouse';

/**
 * Named subqueries of one statement: a CTE where the dialect has them (DuckDB reads each once),
 * else the subquery written in place of every reference (ClickHouse 18.16 has no CTEs). A reference
 * is a FROM item: give it an alias (`FROM ${ref} AS x`), which current ClickHouse requires of joined subqueries.
 */
export class Ctes {
  private readonly defs: Sql[] = [];

  constructor(private readonly d: Dialect) {}

  /** Defines `name` as `body` (which may read earlier names) and returns how to refer to it. */
  add(name: string, body: Sql): Sql {
    if (!this.d.ctes) return sql`(${body})`;
    this.defs.push(sql`${raw(this.d.quote(name))} AS (${body})`);
    return sql`${raw(this.d.quote(name))}`;
  }

  /** The statement: `WITH <definitions> <query>`, or the query alone. */
  statement(query: Sql): Sql {
    return this.defs.length ? sql`WITH ${join(this.defs, ',\n')}\n${query}` : query;
  }
}
