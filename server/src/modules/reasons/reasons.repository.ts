import { Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { PRODUCT_WEEKLY_KEYS, raw, sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { dialect as d } from '../../common/semantic/dialect';
import { periodStartSql } from '../../common/semantic/dimensions';
import { factSource, filterColumnsUsed, filterCondition } from '../../common/semantic/filter';

export interface TrendRow {
  period: string;
  reason_code: string;
  reason_family: string;
  refunds: number;
  refunded_amount: number;
  share: number;
}

export interface SpikeCandidateRow {
  product_id: string;
  product_line: string | null;
  week: string;
  c: number;
  k: number;
  expected: number;
  top_reason: string | null;
  /** Defect counts of the 11 weeks before `week` that had any, with their weeks. */
  hist_counts: number[];
  hist_weeks: string[];
}

/** metrics.md: the Poisson rate never goes below 0.5, so a quiet history cannot make every refund a spike. */
export const LAMBDA_FLOOR = 0.5;

@Injectable()
export class ReasonsRepository {
  constructor(private readonly db: DuckDbService) {}

  trends(f: RefundFilter, grain: Grain): Promise<TrendRow[]> {
    const src = factSource(f, this.db.rollups, ['reason_code', 'reason_family']);
    return this.db.query<TrendRow>(sql`
      WITH g AS MATERIALIZED (
        SELECT ${periodStartSql(grain, src.time)} AS p, reason_code, any_value(reason_family) AS reason_family,
               CAST(sum(${raw(src.rollup ? 'n' : '1')}) AS BIGINT) AS refunds, coalesce(${raw(d.fsum('refunded_amount'))}, 0) AS refunded_amount
        FROM ${src.table} WHERE ${src.filter}
        GROUP BY 1, 2)
      -- the period string is formatted per group, not per row
      SELECT ${raw(d.formatDay('p'))} AS period, reason_code, reason_family, refunds, refunded_amount,
             refunds / sum(refunds) OVER (PARTITION BY p) AS share
      FROM g ORDER BY p, reason_code`);
  }

  /**
   * Product-weeks with at least `minCount` defect refunds in the reported range, with `expected`
   * from the previous min(8, k) weeks (weeks without refunds count as 0). Non-time filters narrow
   * every count; the time filter only picks the weeks reported, so history before `from` counts.
   */
  spikeCandidates(f: RefundFilter, minCount: number, alpha: number): Promise<SpikeCandidateRow[]> {
    const nonTime = filterCondition(f, { withoutTime: true });
    // Weeks whose Poisson tail is provably >= alpha are dropped in SQL, so their histories are never
    // sent to JavaScript; the exact test runs on the rest. Two lower bounds of P(X >= c):
    // P(X = c) (the first term of the tail), and 1/2 when c <= lambda - ln 2 (the median of a
    // Poisson variable is at least lambda - ln 2). A 1e-9 margin absorbs rounding in lgamma.
    const lambda = raw(`greatest(CASE WHEN cand.k > 0 THEN hist.prev_sum / least(8, cand.k) ELSE 0 END, ${LAMBDA_FLOOR})`);
    const surelyNotSpike = sql`(
      (-${lambda} + cand.c * ln(${lambda}) - lgamma(cand.c + 1) >= ln(${alpha}) + 1e-9)
      OR (${alpha} < 0.5 AND cand.c <= ${lambda} - 0.6931471805599453))`;
    const from = f.from ?? null;
    const to = f.to ?? null;
    const weekly = this.db.rollups && filterColumnsUsed(f).every((c) => PRODUCT_WEEKLY_KEYS.includes(c));
    const base = weekly
      ? sql`SELECT product_id, wk, reason_family = 'defect' AS defect, reason_code, product_line, n FROM product_weekly WHERE ${nonTime}`
      : sql`SELECT product_id, ${raw(d.toDate(d.dateTrunc('week', 'requested_at')))} AS wk, reason_family = 'defect' AS defect, reason_code, product_line, 1 AS n
            FROM refund_facts WHERE product_id IS NOT NULL AND ${nonTime}`;
    return this.db.query<SpikeCandidateRow>(sql`
      WITH base AS (${base}),
      first_wk AS (SELECT product_id, min(wk) AS first_wk FROM base GROUP BY product_id),
      counts AS (SELECT product_id, wk, CAST(sum(n) AS BIGINT) AS c FROM base WHERE defect GROUP BY product_id, wk),
      cand0 AS (
        SELECT c.product_id, c.wk, c.c, CAST(datediff('day', fw.first_wk, c.wk) / 7 AS INTEGER) AS k
        FROM counts c JOIN first_wk fw USING (product_id)
        WHERE c.c >= ${minCount}
          AND (${from}::DATE IS NULL OR c.wk >= ${from}::DATE)
          AND (${to}::DATE IS NULL OR c.wk < ${to}::DATE)),
      -- the product's most frequent line (ties: alphabetically first), only for products with a candidate week
      line AS (
        SELECT product_id, arg_min(product_line, (-c, product_line)) AS product_line FROM (
          SELECT product_id, product_line, sum(n) AS c FROM base
          WHERE product_line IS NOT NULL AND product_id IN (SELECT product_id FROM cand0) GROUP BY ALL)
        GROUP BY product_id),
      cand AS (SELECT cand0.*, line.product_line FROM cand0 LEFT JOIN line USING (product_id)),
      hist AS (
        SELECT cand.product_id, cand.wk,
          coalesce(sum(h.c) FILTER (WHERE h.wk >= cand.wk - to_days(CAST(7 * least(8, cand.k) AS INTEGER))), 0) AS prev_sum,
          list(h.c ORDER BY h.wk) FILTER (WHERE h.wk >= cand.wk - to_days(77)) AS hist_list,
          list(h.wk ORDER BY h.wk) FILTER (WHERE h.wk >= cand.wk - to_days(77)) AS hist_wks
        FROM cand LEFT JOIN counts h ON h.product_id = cand.product_id AND h.wk < cand.wk AND h.wk >= cand.wk - to_days(77)
        GROUP BY cand.product_id, cand.wk),
      top AS (
        SELECT product_id, wk, arg_min(reason_code, sort_key) AS top_reason FROM (
          SELECT product_id, wk, reason_code, (-sum(n), reason_code) AS sort_key
          FROM base WHERE defect GROUP BY product_id, wk, reason_code)
        GROUP BY product_id, wk)
      SELECT cand.product_id, cand.product_line, ${raw(d.formatDay('cand.wk'))} AS week, cand.c, cand.k,
        CASE WHEN cand.k > 0 THEN hist.prev_sum / least(8, cand.k) ELSE 0 END AS expected,
        top.top_reason,
        coalesce(hist.hist_list, []) AS hist_counts,
        coalesce(list_transform(hist.hist_wks, w -> strftime(w, '%Y-%m-%d')), []) AS hist_weeks
      FROM cand JOIN hist USING (product_id, wk) JOIN top USING (product_id, wk)
      WHERE cand.k >= 4 AND NOT ${surelyNotSpike}`);
  }
}
