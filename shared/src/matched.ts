import { Z_975 } from './stats';

/**
 * The matched comparison of metrics.md ("What a rejection costs"): per stratum, sums over its
 * rejected (treated) and approved (control) refunds; the effect on the treated is the
 * n_t-weighted mean of the within-stratum differences, with a normal 95% interval.
 */
export interface StratumSums {
  /** rejected refunds, their summed outcome and summed squared outcome */
  nT: number;
  sumT: number;
  sqT: number;
  /** approved refunds, likewise */
  nA: number;
  sumA: number;
  sqA: number;
}

export interface MatchedEffect {
  effect: number;
  low: number;
  high: number;
  /** N_t: rejected refunds in matched strata */
  matched: number;
  strata: number;
}

/** Sample variance from sums (divisor n - 1; 0 for a single value); never negative from rounding. */
export function sampleVariance(n: number, sum: number, sq: number): number {
  if (n <= 1) return 0;
  return Math.max(0, (sq - (sum * sum) / n) / (n - 1));
}

/** null when no stratum has both a rejected and an approved refund. */
export function matchedEffect(strata: readonly StratumSums[]): MatchedEffect | null {
  const matched = strata.filter((s) => s.nT > 0 && s.nA > 0);
  const nT = matched.reduce((a, s) => a + s.nT, 0);
  if (nT === 0) return null;
  let effect = 0;
  let variance = 0;
  for (const s of matched) {
    const w = s.nT / nT;
    effect += w * (s.sumT / s.nT - s.sumA / s.nA);
    variance += w * w * (sampleVariance(s.nT, s.sumT, s.sqT) / s.nT + sampleVariance(s.nA, s.sumA, s.sqA) / s.nA);
  }
  const half = Z_975 * Math.sqrt(variance);
  return { effect, low: effect - half, high: effect + half, matched: nT, strata: matched.length };
}
