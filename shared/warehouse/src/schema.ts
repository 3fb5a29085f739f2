import { FACTS_DDL } from './facts';
import { ROLLUP_DDL } from './rollups';
import { ident } from './sql';
import { sqlType, TABLES } from './tables';

/**
 * Every table of a warehouse, as CREATE TABLE IF NOT EXISTS statements: the data contract's
 * tables, the loader's bookkeeping, reconciliation's lineage and conflicts, refund_facts and the
 * rollups. The loader's ensureSchema runs them (and upgrades older files); tests create an empty
 * warehouse with them.
 */
export const SCHEMA_DDL: readonly string[] = [
  ...TABLES.map((t) => `CREATE TABLE IF NOT EXISTS ${ident(t.name)} (${t.columns.map((c) => `${ident(c.name)} ${sqlType(c.type)}`).join(', ')})`),
  `CREATE TABLE IF NOT EXISTS load_history (
      load_id BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP, outcome VARCHAR, message VARCHAR,
      files VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_replaced BIGINT, rows_unchanged BIGINT,
      rows_rejected BIGINT, duration_ms BIGINT, tables VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS load_rejects (
      load_id BIGINT, table_name VARCHAR, file VARCHAR, line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS reason_families (reason_code VARCHAR, family VARCHAR)`,
  // Reconciliation (etl/src/reconcile): where each merged refund's fields came from, and the conflicts.
  `CREATE TABLE IF NOT EXISTS refund_sources (
      refund_id VARCHAR PRIMARY KEY, order_key VARCHAR, ticket_id VARCHAR, payment_ids VARCHAR, shop_order_id VARCHAR,
      ticket_source VARCHAR, payment_source VARCHAR, shop_source VARCHAR, lineage VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS reconciliation_conflicts (kind VARCHAR, refund_id VARCHAR, order_id VARCHAR, detail VARCHAR)`,
  FACTS_DDL,
  ...ROLLUP_DDL,
];
