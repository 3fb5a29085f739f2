import { Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import type { TrendPoint } from './models/trend.model';
import { previousPeriod } from '../../common/semantic/filter';
import { ratio } from '../../common/semantic/math';
import type { Overview } from './models/overview.model';
import { OVERVIEW_METRICS, OverviewRepository } from './overview.repository';
import { denominatorOf, metricValue, total } from '../../common/semantic/metric-query';

@Injectable()
export class OverviewService {
  constructor(private readonly repo: OverviewRepository) {}

  async overview(f: RefundFilter, withPrevious: boolean, percentiles: boolean): Promise<Overview> {
    const [current, previous] = await Promise.all([this.compute(f, percentiles), withPrevious ? this.previous(f, percentiles) : Promise.resolve(null)]);
    return { ...current, previous };
  }

  private async previous(f: RefundFilter, percentiles: boolean): Promise<Overview | null> {
    const p = previousPeriod(f);
    return p ? this.compute(p, percentiles) : null;
  }

  private async compute(f: RefundFilter, percentiles: boolean): Promise<Overview> {
    const [{ rows, p50, p90 }, orders] = await Promise.all([this.repo.counts(f, percentiles), this.repo.orderCount(f)]);
    const v = (name: (typeof OVERVIEW_METRICS)[number]) => metricValue(name, rows);
    const refunds = v('refunds') ?? 0;
    return {
      refunds,
      decided: v('decided') ?? 0,
      refundedAmount: v('refundedAmount') ?? 0,
      approvalRate: v('approvalRate'),
      rejectionRate: v('rejectionRate'),
      partialRate: v('partialRate'),
      refundRate: orders === null ? null : ratio(refunds, orders),
      orders,
      slaMetRate: v('slaMetRate'),
      resolutionHoursMean: v('resolutionHours'),
      resolutionHoursP50: p50,
      resolutionHoursP90: p90,
      overduePending: v('overduePending') ?? 0,
      pending: total({ measure: 'n', decisions: ['pending'] }, rows),
      payoutFailureRate: v('payoutFailureRate'),
      payoutN: denominatorOf('payoutFailureRate', rows),
      evidenceCompleteRate: v('evidenceCompleteRate'),
      evidenceN: denominatorOf('evidenceCompleteRate', rows),
      reviewGapCount: v('reviewGapCount') ?? 0,
      csatAvg: v('csatAvg'),
      csatRate: v('csatRate'),
      csatResponses: denominatorOf('csatAvg', rows),
      nps: v('nps'),
      npsResponses: denominatorOf('nps', rows),
      repurchaseRate: v('repurchaseRate'),
      repurchaseEligible: denominatorOf('repurchaseRate', rows),
      previous: null,
    };
  }

  async trend(f: RefundFilter, grain: Grain): Promise<TrendPoint[]> {
    const rows = await this.repo.trend(f, grain);
    return rows.map((r) => ({
      period: r.period,
      refunds: r.refunds,
      decided: r.decided,
      approvalRate: ratio(r.approved, r.decided),
      rejectionRate: ratio(r.rejected, r.decided),
      refundedAmount: r.refunded_amount,
    }));
  }
}
