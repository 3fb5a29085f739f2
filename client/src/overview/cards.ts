import type { OverviewNumbers } from '../common/types';

export type CardMetric =
  | 'refunds'
  | 'refundRate'
  | 'approvalRate'
  | 'rejectionRate'
  | 'refundedAmount'
  | 'slaMetRate'
  | 'overduePending'
  | 'payoutFailureRate'
  | 'csatAvg'
  | 'nps'
  | 'repurchaseRate';

/** The headline cards, each with the field holding its denominator (shown as n). */
export const CARDS: ReadonlyArray<{ metric: CardMetric; n?: keyof OverviewNumbers; drill?: string[] }> = [
  { metric: 'refunds', drill: [] },
  { metric: 'refundRate', n: 'orders' },
  { metric: 'approvalRate', n: 'decided', drill: ['approved', 'partial'] },
  { metric: 'rejectionRate', n: 'decided', drill: ['rejected'] },
  { metric: 'refundedAmount', drill: ['approved', 'partial'] },
  { metric: 'slaMetRate', n: 'decided' },
  { metric: 'overduePending', n: 'pending', drill: ['pending'] },
  { metric: 'payoutFailureRate', n: 'payoutN' },
  { metric: 'csatAvg', n: 'csatResponses' },
  { metric: 'nps', n: 'npsResponses' },
  { metric: 'repurchaseRate', n: 'repurchaseEligible' },
];
