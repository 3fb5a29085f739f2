/** Cross-check, overview: every field per filter, and hand-computed values on the edge rows. Setup and comparison rules: ./support.ts. */
import type { Query } from '../../support/api';
import { overview } from '../../reference/metrics';
import { Comparer, expectNoDiffs, EDGE, FILTERS, OVERVIEW_Q, EXPERIENCE_Q, REPURCHASE_Q, resolutionStats, useCrosscheck } from './support';

describe('cross-check overview: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  const ctx = useCrosscheck();

  describe('the reference handles the edge rows as worked out by hand', () => {
    test('overview of the edge window', () => {
      const o = overview(ctx.ds, EDGE);
      expect(o.refunds).toBe(9);
      expect(o.decided).toBe(6);
      expect(o.approvalRate).toBeCloseTo(5 / 6, 12);
      expect(o.rejectionRate).toBeCloseTo(1 / 6, 12);
      expect(o.partialRate).toBeCloseTo(2 / 6, 12);
      expect(o.refundedAmount).toBeCloseTo(150 * ctx.usdRate('2026-01-05') + 316 + 1000 + 1200 + 999.99, 9);
      expect(o.slaMetRate).toBeCloseTo(5 / 6, 12);
      expect(o.overduePending).toBe(1);
      expect(o.payoutFailureRate).toBeCloseTo(1 / 3, 12);
      expect(o.evidenceCompleteRate).toBeCloseTo(5 / 8, 12);
      expect(o.reviewGapCount).toBe(2);
      expect(o.csatAvg).toBeCloseTo(11 / 3, 12);
      expect(o.csatRate).toBeCloseTo(2 / 3, 12);
      expect(o.nps).toBeCloseTo(100 / 3, 12);
      expect(o.repurchaseEligible).toBe(5);
      expect(o.repurchaseRate).toBeCloseTo(2 / 5, 12);
    });
  });

  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    const f = EDGE;
    test('overview', async () => {
      const o = await ctx.query('overview', OVERVIEW_Q, { f });
      const c = new Comparer();
      c.eq('refunds', o.refunds, 9);
      c.eq('decided', o.decided, 6);
      c.num('refundedAmount', o.refundedAmount, 150 * ctx.usdRate('2026-01-05') + 316 + 1000 + 1200 + 999.99);
      c.num('approvalRate', o.approvalRate, 5 / 6);
      c.num('slaMetRate', o.slaMetRate, 5 / 6);
      c.eq('overduePending', o.overduePending, 1);
      c.num('payoutFailureRate', o.payoutFailureRate, 1 / 3);
      c.num('evidenceCompleteRate', o.evidenceCompleteRate, 5 / 8);
      c.eq('reviewGapCount', o.reviewGapCount, 2);
      c.num('csatAvg', o.csatAvg, 11 / 3);
      c.num('nps', o.nps, 100 / 3);
      c.eq('repurchaseEligible', o.repurchaseEligible, 5);
      c.num('repurchaseRate', o.repurchaseRate, 2 / 5);
      expectNoDiffs(c);
    });

    test('email rows: unknown agent, 3-decimal amount, own order inside the window', async () => {
      const f2 = { from: '2026-01-01', channels: ['email'] };
      const o = await ctx.query('overview', OVERVIEW_Q, { f: f2 });
      const c = new Comparer();
      c.eq('refunds', o.refunds, 2);
      c.num('refundedAmount', o.refundedAmount, 12.345);
      c.eq('repurchaseEligible', o.repurchaseEligible, 2);
      c.num('repurchaseRate', o.repurchaseRate, 1 / 2);
      c.num('csatAvg', o.csatAvg, 3);
      const team = await ctx.query('customerExperience', EXPERIENCE_Q, { f: f2, d: 'TEAM' });
      c.num('team[null].csatAvg', team.find((g) => g.key === null)?.csatAvg ?? null, 3);
      const rep = await ctx.query('repurchaseAfterRefund', REPURCHASE_Q, { f: f2, w: 30, d: 'CUSTOMER_TYPE' });
      c.eq('returning.repurchased', rep.find((g) => g.key === 'returning')?.repurchased, 1);
      c.num('returning.revenue', rep.find((g) => g.key === 'returning')?.repurchaseRevenue ?? null, 40);
      c.eq('new.eligible', rep.find((g) => g.key === 'new')?.eligible, 1);
      expectNoDiffs(c);
    });

    test('from == to is an empty range, not a bad argument (api-contract: only "from after to" is BAD_USER_INPUT)', async () => {
      const r = await ctx.s.gql<Pick<Query, 'overview'>>(OVERVIEW_Q, { f: { from: '2025-05-01', to: '2025-05-01' } });
      expect(r.errors ?? []).toEqual([]);
      expect(r.data?.overview.refunds).toBe(0);
      expect(r.data?.overview.approvalRate).toBeNull();
    });
  });

  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test('overview', async () => {
      const a = await ctx.query('overview', OVERVIEW_Q, { f });
      const r = overview(ctx.ds, f);
      const c = new Comparer();
      for (const k of ['refunds', 'decided', 'orders', 'overduePending', 'reviewGapCount', 'repurchaseEligible'] as const) c.eq(k, a[k], r[k]);
      for (const k of [
        'refundedAmount',
        'approvalRate',
        'rejectionRate',
        'partialRate',
        'refundRate',
        'slaMetRate',
        'payoutFailureRate',
        'evidenceCompleteRate',
        'csatAvg',
        'csatRate',
        'nps',
        'repurchaseRate',
      ] as const) {
        c.num(k, a[k], r[k]);
      }
      const rh = resolutionStats(ctx.ds, f);
      c.num('resolutionHoursMean', a.resolutionHoursMean, rh.mean);
      c.num('resolutionHoursP50', a.resolutionHoursP50, rh.p50);
      c.num('resolutionHoursP90', a.resolutionHoursP90, rh.p90);
      expectNoDiffs(c);
    });
  });
});
