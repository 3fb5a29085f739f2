import { Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { CUTOFFS_CTE, DECIDED_SQL, measuresSql, raw, sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { dialect as d } from '../../common/semantic/dialect';
import { factSource, filterCondition } from '../../common/semantic/filter';
import { periodStartSql } from '../../common/semantic/dimensions';

/** One row per decision; the counters share their names with the folded OverviewCounts. */
type DecisionRow = Pick<
  OverviewCounts,
  | 'refunded_amount'
  | 'sla_met'
  | 'overdue'
  | 'payout_failed'
  | 'payout_n'
  | 'evidence_true'
  | 'evidence_n'
  | 'review_gap'
  | 'csat_n'
  | 'csat_sum'
  | 'csat_hi'
  | 'nps_n'
  | 'nps_pro'
  | 'nps_det'
  | 'rep_eligible'
  | 'rep_yes'
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
   * One scan grouped by decision (five groups), from the daily rollup when it covers the filter.
   * Percentiles need every resolution time, so they read refund_facts, and only when asked for.
   */
  async counts(f: RefundFilter, percentiles: boolean): Promise<OverviewCounts> {
    const src = factSource(f, this.db.rollups, ['decision']);
    const rows = await this.db.query<DecisionRow>(
      src.rollup
        ? sql`SELECT decision, ${measuresSql('rollup')} FROM ${src.table} WHERE ${src.filter} GROUP BY decision`
        : sql`WITH ${CUTOFFS_CTE} SELECT decision, ${measuresSql('fact')} FROM refund_facts, h WHERE ${src.filter} GROUP BY decision`,
    );
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
      FROM refund_facts WHERE ${DECIDED_SQL} AND ${filterCondition(f)}`);
    return r;
  }

  /** Orders in the filter's time range whose channel and campaign pass it; null when no orders are loaded. */
  async orderCount(f: RefundFilter): Promise<number | null> {
    const only = ['channels', 'campaigns'] as const;
    const q = this.db.rollups
      ? sql`SELECT (SELECT coalesce(sum(n), 0) FROM order_daily WHERE ${filterCondition(f, { only, columns: { time: 'day' }, dateColumn: true })}) AS n,
               EXISTS (SELECT 1 FROM order_daily) AS any_orders`
      : sql`SELECT (SELECT count(*) FROM orders WHERE ${filterCondition(f, { only, columns: { time: 'ordered_at' } })}) AS n,
               EXISTS (SELECT 1 FROM orders) AS any_orders`;
    const [row] = await this.db.query<{ n: number; any_orders: boolean }>(q);
    return row.any_orders ? row.n : null;
  }

  trend(
    f: RefundFilter,
    grain: Grain,
  ): Promise<Array<{ period: string; refunds: number; decided: number; approved: number; rejected: number; refunded_amount: number }>> {
    const src = factSource(f, this.db.rollups, ['decision']);
    const n = src.rollup ? 'n' : '1';
    const count = (cond: string) => raw(`CAST(coalesce(${d.sumIf(n, cond)}, 0) AS BIGINT)`);
    return this.db.query(sql`
      WITH g AS (
        SELECT ${periodStartSql(grain, src.time)} AS p,
          CAST(sum(${raw(n)}) AS BIGINT) AS refunds,
          ${count(DECIDED_SQL.text)} AS decided,
          ${count(`decision IN ('approved', 'partial')`)} AS approved,
          ${count(`decision = 'rejected'`)} AS rejected,
          coalesce(${raw(d.fsum('refunded_amount'))}, 0) AS refunded_amount
        FROM ${src.table} WHERE ${src.filter}
        GROUP BY 1)
      SELECT ${raw(d.formatDay('p'))} AS period, refunds, decided, approved, rejected, refunded_amount FROM g ORDER BY p`);
  }
}
