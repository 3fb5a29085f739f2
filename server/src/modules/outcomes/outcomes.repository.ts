import { Inject, Injectable } from '@nestjs/common';
import { DEFAULTS, type DimensionName, type Grain, type RefundFilter } from '@refunds/shared';
import { amountBandSql, around, DECIDED_SQL, raw, revColumn, REV_WINDOWS, sql, type Dialect, type Raw, type Sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';
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
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /*
   * Written for DuckDB and ClickHouse (18.16 and current) alike: group keys and measures are named
   * apart inside (g_*: a ClickHouse alias would shadow the column it sums) and renamed outside; groups
   * and orders name their alias, never a position (18.16 reads `GROUP BY 1` as a constant).
   */

  experience(f: RefundFilter, dim: DimensionName, grain: Grain): Promise<ExperienceRow[]> {
    const d = this.db.dialect;
    const src = factSource(f, this.db.rollups, [dimensionColumn(dim)], undefined, d, { periods: dim === 'PERIOD' ? grain : 'NONE' });
    const total = (m: string) => raw(d.int64(`sum(${m})`));
    return this.db.query<ExperienceRow>(sql`
      SELECT g_key AS key, g_refunds AS refunds, g_csat_n AS csat_n, g_csat_sum AS csat_sum, g_csat_hi AS csat_hi,
        g_nps_n AS nps_n, g_nps_pro AS nps_pro, g_nps_det AS nps_det
      FROM (
        SELECT ${dimensionSql(dim, grain, src.time, d)} AS g_key, ${total(src.rollup ? 'n' : '1')} AS g_refunds,
          ${total('csat_n')} AS g_csat_n, ${total('csat_sum')} AS g_csat_sum, ${total('csat_hi')} AS g_csat_hi,
          ${total('nps_n')} AS g_nps_n, ${total('nps_pro')} AS g_nps_pro, ${total('nps_det')} AS g_nps_det
        FROM ${src.table} WHERE ${src.filter}
        GROUP BY g_key) AS g
      ORDER BY key NULLS LAST`);
  }

  /**
   * Eligible (decided_at + W <= horizon) decided refunds per group, how many repurchased within W,
   * and the summed revenue of those windows: precomputed for the standard windows, else joined.
   */
  repurchase(f: RefundFilter, windowDays: number, dim: DimensionName, grain: Grain): Promise<RepurchaseRow[]> {
    const d = this.db.dialect;
    const src = factSource(f, this.db.rollups, ['decision', dimensionColumn(dim)], undefined, d, { periods: dim === 'PERIOD' ? grain : 'NONE' });
    if (src.rollup && windowDays === DEFAULTS.repurchaseWindowDays) {
      return this.db.query<RepurchaseRow>(sql`
        SELECT ${dimensionSql(dim, grain, src.time, d)} AS key, CAST(sum(rep_eligible) AS BIGINT) AS eligible,
          CAST(sum(rep_yes) AS BIGINT) AS repurchased, ${raw(d.fsum('rep_rev'))} AS revenue_sum
        FROM ${src.table}
        WHERE ${DECIDED_SQL} AND ${src.filter}
        GROUP BY key HAVING sum(rep_eligible) > 0 ORDER BY key NULLS LAST`);
    }
    const e = this.eligible(d, DECIDED_SQL, f, windowDays);
    const rev = this.revenue(d, windowDays);
    return this.db.query<RepurchaseRow>(sql`
      ${e.with}SELECT g_key AS key, g_eligible AS eligible, g_repurchased AS repurchased, g_revenue AS revenue_sum
      FROM (
        SELECT ${dimensionSql(dim, grain, 'requested_at', d)} AS g_key, count(*) AS g_eligible,
          ${around(d.countIf, sql`next_order_at <= ${this.plusWindow(d, 'decided_at', windowDays)}`)} AS g_repurchased,
          ${raw(d.fsum(rev.value))} AS g_revenue
        FROM ${e.from} ${rev.join}
        GROUP BY g_key) AS g
      ORDER BY key NULLS LAST`);
  }

  /** A timestamp column plus the request's window (bound). */
  private plusWindow(d: Dialect, column: string, windowDays: number): Sql {
    return around((x) => d.addDays(column, x), sql`${windowDays}`);
  }

  /**
   * The refunds whose window has closed by the horizon (the latest order), passing the filter and
   * `where`, as `e`: a CTE where the engine has them (DuckDB's revenue join for other windows reads
   * `e` twice), else a subquery.
   */
  private eligible(d: Dialect, where: Raw, f: RefundFilter, windowDays: number): { with: Sql; from: Sql } {
    // The latest order time (`latest`: ClickHouse reads the value the load stored with the version
    // instead of deduplicating every order per query; DuckDB's text is the same max over orders).
    const horizon = raw(d.latest('ordered_at'));
    const body = sql`SELECT * FROM ${raw(d.table('refund_facts'))}
        WHERE ${where} AND ${this.plusWindow(d, 'decided_at', windowDays)} <= ${horizon} AND ${filterCondition(f, { dialect: d })}`;
    return d.cutoffsCte ? { with: sql`WITH e AS (${body}) `, from: sql`e` } : { with: sql``, from: sql`(${body}) AS e` };
  }

  /** A refund's repurchase revenue within the window: its refund_facts column for the standard windows, else joined from orders. */
  private revenue(d: Dialect, w: number): { value: string; join: Raw } {
    if (REV_WINDOWS.includes(w)) return { value: revColumn(w), join: raw('') };
    // The currency the load converted the facts to (the same for every load of a warehouse).
    const currency = `(SELECT max(value) FROM ${d.table('meta')} WHERE key = 'reporting_currency')`;
    const r = d.windowRevenue(w, currency);
    return { value: r.value, join: raw(r.join) };
  }

  /**
   * metrics.md "What a rejection costs": eligible approved and rejected refunds per stratum, with
   * sums and sums of squares of window revenue and the repurchased count (0/1 squares are itself).
   */
  effectStrata(f: RefundFilter, windowDays: number): Promise<EffectStratumRow[]> {
    const d = this.db.dialect;
    const src = factSource(f, this.db.rollups, ['decision', 'reason_code', 'product_line', 'amount_band', 'customer_type'], undefined, d, {
      periods: 'NONE',
    });
    const fsum0 = (x: string) => raw(`coalesce(${d.fsum(x)}, 0)`);
    if (src.rollup && windowDays === DEFAULTS.economicsWindowDays) {
      // The economics-window measures of the model (eco_*), merged over the rollup's rows.
      return this.db.query<EffectStratumRow>(sql`
        SELECT reason_code, product_line, amount_band, customer_type, decision, CAST(sum(eco_eligible) AS BIGINT) AS n,
          ${fsum0('eco_rev')} AS rev_sum, ${fsum0('eco_rev2')} AS rev_sq, CAST(sum(eco_yes) AS BIGINT) AS rep_sum,
          ${fsum0('eco_requested')} AS requested_sum
        FROM ${src.table}
        WHERE decision IN ('approved', 'rejected') AND ${src.filter}
        GROUP BY reason_code, product_line, amount_band, customer_type, decision HAVING sum(eco_eligible) > 0`);
    }
    const e = this.eligible(d, raw(`decision IN ('approved', 'rejected')`), f, windowDays);
    const rev = this.revenue(d, windowDays);
    return this.db.query<EffectStratumRow>(sql`
      ${e.with}SELECT reason_code, product_line, amount_band, customer_type, decision, count(*) AS n,
        ${raw(d.fsum('rev'))} AS rev_sum, ${raw(d.fsum('rev * rev'))} AS rev_sq, ${raw(d.int64('sum(rep)'))} AS rep_sum,
        ${raw(d.fsum('requested_amount'))} AS requested_sum
      FROM (
        SELECT reason_code, product_line, ${raw(amountBandSql('requested_amount'))} AS amount_band, customer_type, decision, requested_amount,
          coalesce(${raw(rev.value)}, 0.0) AS rev,
          CASE WHEN next_order_at <= ${this.plusWindow(d, 'decided_at', windowDays)} THEN 1 ELSE 0 END AS rep
        FROM ${e.from} ${rev.join}) AS x
      GROUP BY reason_code, product_line, amount_band, customer_type, decision`);
  }

  /** Per decision over eligible refunds: count, summed requested amount and summed window revenue. */
  economics(f: RefundFilter, windowDays: number): Promise<Array<{ decision: string; n: number; requested: number; revenue_sum: number }>> {
    const d = this.db.dialect;
    const src = factSource(f, this.db.rollups, ['decision'], undefined, d, { periods: 'NONE' });
    const fsum0 = (x: string) => raw(`coalesce(${d.fsum(x)}, 0)`);
    if (src.rollup && windowDays === DEFAULTS.economicsWindowDays) {
      return this.db.query(sql`
        SELECT decision, CAST(sum(eco_eligible) AS BIGINT) AS n, ${fsum0('eco_requested')} AS requested, ${fsum0('eco_rev')} AS revenue_sum
        FROM ${src.table}
        WHERE ${DECIDED_SQL} AND ${src.filter}
        GROUP BY decision HAVING sum(eco_eligible) > 0`);
    }
    const e = this.eligible(d, DECIDED_SQL, f, windowDays);
    const rev = this.revenue(d, windowDays);
    return this.db.query(sql`
      ${e.with}SELECT decision, count(*) AS n, ${fsum0('requested_amount')} AS requested, ${fsum0(rev.value)} AS revenue_sum
      FROM ${e.from} ${rev.join}
      GROUP BY decision`);
  }
}
