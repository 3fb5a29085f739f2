import { DECIDED, DEFAULTS } from '@refunds/shared';
import { DUCKDB, type Dialect } from './dialect';
import { raw, type Raw } from './sql';

/**
 * Named SQL fragments of the warehouse: each is written here once and read by the loader's
 * rollups and by the server's queries.
 */

/** A refund is decided when its decision is approved, partial or rejected (metrics.md). */
export function decidedSql(column = 'decision'): Raw {
  return raw(`${column} IN (${DECIDED.map((d) => `'${d}'`).join(', ')})`);
}
export const DECIDED_SQL: Raw = decidedSql();

/** Amount bands of requested_amount, from DEFAULTS.amountBands: `[lo,hi)` labels, the last one open. */
export interface AmountBand {
  label: string;
  lo: number;
  hi: number | null;
}
export const AMOUNT_BANDS: readonly AmountBand[] = DEFAULTS.amountBands.map((lo, i, all) => {
  const hi = i + 1 < all.length ? all[i + 1] : null;
  return { label: `[${lo},${hi ?? 'inf'})`, lo, hi };
});

/** The amount band of a requested amount column, as channelConsistency and the cohorts report it. */
export function amountBandSql(column = 'requested_amount'): string {
  const bounded = AMOUNT_BANDS.filter((b) => b.hi !== null);
  const open = AMOUNT_BANDS[AMOUNT_BANDS.length - 1];
  return `CASE ${bounded.map((b) => `WHEN ${column} < ${b.hi} THEN '${b.label}'`).join(' ')} ELSE '${open.label}' END`;
}
export const AMOUNT_BAND_SQL = amountBandSql();

/**
 * Cut-offs fixed by the data, not the request: the repurchase horizon (latest order - 30 days,
 * metrics.md's default window), the economics horizon, and the overdue as-of time (latest request -
 * SLA hours). Both the rollup and the refund_facts fallback compute them with this CTE, so they agree.
 */
export function cutoffsCte(d: Dialect = DUCKDB): Raw {
  return raw(`h AS (
  SELECT ${d.subDays('(SELECT max(ordered_at) FROM orders)', DEFAULTS.repurchaseWindowDays)} AS rep_cutoff,
         ${d.subDays('(SELECT max(ordered_at) FROM orders)', DEFAULTS.economicsWindowDays)} AS eco_cutoff,
         ${d.subHours('(SELECT max(requested_at) FROM refund_facts)', DEFAULTS.slaHours)} AS overdue_cutoff)`);
}
export const CUTOFFS_CTE: Raw = cutoffsCte();
