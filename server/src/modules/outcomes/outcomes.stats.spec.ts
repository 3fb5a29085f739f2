import type { EffectStratumRow } from './outcomes.repository';
import { economicsOf, experienceOf, rejectionEffectOf, repurchaseOf } from './outcomes.stats';

describe('experienceOf', () => {
  test('CSAT mean and rate of 4-5 per response; NPS = 100 * (promoters - detractors) / responses', () => {
    expect(experienceOf({ key: 'approved', refunds: 9, csat_n: 4, csat_sum: 15, csat_hi: 3, nps_n: 5, nps_pro: 2, nps_det: 2 })).toEqual({
      key: 'approved',
      refunds: 9,
      csatAvg: 3.75,
      csatRate: 0.75,
      csatResponses: 4,
      nps: 0,
      npsResponses: 5,
    });
    const none = experienceOf({ key: null, refunds: 2, csat_n: 0, csat_sum: 0, csat_hi: 0, nps_n: 0, nps_pro: 0, nps_det: 0 });
    expect([none.csatAvg, none.csatRate, none.nps]).toEqual([null, null, null]);
  });
});

describe('repurchaseOf', () => {
  test('rate and revenue per eligible refund; nothing eligible gives nulls', () => {
    expect(repurchaseOf({ key: 'rejected', eligible: 4, repurchased: 1, revenue_sum: 300 })).toEqual({
      key: 'rejected',
      eligible: 4,
      repurchased: 1,
      repurchaseRate: 0.25,
      repurchaseRevenue: 75,
    });
    expect(repurchaseOf({ key: 'new', eligible: 2, repurchased: 0, revenue_sum: null }).repurchaseRevenue).toBe(0);
    expect(repurchaseOf({ key: 'x', eligible: 0, repurchased: 0, revenue_sum: null })).toMatchObject({ repurchaseRate: null, repurchaseRevenue: null });
  });
});

describe('economicsOf', () => {
  test('savings, revenue gap and net (metrics.md "rejection economics")', () => {
    const e = economicsOf(
      [
        { decision: 'approved', n: 4, requested: 400, revenue_sum: 200 },
        { decision: 'rejected', n: 2, requested: 300, revenue_sum: 20 },
        { decision: 'partial', n: 1, requested: 90, revenue_sum: 0 },
      ],
      30,
    );
    // approved revenue 50 per refund, rejected 10: gap (50 - 10) * 2 = 80; savings = requested of the rejected
    expect(e).toMatchObject({
      savings: 300,
      revenueGap: 80,
      net: 220,
      rejectedCount: 2,
      eligible: 7,
      approvedRepurchaseRevenue: 50,
      rejectedRepurchaseRevenue: 10,
      windowDays: 30,
    });
  });

  test('without approved refunds the gap is undefined (null), not 0', () => {
    const e = economicsOf([{ decision: 'rejected', n: 2, requested: 300, revenue_sum: 20 }], 90);
    expect(e).toMatchObject({ savings: 300, revenueGap: null, net: null, rejectedCount: 2, eligible: 2, approvedRepurchaseRevenue: null });
  });
});

describe('rejectionEffectOf', () => {
  const row = (key: string, decision: 'approved' | 'rejected', n: number, revs: number[], reps: number[], requested_sum: number): EffectStratumRow => ({
    reason_code: key,
    product_line: 'home',
    amount_band: '[0,50)',
    customer_type: 'new',
    decision,
    n,
    rev_sum: revs.reduce((a, b) => a + b, 0),
    rev_sq: revs.reduce((a, b) => a + b * b, 0),
    rep_sum: reps.reduce((a, b) => a + b, 0),
    requested_sum,
  });
  // S1: rejected revenue 0, 20 (repurchased 0, 1), approved 50, 150 (1, 1)
  // S2: rejected 30 (1), approved 60, 60, 90 (1, 1, 0)
  // S3: one rejected refund, no approved one to match
  const rows = [
    row('S1', 'rejected', 2, [0, 20], [0, 1], 60),
    row('S1', 'approved', 2, [50, 150], [1, 1], 80),
    row('S2', 'rejected', 1, [30], [1], 40),
    row('S2', 'approved', 3, [60, 60, 90], [1, 1, 0], 200),
    row('S3', 'rejected', 1, [0], [0], 100),
  ];
  const e = rejectionEffectOf(rows, 90);

  test('the matched effect: n_t-weighted differences with a normal 95% interval', () => {
    // revenue: 2/3 * (10 - 100) + 1/3 * (30 - 70) = -220/3; variance 4/9 * (200/2 + 5000/2) + 1/9 * (0 + 300/3) = 3500/3
    expect(e.att).toBeCloseTo(-220 / 3, 9);
    expect(e.attLow).toBeCloseTo(-220 / 3 - 66.94551537017746, 9);
    expect(e.attHigh).toBeCloseTo(-220 / 3 + 66.94551537017746, 9);
    // repurchase: 2/3 * (0.5 - 1) + 1/3 * (1 - 2/3) = -2/9; variance 4/9 * (0.5/2 + 0) + 1/9 * (0 + (1/3)/3) = 10/81
    expect(e.rateAtt).toBeCloseTo(-2 / 9, 12);
    expect(e.rateLow).toBeCloseTo(-2 / 9 - 0.6886611524371398, 12);
    expect(e.rateHigh).toBeCloseTo(-2 / 9 + 0.6886611524371398, 12);
  });

  test('naive gap, coverage, lost revenue, savings and net', () => {
    expect(e.naiveGap).toBeCloseTo(50 / 4 - 410 / 5, 12); // every rejected vs every approved refund
    expect(e.rateNaiveGap).toBeCloseTo(2 / 4 - 4 / 5, 12);
    expect(e.matchedRejected).toBe(3);
    expect(e.matchedStrata).toBe(2);
    expect(e.eligibleRejected).toBe(4);
    expect(e.coverage).toBe(0.75);
    expect(e.lostRevenue).toBeCloseTo(220, 9);
    expect(e.savings).toBe(100); // requested of the rejected refunds in matched strata: 60 + 40
    expect(e.net).toBeCloseTo(100 - 220, 9);
  });

  test('strata by contribution; an unmatched stratum is listed without a difference', () => {
    expect(e.strata.map((s) => s.reasonCode)).toEqual(['S1', 'S2', 'S3']);
    const [s1, s2, s3] = e.strata;
    expect(s1).toMatchObject({ rejected: 2, approved: 2, revenueDiff: -90, rateDiff: -0.5 });
    expect(s1.contribution).toBeCloseTo(-60, 12);
    expect(s2.contribution).toBeCloseTo(-40 / 3, 12);
    expect(s2.rateDiff).toBeCloseTo(1 / 3, 12);
    expect(s3).toMatchObject({ rejected: 1, approved: 0, revenueDiff: null, rateDiff: null, contribution: null });
  });

  test('nothing matched: every estimate is null', () => {
    const none = rejectionEffectOf([row('S3', 'rejected', 1, [0], [0], 100)], 90);
    expect([none.att, none.rateAtt, none.coverage, none.net, none.matchedRejected]).toEqual([null, null, null, null, null]);
    expect(none.eligibleRejected).toBe(1);
  });
});
