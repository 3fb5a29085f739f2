import { Injectable } from '@nestjs/common';
import { DEFAULTS, type Grain, type RefundFilter } from '@refunds/shared';
import { sql } from '@refunds/etl';
import { DuckDbService } from '../../database/duckdb.service';
import { filterCondition } from '../../common/semantic/filter';
import { periodSql } from '../../common/semantic/dimensions';

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

  /** Percentiles need a sort of every resolution time, so they are computed only when asked for. */
  async counts(f: RefundFilter, percentiles: boolean): Promise<OverviewCounts> {
    const sla = DEFAULTS.slaHours;
    const w = DEFAULTS.repurchaseWindowDays;
    const [row] = await this.db.query<OverviewCounts>(sql`
      WITH h AS (SELECT (SELECT max(ordered_at) FROM orders) AS horizon, (SELECT max(requested_at) FROM refund_facts) AS as_of)
      SELECT
        count(*) AS refunds,
        count(*) FILTER (WHERE decision IN ('approved', 'partial', 'rejected')) AS decided,
        coalesce(fsum(refunded_amount), 0) AS refunded_amount,
        count(*) FILTER (WHERE decision IN ('approved', 'partial')) AS approved_or_partial,
        count(*) FILTER (WHERE decision = 'rejected') AS rejected,
        count(*) FILTER (WHERE decision = 'partial') AS partial,
        count(*) FILTER (WHERE decision IN ('approved', 'partial', 'rejected') AND resolution_hours <= ${sla}) AS sla_met,
        avg(resolution_hours) AS res_mean,
        ${percentiles ? sql`quantile_cont(resolution_hours, 0.5)` : sql`NULL::DOUBLE`} AS res_p50,
        ${percentiles ? sql`quantile_cont(resolution_hours, 0.9)` : sql`NULL::DOUBLE`} AS res_p90,
        count(*) FILTER (WHERE decision = 'pending') AS pending,
        count(*) FILTER (WHERE decision = 'pending' AND requested_at + to_hours(CAST(${sla} AS BIGINT)) < h.as_of) AS overdue,
        count(*) FILTER (WHERE payout_status = 'failed') AS payout_failed,
        count(payout_status) AS payout_n,
        count(*) FILTER (WHERE evidence_complete) AS evidence_true,
        count(evidence_complete) AS evidence_n,
        count(*) FILTER (WHERE decision IN ('approved', 'partial') AND refunded_amount >= ${DEFAULTS.reviewThreshold}
                         AND (reviewer_id IS NULL OR reviewer_id = agent_id)) AS review_gap,
        coalesce(sum(csat_n), 0) AS csat_n, coalesce(sum(csat_sum), 0) AS csat_sum, coalesce(sum(csat_hi), 0) AS csat_hi,
        coalesce(sum(nps_n), 0) AS nps_n, coalesce(sum(nps_pro), 0) AS nps_pro, coalesce(sum(nps_det), 0) AS nps_det,
        count(*) FILTER (WHERE decision IN ('approved', 'partial', 'rejected') AND decided_at + to_days(CAST(${w} AS INTEGER)) <= h.horizon) AS rep_eligible,
        count(*) FILTER (WHERE decision IN ('approved', 'partial', 'rejected') AND decided_at + to_days(CAST(${w} AS INTEGER)) <= h.horizon
                         AND next_order_at <= decided_at + to_days(CAST(${w} AS INTEGER))) AS rep_yes
      FROM refund_facts, h
      WHERE ${filterCondition(f)}`);
    return row;
  }

  /** Orders in the filter's time range whose channel and campaign pass it; null when no orders are loaded. */
  async orderCount(f: RefundFilter): Promise<number | null> {
    const [row] = await this.db.query<{ n: number; any_orders: boolean }>(sql`
      SELECT count(*) FILTER (WHERE ${filterCondition(f, { only: ['channels', 'campaigns'], columns: { time: 'ordered_at' } })}) AS n,
             count(*) > 0 AS any_orders
      FROM orders`);
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
