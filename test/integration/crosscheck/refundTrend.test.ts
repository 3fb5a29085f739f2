/** Cross-check, refundTrend (beyond the contract): per filter and grain. Setup and comparison rules: ./support.ts. */
import { refundTrend, type GrainName } from '../../reference/metrics';
import { expectSameRows, FILTERS, REFUND_TREND_Q, useCrosscheck } from './support';

describe('cross-check refundTrend: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each<GrainName>(['WEEK', 'QUARTER'])('refundTrend %s (beyond the contract)', async (grain) => {
      const a = await ctx.query('refundTrend', REFUND_TREND_Q, { f, g: grain });
      const r = refundTrend(ctx.ds, f, grain);
      expectSameRows('trend', a, r, (x) => x.period, { eq: ['refunds', 'decided'], num: ['approvalRate', 'rejectionRate', 'refundedAmount'] });
    });
  });
});
