import { Injectable } from '@nestjs/common';
import { poissonUpperTail, type Grain, type RefundFilter } from '@refunds/shared';
import { badInput } from '../../common/errors';
import type { ReasonTrendPoint, RefundSpike } from './models/reasons.model';
import { LAMBDA_FLOOR, ReasonsRepository } from './reasons.repository';

@Injectable()
export class ReasonsService {
  constructor(private readonly repo: ReasonsRepository) {}

  async trends(f: RefundFilter, grain: Grain): Promise<ReasonTrendPoint[]> {
    const rows = await this.repo.trends(f, grain);
    // The share of the period, from the few aggregated rows (ClickHouse 18.16 has no window sum).
    const perPeriod = new Map<string, number>();
    for (const r of rows) perPeriod.set(r.period, (perPeriod.get(r.period) ?? 0) + r.refunds);
    return rows.map((r) => ({
      period: r.period,
      reasonCode: r.reason_code,
      reasonFamily: r.reason_family,
      refunds: r.refunds,
      refundedAmount: r.refunded_amount,
      share: r.refunds / (perPeriod.get(r.period) ?? r.refunds),
    }));
  }

  async spikes(f: RefundFilter, minCount: number, alpha: number): Promise<RefundSpike[]> {
    if (!Number.isInteger(minCount) || minCount < 1 || minCount > 1_000_000) throw badInput('minCount', 'must be a whole number 1..1000000');
    if (!Number.isFinite(alpha) || alpha <= 0 || alpha >= 1) throw badInput('alpha', 'must be between 0 and 1 (exclusive)');
    const rows = await this.repo.spikeCandidates(f, minCount, alpha);
    const out: RefundSpike[] = [];
    for (const r of rows) {
      const lambda = Math.max(r.expected, LAMBDA_FLOOR);
      const pValue = poissonUpperTail(r.c, lambda);
      if (!(pValue < alpha)) continue;
      out.push({
        productId: r.product_id,
        productLine: r.product_line,
        week: r.week,
        count: r.c,
        expected: r.expected,
        ratio: r.c / lambda,
        pValue,
        topReasonCode: r.top_reason,
        history: [...r.history, r.c],
      });
    }
    return out.sort((a, b) => a.pValue - b.pValue || b.ratio - a.ratio || a.week.localeCompare(b.week) || a.productId.localeCompare(b.productId));
  }
}
