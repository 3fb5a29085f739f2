import { DEFAULTS } from '@refunds/shared';
import { DUCKDB, type Dialect } from './dialect';
import { revColumn } from './facts';
import { AMOUNT_BAND_SQL, beforeCutoff, usesCutoffsOnlyBefore } from './fragments';
import { raw, type Raw } from './sql';

/**
 * Daily rollups of refund_facts and orders, rebuilt with every load that changes the facts
 * (etl/src/load/rollup.ts builds them). Most panels group and filter only by the columns kept in
 * one of them, and at 10M refunds a rollup has a fifth of the rows or fewer. Anything else (a
 * product line filter on agent scorecards, say) reads refund_facts.
 */

export type RollupTable = 'refund_daily' | 'agent_daily' | 'cohort_daily';
export type CoarseGrain = 'week' | 'month' | 'year';
export type CoarseRollupTable = `${'refund' | 'agent' | 'cohort'}_${'weekly' | 'monthly' | 'yearly'}`;

export interface RollupSpec {
  table: RollupTable;
  /** Group columns besides `day` (the UTC date of requested_at); names as in refund_facts. */
  keys: readonly string[];
  /**
   * The same rows summed per ISO week, calendar month and year, `day` holding the period's first
   * day: a query whose periods are no finer reads the range's whole periods there and only the days
   * at the range's ends from the daily table (at 10M cohort_monthly has a tenth of cohort_daily's
   * rows, cohort_yearly a fortieth).
   */
  coarser: Readonly<Record<CoarseGrain, CoarseRollupTable>>;
}

const coarser = (prefix: 'refund' | 'agent' | 'cohort'): RollupSpec['coarser'] => ({
  week: `${prefix}_weekly`,
  month: `${prefix}_monthly`,
  year: `${prefix}_yearly`,
});

export const COARSE_GRAINS: readonly CoarseGrain[] = ['week', 'month', 'year'];

/**
 * Daily rollups, smallest first: a query reads the first one that has every column it filters or
 * groups by. refund_daily has what most panels filter on; agent_daily adds agents (which would
 * multiply refund_daily's rows); cohort_daily adds the amount band and customer type, for channel
 * cohorts and new-vs-returning splits (at 10M: 1.4M, 0.4M and 3.0M rows).
 */
export const ROLLUPS: readonly RollupSpec[] = [
  { table: 'refund_daily', coarser: coarser('refund'), keys: ['channel', 'product_line', 'reason_code', 'reason_family', 'campaign', 'decision'] },
  { table: 'agent_daily', coarser: coarser('agent'), keys: ['agent_id', 'team', 'channel', 'decision'] },
  {
    table: 'cohort_daily',
    coarser: coarser('cohort'),
    keys: ['channel', 'product_line', 'reason_code', 'reason_family', 'campaign', 'decision', 'customer_type', 'amount_band'],
  },
];

/** The filter columns product_weekly has (spikes with an agent or team filter read refund_facts). */
export const PRODUCT_WEEKLY_KEYS: readonly string[] = ['product_line', 'reason_code', 'channel', 'campaign'];

/** A measure: an aggregate over refund_facts rows, and how rollup rows of it add up. */
export interface MeasureDef {
  name: string;
  /** Aggregate over refund_facts rows (the cut-offs CTE `h` is in scope). */
  fact: (d: Dialect) => string;
  /** Aggregate over rollup rows that gives the same number: counts add up exactly, float sums with fsum. */
  merge: 'sum' | 'fsum';
}

const sla = DEFAULTS.slaHours;
const w = DEFAULTS.repurchaseWindowDays;
const eco = DEFAULTS.economicsWindowDays;
const coalesce0 = (x: string) => `coalesce(${x}, 0)`;
const repurchasedWithin = (d: Dialect, days: number) => `next_order_at <= ${d.addDays('decided_at', days)}`;

/** Additive measures: each is a count or a sum, so any set of rollup rows adds up exactly. */
export const MEASURES: readonly MeasureDef[] = [
  { name: 'n', fact: () => 'count(*)', merge: 'sum' },
  { name: 'refunded_amount', fact: (d) => coalesce0(d.fsum('refunded_amount')), merge: 'fsum' },
  { name: 'sla_met', fact: (d) => d.countIf(`resolution_hours <= ${sla}`), merge: 'sum' },
  { name: 'res_sum', fact: (d) => coalesce0(d.fsum('resolution_hours')), merge: 'fsum' },
  { name: 'res_n', fact: () => 'count(resolution_hours)', merge: 'sum' },
  { name: 'overdue', fact: (d) => d.countIf(beforeCutoff(d, 'overdue_cutoff')), merge: 'sum' },
  { name: 'payout_failed', fact: (d) => d.countIf(`payout_status = 'failed'`), merge: 'sum' },
  { name: 'payout_n', fact: () => 'count(payout_status)', merge: 'sum' },
  { name: 'evidence_true', fact: (d) => d.countIf('evidence_complete'), merge: 'sum' },
  { name: 'evidence_n', fact: () => 'count(evidence_complete)', merge: 'sum' },
  { name: 'escalated', fact: (d) => d.countIf('escalated'), merge: 'sum' },
  { name: 'reopened', fact: (d) => d.countIf('reopened'), merge: 'sum' },
  { name: 'contacts_sum', fact: () => 'coalesce(sum(contacts), 0)', merge: 'sum' },
  {
    name: 'review_gap',
    fact: (d) => d.countIf(`refunded_amount >= ${DEFAULTS.reviewThreshold} AND (reviewer_id IS NULL OR reviewer_id = agent_id)`),
    merge: 'sum',
  },
  { name: 'csat_n', fact: () => 'coalesce(sum(csat_n), 0)', merge: 'sum' },
  { name: 'csat_sum', fact: () => 'coalesce(sum(csat_sum), 0)', merge: 'sum' },
  { name: 'csat_hi', fact: () => 'coalesce(sum(csat_hi), 0)', merge: 'sum' },
  { name: 'nps_n', fact: () => 'coalesce(sum(nps_n), 0)', merge: 'sum' },
  { name: 'nps_pro', fact: () => 'coalesce(sum(nps_pro), 0)', merge: 'sum' },
  { name: 'nps_det', fact: () => 'coalesce(sum(nps_det), 0)', merge: 'sum' },
  { name: 'rep_eligible', fact: (d) => d.countIf(beforeCutoff(d, 'rep_cutoff')), merge: 'sum' },
  // Repurchase revenue of the default window, and rejection economics' default window (eligibility,
  // requested amount, revenue), so the dashboard's default views read the rollups too.
  { name: 'rep_rev', fact: (d) => coalesce0(d.fsumIf(revColumn(w), beforeCutoff(d, 'rep_cutoff'))), merge: 'fsum' },
  { name: 'eco_eligible', fact: (d) => d.countIf(beforeCutoff(d, 'eco_cutoff')), merge: 'sum' },
  { name: 'eco_requested', fact: (d) => coalesce0(d.fsumIf('requested_amount', beforeCutoff(d, 'eco_cutoff'))), merge: 'fsum' },
  { name: 'eco_rev', fact: (d) => coalesce0(d.fsumIf(revColumn(eco), beforeCutoff(d, 'eco_cutoff'))), merge: 'fsum' },
  // rejectionEffect (matched comparison) at the economics window: the sum of squared revenue and the
  // repurchased count, so its per-stratum variances come from the rollup too.
  { name: 'eco_rev2', fact: (d) => coalesce0(d.fsumIf(`${revColumn(eco)} * ${revColumn(eco)}`, beforeCutoff(d, 'eco_cutoff'))), merge: 'fsum' },
  { name: 'eco_yes', fact: (d) => d.countIf(`${beforeCutoff(d, 'eco_cutoff')} AND ${repurchasedWithin(d, eco)}`), merge: 'sum' },
  { name: 'rep_yes', fact: (d) => d.countIf(`${beforeCutoff(d, 'rep_cutoff')} AND ${repurchasedWithin(d, w)}`), merge: 'sum' },
  // Sums of squares for Welch's t in policyImpact (changes effective at midnight read refund_daily).
  { name: 'res_sq', fact: (d) => coalesce0(d.fsum('resolution_hours * resolution_hours')), merge: 'fsum' },
  { name: 'csat_sq', fact: () => 'coalesce(sum(csat_sq), 0)', merge: 'sum' },
];
for (const m of MEASURES) {
  if (!usesCutoffsOnlyBefore(m.fact(DUCKDB))) throw new Error(`measure ${m.name} uses a cut-off other than through beforeCutoff`);
}
export const MEASURE_BY_NAME: ReadonlyMap<string, MeasureDef> = new Map(MEASURES.map((m) => [m.name, m]));
export const isMeasure = (name: string): boolean => MEASURE_BY_NAME.has(name);

/** The measures as DuckDB text (what the loader's rollups are built with and what their signature covers). */
export const DAILY_MEASURES: ReadonlyArray<{ name: string; fact: string; merge: 'sum' | 'fsum' }> = MEASURES.map((m) => ({
  name: m.name,
  fact: m.fact(DUCKDB),
  merge: m.merge,
}));
export type DailyMeasure = (typeof MEASURES)[number]['name'];

/**
 * The SELECT list of the named measures, aliased by name, over refund_facts (`fact`) or over a
 * rollup (`rollup`). Counts merged from a rollup are cast back to BIGINT so both sources return
 * the same types.
 */
export function measuresSql(source: 'fact' | 'rollup', names: readonly string[] = MEASURES.map((m) => m.name), d: Dialect = DUCKDB, aliasPrefix = ''): Raw {
  return raw(names.map((name) => measureSql(source, name, d, aliasPrefix)).join(',\n  '));
}

/**
 * One measure's aggregate, aliased by its name (after `aliasPrefix`: on ClickHouse an alias is seen
 * in the whole SELECT, so `sum(refunded_amount) AS refunded_amount` would aggregate itself).
 */
export function measureSql(source: 'fact' | 'rollup', name: string, d: Dialect = DUCKDB, aliasPrefix = ''): string {
  const m = MEASURE_BY_NAME.get(name);
  if (!m) throw new Error(`unknown rollup measure ${name}`);
  const as = `${aliasPrefix}${name}`;
  if (source === 'fact') return `${m.fact(d)} AS ${as}`;
  return m.merge === 'sum' ? `CAST(sum(${name}) AS BIGINT) AS ${as}` : `coalesce(${d.fsum(name)}, 0) AS ${as}`;
}

/** A rollup key as selected from refund_facts (the amount band is computed). */
export const keySelect = (k: string) => (k === 'amount_band' ? `${AMOUNT_BAND_SQL} AS amount_band` : k);

/** Column declarations of a rollup table. */
export const rollupColumns = (r: RollupSpec) =>
  `day DATE, ${r.keys.map((k) => `${k} VARCHAR`).join(', ')}, ${DAILY_MEASURES.map((m) => `${m.name} ${m.merge === 'fsum' ? 'DOUBLE' : 'BIGINT'}`).join(', ')}`;
export const ORDER_DAILY_COLUMNS = 'day DATE, channel VARCHAR, campaign VARCHAR, n BIGINT';
/** Refunds per ISO week (its Monday) and product, for spike detection; the filter columns of refund_daily minus time. */
export const PRODUCT_WEEKLY_COLUMNS =
  'wk DATE, product_id VARCHAR, product_line VARCHAR, reason_code VARCHAR, reason_family VARCHAR, channel VARCHAR, campaign VARCHAR, n BIGINT';
/**
 * Summed from product_weekly for the two halves of spike detection, so neither reads all of it: the
 * defect refunds per week (what is counted), and per product and filter keys its first week and
 * refunds (its age and main line). At 10M: 0.56M and 0.05M rows against product_weekly's 1.7M.
 */
export const DEFECT_WEEKLY_COLUMNS = 'wk DATE, product_id VARCHAR, product_line VARCHAR, reason_code VARCHAR, channel VARCHAR, campaign VARCHAR, n BIGINT';
export const PRODUCT_LINES_COLUMNS =
  'product_id VARCHAR, product_line VARCHAR, reason_code VARCHAR, channel VARCHAR, campaign VARCHAR, first_wk DATE, n BIGINT';
/**
 * Defect refunds per week and product with only the line as a key, summed from defect_weekly: what
 * spike detection counts when nothing but product lines is filtered (the default view). At 10M:
 * 21,000 rows against defect_weekly's 0.56M, which the count would otherwise aggregate per request.
 */
export const DEFECT_LINE_WEEKLY_COLUMNS = 'wk DATE, product_id VARCHAR, product_line VARCHAR, n BIGINT';
/** The filter columns defect_line_weekly has. */
export const DEFECT_LINE_WEEKLY_KEYS: readonly string[] = ['product_line'];

/** The calendar period a rollup's time column holds, as its first day (ISO weeks start on Monday). */
export type RollupPeriod = 'day' | CoarseGrain;

/** An aggregate column of a rollup besides the model's MEASURES. */
export type RollupAggregate = { as: string; fn: 'count' } | { as: string; fn: 'sum' | 'min'; of: string };

/**
 * How one rollup is built. Both engines build every rollup from these declarations: DuckDB in the
 * loader (etl/src/load/rollup-build.ts), ClickHouse on every shard (engine-clickhouse/src/rollups.ts).
 */
export interface RollupBuildDef {
  table: string;
  /** Column declarations (DuckDB types; ClickHouse maps them). */
  columns: string;
  /** refund_facts, orders, or a rollup declared before it, which it is summed from. */
  source: string;
  /** The first group column: the period holding a time column of the source (absent: no time group). */
  time?: { as: 'day' | 'wk'; period: RollupPeriod; of: string };
  /** The other group columns, as in the source (refund_facts' amount band is computed: AMOUNT_BAND_SQL). */
  keys: readonly string[];
  /** Every measure of MEASURES from facts ('fact') or summed from a rollup of them ('merge'), or these aggregates. */
  measures: 'fact' | 'merge' | readonly RollupAggregate[];
  /** The source rows it counts (a condition both dialects read alike). */
  where?: string;
  /** The order a full build writes its rows in, so time filters skip whole row groups. */
  order: readonly string[];
}

const SPIKE_KEYS = ['product_id', 'product_line', 'reason_code', 'channel', 'campaign'] as const;
const countN: readonly RollupAggregate[] = [{ as: 'n', fn: 'count' }];
const sumN: readonly RollupAggregate[] = [{ as: 'n', fn: 'sum', of: 'n' }];

/** Every rollup, in build order: one summed from another comes after it. */
export const ROLLUP_BUILDS: readonly RollupBuildDef[] = [
  ...ROLLUPS.map((r): RollupBuildDef => ({
    table: r.table,
    columns: rollupColumns(r),
    source: 'refund_facts',
    time: { as: 'day', period: 'day', of: 'requested_at' },
    keys: r.keys,
    measures: 'fact',
    order: ['day'],
  })),
  {
    table: 'order_daily',
    columns: ORDER_DAILY_COLUMNS,
    source: 'orders',
    time: { as: 'day', period: 'day', of: 'ordered_at' },
    keys: ['channel', 'campaign'],
    measures: countN,
    order: ['day'],
  },
  {
    table: 'product_weekly',
    columns: PRODUCT_WEEKLY_COLUMNS,
    source: 'refund_facts',
    time: { as: 'wk', period: 'week', of: 'requested_at' },
    keys: ['product_id', 'product_line', 'reason_code', 'reason_family', 'channel', 'campaign'],
    measures: countN,
    where: 'product_id IS NOT NULL',
    order: ['product_id', 'wk'],
  },
  {
    table: 'defect_weekly',
    columns: DEFECT_WEEKLY_COLUMNS,
    source: 'product_weekly',
    time: { as: 'wk', period: 'week', of: 'wk' },
    keys: SPIKE_KEYS,
    measures: sumN,
    where: `reason_family = 'defect'`,
    order: ['product_id', 'wk'],
  },
  {
    table: 'product_lines',
    columns: PRODUCT_LINES_COLUMNS,
    source: 'product_weekly',
    keys: SPIKE_KEYS,
    measures: [{ as: 'first_wk', fn: 'min', of: 'wk' }, ...sumN],
    order: ['product_id'],
  },
  {
    table: 'defect_line_weekly',
    columns: DEFECT_LINE_WEEKLY_COLUMNS,
    source: 'defect_weekly',
    time: { as: 'wk', period: 'week', of: 'wk' },
    keys: ['product_id', 'product_line'],
    measures: sumN,
    order: ['product_id', 'wk'],
  },
  // Weeks and months from the daily rollup, years from the monthly one (a twelfth of the rows to read).
  ...ROLLUPS.flatMap((r) =>
    COARSE_GRAINS.map((g): RollupBuildDef => ({
      table: r.coarser[g],
      columns: rollupColumns(r),
      source: g === 'year' ? r.coarser.month : r.table,
      time: { as: 'day', period: g, of: 'day' },
      keys: r.keys,
      measures: 'merge',
      order: ['day'],
    })),
  ),
];
/** A rollup's declared columns, name and DuckDB type, in table order. */
export const rollupColumnSpecs = (b: RollupBuildDef): Array<{ name: string; type: string }> =>
  b.columns.split(', ').map((c) => {
    const [name, type] = c.split(' ');
    return { name, type };
  });

/** A rollup's group columns (its time first, where it has one) and its measure columns, in table order. */
export function rollupGroupsAndMeasures(b: RollupBuildDef): { groups: string[]; measures: string[] } {
  return {
    groups: [...(b.time ? [b.time.as] : []), ...b.keys],
    measures: typeof b.measures === 'string' ? MEASURES.map((m) => m.name) : b.measures.map((m) => m.as),
  };
}

/** Whether a rollup takes its source rollup's time column as it is (both are of the same period). */
export function keepsSourceTime(b: RollupBuildDef, source: RollupBuildDef | undefined): boolean {
  return b.time !== undefined && source?.time?.period === b.time.period && source.time.as === b.time.of;
}

/** What is wrong with rollup declarations (checked for ROLLUP_BUILDS when this module loads). */
export function rollupBuildProblems(builds: readonly RollupBuildDef[]): string[] {
  return builds.flatMap((b, i) => {
    const problems: string[] = [];
    const from = builds.findIndex((x) => x.table === b.source);
    const source = builds[from];
    if (from >= i) problems.push(`${b.table} is declared before ${b.source}, which it is summed from`);
    if (from < 0 && b.source !== 'refund_facts' && b.source !== 'orders')
      problems.push(`${b.table} reads ${b.source}, which is neither a data table nor a rollup`);
    if (b.measures === 'fact' && b.source !== 'refund_facts') problems.push(`${b.table} computes the measures from ${b.source}, not refund_facts`);
    if (b.measures === 'merge' && (source === undefined || typeof source.measures !== 'string'))
      problems.push(`${b.table} sums the measures from ${b.source}, which lacks them`);
    const declared = rollupColumnSpecs(b).map((c) => c.name);
    const { groups, measures } = rollupGroupsAndMeasures(b);
    const named = [...groups, ...measures];
    if (declared.join() !== named.join()) problems.push(`${b.table} declares columns ${declared.join(', ')}, not its groups and measures ${named.join(', ')}`);
    return problems;
  });
}
const buildProblems = rollupBuildProblems(ROLLUP_BUILDS);
if (buildProblems.length) throw new Error(`rollup declarations: ${buildProblems.join('; ')}`);

/** Creates the rollup tables when missing (the loader fills them). */
export const ROLLUP_DDL = ROLLUP_BUILDS.map((b) => `CREATE TABLE IF NOT EXISTS ${b.table} (${b.columns})`);

/** Every table that holds measures, with its group keys (besides its time column) and the measures it has. */
export const MEASURE_TABLES: ReadonlyArray<{ table: string; keys: readonly string[]; measures: readonly string[] }> = [
  ...ROLLUPS.map((r) => ({ table: r.table, keys: r.keys, measures: MEASURES.map((m) => m.name) })),
  { table: 'product_weekly', keys: ['product_id', 'product_line', 'reason_code', 'reason_family', 'channel', 'campaign'], measures: ['n'] },
  { table: 'order_daily', keys: ['channel', 'campaign'], measures: ['n'] },
];
