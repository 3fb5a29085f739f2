/** Cross-check, refundTrend (beyond the contract): per filter and grain. Setup and comparison rules: ./support.ts. */
import { ok } from '../../support/server';
import type { Query } from '../../support/api';
import { refundTrend, type GrainName } from '../../reference/metrics';
import { Comparer, expectNoDiffs, FILTERS, REFUND_TREND_Q, useCrosscheck } from './support';

describe('cross-check refundTrend: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each<GrainName>(['WEEK', 'QUARTER'])('refundTrend %s (beyond the contract)', async (grain) => {
      const a = ok(await ctx.s.gql<Pick<Query, 'refundTrend'>>(REFUND_TREND_Q, { f, g: grain })).refundTrend;
      const r = refundTrend(ctx.ds, f, grain);
      const c = new Comparer();
      c.keyed(
        'trend',
        a,
        r,
        (x) => x.period,
        (y) => y.period,
        (p, x, y) => {
          c.eq(`${p}.refunds`, x.refunds, y.refunds);
          c.eq(`${p}.decided`, x.decided, y.decided);
          c.num(`${p}.approvalRate`, x.approvalRate, y.approvalRate);
          c.num(`${p}.rejectionRate`, x.rejectionRate, y.rejectionRate);
          c.num(`${p}.refundedAmount`, x.refundedAmount, y.refundedAmount);
        },
      );
      expectNoDiffs(c);
    });
  });
});
