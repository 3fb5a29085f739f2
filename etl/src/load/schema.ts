import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, runSql } from '../db/duckdb';
import { ident } from '../db/sql';
import { TABLES, sqlType } from './tables';
import { FACTS_ADDED_COLUMNS, FACTS_DDL } from './derive';
import { ROLLUP_DDL } from './rollup';

export const SCHEMA_VERSION = 1;

/** Creates every table the loader and the API need; safe to run on an existing database. */
export async function ensureSchema(conn: DuckDBConnection): Promise<void> {
  for (const t of TABLES) {
    const cols = t.columns.map((c) => `${ident(c.name)} ${sqlType(c.type)}`).join(', ');
    await runSql(conn, `CREATE TABLE IF NOT EXISTS ${ident(t.name)} (${cols})`);
  }
  await runSql(
    conn,
    `CREATE TABLE IF NOT EXISTS load_history (
      load_id BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP, outcome VARCHAR, message VARCHAR,
      files VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_replaced BIGINT, rows_unchanged BIGINT,
      rows_rejected BIGINT, duration_ms BIGINT, tables VARCHAR)`,
  );
  await runSql(
    conn,
    `CREATE TABLE IF NOT EXISTS load_rejects (
      load_id BIGINT, table_name VARCHAR, file VARCHAR, line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)`,
  );
  await runSql(conn, `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`);
  await runSql(conn, `CREATE TABLE IF NOT EXISTS reason_families (reason_code VARCHAR, family VARCHAR)`);
  // Reconciliation (etl/src/reconcile): where each merged refund's fields came from, and the conflicts.
  await runSql(
    conn,
    `CREATE TABLE IF NOT EXISTS refund_sources (
      refund_id VARCHAR PRIMARY KEY, order_key VARCHAR, ticket_id VARCHAR, payment_ids VARCHAR, shop_order_id VARCHAR,
      ticket_source VARCHAR, payment_source VARCHAR, shop_source VARCHAR, lineage VARCHAR)`,
  );
  await runSql(conn, `CREATE TABLE IF NOT EXISTS reconciliation_conflicts (kind VARCHAR, refund_id VARCHAR, order_id VARCHAR, detail VARCHAR)`);
  await runSql(conn, FACTS_DDL);
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
  for (const ddl of ROLLUP_DDL) await runSql(conn, ddl);
  await runSql(conn, `INSERT OR IGNORE INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}'), ('data_version', '0')`);
}
