import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, runSql } from '@refunds/engine-duckdb';
import { FACTS_ADDED_COLUMNS, ident, SCHEMA_DDL } from '@refunds/warehouse';

export const SCHEMA_VERSION = 1;

/** Creates every table the loader and the API need (the warehouse model's SCHEMA_DDL); safe to run on an existing database. */
export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  for (const ddl of SCHEMA_DDL) await runSql(conn, ddl);
  const factCols = new Set(
    (
      await queryRows<{ name: string }>(conn, `SELECT column_name AS name FROM duckdb_columns() WHERE table_name = 'refund_facts' AND schema_name = 'main'`)
    ).map((c) => c.name),
  );
  for (const c of FACTS_ADDED_COLUMNS) {
    if (factCols.has(c.name)) continue;
    await runSql(conn, 'BEGIN TRANSACTION');
    try {
      await runSql(conn, `ALTER TABLE refund_facts ADD COLUMN ${ident(c.name)} ${c.type}`);
      await runSql(conn, c.fill);
      await runSql(conn, 'COMMIT');
    } catch (e) {
      await runSql(conn, 'ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
  await runSql(conn, `INSERT OR IGNORE INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}'), ('data_version', '0')`);
}
