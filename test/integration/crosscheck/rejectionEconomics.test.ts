/** Cross-check, rejectionEconomics: per filter and window, and the edge rows worked out by hand. Setup and comparison rules: ./support.ts. */
import { rejectionEconomics } from '../../reference/metrics';
import { Comparer, expectNoDiffs, EDGE, FILTERS, ECONOMICS_Q, useCrosscheck } from './support';

describe('cross-check rejectionEconomics: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    const f = EDGE;
    test('rejection economics', async () => {
      const c = new Comparer();
      const e = await ctx.query('rejectionEconomics', ECONOMICS_Q, { f, w: 30 });
      c.eq('econ.eligible', e.eligible, 5);
      c.eq('econ.rejectedCount', e.rejectedCount, 1);
      c.num('econ.savings', e.savings, 300);
      c.num('econ.revenueGap', e.revenueGap, 100 / 3 - 200);
      c.num('econ.net', e.net, 300 - (100 / 3 - 200));
      expectNoDiffs(c);
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each([90, 45])('rejectionEconomics W=%i', async (w) => {
      const a = await ctx.query('rejectionEconomics', ECONOMICS_Q, { f, w });
      const r = rejectionEconomics(ctx.ds, f, w);
      const c = new Comparer();
      c.num('savings', a.savings, r.savings);
      c.num('revenueGap', a.revenueGap, r.revenueGap);
      c.num('net', a.net, r.net);
      c.eq('rejectedCount', a.rejectedCount, r.rejectedCount);
      c.eq('eligible', a.eligible, r.eligible);
      c.num('approvedRepurchaseRevenue', a.approvedRepurchaseRevenue, r.approvedRevenue);
      c.num('rejectedRepurchaseRevenue', a.rejectedRepurchaseRevenue, r.rejectedRevenue);
      expectNoDiffs(c);
    });
  });
});
