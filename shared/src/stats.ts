/* eslint-disable no-loss-of-precision -- published AS241 coefficients, kept digit for digit */
/**
 * Pure, dependency-free statistics for the server's inferential metrics (see spec/metrics.md):
 * KPI-outcome correlation (pearson, spearman, fisherCi), incentive alignment (zScores, spearman),
 * refund spikes (poissonUpperTail), channel consistency (chiSquareIndependence) and policy impact
 * (twoProportionDiff, welch).
 *
 * Conventions: the distribution primitives return NaN for parameters outside their domain (like R's
 * p/q functions; JSON.stringify turns NaN into null). The data-level functions return null when the
 * statistic is undefined for the data (too few points, zero variance, empty table, ...), and throw a
 * RangeError only for malformed input (mismatched lengths, negative counts).
 */

/** 97.5% standard normal quantile, rounded as metrics.md specifies for every 95% interval. */
export const Z_975 = 1.959964;

const EPS = 1e-16;
const FPMIN = 1e-300;
const MAX_ITER = 100_000;
const LN_SQRT_2PI = 0.9189385332046727; // ln(sqrt(2*pi))

export interface Interval {
  low: number;
  high: number;
}

export interface ChiSquareResult {
  stat: number;
  df: number;
  pValue: number;
}

export interface DiffResult {
  /** post minus pre (second group minus first). */
  delta: number;
  low: number;
  high: number;
  pValue: number;
}

export interface WelchResult extends DiffResult {
  df: number;
  t: number;
}

// ---------------------------------------------------------------------------------------------
// Special functions
// ---------------------------------------------------------------------------------------------

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients); ~1e-15 relative for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
function lnGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the Lanczos series in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Error of Stirling's formula, ln Γ(n+1) - [(n+½) ln n - n + ln √(2π)], after Loader (2000) as in
 * R's nmath/stirlerr.c. Used so the Poisson/gamma prefactor does not lose precision to cancellation.
 */
function stirlerr(n: number): number {
  if (n > 15) {
    const nn = n * n;
    const s0 = 1 / 12;
    const s1 = 1 / 360;
    const s2 = 1 / 1260;
    const s3 = 1 / 1680;
    const s4 = 1 / 1188;
    if (n > 500) return (s0 - s1 / nn) / n;
    if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
    if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
  }
  return lnGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
}

/** Deviance term x ln(x/np) + np - x, computed without cancellation when x ≈ np (Loader 2000). */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/** x^a e^(-x) / Γ(a+1) for a > 0, x >= 0: the Poisson density extended to real a. */
function poissonDensityRaw(a: number, x: number): number {
  if (x === 0) return 0;
  return Math.exp(-stirlerr(a) - bd0(a, x)) / Math.sqrt(2 * Math.PI * a);
}

/** Both regularized incomplete gamma tails, computed from whichever side converges (NR §6.2). */
function incompleteGamma(a: number, x: number): { p: number; q: number } {
  if (x === 0) return { p: 0, q: 1 };
  if (x === Infinity) return { p: 1, q: 0 };
  const front = poissonDensityRaw(a, x);
  if (x < a + 1) {
    // Series: P(a,x) = x^a e^-x / Γ(a+1) · Σ x^n / ((a+1)…(a+n)).
    let term = 1;
    let sum = 1;
    for (let n = 1; n < MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * EPS) break;
    }
    const p = Math.min(1, front * sum);
    return { p, q: 1 - p };
  }
  // Continued fraction for Q(a,x), modified Lentz.
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  // x^a e^-x / Γ(a) = a · x^a e^-x / Γ(a+1).
  const q = Math.min(1, a * front * h);
  return { p: 1 - q, q };
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a); NaN outside a > 0, x >= 0. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || a === Infinity || !(x >= 0)) return NaN;
  return incompleteGamma(a, x).p;
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate when Q is tiny. */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || a === Infinity || !(x >= 0)) return NaN;
  return incompleteGamma(a, x).q;
}

/** Continued fraction for the incomplete beta function, modified Lentz (NR §6.4 betacf). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * I_x(a, b) given both x and y = 1 - x, so callers that know y exactly (the t distribution) do not
 * lose it to rounding in 1 - x.
 */
function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  // x^a y^b / B(a, b) in Loader's saddle-point form (R's dbinom_raw): the large ln Γ terms cancel
  // analytically, which keeps precision for the large a = df/2 of Welch tests on big samples.
  const ab = a + b;
  const front = Math.exp(stirlerr(ab) - stirlerr(a) - stirlerr(b) - bd0(a, ab * x) - bd0(b, ab * y)) * Math.sqrt((a * b) / ab / (2 * Math.PI));
  if (x < (a + 1) / (a + b + 2)) return Math.min(1, (front * betaContinuedFraction(x, a, b)) / a);
  return Math.max(0, 1 - (front * betaContinuedFraction(y, b, a)) / b);
}

/** Regularized incomplete beta I_x(a, b); NaN outside 0 <= x <= 1, a > 0, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0) || a === Infinity || b === Infinity) return NaN;
  return incompleteBeta(x, 1 - x, a, b);
}

// ---------------------------------------------------------------------------------------------
// Distributions
// ---------------------------------------------------------------------------------------------

/** Standard normal CDF Φ(z), via Φ(-|z|) = Q(½, z²/2) / 2 so far tails keep relative precision. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const half = 0.5 * regularizedGammaQ(0.5, 0.5 * z * z);
  return z < 0 ? half : 1 - half;
}

// Wichura (1988), Algorithm AS 241 PPND16: ~1e-16 relative accuracy.
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
  33430.575583588128105, 2509.0809287301226727,
];
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
  5226.495278852854561,
];
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
  0.0227238449892691845833, 7.7454501427834140764e-4,
];
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
  1.05075007164441684324e-9,
];
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
  2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

function poly(coefs: readonly number[], x: number): number {
  let r = 0;
  for (let i = coefs.length - 1; i >= 0; i--) r = r * x + coefs[i];
  return r;
}

/** Standard normal quantile Φ⁻¹(p); -Infinity at 0, Infinity at 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(AS241_A, r)) / poly(AS241_B, r);
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(AS241_C, r) / poly(AS241_D, r);
  } else {
    r -= 5;
    x = poly(AS241_E, r) / poly(AS241_F, r);
  }
  return q < 0 ? -x : x;
}

/** Upper tail P(X > stat) of the chi-square distribution with df > 0 degrees of freedom. */
export function chiSquareSf(stat: number, df: number): number {
  if (Number.isNaN(stat) || !(df > 0)) return NaN;
  if (stat <= 0) return 1;
  return regularizedGammaQ(df / 2, stat / 2);
}

/** Two-sided tail P(|T| >= |t|) of Student's t; df > 0, non-integer allowed (Welch). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return 2 * normalCdf(-Math.abs(t));
  const t2 = t * t;
  if (t2 === Infinity) return 0;
  // P(|T| >= |t|) = I_{df/(df+t²)}(df/2, 1/2).
  return incompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
}

/** Upper tail P(T > t) of Student's t; df > 0, non-integer allowed. */
export function studentTSf(t: number, df: number): number {
  const half = 0.5 * studentTTwoSidedP(t, df);
  return t >= 0 ? half : 1 - half;
}

function studentTDensity(t: number, df: number): number {
  return Math.exp(lnGamma((df + 1) / 2) - lnGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Student's t quantile: the t with P(T <= t) = p. Safeguarded Newton on the tail (bisection fallback). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  // Solve for the positive t with upper tail q, then restore the sign.
  const q = p < 0.5 ? p : 1 - p;
  const z = -normalQuantile(q);
  // Cornish-Fisher start (Abramowitz & Stegun 26.7.5); the bracket below guards against it being poor.
  let t = Math.max(z + (z * z * z + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df), 1e-8);
  let lo = 0;
  let hi = Math.max(t, 1);
  while (studentTSf(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (hi === Infinity) return p < 0.5 ? -Infinity : Infinity;
  }
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let i = 0; i < 500; i++) {
    const f = studentTSf(t, df) - q;
    if (f === 0) break;
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / studentTDensity(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    const done = Math.abs(next - t) <= 1e-15 * next || hi - lo <= 1e-15 * hi;
    t = next;
    if (done) break;
  }
  return p < 0.5 ? -t : t;
}

/**
 * P(X >= c) for X ~ Poisson(lambda), i.e. P(ceil(c), lambda) for c >= 1 and 1 for c <= 0. Keeps
 * relative precision in tiny tails, which the refund-spike test compares against alpha.
 */
export function poissonUpperTail(c: number, lambda: number): number {
  if (Number.isNaN(c) || !(lambda >= 0) || lambda === Infinity) return NaN;
  if (c <= 0) return 1;
  if (lambda === 0) return 0;
  return regularizedGammaP(Math.ceil(c), lambda);
}

// ---------------------------------------------------------------------------------------------
// Descriptive statistics on samples
// ---------------------------------------------------------------------------------------------

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Exact check, so constant data is never mistaken for data with a rounding-sized variance. */
function isConstant(xs: readonly number[]): boolean {
  for (const x of xs) if (x !== xs[0]) return false;
  return true;
}

/** Pearson correlation; null when n < 2 or either side has zero variance. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`pearson: length mismatch (${xs.length} vs ${ys.length})`);
  const n = xs.length;
  if (n < 2 || isConstant(xs) || isConstant(ys)) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/** 1-based ranks in input order; tied values share the average of the ranks they span. */
export function averageRanks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((i, j) => xs[i] - xs[j]);
  const ranks = new Array<number>(xs.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && xs[order[end + 1]] === xs[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's rho = Pearson on average ranks (ties averaged); null when undefined. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length) throw new RangeError(`spearman: length mismatch (${xs.length} vs ${ys.length})`);
  return pearson(averageRanks(xs), averageRanks(ys));
}

/** 95% Fisher-z interval for a correlation r over n pairs; null when n < 4. */
export function fisherCi(r: number, n: number): Interval | null {
  if (!(n >= 4) || Number.isNaN(r)) return null;
  const rc = Math.max(-1, Math.min(1, r));
  // atanh(±1) is infinite, so a perfect correlation's interval degenerates to the point.
  if (rc === 1 || rc === -1) return { low: rc, high: rc };
  const z = Math.atanh(rc);
  const se = 1 / Math.sqrt(n - 3);
  return { low: Math.tanh(z - Z_975 * se), high: Math.tanh(z + Z_975 * se) };
}

/** (x - mean) / population sd for each x; all zeros when the sd is 0. */
export function zScores(xs: readonly number[]): number[] {
  if (xs.length === 0) return [];
  if (isConstant(xs)) return xs.map(() => 0);
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  const sd = Math.sqrt(ss / xs.length);
  if (sd === 0) return xs.map(() => 0);
  return xs.map((x) => (x - m) / sd);
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/**
 * Pearson chi-square test of independence (no continuity correction, like R's
 * chisq.test(correct = FALSE)). Rows are groups, columns outcome categories. All-zero rows and
 * columns are dropped first; null when fewer than 2 rows or 2 columns remain (df < 1).
 */
export function chiSquareIndependence(table: readonly (readonly number[])[]): ChiSquareResult | null {
  const cols = table.length > 0 ? table[0].length : 0;
  for (const row of table) {
    if (row.length !== cols) throw new RangeError('chiSquareIndependence: rows have different lengths');
    for (const v of row) {
      if (!(v >= 0) || v === Infinity) throw new RangeError(`chiSquareIndependence: invalid count ${v}`);
    }
  }
  const rowSums = table.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: cols }, (_, j) => table.reduce((s, row) => s + row[j], 0));
  const keepRows = rowSums.map((s, i) => (s > 0 ? i : -1)).filter((i) => i >= 0);
  const keepCols = colSums.map((s, j) => (s > 0 ? j : -1)).filter((j) => j >= 0);
  const df = (keepRows.length - 1) * (keepCols.length - 1);
  if (keepRows.length < 2 || keepCols.length < 2 || df < 1) return null;
  const total = keepRows.reduce((s, i) => s + rowSums[i], 0);
  let stat = 0;
  for (const i of keepRows) {
    for (const j of keepCols) {
      const expected = (rowSums[i] * colSums[j]) / total;
      const d = table[i][j] - expected;
      stat += (d * d) / expected;
    }
  }
  return { stat, df, pValue: chiSquareSf(stat, df) };
}

/** Two-sided normal p-value 2·(1 - Φ(|z|)), computed as 2·Φ(-|z|) to keep small values exact. */
function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/**
 * Difference of two proportions, delta = x2/n2 - x1/n1 (post minus pre), with the unpooled
 * normal-approximation 95% CI and two-sided p-value. Null when n1 or n2 is 0.
 */
export function twoProportionDiff(x1: number, n1: number, x2: number, n2: number): DiffResult | null {
  if (!(n1 > 0) || !(n2 > 0)) return null;
  if (!(x1 >= 0 && x1 <= n1) || !(x2 >= 0 && x2 <= n2)) {
    throw new RangeError(`twoProportionDiff: successes out of range (${x1}/${n1}, ${x2}/${n2})`);
  }
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const delta = p2 - p1;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  if (se === 0) return { delta, low: delta, high: delta, pValue: delta === 0 ? 1 : 0 };
  return { delta, low: delta - Z_975 * se, high: delta + Z_975 * se, pValue: twoSidedNormalP(delta / se) };
}

/**
 * Welch's unequal-variance t test from summary statistics (sample variances, n - 1 denominators);
 * delta = mean2 - mean1, Welch-Satterthwaite df, 95% CI with the t quantile at 0.975.
 * Null when n1 < 2 or n2 < 2 or an input is not finite. Slightly negative variances (rounding in
 * sum-of-squares formulas) are treated as 0. When both variances are 0 the df is undefined; it is
 * reported as n1 + n2 - 2, t as 0 or ±Infinity, and pValue as 1 or 0.
 */
export function welch(mean1: number, var1: number, n1: number, mean2: number, var2: number, n2: number): WelchResult | null {
  if (![mean1, var1, n1, mean2, var2, n2].every(Number.isFinite)) return null;
  if (n1 < 2 || n2 < 2) return null;
  const a = Math.max(0, var1) / n1;
  const b = Math.max(0, var2) / n2;
  const delta = mean2 - mean1;
  const se2 = a + b;
  if (se2 === 0) {
    const t = delta === 0 ? 0 : delta > 0 ? Infinity : -Infinity;
    return { delta, low: delta, high: delta, pValue: delta === 0 ? 1 : 0, df: n1 + n2 - 2, t };
  }
  const se = Math.sqrt(se2);
  const df = (se2 * se2) / ((a * a) / (n1 - 1) + (b * b) / (n2 - 1));
  const t = delta / se;
  const half = studentTQuantile(0.975, df) * se;
  return { delta, low: delta - half, high: delta + half, pValue: studentTTwoSidedP(t, df), df, t };
}
