import { matchedEffect, sampleVariance } from './matched';

describe('matchedEffect', () => {
  it('weights within-stratum differences by rejected counts, with the spec interval (worked by hand)', () => {
    // stratum 1: rejected revenues 0, 10 (mean 5, var 50); approved 20, 40, 60 (mean 40, var 400)
    // stratum 2: rejected 30 (mean 30, var 0); approved 10 (mean 10, var 0)
    // stratum 3: rejected only (unmatched, left out)
    const s1 = { nT: 2, sumT: 10, sqT: 100, nA: 3, sumA: 120, sqA: 400 + 1600 + 3600 };
    const s2 = { nT: 1, sumT: 30, sqT: 900, nA: 1, sumA: 10, sqA: 100 };
    const s3 = { nT: 4, sumT: 8, sqT: 20, nA: 0, sumA: 0, sqA: 0 };
    const r = matchedEffect([s1, s2, s3])!;
    // att = (2 * (5 - 40) + 1 * (30 - 10)) / 3 = -50 / 3
    expect(r.effect).toBeCloseTo(-50 / 3, 12);
    // var = (2/3)^2 (50/2 + 400/3) + (1/3)^2 (0 + 0) = 4/9 * 475/3
    const half = 1.959964 * Math.sqrt((4 / 9) * (475 / 3));
    expect(r.low).toBeCloseTo(-50 / 3 - half, 10);
    expect(r.high).toBeCloseTo(-50 / 3 + half, 10);
    expect(r.matched).toBe(3);
    expect(r.strata).toBe(2);
  });

  it('is null when no stratum has both decisions', () => {
    expect(matchedEffect([{ nT: 3, sumT: 1, sqT: 1, nA: 0, sumA: 0, sqA: 0 }])).toBeNull();
    expect(matchedEffect([])).toBeNull();
  });

  it('takes a single value as variance 0 and never goes negative from rounding', () => {
    expect(sampleVariance(1, 7, 49)).toBe(0);
    expect(sampleVariance(3, 0.3, 0.03 - 1e-18)).toBeGreaterThanOrEqual(0);
    expect(sampleVariance(4, 10, 30)).toBeCloseTo((30 - 25) / 3, 12);
  });
});
