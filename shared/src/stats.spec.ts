import {
  Z_975,
  averageRanks,
  chiSquareIndependence,
  chiSquareSf,
  fisherCi,
  normalCdf,
  normalQuantile,
  pearson,
  poissonUpperTail,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  spearman,
  studentTQuantile,
  studentTSf,
  studentTTwoSidedP,
  twoProportionDiff,
  welch,
  zScores,
} from './stats';

/**
 * Reference values: "R:" values are as printed in R's documentation/output (so only as precise as
 * printed); "SciPy:" values are the repr() of SciPy 1.17.1 results for the same inputs; closed forms
 * are noted where used.
 */

function expectRel(actual: number | null | undefined, expected: number, tol = 1e-9): void {
  expect(actual).not.toBeNull();
  expect(actual).not.toBeUndefined();
  const a = actual as number;
  const err = expected === 0 ? Math.abs(a) : Math.abs(a - expected) / Math.abs(expected);
  if (!(err <= tol)) throw new Error(`expected ${expected}, got ${a} (relative error ${err} > ${tol})`);
}

/** Agreement with a value printed to `digits` significant digits. */
function expectPrinted(actual: number | null | undefined, printed: number, digits: number): void {
  expect(actual).not.toBeNull();
  expect(Number((actual as number).toPrecision(digits))).toBe(printed);
}

function meanVar(xs: number[]): { mean: number; variance: number; n: number } {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { mean, variance, n };
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

describe('normal distribution', () => {
  it('matches SciPy norm.cdf, including far tails', () => {
    expectRel(normalCdf(0), 0.5, 1e-15);
    expectRel(normalCdf(1.959964), 0.9750000009035577, 1e-14);
    expectRel(normalCdf(-5), 2.866515718791933e-7, 1e-12);
    expectRel(normalCdf(-10), 7.61985302416047e-24, 1e-12);
    expectRel(normalCdf(-1) + normalCdf(1), 1, 1e-15);
    expect(normalCdf(-40)).toBeLessThan(1e-300);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
  });

  it('matches R qnorm / SciPy norm.ppf', () => {
    expectPrinted(normalQuantile(0.975), 1.959964, 7); // R: qnorm(0.975)
    expectRel(normalQuantile(0.975), 1.959963984540054, 1e-14);
    expectRel(normalQuantile(1e-10), -6.361340902404056, 1e-14);
    expectRel(normalQuantile(0.3), -0.5244005127080409, 1e-14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it('quantile inverts the cdf across both AS241 regions', () => {
    // Upper-tail z stay moderate: Φ(z) near 1 only carries ~1e-16 absolute precision.
    for (const z of [-30, -8, -5.5, -3, -1.2, -0.1, 0.4, 1, 2.5]) {
      expectRel(normalQuantile(normalCdf(z)), z, 1e-9);
    }
  });
});

describe('incomplete gamma and beta', () => {
  it('matches SciPy gammainc / gammaincc', () => {
    expectRel(regularizedGammaP(2.5, 1.2), 0.20852587940567532, 1e-13);
    expectRel(regularizedGammaQ(2.5, 1.2), 0.7914741205943246, 1e-13);
    expectRel(regularizedGammaP(0.5, 0.1), 0.34527915398142317, 1e-13);
  });

  it('matches closed forms: P(1, x) = 1 - e^-x and P(½, x) = erf(√x)', () => {
    for (const x of [0.01, 0.5, 1, 2, 7, 30]) {
      expectRel(regularizedGammaQ(1, x), Math.exp(-x), 1e-13);
      expectRel(regularizedGammaP(1, x) + regularizedGammaQ(1, x), 1, 1e-15);
    }
    expectRel(regularizedGammaP(0.5, 1), 0.8427007929497149, 1e-13); // erf(1)
  });

  it('handles boundaries and invalid arguments', () => {
    expect(regularizedGammaP(3, 0)).toBe(0);
    expect(regularizedGammaQ(3, 0)).toBe(1);
    expect(regularizedGammaP(3, Infinity)).toBe(1);
    expect(regularizedGammaP(0, 1)).toBeNaN();
    expect(regularizedGammaQ(2, -1)).toBeNaN();
  });

  it('matches SciPy betainc and closed forms', () => {
    expectRel(regularizedBeta(0.4, 2, 3), 0.5248, 1e-13); // polynomial: exact
    expectRel(regularizedBeta(0.9, 0.5, 0.5), 0.7951672353008665, 1e-13); // (2/π) asin(√0.9)
    expectRel(regularizedBeta(0.7, 10, 2), 0.11299009959999995, 1e-12);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(1.1, 2, 3)).toBeNaN();
    expect(regularizedBeta(0.5, 0, 3)).toBeNaN();
  });
});

describe('chi-square distribution', () => {
  it('matches R pchisq(lower.tail = FALSE)', () => {
    expectPrinted(chiSquareSf(3.84, 1), 0.05004352, 7); // R: pchisq(3.84, 1, lower = FALSE)
    expectRel(chiSquareSf(3.84, 1), 0.05004352124870519, 1e-12); // SciPy: chi2.sf
    expectRel(chiSquareSf(30.07, 2), 2.9538093752232107e-7, 1e-12);
  });

  it('df = 2 is exponential: sf = exp(-x/2)', () => {
    for (const x of [0.1, 3, 40, 200]) expectRel(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-12);
  });

  it('edges', () => {
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareSf(-1, 3)).toBe(1);
    expect(chiSquareSf(5, 0)).toBeNaN();
  });
});

describe('Student t distribution', () => {
  it('matches R pt / SciPy t.sf', () => {
    expectRel(studentTSf(2, 5), 0.050969739414929174, 1e-12); // R: pt(2, 5, lower = FALSE) = 0.05096974
    expectRel(1 - studentTSf(-2, 5), 0.050969739414929174, 1e-12);
    expectRel(studentTSf(1.5, 2.5), 0.12391822654314809, 1e-12);
    expectRel(studentTTwoSidedP(2.5, 17.3), 0.02274750017580115, 1e-12);
    expectRel(studentTTwoSidedP(-2.5, 17.3), 0.02274750017580115, 1e-12);
    expect(studentTSf(0, 4)).toBe(0.5);
    expect(studentTTwoSidedP(0, 4)).toBe(1);
  });

  it('df = 1 is Cauchy: sf = 1/2 - atan(t)/π = atan(1/t)/π for t > 0', () => {
    for (const t of [-50, -1, 0.3, 2, 1e6]) {
      expectRel(studentTSf(t, 1), t > 0 ? Math.atan(1 / t) / Math.PI : 0.5 - Math.atan(t) / Math.PI, 1e-12);
    }
  });

  it('approaches the normal for large df', () => {
    expectRel(studentTSf(1.96, Infinity), normalCdf(-1.96), 1e-15);
    expectRel(studentTSf(1.96, 1e5), 0.024999281597150817, 1e-10); // mpmath (40 digits), SciPy agrees
  });

  it('quantile matches R qt / SciPy t.ppf', () => {
    expectPrinted(studentTQuantile(0.975, 10), 2.228139, 7); // R: qt(0.975, 10)
    expectRel(studentTQuantile(0.975, 10), 2.228138851986274, 1e-12);
    expectRel(studentTQuantile(0.975, 1), Math.tan(0.475 * Math.PI), 1e-12); // 12.706204736174694
    expectRel(studentTQuantile(0.975, 2), 4.302652729749462, 1e-12);
    expectRel(studentTQuantile(0.025, 4.5), -2.658912347204404, 1e-12);
    expectRel(studentTQuantile(0.995, 30), 2.7499956535672254, 1e-12);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0, 3)).toBe(-Infinity);
    expect(studentTQuantile(1, 3)).toBe(Infinity);
    expect(studentTQuantile(0.975, 0)).toBeNaN();
  });

  it('quantile inverts the tail for non-integer df', () => {
    for (const df of [0.7, 1.3, 3.5, 17.776, 250.2]) {
      for (const p of [1e-9, 0.01, 0.3, 0.6, 0.975, 0.999]) {
        // Lower tail via symmetry, P(T <= t) = P(T >= -t), so small p is not lost to 1 - x.
        expectRel(studentTSf(-studentTQuantile(p, df), df), p, 1e-9);
      }
    }
  });
});

describe('poissonUpperTail', () => {
  /** Independent check: P(X >= c) summed from the pmf, upward so tiny tails stay exact. */
  function tailBySum(c: number, lambda: number): number {
    let s = 0;
    for (let k = c; k < c + 200; k++) s += (Math.exp(-lambda) * lambda ** k) / factorial(k);
    return s;
  }

  it('matches R ppois(c - 1, lambda, lower = FALSE) / SciPy poisson.sf', () => {
    expectRel(poissonUpperTail(30, 2), 5.855318609378621e-25, 1e-10);
    expectRel(poissonUpperTail(5, 0.5), 1.7211562995584072e-4, 1e-12);
    expectRel(poissonUpperTail(12, 3.2), 1.2924924084078897e-4, 1e-12);
    expectRel(poissonUpperTail(50, 0.5), 1.7887765104351563e-80, 1e-10);
    expectRel(poissonUpperTail(1100, 1000), 9.626304058665587e-4, 1e-10);
    expectRel(poissonUpperTail(1000, 1000), 0.5042052441802155, 1e-12);
  });

  it('agrees with direct pmf sums for small counts', () => {
    expectRel(poissonUpperTail(30, 2), tailBySum(30, 2), 1e-12);
    expectRel(poissonUpperTail(8, 0.5), tailBySum(8, 0.5), 1e-12);
    expectRel(poissonUpperTail(1, 0.5), 1 - Math.exp(-0.5), 1e-13);
  });

  it('resolves alpha-sized tails against a lambda floor of 0.5', () => {
    expect(poissonUpperTail(5, 0.5)).toBeLessThan(0.001);
    expect(poissonUpperTail(4, 0.5)).toBeGreaterThan(0.001);
  });

  it('edges', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(-2, 3)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(poissonUpperTail(0, 0)).toBe(1);
    expect(poissonUpperTail(3, -1)).toBeNaN();
  });
});

// R: example(cor.test), Hollander & Wolfe (1973) p. 187f.
const HW_X = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1];
const HW_Y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8];

describe('correlation', () => {
  it('pearson and its Fisher CI match R cor.test', () => {
    const r = pearson(HW_X, HW_Y);
    expectPrinted(r, 0.5711816, 7); // R: cor 0.5711816
    expectRel(r, 0.5711815575638288, 1e-13); // SciPy: pearsonr
    const ci = fisherCi(r as number, HW_X.length);
    // R: 95 percent confidence interval: -0.1497426  0.8955795
    expectPrinted(ci?.low, -0.1497426, 7);
    expectPrinted(ci?.high, 0.8955795, 7);
    // With Z_975 = 1.959964 exactly (metrics.md): tanh(atanh(r) ± 1.959964 / sqrt(6)).
    expectRel(ci?.low, -0.14974263920673195, 1e-11);
    expectRel(ci?.high, 0.8955794630880207, 1e-12);
    // R: t = 1.8411, df = 7, p-value = 0.1082
    const rr = r as number;
    const t = rr * Math.sqrt(7 / (1 - rr * rr));
    expectPrinted(t, 1.8411, 5);
    expectRel(studentTTwoSidedP(t, 7), 0.10817305434949381, 1e-12);
  });

  it('pearson: null for n < 2 or zero variance, exact for perfect lines', () => {
    expect(pearson([], [])).toBeNull();
    expect(pearson([1], [2])).toBeNull();
    expect(pearson([0.1, 0.1, 0.1], [1, 2, 3])).toBeNull();
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(pearson([1, 2, 3], [2, 4, 6])).toBe(1);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
  });

  it('averageRanks averages ties, 1-based, in input order', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    expect(averageRanks([1, 2, 2, 3, 3, 3, 4, 10])).toEqual([1, 2.5, 2.5, 5, 5, 5, 7, 8]); // SciPy: rankdata
    expect(averageRanks([7, 7, 7])).toEqual([2, 2, 2]);
    expect(averageRanks([])).toEqual([]);
  });

  it('spearman matches SciPy spearmanr with ties', () => {
    expectRel(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]), 0.8207826816681233, 1e-13); // SciPy docs example
    expectRel(spearman([1, 2, 2, 3, 3, 3, 4, 10], [2, 1, 4, 4, 3, 5, 5, 5]), 0.7911392405063293, 1e-13);
    expectRel(spearman(HW_X, HW_Y), 0.6, 1e-13); // SciPy: spearmanr (no ties here)
  });

  it('spearman: null when ranks have no variance', () => {
    expect(spearman([3, 3, 3], [1, 2, 3])).toBeNull();
    expect(spearman([1], [1])).toBeNull();
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBe(1);
  });

  it('fisherCi edges', () => {
    expect(fisherCi(0.5, 3)).toBeNull();
    expect(fisherCi(0.5, 0)).toBeNull();
    expect(fisherCi(1, 10)).toEqual({ low: 1, high: 1 });
    expect(fisherCi(-1, 10)).toEqual({ low: -1, high: -1 });
    expect(fisherCi(NaN, 10)).toBeNull();
    const ci = fisherCi(0, 4);
    expectRel(ci?.high, Math.tanh(Z_975), 1e-15);
    expectRel(ci?.low, -Math.tanh(Z_975), 1e-15);
  });
});

describe('zScores', () => {
  it('uses the population sd', () => {
    // mean 5, population sd 2
    expect(zScores([2, 4, 4, 4, 5, 5, 7, 9])).toEqual([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
  });

  it('all zeros when sd is 0, empty for empty', () => {
    expect(zScores([0.1, 0.1, 0.1])).toEqual([0, 0, 0]);
    expect(zScores([4])).toEqual([0]);
    expect(zScores([])).toEqual([]);
  });
});

describe('chiSquareIndependence', () => {
  it('matches R example(chisq.test) on the 2x3 party/gender table', () => {
    const res = chiSquareIndependence([
      [762, 327, 468],
      [484, 239, 477],
    ]);
    // R: X-squared = 30.07, df = 2, p-value = 2.954e-07
    expectPrinted(res?.stat, 30.07, 4);
    expect(res?.df).toBe(2);
    expectPrinted(res?.pValue, 2.954e-7, 4);
    expectRel(res?.stat, 30.070149095754672, 1e-12); // SciPy: chi2_contingency(correction=False)
    expectRel(res?.pValue, 2.9535891832117595e-7, 1e-11);
  });

  it('matches chisq.test(correct = FALSE) / SciPy on 2x2 and 3x2 tables', () => {
    const r2 = chiSquareIndependence([
      [12, 5],
      [7, 15],
    ]);
    expectRel(r2?.stat, 5.769596115958342, 1e-12);
    expect(r2?.df).toBe(1);
    expectRel(r2?.pValue, 0.01630578158465016, 1e-11);
    const r3 = chiSquareIndependence([
      [30, 10],
      [20, 25],
      [5, 15],
    ]);
    expectRel(r3?.stat, 15.35227272727273, 1e-12);
    expect(r3?.df).toBe(2);
    expectRel(r3?.pValue, 4.6376325435281134e-4, 1e-11);
  });

  it('drops all-zero rows and columns before computing df', () => {
    const res = chiSquareIndependence([
      [12, 0, 5],
      [0, 0, 0],
      [7, 0, 15],
    ]);
    expectRel(res?.stat, 5.769596115958342, 1e-12);
    expect(res?.df).toBe(1);
  });

  it('null when df < 1', () => {
    expect(chiSquareIndependence([])).toBeNull();
    expect(chiSquareIndependence([[5, 3]])).toBeNull();
    expect(
      chiSquareIndependence([
        [5, 0],
        [3, 0],
      ]),
    ).toBeNull();
    expect(
      chiSquareIndependence([
        [0, 0],
        [0, 0],
      ]),
    ).toBeNull();
  });

  it('independent table gives stat 0, p 1', () => {
    const res = chiSquareIndependence([
      [10, 20],
      [20, 40],
    ]);
    expect(res?.stat).toBeCloseTo(0, 12);
    expectRel(res?.pValue, 1, 1e-9);
  });

  it('rejects malformed tables', () => {
    expect(() => chiSquareIndependence([[1, 2], [3]])).toThrow(RangeError);
    expect(() =>
      chiSquareIndependence([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(RangeError);
  });
});

describe('twoProportionDiff', () => {
  it('unpooled normal approximation, delta = post - pre', () => {
    // p1 = 45/120, p2 = 70/130; reference computed in SciPy with the same formulas.
    const res = twoProportionDiff(45, 120, 70, 130);
    expectRel(res?.delta, 0.16346153846153844, 1e-14);
    expectRel(res?.low, 0.041615086920079744, 1e-12);
    expectRel(res?.high, 0.2853079900029971, 1e-12);
    expectRel(res?.pValue, 0.008554462216910351, 1e-11);
    const flipped = twoProportionDiff(70, 130, 45, 120);
    expectRel(flipped?.delta, -0.16346153846153844, 1e-14);
    expectRel(flipped?.pValue, 0.008554462216910351, 1e-11);
  });

  it('se = 0 and empty groups', () => {
    expect(twoProportionDiff(0, 10, 0, 20)).toEqual({ delta: 0, low: 0, high: 0, pValue: 1 });
    expect(twoProportionDiff(10, 10, 0, 20)).toEqual({ delta: -1, low: -1, high: -1, pValue: 0 });
    expect(twoProportionDiff(1, 0, 1, 2)).toBeNull();
    expect(twoProportionDiff(1, 2, 0, 0)).toBeNull();
    expect(() => twoProportionDiff(5, 4, 1, 2)).toThrow(RangeError);
  });
});

describe('welch', () => {
  // R: datasets::sleep; t.test(extra ~ group, data = sleep) is a Welch test of group 1 - group 2.
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

  it('matches R t.test(var.equal = FALSE) on the sleep data', () => {
    const a = meanVar(g1);
    const b = meanVar(g2);
    const res = welch(a.mean, a.variance, a.n, b.mean, b.variance, b.n);
    expect(res).not.toBeNull();
    // R: t = -1.8608, df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832 (for mean1 - mean2);
    // here delta = mean2 - mean1, so the signs flip.
    expectRel(res?.delta, 1.58, 1e-12);
    expectPrinted(res?.t, 1.8608, 5);
    expectPrinted(res?.df, 17.776, 5);
    expectPrinted(res?.pValue, 0.07939, 4);
    expectPrinted(res?.low, -0.2054832, 7);
    expectPrinted(res?.high, 3.3654832, 8);
    // SciPy: ttest_ind(g2, g1, equal_var=False) and its confidence_interval(0.95)
    expectRel(res?.t, 1.8608134674868526, 1e-12);
    expectRel(res?.df, 17.776473516178488, 1e-12);
    expectRel(res?.pValue, 0.0793941401873583, 1e-11);
    expectRel(res?.low, -0.20548323071171137, 1e-10);
    expectRel(res?.high, 3.3654832307117104, 1e-11);
  });

  it('null for n < 2 or non-finite input', () => {
    expect(welch(1, 1, 1, 2, 1, 10)).toBeNull();
    expect(welch(1, 1, 10, 2, 1, 1)).toBeNull();
    expect(welch(1, NaN, 10, 2, 1, 10)).toBeNull();
  });

  it('se = 0', () => {
    expect(welch(3, 0, 5, 3, 0, 4)).toEqual({ delta: 0, low: 0, high: 0, pValue: 1, df: 7, t: 0 });
    expect(welch(3, 0, 5, 4, 0, 4)).toEqual({ delta: 1, low: 1, high: 1, pValue: 0, df: 7, t: Infinity });
  });

  it('one zero variance: df = n - 1 of the other group', () => {
    const res = welch(0, 0, 5, 1, 4, 9);
    expectRel(res?.df, 8, 1e-14);
    expectRel(res?.t, 1.5, 1e-14);
    expectRel(res?.pValue, studentTTwoSidedP(1.5, 8), 1e-15);
    expectRel(res?.high, 1 + studentTQuantile(0.975, 8) * (2 / 3), 1e-14);
  });
});
