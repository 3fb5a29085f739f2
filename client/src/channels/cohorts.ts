import { DEFAULTS } from '@refunds/shared';
import type * as G from '../common/generated/graphql';
import { numberParam } from '../common/filters';

export type Cohort = G.ChannelConsistencyQuery['channelConsistency']['cohorts'][number];

export const cohortKey = (c: Cohort): string => `${c.reasonCode}|${c.productLine ?? ''}|${c.amountBand}`;

/** Comparable cohorts only (two or more channels with enough cases), inconsistent first, then by gap. */
export function orderCohorts(cohorts: readonly Cohort[], minCases: number): Cohort[] {
  return cohorts
    .filter((c) => c.inconsistent || c.channels.filter((ch) => ch.n >= minCases).length >= 2)
    .sort((a, b) => Number(b.inconsistent) - Number(a.inconsistent) || (b.gap ?? -1) - (a.gap ?? -1) || cohortKey(a).localeCompare(cohortKey(b)));
}

/** The page's controls from its URL: minimum cases per channel and the gap threshold (a threshold of 0 stays 0). */
export function consistencyParams(param: (key: string) => string | null): { minCases: number; gap: number } {
  return {
    minCases: numberParam(param('minCases'), DEFAULTS.consistencyMinCases, 1, Number.MAX_SAFE_INTEGER),
    gap: numberParam(param('gap'), DEFAULTS.consistencyGap, 0, 1),
  };
}
