import { Injectable } from '@nestjs/common';
import { DEFAULTS, type DimensionName, type Grain, type RefundFilter } from '@refunds/shared';
import { amountBandSql, around, DECIDED_SQL, raw, revColumn, REV_WINDOWS, sql, type Sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { dialect as d } from '../../common/semantic/dialect';
import { dimensionColumn, dimensionSql } from '../../common/semantic/dimensions';
import { factSource, filterCondition } from '../../common/semantic/filter';

export interface ExperienceRow {
  key: string | null;
  refunds: number;
  csat_n: number;
  csat_sum: number;
  csat_hi: number;
  nps_n: number;
  nps_pro: number;
  nps_det: number;
}

/** Sums per stratum (reason x product line x amount band x customer type) and decision, for rejectionEffect. */
export interface EffectStratumRow {
  reason_code: string;
  product_line: string | null;
  amount_band: string;
  customer_type: string;
  decision: 'approved' | 'rejected';
  n: number;
  rev_sum: number;
  rev_sq: number;
  rep_sum: number;
  requested_sum: number;
}

export interface RepurchaseRow {
  key: string | null;
  eligible: number;
  repurchased: number;
  revenue_sum: number | null;
}

@Injectable()
export class OutcomesRepository {
  constructor(private readonly db: DuckDbService) {}

  experience(f: RefundFilter, dim: DimensionName, grain: Grain): Promise<ExperienceRow[]> {
    const src = factSource(f, this.db.rollups, [dimensionColumn(dim)]);
    return this.db.query<ExperienceRow>(sql`
      SELECT CAST(${dimensionSql(dim, grain, src.time)} AS VARCHAR) AS key,
        CAST(sum(${raw(src.rollup ? 'n' : '1')}) AS BIGINT) AS refunds,
        CAST(sum(csat_n) AS BIGINT) AS csat_n, CAST(sum(csat_sum) AS BIGINT) AS csat_sum, CAST(sum(csat_hi) AS BIGINT) AS csat_hi,
        CAST(sum(nps_n) AS BIGINT) AS nps_n, CAST(sum(nps_pro) AS BIGINT) AS nps_pro, CAST(sum(nps_det) AS BIGINT) AS nps_det
      FROM ${src.table} WHERE ${src.filter}
      GROUP BY 1 ORDER BY 1 NULLS LAST`);
  }

  /**
   * Eligible (decided_at + W <= horizon) decided refunds per group, how many repurchased within W,
   * and the summed revenue of those windows: precomputed for the standard windows, else joined.
   */
  repurchase(f: RefundFilter, windowDays: number, dim: DimensionName, grain: Grain): Promise<RepurchaseRow[]> {
    const src = factSource(f, this.db.rollups, ['decision', dimensionColumn(dim)]);
    if (src.rollup && windowDays === DEFAULTS.repurchaseWindowDays) {
      return this.db.query<RepurchaseRow>(sql`
        SELECT CAST(${dimensionSql(dim, grain, src.time)} AS VARCHAR) AS key, CAST(sum(rep_eligible) AS BIGINT) AS eligible,
          CAST(sum(rep_yes) AS BIGINT) AS repurchased, ${raw(d.fsum('rep_rev'))} AS revenue_sum
        FROM ${src.table}
        WHERE ${DECIDED_SQL} AND ${src.filter}
        GROUP BY 1 HAVING sum(rep_eligible) > 0 ORDER BY 1 NULLS LAST`);
    }
    const revenue = this.revenueSql(windowDays);
    return this.db.query<RepurchaseRow>(sql`
      WITH h AS (SELECT max(ordered_at) AS horizon FROM orders),
      e AS (
        SELECT refund_facts.* FROM refund_facts, h
        WHERE ${DECIDED_SQL}
          AND ${this.plusWindow('decided_at', windowDays)} <= h.horizon AND ${filterCondition(f)})
      SELECT CAST(${dimensionSql(dim, grain)} AS VARCHAR) AS key, count(*) AS eligible,
        ${around(d.countIf, sql`next_order_at <= ${this.plusWindow('decided_at', windowDays)}`)} AS repurchased,
        ${raw(d.fsum(revenue))} AS revenue_sum
      FROM e ${this.revenueJoin(windowDays)}
      GROUP BY 1 ORDER BY 1 NULLS LAST`);
  }

  /** A timestamp column plus the request's window (bound). */
  private plusWindow(column: string, windowDays: number): Sql {
    return around((x) => d.addDays(column, x), sql`${windowDays}`);
  }

  private revenueSql(w: number): string {
    return REV_WINDOWS.includes(w) ? `e.${revColumn(w)}` : 'coalesce(rv.revenue, 0)';
  }

  /** Revenue for a non-standard window: orders converted with fx_rates, summed per refund. */
  private revenueJoin(w: number): Sql {
    if (REV_WINDOWS.includes(w)) return sql``;
    const rep = this.db.reportingCurrency;
    return sql`LEFT JOIN (
      SELECT e2.refund_id, ${around(d.fsum, sql`coalesce(o.amount, 0) * CASE WHEN coalesce(o.currency, ${rep}) = ${rep} THEN 1 ELSE fx.rate_to_reporting END`)} AS revenue
      FROM e e2 JOIN (orders o ASOF LEFT JOIN fx_rates fx ON o.currency = fx.currency AND CAST(o.ordered_at AS DATE) >= fx.date)
        ON o.customer_id = e2.customer_id AND o.order_id <> e2.order_id
       AND o.ordered_at > e2.decided_at AND o.ordered_at <= ${this.plusWindow('e2.decided_at', w)}
      GROUP BY e2.refund_id) rv ON rv.refund_id = e.refund_id`;
  }

  /**
   * metrics.md "What a rejection costs": eligible approved and rejected refunds per stratum, with
   * sums and sums of squares of window revenue and the repurchased count (0/1 squares are itself).
   */
  effectStrata(f: RefundFilter, windowDays: number): Promise<EffectStratumRow[]> {
    const src = factSource(f, this.db.rollups, ['decision', 'reason_code', 'product_line', 'amount_band', 'customer_type']);
    const fsum0 = (x: string) => raw(`coalesce(${d.fsum(x)}, 0)`);
    if (src.rollup && windowDays === DEFAULTS.economicsWindowDays) {
      // The economics-window measures of the model (eco_*), merged over the rollup's rows.
      return this.db.query<EffectStratumRow>(sql`
        SELECT reason_code, product_line, amount_band, customer_type, decision, CAST(sum(eco_eligible) AS BIGINT) AS n,
          ${fsum0('eco_rev')} AS rev_sum, ${fsum0('eco_rev2')} AS rev_sq, CAST(sum(eco_yes) AS BIGINT) AS rep_sum,
          ${fsum0('eco_requested')} AS requested_sum
        FROM ${src.table}
        WHERE decision IN ('approved', 'rejected') AND ${src.filter}
        GROUP BY ALL HAVING sum(eco_eligible) > 0`);
    }
    return this.db.query<EffectStratumRow>(sql`
      WITH h AS (SELECT max(ordered_at) AS horizon FROM orders),
      e AS (
        SELECT refund_facts.* FROM refund_facts, h
        WHERE decision IN ('approved', 'rejected') AND ${this.plusWindow('decided_at', windowDays)} <= h.horizon AND ${filterCondition(f)}),
      x AS (
        SELECT e.reason_code, e.product_line, ${raw(amountBandSql('e.requested_amount'))} AS amount_band, e.customer_type, e.decision,
          e.requested_amount, CAST(coalesce(${raw(this.revenueSql(windowDays))}, 0) AS DOUBLE) AS rev,
          CASE WHEN e.next_order_at <= ${this.plusWindow('e.decided_at', windowDays)} THEN 1 ELSE 0 END AS rep
        FROM e ${this.revenueJoin(windowDays)})
      SELECT reason_code, product_line, amount_band, customer_type, decision, count(*) AS n,
        ${raw(d.fsum('rev'))} AS rev_sum, ${raw(d.fsum('rev * rev'))} AS rev_sq, CAST(sum(rep) AS BIGINT) AS rep_sum, ${raw(d.fsum('requested_amount'))} AS requested_sum
      FROM x GROUP BY ALL`);
  }

  /** Per decision over eligible refunds: count, summed requested amount and summed window revenue. */
  economics(f: RefundFilter, windowDays: number): Promise<Array<{ decision: string; n: number; requested: number; revenue_sum: number }>> {
    const src = factSource(f, this.db.rollups, ['decision']);
    const fsum0 = (x: string) => raw(`coalesce(${d.fsum(x)}, 0)`);
    if (src.rollup && windowDays === DEFAULTS.economicsWindowDays) {
      return this.db.query(sql`
        SELECT decision, CAST(sum(eco_eligible) AS BIGINT) AS n, ${fsum0('eco_requested')} AS requested, ${fsum0('eco_rev')} AS revenue_sum
        FROM ${src.table}
        WHERE ${DECIDED_SQL} AND ${src.filter}
        GROUP BY decision HAVING sum(eco_eligible) > 0`);
    }
    return this.db.query(sql`
      WITH h AS (SELECT max(ordered_at) AS horizon FROM orders),
      e AS (
        SELECT refund_facts.* FROM refund_facts, h
        WHERE ${DECIDED_SQL}
          AND ${this.plusWindow('decided_at', windowDays)} <= h.horizon AND ${filterCondition(f)})
      SELECT decision, count(*) AS n, ${fsum0('requested_amount')} AS requested, ${fsum0(this.revenueSql(windowDays))} AS revenue_sum
      FROM e ${this.revenueJoin(windowDays)}
      GROUP BY decision`);
  }
}
