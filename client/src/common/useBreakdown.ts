import type { RefundFilter } from '@refunds/shared';
import type { RefundDrill } from './types';
import { useGql } from './useGql';
import type * as G from './generated/graphql';

export interface BreakdownBar {
  key: string;
  detail: string | null;
  count: number;
  amount: number;
}

const QUERY = /* GraphQL */ `query Breakdown($f: RefundFilter, $d: RefundDrill, $by: BreakdownBy!, $n: Int) { refundBreakdown(filter: $f, drill: $d, by: $by, limit: $n) { total groups { key detail refunds refundedAmount } } }`;

/** Exact refund counts per product or reason code behind a selection (the server groups; top `limit`). */
export function useBreakdown(filter: RefundFilter, drill: RefundDrill | undefined, by: 'PRODUCT' | 'REASON_CODE', limit: number) {
  const q = useGql<G.BreakdownQuery>(QUERY, { f: filter, d: drill, by, n: limit });
  const bars: BreakdownBar[] | null = q.data
    ? q.data.refundBreakdown.groups.map((g) => ({ key: g.key ?? '—', detail: g.detail, count: g.refunds, amount: g.refundedAmount }))
    : null;
  const total = q.data ? q.data.refundBreakdown.total : null;
  const shown = bars ? bars.reduce((a, b) => a + b.count, 0) : 0;
  return { ...q, bars, total, shown };
}
