// GraphQL operations of shared/spec/api-contract.md, with the fields the contract names.
import { createRequire } from 'node:module';

/** A small seeded PRNG (mulberry32, @refunds/shared), so the mixed load is the same on every run. */
const { mulberry32 } = createRequire(import.meta.url)('@refunds/shared');

const OVERVIEW = `query Bench($filter: RefundFilter) { overview(filter: $filter) {
  refunds decided refundedAmount approvalRate rejectionRate partialRate refundRate slaMetRate overduePending
  payoutFailureRate evidenceCompleteRate reviewGapCount csatAvg nps repurchaseRate } }`;

const REASON_TRENDS = `query Bench($filter: RefundFilter) { reasonTrends(filter: $filter, grain: WEEK) {
  period reasonCode reasonFamily refunds refundedAmount share } }`;

const REFUND_SPIKES = `query Bench($filter: RefundFilter) { refundSpikes(filter: $filter) {
  productId productLine week count expected ratio pValue topReasonCode } }`;

const CHANNEL_CONSISTENCY = `query Bench($filter: RefundFilter) { channelConsistency(filter: $filter) {
  inconsistencyRate comparableCohorts inconsistentCohorts
  cohorts { reasonCode productLine amountBand gap pValue inconsistent channels { channel n approvalRate } } } }`;

const CUSTOMER_EXPERIENCE = `query Bench($filter: RefundFilter) { customerExperience(filter: $filter, groupBy: DECISION) {
  key csatAvg csatRate csatResponses nps npsResponses } }`;

const REPURCHASE = `query Bench($filter: RefundFilter) { repurchaseAfterRefund(filter: $filter, windowDays: 30, groupBy: DECISION) {
  key eligible repurchased repurchaseRate repurchaseRevenue } }`;

const REJECTION_ECONOMICS = `query Bench($filter: RefundFilter) { rejectionEconomics(filter: $filter, windowDays: 90) {
  savings revenueGap net rejectedCount eligible } }`;

const REJECTION_EFFECT = `query Bench($filter: RefundFilter) { rejectionEffect(filter: $filter, windowDays: 90) {
  att attLow attHigh rateAtt naiveGap matchedRejected matchedStrata coverage lostRevenue savings net } }`;

const AGENT_SCORECARDS = `query Bench($filter: RefundFilter) { agentScorecards(filter: $filter) {
  agentId name team insufficient handled approvalRate rejectionRate resolutionHours escalationRate contactsPerRefund
  reopenRate refundCostPerCase csatAvg nps repurchaseRate } }`;

const KPI_CORRELATIONS = `query Bench($filter: RefundFilter) { kpiOutcomeCorrelations(filter: $filter) {
  kpi outcome n pearson pearsonLow pearsonHigh spearman } }`;

const INCENTIVE_ALIGNMENT = `query Bench($filter: RefundFilter) { incentiveAlignment(filter: $filter) {
  alignment n agents { agentId incentiveScore outcomeScore incentiveRank outcomeRank } } }`;

const POLICY_IMPACT = `query Bench($changeId: String!) { policyImpact(changeId: $changeId, windowDays: 90) {
  changeId effectiveAt metrics { metric pre post preN postN delta low high pValue outOfScopeDelta diffInDiff } } }`;

/** name -> { query, filtered: does it take a RefundFilter } */
export const OPERATIONS = [
  { name: 'overview', query: OVERVIEW, filtered: true },
  { name: 'reasonTrends', query: REASON_TRENDS, filtered: true },
  { name: 'refundSpikes', query: REFUND_SPIKES, filtered: true },
  { name: 'channelConsistency', query: CHANNEL_CONSISTENCY, filtered: true },
  { name: 'customerExperience', query: CUSTOMER_EXPERIENCE, filtered: true },
  { name: 'repurchaseAfterRefund', query: REPURCHASE, filtered: true },
  { name: 'rejectionEconomics', query: REJECTION_ECONOMICS, filtered: true },
  { name: 'rejectionEffect', query: REJECTION_EFFECT, filtered: true },
  { name: 'agentScorecards', query: AGENT_SCORECARDS, filtered: true },
  { name: 'kpiOutcomeCorrelations', query: KPI_CORRELATIONS, filtered: true },
  { name: 'incentiveAlignment', query: INCENTIVE_ALIGNMENT, filtered: true },
  { name: 'policyImpact', query: POLICY_IMPACT, filtered: false },
];

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
