import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DEFAULTS } from '@refunds/shared';
import { DECIDED_SQL, raw, sql, type Sql } from '@refunds/warehouse';
import { PolicyChangeEntity } from '../../app-db/entities';
import { DuckDbService } from '../../database/duckdb.service';
import { dialect as d } from '../../common/semantic/dialect';

export interface LoadedChangeRow {
  change_id: string;
  effective_at: Date;
  title: string | null;
  description: string | null;
  scope_channel: string | null;
  scope_product_line: string | null;
}

/** Tallies of one (scope side, period) group of a policy window. */
export interface ImpactRow {
  in_scope: boolean;
  period: 'pre' | 'post';
  decided: number;
  approved_or_partial: number;
  rejected: number;
  sla_met: number;
  res_n: number;
  res_mean: number | null;
  res_var: number | null;
  csat_n: number;
  csat_hi: number;
  csat_mean: number | null;
  csat_var: number | null;
  rep_eligible: number;
  rep_yes: number;
}

export interface ImpactQuery {
  /** Change time as a UTC 'YYYY-MM-DD HH:MM:SS.fff' (refund_facts timestamps are naive UTC). */
  at: string;
  windowDays: number;
  scopeChannel: string | null;
  scopeProductLine: string | null;
}

@Injectable()
export class PolicyRepository {
  constructor(
    private readonly db: DuckDbService,
    @InjectRepository(PolicyChangeEntity) private readonly store: Repository<PolicyChangeEntity>,
  ) {}

  loadedChanges(): Promise<LoadedChangeRow[]> {
    return this.db.query<LoadedChangeRow>(sql`
      SELECT change_id, effective_at, title, description, scope_channel, scope_product_line
      FROM policy_changes ORDER BY effective_at, change_id`);
  }

  /**
   * Pre/post x in/out-of-scope tallies for the refunds requested in [T - W, T + W). Resolution and
   * CSAT come with mean, sample variance and n for Welch's t; CSAT is per survey response.
   */
  impact(q: ImpactQuery): Promise<ImpactRow[]> {
    const rw = DEFAULTS.repurchaseWindowDays;
    const decided = DECIDED_SQL.text;
    const countIf = (cond: string) => raw(d.countIf(cond));
    const scope: Sql[] = [];
    if (q.scopeChannel !== null) scope.push(sql`r.channel = ${q.scopeChannel}`);
    if (q.scopeProductLine !== null) scope.push(sql`r.product_line = ${q.scopeProductLine}`);
    const inScope = scope.length === 0 ? sql`TRUE` : scope.length === 1 ? sql`coalesce(${scope[0]}, FALSE)` : sql`coalesce(${scope[0]} AND ${scope[1]}, FALSE)`;
    // A change effective at midnight splits whole days: the daily rollup has every tally.
    if (this.db.rollups && /^\d{4}-\d{2}-\d{2} 00:00:00(\.0*)?$/.test(q.at)) return this.impactFromRollup(q, decided, inScope);
    return this.db.query<ImpactRow>(sql`
      WITH p AS (
        SELECT CAST(${q.at} AS TIMESTAMP) AS t, CAST(${q.windowDays} AS INTEGER) AS wd, (SELECT max(ordered_at) FROM orders) AS horizon
      ),
      f AS (
        SELECT r.decision, r.resolution_hours, r.csat_n, r.csat_sum, r.csat_sq, r.csat_hi, r.decided_at, r.next_order_at,
          CASE WHEN r.requested_at < p.t THEN 'pre' ELSE 'post' END AS period, ${inScope} AS in_scope
        FROM refund_facts r, p
        WHERE r.requested_at >= ${raw(d.subDays('p.t', 'p.wd'))} AND r.requested_at < ${raw(d.addDays('p.t', 'p.wd'))}
      ),
      a AS (
        SELECT in_scope, period,
          ${countIf(decided)} AS decided,
          ${countIf(`decision IN ('approved', 'partial')`)} AS approved_or_partial,
          ${countIf(`decision = 'rejected'`)} AS rejected,
          ${countIf(`${decided} AND resolution_hours <= ${DEFAULTS.slaHours}`)} AS sla_met,
          ${raw(d.aggIf('count', 'resolution_hours', decided))} AS res_n,
          ${raw(d.aggIf('avg', 'resolution_hours', decided))} AS res_mean,
          ${raw(d.aggIf('var_samp', 'resolution_hours', decided))} AS res_var,
          coalesce(sum(csat_n), 0) AS csat_n, coalesce(sum(csat_hi), 0) AS csat_hi,
          -- CSAT per response from per-refund sums of scores and squares: exact integers, no survey join
          CAST(sum(csat_sum) AS DOUBLE) / nullif(sum(csat_n), 0) AS csat_mean,
          CASE WHEN sum(csat_n) > 1 THEN
            CAST(CAST(sum(csat_n) AS HUGEINT) * sum(csat_sq) - CAST(sum(csat_sum) AS HUGEINT) * sum(csat_sum) AS DOUBLE)
              / (CAST(sum(csat_n) AS DOUBLE) * (sum(csat_n) - 1)) END AS csat_var,
          ${countIf(`${decided} AND ${d.addDays('decided_at', rw)} <= p.horizon`)} AS rep_eligible,
          ${countIf(`${decided} AND ${d.addDays('decided_at', rw)} <= p.horizon AND next_order_at <= ${d.addDays('decided_at', rw)}`)} AS rep_yes
        FROM f, p
        GROUP BY in_scope, period
      )
      SELECT * FROM a`);
  }

  /**
   * impact() from refund_daily, for a change at midnight UTC. Its tallies are the rollup's sums over
   * the days of each side; the variances come from sums and sums of squares (refund_daily's
   * rep_eligible and rep_yes use the same horizon, latest order - the repurchase window).
   */
  private impactFromRollup(q: ImpactQuery, decided: string, inScope: Sql): Promise<ImpactRow[]> {
    const n = (m: string, where?: string) => raw(`CAST(coalesce(${where ? d.sumIf(m, where) : `sum(${m})`}, 0) AS BIGINT)`);
    const resN = d.sumIf('res_n', decided);
    const resSum = d.fsumIf('res_sum', decided);
    return this.db.query<ImpactRow>(sql`
      WITH p AS (SELECT CAST(CAST(${q.at} AS TIMESTAMP) AS DATE) AS t, CAST(${q.windowDays} AS INTEGER) AS w),
      f AS (
        SELECT r.*, CASE WHEN r.day < p.t THEN 'pre' ELSE 'post' END AS period, ${inScope} AS in_scope
        FROM refund_daily r, p
        WHERE r.day >= p.t - p.w AND r.day < p.t + p.w
      ),
      a AS (
        SELECT in_scope, period,
          ${n('n', decided)} AS decided,
          ${n('n', `decision IN ('approved', 'partial')`)} AS approved_or_partial,
          ${n('n', `decision = 'rejected'`)} AS rejected,
          ${n('sla_met', decided)} AS sla_met,
          ${n('res_n', decided)} AS res_n,
          ${raw(`${resSum} / nullif(${resN}, 0)`)} AS res_mean,
          ${raw(`CASE WHEN ${resN} > 1 THEN (${d.fsumIf('res_sq', decided)} - ${resSum} * ${resSum} / ${resN}) / (${resN} - 1) END`)} AS res_var,
          ${n('csat_n')} AS csat_n, ${n('csat_hi')} AS csat_hi,
          CAST(sum(csat_sum) AS DOUBLE) / nullif(sum(csat_n), 0) AS csat_mean,
          CASE WHEN sum(csat_n) > 1 THEN
            CAST(CAST(sum(csat_n) AS HUGEINT) * sum(csat_sq) - CAST(sum(csat_sum) AS HUGEINT) * sum(csat_sum) AS DOUBLE)
              / (CAST(sum(csat_n) AS DOUBLE) * (sum(csat_n) - 1)) END AS csat_var,
          ${n('rep_eligible', decided)} AS rep_eligible,
          ${n('rep_yes', decided)} AS rep_yes
        FROM f
        GROUP BY in_scope, period
      )
      SELECT * FROM a`);
  }

  storedChanges(): Promise<PolicyChangeEntity[]> {
    return this.store.find({ order: { effectiveAt: 'ASC', changeId: 'ASC' } });
  }

  findStored(changeId: string): Promise<PolicyChangeEntity | null> {
    return this.store.findOne({ where: { changeId } });
  }

  saveStored(change: Omit<PolicyChangeEntity, 'createdAt'>): Promise<PolicyChangeEntity> {
    return this.store.save(this.store.create(change));
  }

  async deleteStored(changeId: string): Promise<boolean> {
    const r = await this.store.delete({ changeId });
    return (r.affected ?? 0) > 0;
  }
}
