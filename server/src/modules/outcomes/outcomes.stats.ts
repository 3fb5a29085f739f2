import { METRIC_BY_NAME, matchedEffect, type StratumSums } from '@refunds/shared';
import { npsOf, ratio } from '../../common/semantic/math';
import type { ExperienceGroup, RejectionEconomics, RejectionEffect, RejectionStratum, RepurchaseGroup } from './models/outcomes.model';
import type { EffectStratumRow, ExperienceRow, RepurchaseRow } from './outcomes.repository';

/* The statistics of the outcomes module over the repository's sums, with no I/O. */

/** CSAT and NPS of one group of refunds (per survey response linked to them). */
export function experienceOf(r: ExperienceRow): ExperienceGroup {
  return {
    key: r.key,
    refunds: r.refunds,
    csatAvg: ratio(r.csat_sum, r.csat_n),
    csatRate: ratio(r.csat_hi, r.csat_n),
    csatResponses: r.csat_n,
    nps: npsOf(r.nps_pro, r.nps_det, r.nps_n),
    npsResponses: r.nps_n,
  };
}

/** Repurchase rate and revenue per eligible refund of one group (null when none is eligible). */
export function repurchaseOf(r: RepurchaseRow): RepurchaseGroup {
  return {
    key: r.key,
    eligible: r.eligible,
    repurchased: r.repurchased,
    repurchaseRate: ratio(r.repurchased, r.eligible),
    repurchaseRevenue: r.eligible > 0 ? (r.revenue_sum ?? 0) / r.eligible : null,
  };
}

/** One decision's eligible refunds: count, requested amount and repurchase revenue within the window. */
export interface EconomicsRow {
  decision: string;
  n: number;
  requested: number;
  revenue_sum: number;
}

/** rejectionEconomics from per-decision sums of the eligible decided refunds. */
export function economicsOf(rows: readonly EconomicsRow[], windowDays: number): RejectionEconomics {
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

interface Stratum {
  key: EffectStratumRow;
  rejected?: EffectStratumRow;
  approved?: EffectStratumRow;
}

/** The matched estimate from per-stratum sums (metrics.md "What a rejection costs"). */
export function rejectionEffectOf(rows: readonly EffectStratumRow[], windowDays: number): RejectionEffect {
  const strata = new Map<string, Stratum>();
  for (const r of rows) {
    const k = JSON.stringify([r.reason_code, r.product_line, r.amount_band, r.customer_type]);
    const s = strata.get(k) ?? { key: r };
    s[r.decision] = r;
    strata.set(k, s);
  }
  const all = [...strata.values()];
  const revenue: StratumSums[] = all.map((s) => sums(s, 'rev'));
  const rate: StratumSums[] = all.map((s) => sums(s, 'rep'));
  const m = matchedEffect(revenue);
  const r = matchedEffect(rate);
  const eligibleRejected = all.reduce((a, s) => a + (s.rejected?.n ?? 0), 0);
  const listed: RejectionStratum[] = all
    .filter((s) => (s.rejected?.n ?? 0) > 0)
    .map((s) => {
      const t = s.rejected!;
      const a = s.approved;
      const matched = a !== undefined && a.n > 0;
      const revenueDiff = matched ? t.rev_sum / t.n - a.rev_sum / a.n : null;
      return {
        reasonCode: s.key.reason_code,
        productLine: s.key.product_line,
        amountBand: s.key.amount_band,
        customerType: s.key.customer_type,
        rejected: t.n,
        approved: a?.n ?? 0,
        revenueDiff,
        rateDiff: matched ? t.rep_sum / t.n - a.rep_sum / a.n : null,
        contribution: revenueDiff === null || m === null ? null : (t.n / m.matched) * revenueDiff,
      };
    })
    .sort((x, y) => Math.abs(y.contribution ?? 0) - Math.abs(x.contribution ?? 0) || y.rejected - x.rejected || stratumKey(x).localeCompare(stratumKey(y)));
  const base = { eligibleRejected, windowDays, strata: listed };
  if (m === null || r === null) {
    return {
      ...base,
      att: null,
      attLow: null,
      attHigh: null,
      rateAtt: null,
      rateLow: null,
      rateHigh: null,
      naiveGap: null,
      rateNaiveGap: null,
      matchedRejected: null,
      matchedStrata: null,
      coverage: null,
      lostRevenue: null,
      savings: null,
      net: null,
    };
  }
  const total = (d: 'rejected' | 'approved', k: 'n' | 'rev_sum' | 'rep_sum') => all.reduce((acc, s) => acc + (s[d]?.[k] ?? 0), 0);
  const nT = total('rejected', 'n');
  const nA = total('approved', 'n');
  const savings = all.filter((s) => (s.approved?.n ?? 0) > 0).reduce((acc, s) => acc + (s.rejected?.requested_sum ?? 0), 0);
  const lostRevenue = -m.effect * m.matched;
  return {
    ...base,
    att: m.effect,
    attLow: m.low,
    attHigh: m.high,
    rateAtt: r.effect,
    rateLow: r.low,
    rateHigh: r.high,
    naiveGap: nT > 0 && nA > 0 ? total('rejected', 'rev_sum') / nT - total('approved', 'rev_sum') / nA : null,
    rateNaiveGap: nT > 0 && nA > 0 ? total('rejected', 'rep_sum') / nT - total('approved', 'rep_sum') / nA : null,
    matchedRejected: m.matched,
    matchedStrata: m.strata,
    coverage: m.matched / eligibleRejected,
    lostRevenue,
    savings,
    net: savings - lostRevenue,
  };
}

/** A total order on strata, so equal contributions list the same way whatever order SQL returned them in. */
function stratumKey(s: RejectionStratum): string {
  return [s.reasonCode, s.productLine ?? '', s.amountBand, s.customerType].join('\u0000');
}

function sums(s: Stratum, what: 'rev' | 'rep'): StratumSums {
  const t = s.rejected;
  const a = s.approved;
  // repurchased is 0 or 1, so its square is itself
  return what === 'rev'
    ? { nT: t?.n ?? 0, sumT: t?.rev_sum ?? 0, sqT: t?.rev_sq ?? 0, nA: a?.n ?? 0, sumA: a?.rev_sum ?? 0, sqA: a?.rev_sq ?? 0 }
    : { nT: t?.n ?? 0, sumT: t?.rep_sum ?? 0, sqT: t?.rep_sum ?? 0, nA: a?.n ?? 0, sumA: a?.rep_sum ?? 0, sqA: a?.rep_sum ?? 0 };
}
