import { Injectable } from '@nestjs/common';
import { DEFAULTS, type Grain, type RefundFilter } from '@refunds/shared';
import { sql } from '@refunds/etl';
import { DuckDbService } from '../../database/duckdb.service';
import { filterCondition } from '../../common/semantic/filter';
import { periodSql } from '../../common/semantic/dimensions';

/** One row per decision; the counters share their names with the folded OverviewCounts. */
type DecisionRow = Pick<
  OverviewCounts,
  'refunded_amount' | 'sla_met' | 'overdue' | 'payout_failed' | 'payout_n' | 'evidence_true' | 'evidence_n' | 'review_gap' | 'csat_n' | 'csat_sum' | 'csat_hi' | 'nps_n' | 'nps_pro' | 'nps_det' | 'rep_eligible' | 'rep_yes'
> & { decision: string; n: number; refunded_amount: number; res_sum: number; res_n: number };

export interface OverviewCounts {
  refunds: number;
  decided: number;
  refunded_amount: number | null;
  approved_or_partial: number;
  rejected: number;
  partial: number;
  sla_met: number;
  res_mean: number | null;
  res_p50: number | null;
  res_p90: number | null;
  pending: number;
  overdue: number;
  payout_failed: number;
  payout_n: number;
  evidence_true: number;
  evidence_n: number;
  review_gap: number;
  csat_n: number;
  csat_sum: number;
  csat_hi: number;
  nps_n: number;
  nps_pro: number;
  nps_det: number;
  rep_eligible: number;
  rep_yes: number;
}

@Injectable()
export class OverviewRepository {
  constructor(private readonly db: DuckDbService) {}

  /**
   * One scan grouped by decision (five groups), so each aggregate tests few conditions; the time
   * cut-offs are scalars computed once, not an interval added to every row. Percentiles need a
   * sort of every resolution time, so they are computed only when asked for.
   */
  async counts(f: RefundFilter, percentiles: boolean): Promise<OverviewCounts> {
    const sla = DEFAULTS.slaHours;
    const w = DEFAULTS.repurchaseWindowDays;
    const rows = await this.db.query<DecisionRow>(sql`
      WITH h AS (
        SELECT (SELECT max(ordered_at) FROM orders) - to_days(CAST(${w} AS INTEGER)) AS rep_cutoff,
               (SELECT max(requested_at) FROM refund_facts) - to_hours(CAST(${sla} AS BIGINT)) AS overdue_cutoff)
      SELECT decision, count(*) AS n,
        coalesce(fsum(refunded_amount), 0) AS refunded_amount,
        count(*) FILTER (WHERE resolution_hours <= ${sla}) AS sla_met,
        coalesce(fsum(resolution_hours), 0) AS res_sum, count(resolution_hours) AS res_n,
        count(*) FILTER (WHERE requested_at < h.overdue_cutoff) AS overdue,
        count(*) FILTER (WHERE payout_status = 'failed') AS payout_failed, count(payout_status) AS payout_n,
        count(*) FILTER (WHERE evidence_complete) AS evidence_true, count(evidence_complete) AS evidence_n,
        count(*) FILTER (WHERE refunded_amount >= ${DEFAULTS.reviewThreshold} AND (reviewer_id IS NULL OR reviewer_id = agent_id)) AS review_gap,
        coalesce(sum(csat_n), 0) AS csat_n, coalesce(sum(csat_sum), 0) AS csat_sum, coalesce(sum(csat_hi), 0) AS csat_hi,
        coalesce(sum(nps_n), 0) AS nps_n, coalesce(sum(nps_pro), 0) AS nps_pro, coalesce(sum(nps_det), 0) AS nps_det,
        count(*) FILTER (WHERE decided_at <= h.rep_cutoff) AS rep_eligible,
        count(*) FILTER (WHERE decided_at <= h.rep_cutoff AND next_order_at <= decided_at + to_days(CAST(${w} AS INTEGER))) AS rep_yes
      FROM refund_facts, h
      WHERE ${filterCondition(f)}
      GROUP BY decision`);
    const sum = (pick: (r: DecisionRow) => number, decisions?: readonly string[]) =>
      rows.filter((r) => !decisions || decisions.includes(r.decision)).reduce((a, r) => a + pick(r), 0);
    const decided = ['approved', 'partial', 'rejected'] as const;
    const pct = percentiles ? await this.percentiles(f) : { p50: null, p90: null };
    const resN = sum((r) => r.res_n, decided);
    return {
      refunds: sum((r) => r.n),
      decided: sum((r) => r.n, decided),
      refunded_amount: sum((r) => r.refunded_amount),
      approved_or_partial: sum((r) => r.n, ['approved', 'partial']),
      rejected: sum((r) => r.n, ['rejected']),
      partial: sum((r) => r.n, ['partial']),
      sla_met: sum((r) => r.sla_met, decided),
      res_mean: resN > 0 ? sum((r) => r.res_sum, decided) / resN : null,
      res_p50: pct.p50,
      res_p90: pct.p90,
      pending: sum((r) => r.n, ['pending']),
      overdue: sum((r) => r.overdue, ['pending']),
      payout_failed: sum((r) => r.payout_failed),
      payout_n: sum((r) => r.payout_n),
      evidence_true: sum((r) => r.evidence_true),
      evidence_n: sum((r) => r.evidence_n),
      review_gap: sum((r) => r.review_gap, ['approved', 'partial']),
      csat_n: sum((r) => r.csat_n),
      csat_sum: sum((r) => r.csat_sum),
      csat_hi: sum((r) => r.csat_hi),
      nps_n: sum((r) => r.nps_n),
      nps_pro: sum((r) => r.nps_pro),
      nps_det: sum((r) => r.nps_det),
      rep_eligible: sum((r) => r.rep_eligible, decided),
      rep_yes: sum((r) => r.rep_yes, decided),
    };
  }

  private async percentiles(f: RefundFilter): Promise<{ p50: number | null; p90: number | null }> {
    const [r] = await this.db.query<{ p50: number | null; p90: number | null }>(sql`
      SELECT quantile_cont(resolution_hours, 0.5) AS p50, quantile_cont(resolution_hours, 0.9) AS p90
      FROM refund_facts WHERE decision IN ('approved', 'partial', 'rejected') AND ${filterCondition(f)}`);
    return r;
  }

  /** Orders in the filter's time range whose channel and campaign pass it; null when no orders are loaded. */
  async orderCount(f: RefundFilter): Promise<number | null> {
    const [row] = await this.db.query<{ n: number; any_orders: boolean }>(sql`
      SELECT (SELECT count(*) FROM orders WHERE ${filterCondition(f, { only: ['channels', 'campaigns'], columns: { time: 'ordered_at' } })}) AS n,
             EXISTS (SELECT 1 FROM orders) AS any_orders`);
    return row.any_orders ? row.n : null;
  }

  trend(f: RefundFilter, grain: Grain): Promise<Array<{ period: string; refunds: number; decided: number; approved: number; rejected: number; refunded_amount: number }>> {
    return this.db.query(sql`
      SELECT ${periodSql(grain)} AS period, count(*) AS refunds,
        count(*) FILTER (WHERE decision IN ('approved', 'partial', 'rejected')) AS decided,
        count(*) FILTER (WHERE decision IN ('approved', 'partial')) AS approved,
        count(*) FILTER (WHERE decision = 'rejected') AS rejected,
        coalesce(fsum(refunded_amount), 0) AS refunded_amount
      FROM refund_facts WHERE ${filterCondition(f)}
      GROUP BY 1 ORDER BY 1`);
  }
}
