import { createHash } from 'node:crypto';
import { DEFAULTS } from '@refunds/shared';
import { raw, type Raw } from '../db/sql';
import { revColumn } from './derive';

/**
 * Daily rollups of refund_facts and orders, kept up to date by every load (./rollup-build). Most
 * panels group and filter only by the columns kept in one of them, and at 10M refunds a rollup has
 * a fifth of the rows or fewer. Anything else (a product line filter on agent scorecards, say)
 * reads refund_facts.
 */

/** Amount band of requested_amount, as channelConsistency reports it. */
export const AMOUNT_BAND_SQL = `CASE WHEN requested_amount < 50 THEN '[0,50)' WHEN requested_amount < 200 THEN '[50,200)'
  WHEN requested_amount < 1000 THEN '[200,1000)' ELSE '[1000,inf)' END`;

export interface RollupSpec {
  table: 'refund_daily' | 'agent_daily' | 'cohort_daily';
  /** Group columns besides `day` (the UTC date of requested_at); names as in refund_facts. */
  keys: readonly string[];
}

/**
 * Daily rollups, smallest first: a query reads the first one that has every column it filters or
 * groups by. refund_daily has what most panels filter on; agent_daily adds agents (which would
 * multiply refund_daily's rows); cohort_daily adds the amount band and customer type, for channel
 * cohorts and new-vs-returning splits (at 10M: 1.4M, 0.4M and 3.0M rows).
 */
export const ROLLUPS: readonly RollupSpec[] = [
  { table: 'refund_daily', keys: ['channel', 'product_line', 'reason_code', 'reason_family', 'campaign', 'decision'] },
  { table: 'agent_daily', keys: ['agent_id', 'team', 'channel', 'decision'] },
  { table: 'cohort_daily', keys: ['channel', 'product_line', 'reason_code', 'reason_family', 'campaign', 'decision', 'customer_type', 'amount_band'] },
];

/**
 * Cut-offs fixed by the data, not the request: the repurchase horizon (latest order - 30 days,
 * metrics.md's default window) and the overdue as-of time (latest request - SLA hours).
 * Both the rollup and the refund_facts fallback compute them with this CTE, so they agree.
 */
export const CUTOFFS_CTE = raw(`h AS (
  SELECT (SELECT max(ordered_at) FROM orders) - to_days(CAST(${DEFAULTS.repurchaseWindowDays} AS INTEGER)) AS rep_cutoff,
         (SELECT max(ordered_at) FROM orders) - to_days(CAST(${DEFAULTS.economicsWindowDays} AS INTEGER)) AS eco_cutoff,
         (SELECT max(requested_at) FROM refund_facts) - to_hours(CAST(${DEFAULTS.slaHours} AS BIGINT)) AS overdue_cutoff)`);

interface Measure {
  name: string;
  /** Aggregate over refund_facts rows (the CTE `h` is in scope). */
  fact: string;
  /** Aggregate over refund_daily rows that gives the same number. */
  merge: 'sum' | 'fsum';
}

const sla = DEFAULTS.slaHours;
const w = DEFAULTS.repurchaseWindowDays;

/** Additive measures: each is a count or a sum, so any set of rollup rows adds up exactly. */
export const DAILY_MEASURES: readonly Measure[] = [
  { name: 'n', fact: 'count(*)', merge: 'sum' },
  { name: 'refunded_amount', fact: 'coalesce(fsum(refunded_amount), 0)', merge: 'fsum' },
  { name: 'sla_met', fact: `count(*) FILTER (WHERE resolution_hours <= ${sla})`, merge: 'sum' },
  { name: 'res_sum', fact: 'coalesce(fsum(resolution_hours), 0)', merge: 'fsum' },
  { name: 'res_n', fact: 'count(resolution_hours)', merge: 'sum' },
  { name: 'overdue', fact: 'count(*) FILTER (WHERE requested_at < h.overdue_cutoff)', merge: 'sum' },
  { name: 'payout_failed', fact: `count(*) FILTER (WHERE payout_status = 'failed')`, merge: 'sum' },
  { name: 'payout_n', fact: 'count(payout_status)', merge: 'sum' },
  { name: 'evidence_true', fact: 'count(*) FILTER (WHERE evidence_complete)', merge: 'sum' },
  { name: 'evidence_n', fact: 'count(evidence_complete)', merge: 'sum' },
  { name: 'escalated', fact: 'count(*) FILTER (WHERE escalated)', merge: 'sum' },
  { name: 'reopened', fact: 'count(*) FILTER (WHERE reopened)', merge: 'sum' },
  { name: 'contacts_sum', fact: 'coalesce(sum(contacts), 0)', merge: 'sum' },
  {
    name: 'review_gap',
    fact: `count(*) FILTER (WHERE refunded_amount >= ${DEFAULTS.reviewThreshold} AND (reviewer_id IS NULL OR reviewer_id = agent_id))`,
    merge: 'sum',
  },
  { name: 'csat_n', fact: 'coalesce(sum(csat_n), 0)', merge: 'sum' },
  { name: 'csat_sum', fact: 'coalesce(sum(csat_sum), 0)', merge: 'sum' },
  { name: 'csat_hi', fact: 'coalesce(sum(csat_hi), 0)', merge: 'sum' },
  { name: 'nps_n', fact: 'coalesce(sum(nps_n), 0)', merge: 'sum' },
  { name: 'nps_pro', fact: 'coalesce(sum(nps_pro), 0)', merge: 'sum' },
  { name: 'nps_det', fact: 'coalesce(sum(nps_det), 0)', merge: 'sum' },
  { name: 'rep_eligible', fact: 'count(*) FILTER (WHERE decided_at <= h.rep_cutoff)', merge: 'sum' },
  // Repurchase revenue of the default window, and rejection economics' default window (eligibility,
  // requested amount, revenue), so the dashboard's default views read the rollups too.
  { name: 'rep_rev', fact: `coalesce(fsum(${revColumn(w)}) FILTER (WHERE decided_at <= h.rep_cutoff), 0)`, merge: 'fsum' },
  { name: 'eco_eligible', fact: 'count(*) FILTER (WHERE decided_at <= h.eco_cutoff)', merge: 'sum' },
  { name: 'eco_requested', fact: 'coalesce(fsum(requested_amount) FILTER (WHERE decided_at <= h.eco_cutoff), 0)', merge: 'fsum' },
  { name: 'eco_rev', fact: `coalesce(fsum(${revColumn(DEFAULTS.economicsWindowDays)}) FILTER (WHERE decided_at <= h.eco_cutoff), 0)`, merge: 'fsum' },
  // rejectionEffect (matched comparison) at the economics window: the sum of squared revenue and the
  // repurchased count, so its per-stratum variances come from the rollup too.
  {
    name: 'eco_rev2',
    fact: `coalesce(fsum(${revColumn(DEFAULTS.economicsWindowDays)} * ${revColumn(DEFAULTS.economicsWindowDays)}) FILTER (WHERE decided_at <= h.eco_cutoff), 0)`,
    merge: 'fsum',
  },
  {
    name: 'eco_yes',
    fact: `count(*) FILTER (WHERE decided_at <= h.eco_cutoff AND next_order_at <= decided_at + to_days(CAST(${DEFAULTS.economicsWindowDays} AS INTEGER)))`,
    merge: 'sum',
  },
  {
    name: 'rep_yes',
    fact: `count(*) FILTER (WHERE decided_at <= h.rep_cutoff AND next_order_at <= decided_at + to_days(CAST(${w} AS INTEGER)))`,
    merge: 'sum',
  },
  // Sums of squares for Welch's t in policyImpact (changes effective at midnight read refund_daily).
  { name: 'res_sq', fact: 'coalesce(fsum(resolution_hours * resolution_hours), 0)', merge: 'fsum' },
  { name: 'csat_sq', fact: 'coalesce(sum(csat_sq), 0)', merge: 'sum' },
];
export type DailyMeasure = (typeof DAILY_MEASURES)[number]['name'];

/**
 * The SELECT list of the named measures, aliased by name, over refund_facts (`fact`) or over
 * refund_daily (`rollup`). Counts merged from the rollup are cast back to BIGINT so both sources
 * return the same types.
 */
export function measuresSql(source: 'fact' | 'rollup', names: readonly string[] = DAILY_MEASURES.map((m) => m.name)): Raw {
  const parts = names.map((name) => {
    const m = DAILY_MEASURES.find((x) => x.name === name);
    if (!m) throw new Error(`unknown rollup measure ${name}`);
    if (source === 'fact') return `${m.fact} AS ${name}`;
    return m.merge === 'sum' ? `CAST(sum(${name}) AS BIGINT) AS ${name}` : `coalesce(fsum(${name}), 0) AS ${name}`;
  });
  return raw(parts.join(',\n  '));
}

export const rollupColumns = (r: RollupSpec) =>
  `day DATE, ${r.keys.map((k) => `${k} VARCHAR`).join(', ')}, ${DAILY_MEASURES.map((m) => `${m.name} ${m.merge === 'fsum' ? 'DOUBLE' : 'BIGINT'}`).join(', ')}`;
export const ORDER_DAILY_COLUMNS = 'day DATE, channel VARCHAR, campaign VARCHAR, n BIGINT';
/** Refunds per ISO week (its Monday) and product, for spike detection; the filter columns of refund_daily minus time. */
export const PRODUCT_WEEKLY_COLUMNS =
  'wk DATE, product_id VARCHAR, product_line VARCHAR, reason_code VARCHAR, reason_family VARCHAR, channel VARCHAR, campaign VARCHAR, n BIGINT';
/** The filter columns product_weekly has (spikes with an agent or team filter read refund_facts). */
export const PRODUCT_WEEKLY_KEYS: readonly string[] = ['product_line', 'reason_code', 'channel', 'campaign'];

/**
 * Identifies the rollups' definition: a database whose rollups were built by another definition
 * (an older loader) is rebuilt, not read with missing or differently computed columns.
 */
export const ROLLUP_SIGNATURE = createHash('sha256')
  .update(JSON.stringify([ROLLUPS, DAILY_MEASURES, AMOUNT_BAND_SQL, CUTOFFS_CTE.text, ORDER_DAILY_COLUMNS, PRODUCT_WEEKLY_COLUMNS]))
  .digest('hex')
  .slice(0, 12);

export const ROLLUP_DDL = [
  ...ROLLUPS.map((r) => `CREATE TABLE IF NOT EXISTS ${r.table} (${rollupColumns(r)})`),
  `CREATE TABLE IF NOT EXISTS order_daily (${ORDER_DAILY_COLUMNS})`,
  `CREATE TABLE IF NOT EXISTS product_weekly (${PRODUCT_WEEKLY_COLUMNS})`,
];
