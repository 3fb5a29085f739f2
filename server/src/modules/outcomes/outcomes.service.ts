import { Injectable } from '@nestjs/common';
import { METRIC_BY_NAME, type DimensionName, type Grain, type RefundFilter } from '@refunds/shared';
import { AppError, badInput } from '../../common/errors';
import { npsOf, ratio } from '../../common/semantic/math';
import type { Principal } from '../auth/auth.types';
import { CAN } from '../auth/auth.types';
import type { ExperienceGroup, RejectionEconomics, RepurchaseGroup } from './models/outcomes.model';
import { OutcomesRepository } from './outcomes.repository';

export function checkWindow(windowDays: number): void {
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 730)
    throw badInput('windowDays', `must be a whole number of days 1..730, got ${windowDays}`);
}

function checkDimension(dim: DimensionName, who: Principal): void {
  if (dim === 'AGENT' && !CAN.seeAgentNames(who.role)) throw new AppError('FORBIDDEN', `groupBy: the ${who.role} role may not group by agent`, 'groupBy');
}

@Injectable()
export class OutcomesService {
  constructor(private readonly repo: OutcomesRepository) {}

  async experience(f: RefundFilter, dim: DimensionName, grain: Grain, who: Principal): Promise<ExperienceGroup[]> {
    checkDimension(dim, who);
    const rows = await this.repo.experience(f, dim, grain);
    return rows.map((r) => ({
      key: r.key,
      refunds: r.refunds,
      csatAvg: ratio(r.csat_sum, r.csat_n),
      csatRate: ratio(r.csat_hi, r.csat_n),
      csatResponses: r.csat_n,
      nps: npsOf(r.nps_pro, r.nps_det, r.nps_n),
      npsResponses: r.nps_n,
    }));
  }

  async repurchase(f: RefundFilter, windowDays: number, dim: DimensionName, grain: Grain, who: Principal): Promise<RepurchaseGroup[]> {
    checkWindow(windowDays);
    checkDimension(dim, who);
    const rows = await this.repo.repurchase(f, windowDays, dim, grain);
    return rows.map((r) => ({
      key: r.key,
      eligible: r.eligible,
      repurchased: r.repurchased,
      repurchaseRate: ratio(r.repurchased, r.eligible),
      repurchaseRevenue: r.eligible > 0 ? (r.revenue_sum ?? 0) / r.eligible : null,
    }));
  }

  async economics(f: RefundFilter, windowDays: number): Promise<RejectionEconomics> {
    checkWindow(windowDays);
    const rows = await this.repo.economics(f, windowDays);
    const by = new Map(rows.map((r) => [r.decision, r]));
    const approved = by.get('approved');
    const rejected = by.get('rejected');
    const rejectedCount = rejected?.n ?? 0;
    const approvedRev = approved && approved.n > 0 ? approved.revenue_sum / approved.n : null;
    const rejectedRev = rejected && rejected.n > 0 ? rejected.revenue_sum / rejected.n : null;
    const savings = rejected?.requested ?? 0;
    // Either mean over an empty set is undefined, so the gap is too (null, never 0).
    const revenueGap = approvedRev === null || rejectedRev === null ? null : (approvedRev - rejectedRev) * rejectedCount;
    return {
      savings,
      revenueGap,
      net: revenueGap === null ? null : savings - revenueGap,
      rejectedCount,
      eligible: rows.reduce((a, r) => a + r.n, 0),
      approvedRepurchaseRevenue: approvedRev,
      rejectedRepurchaseRevenue: rejectedRev,
      windowDays,
      caveat: METRIC_BY_NAME.get('revenueGap')?.caveat?.en ?? '',
    };
  }
}
