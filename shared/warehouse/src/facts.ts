import { DEFAULTS } from '@refunds/shared';

/** Standard windows whose repurchase revenue is precomputed (rev_7 ... rev_365). */
export const REV_WINDOWS: readonly number[] = DEFAULTS.repurchaseWindows;
export const revColumn = (w: number): string => `rev_${w}`;

/**
 * refund_facts: one row per refund with everything per-request work would otherwise recompute:
 * amounts in the reporting currency, resolution hours, reason family, team, new vs returning
 * customer, the next order after the decision, repurchase revenue per standard window and survey
 * tallies. The loader derives it (etl/src/load/derive.ts).
 */
export const FACTS_DDL = `CREATE TABLE IF NOT EXISTS refund_facts (
  refund_id VARCHAR, order_id VARCHAR, customer_id VARCHAR, agent_id VARCHAR, channel VARCHAR,
  product_id VARCHAR, product_line VARCHAR, reason_code VARCHAR, reason_family VARCHAR,
  requested_at TIMESTAMP, decided_at TIMESTAMP, paid_at TIMESTAMP, decision VARCHAR,
  requested_amount DOUBLE, refunded_amount DOUBLE, currency VARCHAR, payout_status VARCHAR,
  contacts INTEGER, escalated BOOLEAN, reopened BOOLEAN, evidence_complete BOOLEAN,
  reviewer_id VARCHAR, policy_version VARCHAR, campaign VARCHAR, team VARCHAR, customer_type VARCHAR,
  resolution_hours DOUBLE, next_order_at TIMESTAMP,
  ${REV_WINDOWS.map((w) => `${revColumn(w)} DOUBLE`).join(', ')},
  csat_n INTEGER, csat_sum INTEGER, csat_hi INTEGER, nps_n INTEGER, nps_pro INTEGER, nps_det INTEGER,
  csat_sq BIGINT)`;

/**
 * Columns added to refund_facts after its first release, with the SQL that fills them for rows
 * derived before: ensureSchema adds and fills them once, so an older database needs no reload.
 */
export const FACTS_ADDED_COLUMNS: ReadonlyArray<{ name: string; type: string; fill: string }> = [
  {
    // The sum of squared CSAT scores, so a CSAT variance needs no join to surveys.
    name: 'csat_sq',
    type: 'BIGINT',
    fill: `UPDATE refund_facts SET csat_sq = coalesce(
             (SELECT sum(s.score * s.score) FROM surveys s WHERE s.refund_id = refund_facts.refund_id AND s.kind = 'csat'), 0)`,
  },
];

/** The conflict kinds of reconciliation.md, in the order the spec lists them (table reconciliation_conflicts). */
export const CONFLICT_KINDS = ['AMOUNT_MISMATCH', 'DECISION_MISMATCH', 'APPROVED_NOT_PAID', 'PAID_WITHOUT_TICKET', 'UNKNOWN_ORDER'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
