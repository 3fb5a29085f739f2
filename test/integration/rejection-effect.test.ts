import { order, refund } from '../../etl/src/testing/factory';
import { ok, startTestServer, type TestServer } from '../support/server';
import type { Query } from '../support/api';

/**
 * rejectionEffect (metrics.md "What a rejection costs") on strata worked out by hand. Every refund is
 * decided 2024-03-02 on a customer's first order (all "new"); repurchases on 2024-03-10; W = 30.
 * - S1 defective / electronics / [50,200): rejected revenues 20, 0; approved 50, 70, 30; a partial
 *   refund (left out).
 * - S2 late_delivery: one rejected (0) and one approved (40): singleton groups, variance 0.
 * - S3 wrong_item: one rejected (100), no approved: unmatched.
 */
describe('rejectionEffect, hand-worked', () => {
  let s: TestServer;
  const revenue: Record<string, number> = { R1: 20, R2: 0, R3: 50, R4: 70, R5: 30, R6: 0, R7: 40, R8: 100, R9: 10 };
  beforeAll(async () => {
    const rows = [
      ['R1', 'defective', 'rejected'],
      ['R2', 'defective', 'rejected'],
      ['R3', 'defective', 'approved'],
      ['R4', 'defective', 'approved'],
      ['R5', 'defective', 'approved'],
      ['R6', 'late_delivery', 'rejected'],
      ['R7', 'late_delivery', 'approved'],
      ['R8', 'wrong_item', 'rejected'],
      ['R9', 'defective', 'partial'],
    ] as const;
    const refunds = rows.map(([id, reason, decision]) =>
      refund({
        refund_id: id,
        order_id: `O-${id}`,
        customer_id: `C-${id}`,
        reason_code: reason,
        decision,
        requested_amount: 100,
        refunded_amount: decision === 'rejected' ? 0 : decision === 'partial' ? 50 : 100,
      }),
    );
    const orders = [
      ...rows.map(([id]) => order({ order_id: `O-${id}`, customer_id: `C-${id}`, ordered_at: '2024-02-01T10:00:00Z', amount: 100 })),
      ...rows
        .filter(([id]) => revenue[id] > 0)
        .map(([id]) => order({ order_id: `N-${id}`, customer_id: `C-${id}`, ordered_at: '2024-03-10T10:00:00Z', amount: revenue[id] })),
      order({ order_id: 'HORIZON', customer_id: 'someone-else', ordered_at: '2024-06-01T10:00:00Z', amount: 1 }),
    ];
    s = await startTestServer({ refunds, orders });
  });
  afterAll(() => s.close());

  test('att, rate effect, naive gaps, coverage and money', async () => {
    const e = ok(
      await s.gql<Pick<Query, 'rejectionEffect'>>(`{ rejectionEffect(windowDays: 30) { att attLow attHigh rateAtt rateLow rateHigh
        naiveGap rateNaiveGap matchedRejected matchedStrata coverage lostRevenue savings net eligibleRejected } }`),
    ).rejectionEffect;
    // att = (2 (10 - 50) + 1 (0 - 40)) / 3 = -40; var = (2/3)^2 (200/2 + 400/3) + (1/3)^2 (0 + 0)
    const half = 1.959964 * Math.sqrt((4 / 9) * (100 + 400 / 3));
    expect(e.att).toBeCloseTo(-40, 9);
    expect(e.attLow).toBeCloseTo(-40 - half, 9);
    expect(e.attHigh).toBeCloseTo(-40 + half, 9);
    // repurchased: S1 rejected 1, 0 (mean .5, var .5), approved 1, 1, 1; S2 0 vs 1
    expect(e.rateAtt).toBeCloseTo((2 * (0.5 - 1) + (0 - 1)) / 3, 12);
    expect(e.rateHigh! - e.rateAtt!).toBeCloseTo(1.959964 * Math.sqrt((4 / 9) * (0.5 / 2)), 12);
    // naive: rejected 20, 0, 0, 100 (mean 30) vs approved 50, 70, 30, 40 (mean 47.5)
    expect(e.naiveGap).toBeCloseTo(30 - 47.5, 12);
    expect(e.rateNaiveGap).toBeCloseTo(0.5 - 1, 12);
    expect(e.matchedRejected).toBe(3);
    expect(e.matchedStrata).toBe(2);
    expect(e.eligibleRejected).toBe(4);
    expect(e.coverage).toBeCloseTo(3 / 4, 12);
    expect(e.lostRevenue).toBeCloseTo(120, 9);
    expect(e.savings).toBeCloseTo(300, 9);
    expect(e.net).toBeCloseTo(180, 9);
  });

  test('a filter with no matched stratum gives nulls; strata list the unmatched one', async () => {
    const e = ok(
      await s.gql<Pick<Query, 'rejectionEffect'>>(
        `{ rejectionEffect(filter: { reasonCodes: ["wrong_item"] }, windowDays: 30) { att coverage naiveGap strata { reasonCode approved revenueDiff } } }`,
      ),
    ).rejectionEffect;
    expect(e).toMatchObject({ att: null, coverage: null, naiveGap: null });
    expect(e.strata).toEqual([{ reasonCode: 'wrong_item', approved: 0, revenueDiff: null }]);
  });

  test('windowDays outside 1..730 is BAD_USER_INPUT naming the argument', async () => {
    const r = await s.gql(`{ rejectionEffect(windowDays: 0) { att } }`);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toContain('windowDays');
  });
});
