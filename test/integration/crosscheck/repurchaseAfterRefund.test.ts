/** Cross-check, repurchaseAfterRefund: per filter, window and dimension, and the edge rows worked out by hand. Setup and comparison rules: ./support.ts. */
import type { RepurchaseGroup } from '../../support/api';
import { dimensionKey, rejectionEconomics, repurchaseAfterRefund, repurchaseOutcome, type DimensionName, type GrainName } from '../../reference/metrics';
import { Comparer, expectNoDiffs, expectSameRows, EDGE, FILTERS, REPURCHASE_Q, useCrosscheck } from './support';

describe('cross-check repurchaseAfterRefund: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('the reference handles the edge rows as worked out by hand', () => {
    test('repurchase windows and customer types of the edge rows', () => {
      const byId = new Map(ctx.ds.refunds.map((r) => [r.refundId, r] as const));
      const out = (id: string, w: number) => {
        const o = repurchaseOutcome(ctx.ds, byId.get(id) as NonNullable<ReturnType<typeof byId.get>>, w);
        return { eligible: o.eligible, repurchased: o.repurchased, revenue: Number(o.revenue) / 1e12 };
      };
      expect(out('RX01', 30)).toEqual({ eligible: true, repurchased: true, revenue: 100 });
      expect(out('RX05', 30)).toEqual({ eligible: true, repurchased: true, revenue: 200 });
      expect(out('RX06', 30)).toEqual({ eligible: true, repurchased: false, revenue: 0 });
      expect(out('RX06', 45).repurchased).toBe(true);
      expect(out('RX06', 45).revenue).toBeCloseTo(50 * ctx.usdRate('2026-02-07'), 9);
      expect(out('RX04', 30).eligible).toBe(false);
      const types = ['RX01', 'RX02', 'RX03', 'RX09', 'RX04', 'RX05', 'RX06', 'RX07', 'RX08'].map((id) =>
        dimensionKey(ctx.ds, byId.get(id) as NonNullable<ReturnType<typeof byId.get>>, 'CUSTOMER_TYPE'),
      );
      expect(types).toEqual(['new', 'returning', 'new', 'new', 'new', 'returning', 'new', 'new', 'new']);
      const econ = rejectionEconomics(ctx.ds, EDGE, 30);
      expect(econ.eligible).toBe(5);
      expect(econ.rejectedCount).toBe(1);
      expect(econ.savings).toBeCloseTo(300, 9);
      expect(econ.revenueGap).toBeCloseTo(100 / 3 - 200, 9);
      expect(econ.net).toBeCloseTo(300 - (100 / 3 - 200), 9);
    });
  });

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    const f = EDGE;
    test('repurchase by decision, 30 and 45 days', async () => {
      const r30 = await ctx.query('repurchaseAfterRefund', REPURCHASE_Q, { f, w: 30, d: 'DECISION' });
      const r45 = await ctx.query('repurchaseAfterRefund', REPURCHASE_Q, { f, w: 45, d: 'DECISION' });
      const c = new Comparer();
      const get = (rows: RepurchaseGroup[], k: string) => rows.find((r) => r.key === k);
      c.eq('30.approved.eligible', get(r30, 'approved')?.eligible, 3);
      c.eq('30.approved.repurchased', get(r30, 'approved')?.repurchased, 1);
      c.num('30.approved.revenue', get(r30, 'approved')?.repurchaseRevenue ?? null, 100 / 3);
      c.eq('30.rejected.repurchased', get(r30, 'rejected')?.repurchased, 1);
      c.num('30.rejected.revenue', get(r30, 'rejected')?.repurchaseRevenue ?? null, 200);
      c.eq('30.partial.eligible', get(r30, 'partial')?.eligible, 1);
      c.eq('45.approved.repurchased', get(r45, 'approved')?.repurchased, 2);
      c.num('45.approved.revenue', get(r45, 'approved')?.repurchaseRevenue ?? null, (100 + 50 * ctx.usdRate('2026-02-07')) / 3);
      expectNoDiffs(c);
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test.each<[number, DimensionName, GrainName | undefined]>([
      [30, 'DECISION', undefined],
      [45, 'DECISION', undefined],
      [30, 'CUSTOMER_TYPE', undefined],
      [30, 'AGENT', undefined],
      [30, 'CAMPAIGN', undefined],
      [30, 'PRODUCT_LINE', undefined],
      [60, 'PERIOD', 'QUARTER'],
      [1, 'DECISION', undefined],
      [730, 'DECISION', undefined],
    ])('repurchaseAfterRefund W=%i by %s %s', async (w, dim, grain) => {
      const a = await ctx.query('repurchaseAfterRefund', REPURCHASE_Q, { f, w, d: dim, gr: grain });
      const r = repurchaseAfterRefund(ctx.ds, f, w, dim, grain);
      // a group without any eligible refund has nothing to report: the API may list it (empty) or not
      const apiKeys = new Set(a.map((x) => x.key));
      expectSameRows(
        'group',
        a.filter((x) => !(x.eligible === 0 && !r.some((y) => y.key === x.key))),
        r.filter((y) => y.eligible > 0 || apiKeys.has(y.key)),
        (x) => String(x.key),
        { eq: ['eligible', 'repurchased'], num: ['repurchaseRate', 'repurchaseRevenue'] },
      );
    });
  });
});
