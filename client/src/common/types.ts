import type * as G from './generated/graphql';

/*
 * Shapes of the GraphQL answers the client reads, named after what the pages call them. All are
 * generated from server/schema.gql and the queries themselves (`npm run codegen`), so a query that
 * stops selecting a field, or a schema change, shows up as a type error.
 */
export type Me = G.MeQuery['me'];
export type FilterOptions = G.FilterOptionsQuery['filterOptions'];
export type OverviewNumbers = G.OverviewFieldsFragment;
export type TrendPoint = G.RefundTrendQuery['refundTrend'][number];
export type RefundRow = G.RefundsQuery['refunds']['rows'][number];
export type RefundSources = NonNullable<RefundRow['sources']>;
export type RefundDrill = G.RefundDrill;
export type PolicyChange = G.PolicyChangesQuery['policyChanges'][number];
export type Annotation = G.AnnotationsQuery['annotations'][number];
export type SavedView = G.SavedViewsQuery['savedViews'][number];
/** rejectionEffect (metrics.md "What a rejection costs"). */
export type RejectionEffectNumbers = G.RejectionEffectFieldsFragment;

/** The catalog's rule for a headline matched figure: coverage >= 80% and >= 30 matched rejected refunds. */
export function effectTrustworthy(e: RejectionEffectNumbers | undefined): e is RejectionEffectNumbers & { att: number; attLow: number; attHigh: number } {
  return !!e && e.att !== null && e.attLow !== null && e.attHigh !== null && (e.coverage ?? 0) >= 0.8 && (e.matchedRejected ?? 0) >= 30;
}
