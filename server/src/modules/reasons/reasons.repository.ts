import { Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { raw, sql } from '@refunds/etl';
import { DuckDbService } from '../../database/duckdb.service';
import { periodStartSql } from '../../common/semantic/dimensions';
import { factSource, filterCondition } from '../../common/semantic/filter';

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

@Injectable()
export class ReasonsRepository {
  constructor(private readonly db: DuckDbService) {}

  trends(f: RefundFilter, grain: Grain): Promise<TrendRow[]> {
    const src = factSource(f, this.db.rollups);
    return this.db.query<TrendRow>(sql`
      WITH g AS MATERIALIZED (
        SELECT ${periodStartSql(grain, src.rollup ? 'day' : 'requested_at')} AS p, reason_code, any_value(reason_family) AS reason_family,
               CAST(sum(${raw(src.rollup ? 'n' : '1')}) AS BIGINT) AS refunds, coalesce(fsum(refunded_amount), 0) AS refunded_amount
        FROM ${src.table} WHERE ${src.filter}
        GROUP BY 1, 2)
      -- the period string is formatted per group, not per row
      SELECT strftime(p, '%Y-%m-%d') AS period, reason_code, reason_family, refunds, refunded_amount,
             refunds / sum(refunds) OVER (PARTITION BY p) AS share
      FROM g ORDER BY p, reason_code`);
  }

  /**
   * Product-weeks with at least `minCount` defect refunds in the reported range, with `expected`
   * from the previous min(8, k) weeks (weeks without refunds count as 0). Non-time filters narrow
   * every count; the time filter only picks the weeks reported, so history before `from` counts.
   */
  spikeCandidates(f: RefundFilter, minCount: number): Promise<SpikeCandidateRow[]> {
    const nonTime = filterCondition(f, { withoutTime: true });
    const from = f.from ?? null;
    const to = f.to ?? null;
    return this.db.query<SpikeCandidateRow>(sql`
      WITH base AS (
        SELECT product_id, CAST(date_trunc('week', requested_at) AS DATE) AS wk, reason_family = 'defect' AS defect, reason_code, product_line
        FROM refund_facts WHERE product_id IS NOT NULL AND ${nonTime}),
      first_wk AS (SELECT product_id, min(wk) AS first_wk, mode(product_line) AS product_line FROM base GROUP BY product_id),
      counts AS (SELECT product_id, wk, count(*) AS c FROM base WHERE defect GROUP BY product_id, wk),
      cand AS (
        SELECT c.product_id, c.wk, c.c, CAST(datediff('day', fw.first_wk, c.wk) / 7 AS INTEGER) AS k, fw.product_line
        FROM counts c JOIN first_wk fw USING (product_id)
        WHERE c.c >= ${minCount}
          AND (${from}::DATE IS NULL OR c.wk >= ${from}::DATE)
          AND (${to}::DATE IS NULL OR c.wk < ${to}::DATE)),
      hist AS (
        SELECT cand.product_id, cand.wk,
          coalesce(sum(h.c) FILTER (WHERE h.wk >= cand.wk - to_days(CAST(7 * least(8, cand.k) AS INTEGER))), 0) AS prev_sum,
          list(h.c ORDER BY h.wk) FILTER (WHERE h.wk >= cand.wk - to_days(77)) AS hist_list,
          list(h.wk ORDER BY h.wk) FILTER (WHERE h.wk >= cand.wk - to_days(77)) AS hist_wks
        FROM cand LEFT JOIN counts h ON h.product_id = cand.product_id AND h.wk < cand.wk AND h.wk >= cand.wk - to_days(77)
        GROUP BY cand.product_id, cand.wk),
      top AS (
        SELECT product_id, wk, arg_min(reason_code, sort_key) AS top_reason FROM (
          SELECT product_id, wk, reason_code, (-count(*), reason_code) AS sort_key
          FROM base WHERE defect GROUP BY product_id, wk, reason_code)
        GROUP BY product_id, wk)
      SELECT cand.product_id, cand.product_line, strftime(cand.wk, '%Y-%m-%d') AS week, cand.c, cand.k,
        CASE WHEN cand.k > 0 THEN hist.prev_sum / least(8, cand.k) ELSE 0 END AS expected,
        top.top_reason,
        coalesce(hist.hist_list, []) AS hist_counts,
        coalesce(list_transform(hist.hist_wks, w -> strftime(w, '%Y-%m-%d')), []) AS hist_weeks
      FROM cand JOIN hist USING (product_id, wk) JOIN top USING (product_id, wk)
      WHERE cand.k >= 4`);
  }
}
