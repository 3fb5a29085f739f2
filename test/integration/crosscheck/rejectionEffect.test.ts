/** Cross-check, rejectionEffect: per filter and window. Setup and comparison rules: ./support.ts. */
import { REJECTION_EFFECT_FIELDS, rejectionEffect } from '../../reference/metrics';
import { Comparer, expectNoDiffs, FILTERS, EFFECT_Q, useCrosscheck } from './support';

describe('cross-check rejectionEffect: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('the reference handles the edge rows as worked out by hand', () => {
    test('rejectionEffect is matched on the generated data (so the filter comparisons compare numbers, not nulls)', () => {
      const r = rejectionEffect(ctx.ds, {}, 90);
      expect(r.matchedRejected).toBeGreaterThan(30);
      expect(r.matchedStrata).toBeGreaterThan(5);
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each([90, 30, 45])('rejectionEffect windowDays=%d', async (w) => {
      const a = await ctx.query('rejectionEffect', EFFECT_Q, { f, w });
      const r = rejectionEffect(ctx.ds, f, w);
      const c = new Comparer();
      for (const k of REJECTION_EFFECT_FIELDS) {
        if (k === 'matchedRejected' || k === 'matchedStrata') c.eq(k, a[k], r[k]);
        else c.num(k, a[k], r[k]);
      }
      expectNoDiffs(c);
    });
  });
});
