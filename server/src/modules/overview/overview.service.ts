import { Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import type { TrendPoint } from './models/trend.model';
import { previousPeriod } from '../../common/semantic/filter';
import { ratio } from '../../common/semantic/math';
import type { Overview } from './models/overview.model';
import { OverviewRepository } from './overview.repository';

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
    const [c, orders] = await Promise.all([this.repo.counts(f, percentiles), this.repo.orderCount(f)]);
    return {
      refunds: c.refunds,
      decided: c.decided,
      refundedAmount: c.refunded_amount ?? 0,
      approvalRate: ratio(c.approved_or_partial, c.decided),
      rejectionRate: ratio(c.rejected, c.decided),
      partialRate: ratio(c.partial, c.decided),
      refundRate: orders === null ? null : ratio(c.refunds, orders),
      orders,
      slaMetRate: ratio(c.sla_met, c.decided),
      resolutionHoursMean: c.res_mean,
      resolutionHoursP50: c.res_p50,
      resolutionHoursP90: c.res_p90,
      overduePending: c.overdue,
      pending: c.pending,
      payoutFailureRate: ratio(c.payout_failed, c.payout_n),
      payoutN: c.payout_n,
      evidenceCompleteRate: ratio(c.evidence_true, c.evidence_n),
      evidenceN: c.evidence_n,
      reviewGapCount: c.review_gap,
      csatAvg: ratio(c.csat_sum, c.csat_n),
      csatRate: ratio(c.csat_hi, c.csat_n),
      csatResponses: c.csat_n,
      nps: c.nps_n > 0 ? (100 * (c.nps_pro - c.nps_det)) / c.nps_n : null,
      npsResponses: c.nps_n,
      repurchaseRate: ratio(c.rep_yes, c.rep_eligible),
      repurchaseEligible: c.rep_eligible,
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
