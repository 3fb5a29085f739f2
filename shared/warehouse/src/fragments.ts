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
export type CutoffName = 'rep_cutoff' | 'eco_cutoff' | 'overdue_cutoff';

function cutoffDefinition(d: Dialect, name: CutoffName): string {
  const latestOrder = d.latest('ordered_at');
  switch (name) {
    case 'rep_cutoff':
      return d.subDays(latestOrder, DEFAULTS.repurchaseWindowDays);
    case 'eco_cutoff':
      return d.subDays(latestOrder, DEFAULTS.economicsWindowDays);
    case 'overdue_cutoff':
      return d.subHours(d.latest('requested_at'), DEFAULTS.slaHours);
  }
}

export function cutoffsCte(d: Dialect = DUCKDB): Raw {
  return raw(`h AS (
  SELECT ${cutoffDefinition(d, 'rep_cutoff')} AS rep_cutoff,
         ${cutoffDefinition(d, 'eco_cutoff')} AS eco_cutoff,
         ${cutoffDefinition(d, 'overdue_cutoff')} AS overdue_cutoff)`);
}
export const CUTOFFS_CTE: Raw = cutoffsCte();

/** A cut-off inside a measure: a column of the CTE `h`, or (dialects without it) its scalar subquery. */
export function cutoffRef(d: Dialect, name: CutoffName): string {
  return d.cutoffsCte ? `h.${name}` : `(${cutoffDefinition(d, name)})`;
}

/**
 * How a measure may use a cut-off: only as "this fact column is before it". When a cut-off moves
 * from a to b, only facts with that column between a and b change a measure, which is what lets an
 * increment recompute just their rollup groups (on DuckDB and on ClickHouse).
 */
export const CUTOFF_COMPARISONS: Readonly<Record<CutoffName, { column: 'decided_at' | 'requested_at'; op: '<=' | '<' }>> = {
  rep_cutoff: { column: 'decided_at', op: '<=' },
  eco_cutoff: { column: 'decided_at', op: '<=' },
  overdue_cutoff: { column: 'requested_at', op: '<' },
};
export const CUTOFF_NAMES = Object.keys(CUTOFF_COMPARISONS) as readonly CutoffName[];

/** The condition "the fact is before the cut-off" (CUTOFF_COMPARISONS). */
export function beforeCutoff(d: Dialect, name: CutoffName): string {
  const { column, op } = CUTOFF_COMPARISONS[name];
  return `${column} ${op} ${cutoffRef(d, name)}`;
}

/** Whether DuckDB measure text uses every cut-off only as beforeCutoff does (each `h.` reference inside one). */
export function usesCutoffsOnlyBefore(text: string): boolean {
  const refs = [...text.matchAll(/\bh\.\w+/g)].length;
  const before = CUTOFF_NAMES.reduce((a, c) => a + text.split(beforeCutoff(DUCKDB, c)).length - 1, 0);
  return refs === before;
}

/** The WITH clause (or nothing) and the FROM of a query over refund_facts whose measures use cut-offs. */
export function factsWithCutoffs(d: Dialect): { with: Raw; from: Raw } {
  return d.cutoffsCte
    ? { with: raw(`WITH ${cutoffsCte(d).text} `), from: raw(`${d.table('refund_facts')}, h`) }
    : { with: raw(''), from: raw(d.table('refund_facts')) };
}
