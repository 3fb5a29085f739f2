/** Cross-check, reasonTrends: per filter and grain, and the edge rows by month. Setup and comparison rules: ./support.ts. */
import { reasonTrends, type GrainName } from '../../reference/metrics';
import { expectSameRows, EDGE, FILTERS, TRENDS_Q, useCrosscheck } from './support';

describe('cross-check reasonTrends: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    test('reason trends by month (UTC month and fx date of an offset timestamp)', async () => {
      const rows = await ctx.query('reasonTrends', TRENDS_Q, { f: EDGE, g: 'MONTH' });
      const got = rows.map((r) => `${r.period} ${r.reasonCode} ${r.refunds} ${r.refundedAmount.toFixed(2)}`).sort();
      expect(got).toEqual(
        [
          `2026-01-01 quality_defect 1 ${(150 * ctx.usdRate('2026-01-05')).toFixed(2)}`,
          '2026-01-01 damaged 1 316.00',
          '2026-01-01 changed_mind 1 0.00',
          '2026-01-01 defective 1 1000.00',
          '2026-01-01 other 1 1200.00',
          '2026-01-01 wrong_item 1 999.99',
          '2026-02-01 late_delivery 1 0.00',
          '2026-02-01 changed_mind 1 0.00',
          '2026-02-01 size 1 0.00',
        ].sort(),
      );
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each<GrainName>(['WEEK', 'MONTH', 'DAY', 'QUARTER'])('reasonTrends %s', async (grain) => {
      const a = await ctx.query('reasonTrends', TRENDS_Q, { f, g: grain });
      const r = reasonTrends(ctx.ds, f, grain);
      expectSameRows('trend', a, r, (x) => `${x.period}|${x.reasonCode}`, { eq: ['reasonFamily', 'refunds'], num: ['refundedAmount', 'share'] });
    });
  });
});
