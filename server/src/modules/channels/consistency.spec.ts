import type { CohortChannelRow } from './channels.repository';
import { consistencyOf } from './consistency';

const cell = (reason_code: string, product_line: string | null, amount_band: string, channel: string, n: number, approved: number): CohortChannelRow => ({
  reason_code,
  product_line,
  amount_band,
  channel,
  n,
  approved,
});

// Three cohorts, worked out by hand:
// A size/toys/[50,200): store 2 of 4 approved (0.5), marketplace 2 of 2 (1.0) -> gap 0.5;
//   2x2 table [[2,2],[2,0]]: chi-square 1.5, df 1 -> p = erfc(sqrt(0.75)).
// B size/toys/[0,50): 2 of 2 on both -> gap 0; no rejection at all, so the chi-square is undefined.
// C other/(none)/[0,50): web 6 of 10 (0.6), app 9 of 20 (0.45) -> gap 0.15 (0.1499... in binary);
//   [[6,4],[9,11]]: expected 5,5 / 10,10 -> chi-square 0.6 -> p = erfc(sqrt(0.3)).
const ROWS: CohortChannelRow[] = [
  cell('size', 'toys', '[50,200)', 'store', 4, 2),
  cell('size', 'toys', '[50,200)', 'marketplace', 2, 2),
  cell('size', 'toys', '[0,50)', 'store', 2, 2),
  cell('size', 'toys', '[0,50)', 'marketplace', 2, 2),
  cell('other', null, '[0,50)', 'web', 10, 6),
  cell('other', null, '[0,50)', 'app', 20, 9),
];

describe('consistencyOf (channelConsistency)', () => {
  test('gaps, p-values and the refund-weighted inconsistency rate at the default threshold 0.15', () => {
    const r = consistencyOf(ROWS, 0.15);
    // comparable refunds 6 + 4 + 30 = 40; inconsistent A (6) and C (30, a gap of exactly 0.15 counts)
    expect(r.n).toBe(40);
    expect(r.comparableCohorts).toBe(3);
    expect(r.inconsistentCohorts).toBe(2);
    expect(r.inconsistencyRate).toBeCloseTo(36 / 40, 12);
    expect(r.cohorts.map((c) => `${c.reasonCode}|${c.amountBand}|${c.inconsistent}`)).toEqual(['size|[50,200)|true', 'other|[0,50)|true', 'size|[0,50)|false']);
    const [a, c, b] = r.cohorts;
    expect(a.gap).toBeCloseTo(0.5, 12);
    expect(a.pValue).toBeCloseTo(0.22067136191984682, 12);
    expect(a.channels).toEqual([
      { channel: 'store', n: 4, approvalRate: 0.5 },
      { channel: 'marketplace', n: 2, approvalRate: 1 },
    ]);
    expect(c.productLine).toBeNull();
    expect(c.gap).toBeCloseTo(0.15, 12);
    expect(c.pValue).toBeCloseTo(0.4385780260809999, 12);
    expect(b.gap).toBe(0);
    expect(b.pValue).toBeNull();
  });

  test('a threshold of 0 flags every comparable cohort; 0.5 only the widest gap', () => {
    const all = consistencyOf(ROWS, 0);
    expect(all.inconsistentCohorts).toBe(3);
    expect(all.inconsistencyRate).toBe(1);
    const wide = consistencyOf(ROWS, 0.5);
    expect(wide.inconsistentCohorts).toBe(1);
    expect(wide.inconsistencyRate).toBeCloseTo(6 / 40, 12);
  });

  test('no comparable cohort: the rate is null, not 0', () => {
    expect(consistencyOf([], 0.15)).toEqual({ inconsistencyRate: null, comparableCohorts: 0, inconsistentCohorts: 0, n: 0, cohorts: [] });
  });
});
