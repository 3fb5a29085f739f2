import { consistencyParams, orderCohorts, type Cohort } from './cohorts';

const params = (q: string) => {
  const p = new URLSearchParams(q);
  return (key: string) => p.get(key);
};

describe('channel consistency controls from the URL', () => {
  test('a gap threshold of 0 stays 0 (every comparable cohort is flagged), not the 0.15 default', () => {
    expect(consistencyParams(params('gap=0')).gap).toBe(0);
    expect(consistencyParams(params('gap=0.0')).gap).toBe(0);
  });

  test('absent, empty or unreadable values give the catalog defaults; out-of-range ones are clamped', () => {
    expect(consistencyParams(params(''))).toEqual({ minCases: 20, gap: 0.15 });
    expect(consistencyParams(params('gap=&minCases='))).toEqual({ minCases: 20, gap: 0.15 });
    expect(consistencyParams(params('gap=abc&minCases=x'))).toEqual({ minCases: 20, gap: 0.15 });
    expect(consistencyParams(params('gap=1.5&minCases=0'))).toEqual({ minCases: 1, gap: 1 });
    expect(consistencyParams(params('gap=-0.2&minCases=45'))).toEqual({ minCases: 45, gap: 0 });
    expect(consistencyParams(params('gap=0.3'))).toEqual({ minCases: 20, gap: 0.3 });
  });
});

describe('orderCohorts', () => {
  const cohort = (reasonCode: string, gap: number, inconsistent: boolean, ns: number[]): Cohort => ({
    reasonCode,
    productLine: null,
    amountBand: '[0,50)',
    gap,
    pValue: null,
    inconsistent,
    channels: ns.map((n, i) => ({ channel: `c${i}`, n, approvalRate: 0.5 })),
  });

  test('keeps cohorts with two channels of enough cases, inconsistent first, then by gap', () => {
    const out = orderCohorts(
      [cohort('a', 0.05, false, [30, 30]), cohort('b', 0.4, true, [30, 30]), cohort('c', 0.2, false, [30, 30]), cohort('d', 0.9, false, [30, 5])],
      20,
    );
    expect(out.map((c) => c.reasonCode)).toEqual(['b', 'c', 'a']);
  });
});
