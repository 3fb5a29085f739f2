import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, runSql } from '@refunds/engine-duckdb';
import {
  AMOUNT_BAND_SQL,
  CUTOFFS_CTE,
  DAILY_MEASURES,
  keySelect,
  measuresSql,
  ORDER_DAILY_COLUMNS,
  PRODUCT_WEEKLY_COLUMNS,
  rollupColumns,
  ROLLUPS,
} from '@refunds/warehouse';

// Builds the rollups the warehouse model declares (shared/warehouse/src/rollups.ts) from refund_facts and orders.

/**
 * Identifies the rollups' definition: a database whose rollups were built by another definition
 * (an older loader) is rebuilt, not read with missing or differently computed columns.
 */
export const ROLLUP_SIGNATURE = createHash('sha256')
  .update(JSON.stringify([ROLLUPS, DAILY_MEASURES, AMOUNT_BAND_SQL, CUTOFFS_CTE.text, ORDER_DAILY_COLUMNS, PRODUCT_WEEKLY_COLUMNS]))
  .digest('hex')
  .slice(0, 12);

/**
 * Rebuilds the rollups from refund_facts and orders, replacing the tables (their columns may have
 * changed). Runs inside the caller's transaction (the load's, or the server's one-off upgrade),
 * which then calls markRollupsCurrent.
 */
export async function rebuildRollups(conn: DuckDBConnection): Promise<void> {
  for (const r of ROLLUPS) {
    await runSql(conn, `CREATE OR REPLACE TABLE ${r.table} (${rollupColumns(r)})`);
    // Sorted by day so a time filter skips whole row groups.
    await runSql(
      conn,
      `INSERT INTO ${r.table}
       WITH ${CUTOFFS_CTE.text}
       SELECT CAST(requested_at AS DATE) AS day, ${r.keys.map(keySelect).join(', ')},
         ${measuresSql('fact').text}
       FROM refund_facts, h
       GROUP BY ALL ORDER BY day`,
    );
  }
  await runSql(conn, `CREATE OR REPLACE TABLE order_daily (${ORDER_DAILY_COLUMNS})`);
  await runSql(conn, `INSERT INTO order_daily SELECT CAST(ordered_at AS DATE) AS day, channel, campaign, count(*) AS n FROM orders GROUP BY ALL ORDER BY day`);
  await runSql(conn, `CREATE OR REPLACE TABLE product_weekly (${PRODUCT_WEEKLY_COLUMNS})`);
  await runSql(
    conn,
    `INSERT INTO product_weekly
     SELECT CAST(date_trunc('week', requested_at) AS DATE) AS wk, product_id, product_line, reason_code, reason_family, channel, campaign, count(*) AS n
     FROM refund_facts WHERE product_id IS NOT NULL
     GROUP BY ALL ORDER BY product_id, wk`,
  );
}

/** Records that the rollups match the data version now in meta (call after bumping it). */
export async function markRollupsCurrent(conn: DuckDBConnection): Promise<void> {
  await runSql(conn, `INSERT OR REPLACE INTO meta SELECT 'rollup_version', value || ':${ROLLUP_SIGNATURE}' FROM meta WHERE key = 'data_version'`);
}

/** True when the rollups were built by this definition from the data version now committed. */
export async function rollupsCurrent(conn: DuckDBConnection): Promise<boolean> {
  const [r] = await queryRows<{ ok: boolean }>(
    conn,
    `SELECT coalesce((SELECT value FROM meta WHERE key = 'rollup_version') = (SELECT value || ':${ROLLUP_SIGNATURE}' FROM meta WHERE key = 'data_version'), false) AS ok`,
  );
  return r.ok;
}
