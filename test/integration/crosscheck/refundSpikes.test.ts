/** Cross-check, refundSpikes: per filter and thresholds, and the reference Poisson tail. Setup and comparison rules: ./support.ts. */
import { poissonUpperTail, refundSpikes, spikeCandidates } from '../../reference/metrics';
import { expectSameRows, FILTERS, SPIKES_Q, useCrosscheck } from './support';

describe('cross-check refundSpikes: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('the reference handles the edge rows as worked out by hand', () => {
    test('reference statistics: Poisson tail (values from mpmath, 50 digits)', () => {
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      expect(rel(poissonUpperTail(13, 0.5), 1.2329271630612981e-14)).toBeLessThan(1e-12);
      expect(rel(poissonUpperTail(14, 2), 2.930569637115347e-8)).toBeLessThan(1e-12);
      expect(rel(poissonUpperTail(3, 4.25), 0.7962889094871044)).toBeLessThan(1e-12);
      expect(rel(poissonUpperTail(40, 20), 5.3202025112462175e-5)).toBeLessThan(1e-12);
      expect(poissonUpperTail(3, 0.5)).toBeCloseTo(1 - Math.exp(-0.5) * 1.625, 15);
      expect(spikeCandidates(ctx.ds, {}, 5, 0.001).length).toBeGreaterThan(100);
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each([
      { minCount: 5, alpha: 0.001 },
      { minCount: 2, alpha: 0.2 },
    ])('refundSpikes minCount=$minCount alpha=$alpha', async ({ minCount, alpha }) => {
      const a = await ctx.query('refundSpikes', SPIKES_Q, { f, m: minCount, a: alpha });
      const r = refundSpikes(ctx.ds, f, minCount, alpha);
      expectSameRows('spike', a, r, (x) => `${x.productId}|${x.week}`, {
        eq: ['productLine', 'count', 'topReasonCode'],
        num: ['expected', 'ratio', 'pValue'],
      });
    });
  });
});
