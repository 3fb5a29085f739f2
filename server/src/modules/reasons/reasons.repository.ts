import { Inject, Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { DEFECT_LINE_WEEKLY_KEYS, join, PRODUCT_WEEKLY_KEYS, raw, sql, type Sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';
import { Ctes } from '../../common/semantic/ctes';
import { periodStartSql } from '../../common/semantic/dimensions';
import { factSource, filterColumnsUsed, filterCondition } from '../../common/semantic/filter';

export interface TrendRow {
  period: string;
  reason_code: string;
  reason_family: string;
  refunds: number;
  refunded_amount: number;
}

export interface SpikeCandidateRow {
  product_id: string;
  product_line: string | null;
  week: string;
  c: number;
  k: number;
  expected: number;
  top_reason: string | null;
  /** Defect counts of the 11 weeks before `week`, oldest first (0 for a week without any). */
  history: number[];
}

/** The weeks before a candidate week its sparkline shows. */
const HISTORY_WEEKS = 11;

/** metrics.md: the Poisson rate never goes below 0.5, so a quiet history cannot make every refund a spike. */
export const LAMBDA_FLOOR = 0.5;

@Injectable()
export class ReasonsRepository {
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /** Refunds and amount per period and reason code (the service adds each row's share of its period). */
  trends(f: RefundFilter, grain: Grain): Promise<TrendRow[]> {
    const d = this.db.dialect;
    const src = factSource(f, this.db.rollups, ['reason_code', 'reason_family'], undefined, d, { periods: grain });
    // The period string is formatted per group, not per row. Inner names differ from the columns
    // they aggregate: a ClickHouse alias would shadow the column inside its own aggregate.
    return this.db.query<TrendRow>(sql`
      SELECT ${raw(d.formatDay('p'))} AS period, reason_code, family AS reason_family, refunds, amount AS refunded_amount FROM (
        SELECT ${periodStartSql(grain, src.time, d)} AS p, reason_code, ${raw(d.anyValue('reason_family'))} AS family,
               ${raw(d.int64(`sum(${src.rollup ? 'n' : '1'})`))} AS refunds, coalesce(${raw(d.fsum('refunded_amount'))}, 0) AS amount
        FROM ${src.table} WHERE ${src.filter}
        GROUP BY p, reason_code) AS g
      ORDER BY p, reason_code`);
  }

  /**
   * Product-weeks with at least `minCount` defect refunds in the reported range, with `expected`
   * from the previous min(8, k) weeks (weeks without refunds count as 0). Non-time filters narrow
   * every count; the time filter only picks the weeks reported, so history before `from` counts.
   *
   * Written for both engines: named subqueries through `Ctes` (CTEs on DuckDB, in place on
   * ClickHouse), one equi-join per SELECT, week distances as differences of dates.
   */
  async spikeCandidates(f: RefundFilter, minCount: number, alpha: number): Promise<SpikeCandidateRow[]> {
    const d = this.db.dialect;
    const q = new Ctes(d);
    const nonTime = filterCondition(f, { withoutTime: true, dialect: d });
    const weekly = this.db.rollups && filterColumnsUsed(f).every((c) => PRODUCT_WEEKLY_KEYS.includes(c));
    // Rows of (product_id, product_line, wk, n) for every refund, and of (product_id, wk, reason_code, n)
    // for defect refunds: from the spike rollups (product_lines' wk is the first week of its rows), else refund_facts.
    let all: Sql;
    let defects: Sql;
    // (product_id, wk, n) rows of defect refunds, where a smaller table than `defects` has them.
    let defectCounts: Sql | null = null;
    if (weekly) {
      all = sql`(SELECT product_id, product_line, first_wk AS wk, n FROM ${raw(d.table('product_lines'))} WHERE ${nonTime})`;
      defects = sql`(SELECT product_id, wk, reason_code, n FROM ${raw(d.table('defect_weekly'))} WHERE ${nonTime})`;
      if (filterColumnsUsed(f).every((c) => DEFECT_LINE_WEEKLY_KEYS.includes(c)))
        defectCounts = sql`(SELECT product_id, wk, n FROM ${raw(d.table('defect_line_weekly'))} WHERE ${nonTime})`;
    } else {
      const base = q.add(
        'base',
        sql`SELECT product_id, ${raw(d.periodDate('week', 'requested_at'))} AS wk, reason_family = 'defect' AS defect, reason_code, product_line, 1 AS n
            FROM ${raw(d.table('refund_facts'))} WHERE product_id IS NOT NULL AND ${nonTime}`,
      );
      all = sql`${base}`;
      defects = sql`(SELECT product_id, wk, reason_code, n FROM ${base} AS b0 WHERE defect)`;
    }
    // Per product: its first week with any refund, and its most frequent line (ties: alphabetically first).
    const product = q.add(
      'product',
      sql`SELECT product_id, min(fw) AS first_wk, ${raw(d.argMin('product_line', '(product_line IS NULL, -lc, product_line)'))} AS line FROM (
            SELECT product_id, product_line, min(wk) AS fw, sum(n) AS lc FROM ${all} AS b GROUP BY product_id, product_line) AS pl
          GROUP BY product_id`,
    );
    // A week's most frequent defect reason (ties: alphabetically first). Counting per reason costs
    // three times counting per week, so where the engine names subqueries (DuckDB reads each once)
    // it is found for the few weeks that survive; else (ClickHouse 18.16 writes a subquery out at
    // every use) for every week, beside its count.
    const late = d.ctes;
    const perReason = (where?: Sql) => sql`(
        SELECT product_id, wk, reason_code, sum(n) AS rc FROM ${defects} AS b${where ? sql` WHERE ${where}` : sql``} GROUP BY product_id, wk, reason_code) AS wr`;
    const topCode = raw(d.argMin('reason_code', '(-rc, reason_code)'));
    // Per product-week: its defect refunds.
    const weeks = q.add(
      'weeks',
      late
        ? sql`SELECT product_id, wk, ${raw(d.int64('sum(n)'))} AS c FROM ${defectCounts ?? defects} AS b GROUP BY product_id, wk`
        : sql`SELECT product_id, wk, ${raw(d.int64('sum(rc)'))} AS c, ${topCode} AS top_reason FROM ${perReason()} GROUP BY product_id, wk`,
    );
    const bounds: Sql[] = [sql`c >= ${minCount}`, sql`wk - first_wk >= 28`];
    if (f.from) bounds.push(d.dayBound(raw('wk'), '>=', f.from, 'date'));
    if (f.to) bounds.push(d.dayBound(raw('wk'), '<', f.to, 'date'));
    // Weeks are Mondays: their difference in days is a multiple of 7.
    const cand = q.add(
      'cand',
      sql`SELECT product_id, wk, c, ${raw(late ? '' : 'top_reason, ')}line, ${raw(d.int64('(wk - first_wk) / 7'))} AS k
          FROM ${weeks} AS w ${raw(d.join('inner'))} ${product} AS p USING (product_id)
          WHERE ${join(bounds, ' AND ')}`,
    );
    // Each candidate joined to its product's weeks of the 11 before it and itself (so it always has a row),
    // grouped by the candidate's key alone (its other columns taken with anyValue, named apart for ClickHouse).
    // Where the spikes are named once (late), the screen needs only prev_sum over 8 weeks, and the 11
    // weeks of history are summed for the weeks that survive it.
    const ago = Array.from({ length: HISTORY_WEEKS }, (_, i) => i + 1);
    const agoSums = raw(ago.map((i) => `coalesce(${d.sumIf('h_c', `wk - h_wk = ${7 * i}`)}, 0) AS ago${i}`).join(', '));
    const history = sql`(SELECT product_id, wk AS h_wk, c AS h_c FROM ${weeks} AS w2) AS h`;
    const hist = sql`
      SELECT product_id, wk, ${raw(d.anyValue('c'))} AS cnt, ${raw(late ? '' : `${d.anyValue('top_reason')} AS top_code, `)}${raw(d.anyValue('line'))} AS top_line,
        ${raw(d.anyValue('k'))} AS weeks_before,
        coalesce(${raw(d.sumIf('h_c', 'h_wk < wk AND wk - h_wk <= 7 * least(8, k)'))}, 0) AS prev_sum${late ? sql`` : sql`, ${agoSums}`}
      FROM ${cand} AS cd ${raw(d.join('inner'))} ${history} USING (product_id)
      WHERE h_wk <= wk AND wk - h_wk <= ${7 * (late ? 8 : HISTORY_WEEKS)}
      GROUP BY product_id, wk`;
    // Weeks whose Poisson tail is provably >= alpha are dropped in SQL, so their histories are never
    // sent to JavaScript; the exact test runs on the rest. Two lower bounds of P(X >= c):
    // P(X = c) (the first term of the tail), and 1/2 when c <= lambda - ln 2 (the median of a
    // Poisson variable is at least lambda - ln 2). A 1e-9 margin absorbs rounding in lgamma.
    const expected = 'CASE WHEN weeks_before > 0 THEN prev_sum / least(8, weeks_before) ELSE 0 END';
    const lambda = raw(`greatest(${expected}, ${LAMBDA_FLOOR})`);
    const surelyNotSpike = sql`(
      (-${lambda} + cnt * ln(${lambda}) - lgamma(cnt + 1) >= ln(${alpha}) + 1e-9)
      OR (${alpha} < 0.5 AND cnt <= ${lambda} - 0.6931471805599453))`;
    const columns = sql`product_id, top_line AS product_line, ${raw(d.formatDay('wk'))} AS week, cnt AS c, weeks_before AS k, ${raw(expected)} AS expected,
          top_code AS top_reason, ${raw(ago.map((i) => `ago${i}`).join(', '))}`;
    let statement: Sql;
    if (late) {
      const spikes = q.add('spikes', sql`SELECT * FROM (${hist}) AS hs WHERE NOT ${surelyNotSpike}`);
      const survivors = sql`(product_id, wk) IN (SELECT product_id, wk FROM ${spikes} AS s2)`;
      statement = q.statement(sql`
        SELECT ${columns}
        FROM ${spikes} AS sp
        ${raw(d.join('inner'))} (
          SELECT product_id, wk, ${agoSums} FROM (SELECT product_id, wk FROM ${spikes} AS s3) AS s ${raw(d.join('inner'))} ${history} USING (product_id)
          WHERE h_wk <= wk AND wk - h_wk <= ${7 * HISTORY_WEEKS}
          GROUP BY product_id, wk) AS ag USING (product_id, wk)
        ${raw(d.join('inner'))} (SELECT product_id, wk, ${topCode} AS top_code FROM ${perReason(survivors)} GROUP BY product_id, wk) AS t USING (product_id, wk)`);
    } else {
      statement = q.statement(sql`SELECT ${columns} FROM (${hist}) AS hs WHERE NOT ${surelyNotSpike}`);
    }
    const rows = await this.db.query<Omit<SpikeCandidateRow, 'history'> & Record<`ago${number}`, number>>(statement);
    return rows.map((r) => ({
      product_id: r.product_id,
      product_line: r.product_line,
      week: r.week,
      c: r.c,
      k: r.k,
      expected: r.expected,
      top_reason: r.top_reason,
      history: ago.map((i) => Number(r[`ago${HISTORY_WEEKS + 1 - i}`])),
    }));
  }
}
