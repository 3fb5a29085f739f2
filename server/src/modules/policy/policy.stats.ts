/* Pieces of policyImpact worked out outside SQL, with no I/O (so they load under Jest). */

/**
 * CSAT mean and sample variance per response from the integer sums of scores and squares. The
 * numerator n * sum(x^2) - sum(x)^2 is exact in BigInt (it can pass 2^63 long before the sums do;
 * ClickHouse 18.16 has no 128-bit integer), then divided as doubles.
 */
export function csatMoments(n: number, sum: number, sq: number): { csat_mean: number | null; csat_var: number | null } {
  return {
    csat_mean: n > 0 ? sum / n : null,
    csat_var: n > 1 ? Number(BigInt(n) * BigInt(sq) - BigInt(sum) * BigInt(sum)) / (n * (n - 1)) : null,
  };
}

const FIRST_MS = Date.parse('0001-01-01T00:00:00Z');
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * `YYYY-MM-DD HH:MM:SS.fff` (UTC) moved by whole days: the bounds of a policy window, worked out
 * before they are bound. Held within years 1..9999, where every loaded timestamp is.
 */
export function shiftDays(at: string, days: number): string {
  const t = Math.min(LAST_MS, Math.max(FIRST_MS, Date.parse(`${at.replace(' ', 'T')}Z`) + days * 86_400_000));
  return new Date(t).toISOString().replace('T', ' ').replace('Z', '');
}
