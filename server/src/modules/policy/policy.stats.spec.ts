import { csatMoments, shiftDays } from './policy.stats';

describe('policy impact pieces finished outside SQL', () => {
  test('CSAT mean and sample variance from integer sums, exact where doubles would cancel', () => {
    // Scores 5, 4, 3: mean 4, sample variance ((1 + 0 + 1) / 2) = 1.
    expect(csatMoments(3, 12, 50)).toEqual({ csat_mean: 4, csat_var: 1 });
    expect(csatMoments(1, 5, 25)).toEqual({ csat_mean: 5, csat_var: null });
    expect(csatMoments(0, 0, 0)).toEqual({ csat_mean: null, csat_var: null });
    // 987654321 responses, all 5 but one 4: n * sum(x^2) - sum(x)^2 = n - 1 (the terms pass 2^64), variance 1 / n.
    const n = 987_654_321;
    const v = csatMoments(n, 5 * n - 1, 25 * n - 9).csat_var ?? NaN;
    expect(Math.abs(v * n - 1)).toBeLessThan(1e-15);
    // The same in doubles is off in the sixth digit.
    const doubles = (n * (25 * n - 9) - (5 * n - 1) ** 2) / (n * (n - 1));
    expect(Math.abs(doubles * n - 1)).toBeGreaterThan(1e-6);
  });

  test('window bounds move by whole days, kept within years 1..9999', () => {
    expect(shiftDays('2025-02-14 13:45:30.250', -90)).toBe('2024-11-16 13:45:30.250');
    expect(shiftDays('2024-02-28 00:00:00.000', 1)).toBe('2024-02-29 00:00:00.000');
    expect(shiftDays('9999-06-01 00:00:00.000', 400)).toBe('9999-12-31 23:59:59.999');
    expect(shiftDays('0001-06-01 00:00:00.000', -400)).toBe('0001-01-01 00:00:00.000');
  });
});
