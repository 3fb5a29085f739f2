/** Shapes of the GraphQL answers the client reads (api-contract.md and server/schema.gql). */

export interface Me {
  name: string;
  role: string;
}

export interface FilterOptions {
  channels: string[];
  productLines: string[];
  reasonCodes: string[];
  teams: string[];
  campaigns: string[];
  agents: Array<{ agentId: string; name: string | null; team: string | null }>;
  minDate: string | null;
  maxDate: string | null;
  reportingCurrency: string;
}

export interface OverviewNumbers {
  refunds: number;
  decided: number;
  orders: number | null;
  pending: number;
  refundedAmount: number;
  approvalRate: number | null;
  rejectionRate: number | null;
  partialRate: number | null;
  refundRate: number | null;
  slaMetRate: number | null;
  overduePending: number;
  payoutFailureRate: number | null;
  payoutN: number;
  evidenceCompleteRate: number | null;
  evidenceN: number;
  reviewGapCount: number;
  csatAvg: number | null;
  csatResponses: number;
  nps: number | null;
  npsResponses: number;
  repurchaseRate: number | null;
  repurchaseEligible: number;
  resolutionHoursMean: number | null;
  resolutionHoursP50: number | null;
  resolutionHoursP90: number | null;
}

export interface TrendPoint {
  period: string;
  refunds: number;
  decided: number;
  approvalRate: number | null;
  rejectionRate: number | null;
  refundedAmount: number;
}

export interface RefundRow {
  refundId: string;
  orderId: string;
  customerId: string;
  agentId: string | null;
  agentName: string | null;
  channel: string;
  productId: string | null;
  productLine: string | null;
  reasonCode: string;
  reasonFamily: string | null;
  requestedAt: string;
  decidedAt: string | null;
  decision: string;
  requestedAmount: number;
  refundedAmount: number | null;
  customerType: string;
  campaign: string | null;
  resolutionHours: number | null;
  /** Source ids and lineage of a reconciled refund; null for one loaded from a canonical file. */
  sources?: RefundSources | null;
}

export interface RefundSources {
  ticketId: string | null;
  paymentIds: string[];
  shopOrderId: string | null;
  fields: Array<{ field: string; source: string }>;
}

export interface RefundDrill {
  decisions?: string[];
  reasonFamilies?: string[];
  productIds?: string[];
  customerTypes?: string[];
  periodStart?: string;
  grain?: string;
  amountBand?: string;
}

export interface PolicyChange {
  changeId: string;
  effectiveAt: string;
  title: string | null;
  description: string | null;
  scopeChannel: string | null;
  scopeProductLine: string | null;
  source: string | null;
}

export interface Annotation {
  id: number;
  date: string;
  metric: string | null;
  note: string;
  author: string | null;
  createdAt: string;
}

export interface SavedView {
  id: number;
  name: string;
  page: string;
  filter: string;
  params: string | null;
  owner: string;
  createdAt: string;
}

/** rejectionEffect (metrics.md "What a rejection costs"). */
export interface RejectionEffectNumbers {
  att: number | null;
  attLow: number | null;
  attHigh: number | null;
  rateAtt: number | null;
  rateLow: number | null;
  rateHigh: number | null;
  naiveGap: number | null;
  rateNaiveGap: number | null;
  matchedRejected: number | null;
  matchedStrata: number | null;
  coverage: number | null;
  lostRevenue: number | null;
  savings: number | null;
  net: number | null;
  eligibleRejected: number;
}

/** The catalog's rule for a headline matched figure: coverage >= 80% and >= 30 matched rejected refunds. */
export function effectTrustworthy(e: RejectionEffectNumbers | undefined): e is RejectionEffectNumbers & { att: number; attLow: number; attHigh: number } {
  return !!e && e.att !== null && e.attLow !== null && e.attHigh !== null && (e.coverage ?? 0) >= 0.8 && (e.matchedRejected ?? 0) >= 30;
}
