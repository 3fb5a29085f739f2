import type * as G from '../common/generated/graphql';

export type Cohort = G.ChannelConsistencyQuery['channelConsistency']['cohorts'][number];

export const cohortKey = (c: Cohort): string => `${c.reasonCode}|${c.productLine ?? ''}|${c.amountBand}`;

/** Comparable cohorts only (two or more channels with enough cases), inconsistent first, then by gap. */
export function orderCohorts(cohorts: readonly Cohort[], minCases: number): Cohort[] {
  return cohorts
    .filter((c) => c.inconsistent || c.channels.filter((ch) => ch.n >= minCases).length >= 2)
    .sort((a, b) => Number(b.inconsistent) - Number(a.inconsistent) || (b.gap ?? -1) - (a.gap ?? -1) || cohortKey(a).localeCompare(cohortKey(b)));
}
