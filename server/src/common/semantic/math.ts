/** A rate over an empty set is null, never 0 (metrics.md). */
export function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

export function npsOf(promoters: number, detractors: number, n: number): number | null {
  return n > 0 ? (100 * (promoters - detractors)) / n : null;
}
