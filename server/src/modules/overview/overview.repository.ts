import { Inject, Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { DECIDED_SQL, raw, sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';
import { factSource, filterCondition } from '../../common/semantic/filter';
import { compileMetrics, type MeasureRow } from '../../common/semantic/metric-query';
import { periodStartSql } from '../../common/semantic/dimensions';

/** The catalog metrics the overview shows that are sums or ratios of measures (refundRate needs orders too). */
export const OVERVIEW_METRICS = [
  'refunds',
  'decided',
  'refundedAmount',
  'approvalRate',
  'rejectionRate',
  'partialRate',
  'slaMetRate',
  'resolutionHours',
  'overduePending',
  'payoutFailureRate',
  'evidenceCompleteRate',
  'reviewGapCount',
  'csatAvg',
  'csatRate',
  'nps',
  'repurchaseRate',
] as const;

@Injectable()
export class OverviewRepository {
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /**
   * One scan grouped by decision (five groups) through the metric compiler, from the daily rollup
   * when it covers the filter. Percentiles need every resolution time, so they read refund_facts,
   * and only when asked for.
   */
  async counts(f: RefundFilter, percentiles: boolean): Promise<{ rows: MeasureRow[]; p50: number | null; p90: number | null }> {
    const [rows, pct] = await Promise.all([
      this.db.query<MeasureRow>(compileMetrics({ metrics: OVERVIEW_METRICS, filter: f, rollups: this.db.rollups, dialect: this.db.dialect })),
      percentiles ? this.percentiles(f) : Promise.resolve({ p50: null, p90: null }),
    ]);
    return { rows, ...pct };
  }

  private async percentiles(f: RefundFilter): Promise<{ p50: number | null; p90: number | null }> {
    const d = this.db.dialect;
    const [r] = await this.db.query<{ p50: number | null; p90: number | null }>(sql`
      SELECT ${raw(d.quantileCont('resolution_hours', 0.5))} AS p50, ${raw(d.quantileCont('resolution_hours', 0.9))} AS p90
      FROM ${raw(d.table('refund_facts'))} WHERE ${DECIDED_SQL} AND ${filterCondition(f, { dialect: d })}`);
    return r;
  }

  /** Orders in the filter's time range whose channel and campaign pass it; null when no orders are loaded. */
  async orderCount(f: RefundFilter): Promise<number | null> {
    const only = ['channels', 'campaigns'] as const;
    const d = this.db.dialect;
    const q = this.db.rollups
      ? sql`SELECT (SELECT coalesce(sum(n), 0) FROM ${raw(d.table('order_daily'))} WHERE ${filterCondition(f, { only, columns: { time: 'day' }, dateColumn: true, dialect: d })}) AS n,
               ${raw(d.exists(`SELECT 1 FROM ${d.table('order_daily')}`))} AS any_orders`
      : sql`SELECT (SELECT count(*) FROM ${raw(d.table('orders'))} WHERE ${filterCondition(f, { only, columns: { time: 'ordered_at' }, dialect: d })}) AS n,
               ${raw(d.exists(`SELECT 1 FROM ${d.table('orders')}`))} AS any_orders`;
    const [row] = await this.db.query<{ n: number; any_orders: boolean }>(q);
    return row.any_orders ? row.n : null;
  }

  trend(
    f: RefundFilter,
    grain: Grain,
  ): Promise<Array<{ period: string; refunds: number; decided: number; approved: number; rejected: number; refunded_amount: number }>> {
    const d = this.db.dialect;
    const src = factSource(f, this.db.rollups, ['decision'], undefined, d, { periods: grain });
    const n = src.rollup ? 'n' : '1';
    const count = (cond: string) => raw(d.int64(`coalesce(${d.sumIf(n, cond)}, 0)`));
    // A subquery, not a CTE (ClickHouse 18.16 has none); the amount is named apart inside, where a
    // ClickHouse alias would shadow the column it sums.
    return this.db.query(sql`
      SELECT ${raw(d.formatDay('p'))} AS period, refunds, decided, approved, rejected, amount AS refunded_amount FROM (
        SELECT ${periodStartSql(grain, src.time, d)} AS p,
          ${raw(d.int64(`sum(${n})`))} AS refunds,
          ${count(DECIDED_SQL.text)} AS decided,
          ${count(`decision IN ('approved', 'partial')`)} AS approved,
          ${count(`decision = 'rejected'`)} AS rejected,
          coalesce(${raw(d.fsum('refunded_amount'))}, 0) AS amount
        FROM ${src.table} WHERE ${src.filter}
        GROUP BY p) AS g
      ORDER BY p`);
  }
}
