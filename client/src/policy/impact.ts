import { Z_975 } from '@refunds/shared';
import type * as G from '../common/generated/graphql';

export type ImpactMetric = G.PolicyImpactQuery['policyImpact']['metrics'][number];

const RATE_METRICS = new Set(['approvalRate', 'rejectionRate', 'slaMetRate', 'csatRate', 'repurchaseRate']);
export const isRateMetric = (m: string): boolean => RATE_METRICS.has(m);

/** Half-width of the normal-approximation 95% interval of a proportion (0 when undefined). */
export function proportionHalfWidth(p: number | null, n: number): number {
  if (p === null || !Number.isFinite(p) || n <= 0) return 0;
  return Z_975 * Math.sqrt((p * (1 - p)) / n);
}

/** Rate metrics as pre/post bars, each with its own 95% interval as error-bar offsets (clipped to 0..1). */
export function prePostRows(metrics: readonly ImpactMetric[]) {
  const err = (p: number | null, n: number): [number, number] => {
    const h = proportionHalfWidth(p, n);
    if (p === null) return [0, 0];
    return [Math.min(h, p), Math.min(h, 1 - p)];
  };
  return metrics
    .filter((m) => isRateMetric(m.metric))
    .map((m) => ({ metric: m.metric, pre: m.pre, post: m.post, preErr: err(m.pre, m.preN), postErr: err(m.post, m.postN) }));
}

/** Rate deltas in percentage points with the API's 95% CI as asymmetric error-bar offsets. */
export function deltaRows(metrics: readonly ImpactMetric[]) {
  return metrics
    .filter((m) => isRateMetric(m.metric) && m.delta !== null)
    .map((m) => {
      const d = (m.delta as number) * 100;
      const lo = m.low === null ? d : m.low * 100;
      const hi = m.high === null ? d : m.high * 100;
      return { metric: m.metric, deltaPp: d, ciPp: [Math.max(0, d - lo), Math.max(0, hi - d)] as [number, number], pValue: m.pValue };
    });
}
