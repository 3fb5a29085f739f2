import { chiSquareIndependence } from '@refunds/shared';
import type { CohortChannelRow } from './channels.repository';
import type { ChannelCohort, ChannelConsistency } from './models/channels.model';

/** Guards the >= comparison against binary rounding (0.65 - 0.5 is 0.15000000000000002, 0.6 - 0.45 is 0.1499...). */
const EPS = 1e-12;

/**
 * Channel consistency from decided refunds per cohort x channel (only channels with enough cases, in
 * cohorts with two or more of them): a cohort is inconsistent when its approval rates differ by at
 * least `gapThreshold`; the rate weighs cohorts by their refunds.
 */
export function consistencyOf(rows: readonly CohortChannelRow[], gapThreshold: number): ChannelConsistency {
  const cohorts = new Map<string, { reasonCode: string; productLine: string | null; amountBand: string; cells: CohortChannelRow[] }>();
  for (const r of rows) {
    const key = JSON.stringify([r.reason_code, r.product_line, r.amount_band]);
    let c = cohorts.get(key);
    if (!c) cohorts.set(key, (c = { reasonCode: r.reason_code, productLine: r.product_line, amountBand: r.amount_band, cells: [] }));
    c.cells.push(r);
  }
  let comparableN = 0;
  let inconsistentN = 0;
  const out: ChannelCohort[] = [];
  for (const c of cohorts.values()) {
    const rates = c.cells.map((x) => x.approved / x.n);
    const gap = Math.max(...rates) - Math.min(...rates);
    const inconsistent = gap + EPS >= gapThreshold;
    const n = c.cells.reduce((a, x) => a + x.n, 0);
    comparableN += n;
    if (inconsistent) inconsistentN += n;
    const chi = chiSquareIndependence(c.cells.map((x) => [x.approved, x.n - x.approved]));
    out.push({
      reasonCode: c.reasonCode,
      productLine: c.productLine,
      amountBand: c.amountBand,
      gap,
      pValue: chi?.pValue ?? null,
      inconsistent,
      channels: c.cells.map((x) => ({ channel: x.channel, n: x.n, approvalRate: x.approved / x.n })),
    });
  }
  out.sort((a, b) => Number(b.inconsistent) - Number(a.inconsistent) || b.gap - a.gap);
  return {
    inconsistencyRate: comparableN > 0 ? inconsistentN / comparableN : null,
    comparableCohorts: out.length,
    inconsistentCohorts: out.filter((c) => c.inconsistent).length,
    n: comparableN,
    cohorts: out,
  };
}
