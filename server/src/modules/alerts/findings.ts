import type { RefundFilter } from '@refunds/shared';

/** A spike week of refundSpikes. */
export interface SpikeFinding {
  type: 'spike';
  productId: string;
  productLine: string | null;
  week: string;
  count: number;
  expected: number;
  ratio: number;
  pValue: number;
  topReasonCode: string | null;
}

/** A rate past the rule's threshold, for one ISO week (SLA, payouts) or as of the data's latest week. */
export interface RateFinding {
  type: 'rate';
  metric: 'slaMetRate' | 'payoutFailureRate' | 'inconsistencyRate' | 'alignment';
  /** The ISO week (Monday) the rate is of, or the latest week of the data for whole-range rates. */
  week: string;
  value: number;
  threshold: number;
  /** below: fires when value < threshold; above: when value > threshold. */
  direction: 'below' | 'above';
  /** Cases behind the rate (decided refunds, payouts, comparable cohorts, agents). */
  n: number;
  planId?: string | null;
}

/** A scheduled meeting pack, due at `scheduledAt` by the rule's cron expression. */
export interface PackFinding {
  type: 'pack';
  scheduledAt: string;
  schedule: string;
}

export type FindingFacts = SpikeFinding | RateFinding | PackFinding;

/** What a delivery sends; stored with the delivery so a retry sends the same message. */
export interface Finding {
  key: string;
  facts: FindingFacts;
  /** The dashboard page and filter the message links to. */
  page: string;
  filter: RefundFilter;
}
