// GraphQL operations of shared/spec/api-contract.md, with the fields the contract names.
import { createRequire } from 'node:module';

/** A small seeded PRNG (mulberry32, @refunds/shared), so the mixed load is the same on every run. */
const { mulberry32 } = createRequire(import.meta.url)('@refunds/shared');

/**
 * The operations by name (api-contract.md), each with the fields the contract names; `filtered`: it takes
 * a RefundFilter.
 */
const QUERIES = {
  overview: `query Bench($filter: RefundFilter) { overview(filter: $filter) {
  refunds decided refundedAmount approvalRate rejectionRate partialRate refundRate slaMetRate overduePending
  payoutFailureRate evidenceCompleteRate reviewGapCount csatAvg nps repurchaseRate } }`,
  reasonTrends: `query Bench($filter: RefundFilter) { reasonTrends(filter: $filter, grain: WEEK) {
  period reasonCode reasonFamily refunds refundedAmount share } }`,
  refundSpikes: `query Bench($filter: RefundFilter) { refundSpikes(filter: $filter) {
  productId productLine week count expected ratio pValue topReasonCode } }`,
  channelConsistency: `query Bench($filter: RefundFilter) { channelConsistency(filter: $filter) {
  inconsistencyRate comparableCohorts inconsistentCohorts
  cohorts { reasonCode productLine amountBand gap pValue inconsistent channels { channel n approvalRate } } } }`,
  customerExperience: `query Bench($filter: RefundFilter) { customerExperience(filter: $filter, groupBy: DECISION) {
  key csatAvg csatRate csatResponses nps npsResponses } }`,
  repurchaseAfterRefund: `query Bench($filter: RefundFilter) { repurchaseAfterRefund(filter: $filter, windowDays: 30, groupBy: DECISION) {
  key eligible repurchased repurchaseRate repurchaseRevenue } }`,
  rejectionEconomics: `query Bench($filter: RefundFilter) { rejectionEconomics(filter: $filter, windowDays: 90) {
  savings revenueGap net rejectedCount eligible } }`,
  rejectionEffect: `query Bench($filter: RefundFilter) { rejectionEffect(filter: $filter, windowDays: 90) {
  att attLow attHigh rateAtt naiveGap matchedRejected matchedStrata coverage lostRevenue savings net } }`,
  agentScorecards: `query Bench($filter: RefundFilter) { agentScorecards(filter: $filter) {
  agentId name team insufficient handled approvalRate rejectionRate resolutionHours escalationRate contactsPerRefund
  reopenRate refundCostPerCase csatAvg nps repurchaseRate } }`,
  kpiOutcomeCorrelations: `query Bench($filter: RefundFilter) { kpiOutcomeCorrelations(filter: $filter) {
  kpi outcome n pearson pearsonLow pearsonHigh spearman } }`,
  incentiveAlignment: `query Bench($filter: RefundFilter) { incentiveAlignment(filter: $filter) {
  alignment n agents { agentId incentiveScore outcomeScore incentiveRank outcomeRank } } }`,
  policyImpact: `query Bench($changeId: String!) { policyImpact(changeId: $changeId, windowDays: 90) {
  changeId effectiveAt metrics { metric pre post preN postN delta low high pValue outOfScopeDelta diffInDiff } } }`,
};

export const OPERATIONS = Object.entries(QUERIES).map(([name, query]) => ({ name, query, filtered: query.includes('$filter: RefundFilter') }));

/**
 * The variants measured per operation: unfiltered and a typical filter (one quarter, two channels).
 * policyImpact takes no RefundFilter: a scoped change (channel) and a scoped change (product line).
 */
export function variants(op, ctx) {
  if (op.name === 'policyImpact') {
    return [
      { label: `${ctx.scopedChange}`, variables: { changeId: ctx.scopedChange } },
      { label: `${ctx.otherChange}`, variables: { changeId: ctx.otherChange } },
    ];
  }
  return [
    { label: 'all', variables: { filter: {} }, filter: {} },
    { label: 'typical', variables: { filter: ctx.typicalFilter }, filter: ctx.typicalFilter },
  ];
}

/** Does a GraphQL answer mean "this operation does not exist (yet)"? */
export function isMissingOperation(body) {
  const e = body?.errors?.[0];
  if (!e) return false;
  const code = e.extensions?.code;
  return code === 'GRAPHQL_VALIDATION_FAILED' || /Cannot query field/.test(e.message ?? '');
}

/**
 * Request bodies for the mixed load: a pool of `distinct` bodies (every operation with varied filters:
 * all / a quarter / a month / a year, channel subsets, product lines), drawn `count` times with a skew
 * (u^2: the first bodies, unfiltered and default-like views, are the most popular), as dashboard users do.
 */
export function mixedBodies(ctx, { distinct = 400, count = 20000, seed = 7 } = {}) {
  const rand = mulberry32(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const subset = (xs) => xs.filter(() => rand() < 0.4);
  const ops = OPERATIONS.filter((o) => !ctx.missing?.has(o.name));
  const pool = [];
  for (let i = 0; i < distinct; i++) {
    const op = ops[i % ops.length];
    let variables;
    if (!op.filtered) variables = { changeId: pick(ctx.changeIds) };
    else {
      const filter = {};
      const r = i < ops.length ? 0 : rand();
      if (r < 0.15) {
        /* unfiltered */
      } else if (r < 0.55) Object.assign(filter, pick(ctx.quarters));
      else if (r < 0.85) Object.assign(filter, pick(ctx.months));
      else Object.assign(filter, pick(ctx.years));
      if (i >= ops.length) {
        const ch = subset(ctx.channels);
        if (ch.length && rand() < 0.6) filter.channels = ch;
        if (rand() < 0.2) filter.productLines = [pick(ctx.productLines)];
      }
      variables = { filter };
    }
    pool.push({ op: op.name, body: JSON.stringify({ query: op.query, variables }) });
  }
  const out = [];
  for (let i = 0; i < count; i++) out.push(pool[Math.floor(rand() ** 2 * pool.length)]);
  return { pool, sequence: out };
}
