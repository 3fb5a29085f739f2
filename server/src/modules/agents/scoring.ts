import { averageRanks, zScores } from '@refunds/shared';

/**
 * z-scores (population sd) over the present values only; a missing value stays missing and does
 * not shift the mean or sd of the others. All zeros when the present values are constant.
 */
export function zScoresPresent(xs: readonly (number | null)[]): (number | null)[] {
  const present: number[] = [];
  for (const x of xs) if (x !== null) present.push(x);
  const z = zScores(present);
  let k = 0;
  return xs.map((x) => (x === null ? null : z[k++]));
}

/** 1 = highest value; tied values share the average of the ranks they span. */
export function ranksDescending(xs: readonly number[]): number[] {
  return averageRanks(xs.map((x) => -x));
}

export function meanOf(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
