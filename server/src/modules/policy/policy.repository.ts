import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DEFAULTS } from '@refunds/shared';
import { DECIDED_SQL, raw, sql, type Sql, type Warehouse } from '@refunds/warehouse';
import { PolicyChangeEntity } from '../../app-db/entities';
import { WAREHOUSE } from '../../database/warehouse';
import { csatMoments, shiftDays } from './policy.stats';

export interface LoadedChangeRow {
  change_id: string;
  /** Microseconds since 1970 UTC. */
  effective_us: number;
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

/** What the SQL returns: CSAT as integer sums, whose moments are finished exactly here (csatMoments). */
type ImpactSums = Omit<ImpactRow, 'csat_mean' | 'csat_var'> & { csat_sum: number; csat_sq: number };

/** in_scope comes as 1/0 (ClickHouse has no booleans). */
const finish = (rows: readonly ImpactSums[]): ImpactRow[] =>
  rows.map(({ csat_sum, csat_sq, ...r }) => ({ ...r, in_scope: Boolean(r.in_scope), ...csatMoments(Number(r.csat_n), Number(csat_sum), Number(csat_sq)) }));

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
    @Inject(WAREHOUSE) private readonly db: Warehouse,
    @InjectRepository(PolicyChangeEntity) private readonly store: Repository<PolicyChangeEntity>,
  ) {}

  loadedChanges(): Promise<LoadedChangeRow[]> {
    const d = this.db.dialect;
    return this.db.query<LoadedChangeRow>(sql`
      SELECT change_id, ${raw(d.epochMicros('effective_at'))} AS effective_us, title, description, scope_channel, scope_product_line
      FROM ${raw(d.table('policy_changes'))} ORDER BY effective_at, change_id`);
  }

  /**
   * Pre/post x in/out-of-scope tallies for the refunds requested in [T - W, T + W). Resolution and
   * CSAT come with mean, sample variance and n for Welch's t; CSAT is per survey response.
   */
  async impact(q: ImpactQuery): Promise<ImpactRow[]> {
    const d = this.db.dialect;
    const rw = DEFAULTS.repurchaseWindowDays;
    const decided = DECIDED_SQL.text;
    const countIf = (cond: string) => raw(d.countIf(cond));
    const scope: Sql[] = [];
    if (q.scopeChannel !== null) scope.push(sql`channel = ${q.scopeChannel}`);
    if (q.scopeProductLine !== null) scope.push(sql`product_line = ${q.scopeProductLine}`);
    // 1/0 on every engine (a NULL scope column is out of scope); finish() makes it a boolean.
    const inScope = scope.length === 0 ? sql`1` : sql`CASE WHEN ${scope.length === 1 ? scope[0] : sql`${scope[0]} AND ${scope[1]}`} THEN 1 ELSE 0 END`;
    // A change effective at midnight splits whole days: the daily rollup has every tally.
    if (this.db.rollups && /^\d{4}-\d{2}-\d{2} 00:00:00(\.0*)?$/.test(q.at)) return finish(await this.impactFromRollup(q, decided, inScope));
    const t = d.instant(q.at);
    const total = (m: string) => raw(d.int64(`coalesce(sum(${m}), 0)`));
    // Subqueries, not CTEs, and measures named apart (a_*) inside: ClickHouse 18.16 runs it too.
    return finish(
      await this.db.query<ImpactSums>(sql`
      SELECT in_scope, period, a_decided AS decided, a_approved_or_partial AS approved_or_partial, a_rejected AS rejected, a_sla_met AS sla_met,
        a_res_n AS res_n, a_res_mean AS res_mean, a_res_var AS res_var, a_csat_n AS csat_n, a_csat_hi AS csat_hi, a_csat_sum AS csat_sum,
        a_csat_sq AS csat_sq, a_rep_eligible AS rep_eligible, a_rep_yes AS rep_yes
      FROM (
        SELECT in_scope, period,
          ${countIf(decided)} AS a_decided,
          ${countIf(`decision IN ('approved', 'partial')`)} AS a_approved_or_partial,
          ${countIf(`decision = 'rejected'`)} AS a_rejected,
          ${countIf(`${decided} AND resolution_hours <= ${DEFAULTS.slaHours}`)} AS a_sla_met,
          ${raw(d.aggIf('count', 'resolution_hours', decided))} AS a_res_n,
          ${raw(d.aggIf('avg', 'resolution_hours', decided))} AS a_res_mean,
          ${raw(d.aggIf('var_samp', 'resolution_hours', decided))} AS a_res_var,
          -- CSAT per response from per-refund sums of scores and squares: exact integers, no survey join
          ${total('csat_n')} AS a_csat_n, ${total('csat_hi')} AS a_csat_hi, ${total('csat_sum')} AS a_csat_sum, ${total('csat_sq')} AS a_csat_sq,
          ${countIf(`${decided} AND ${d.addDays('decided_at', rw)} <= horizon`)} AS a_rep_eligible,
          ${countIf(`${decided} AND ${d.addDays('decided_at', rw)} <= horizon AND next_order_at <= ${d.addDays('decided_at', rw)}`)} AS a_rep_yes
        FROM (
          SELECT decision, resolution_hours, csat_n, csat_sum, csat_sq, csat_hi, decided_at, next_order_at,
            CASE WHEN requested_at < ${t} THEN 'pre' ELSE 'post' END AS period, ${inScope} AS in_scope,
            ${raw(d.latest('ordered_at'))} AS horizon
          FROM ${raw(d.table('refund_facts'))}
          WHERE requested_at >= ${d.instant(shiftDays(q.at, -q.windowDays))} AND requested_at < ${d.instant(shiftDays(q.at, q.windowDays))}
        ) AS f
        GROUP BY in_scope, period) AS a`),
    );
  }

  /**
   * impact() from refund_daily, for a change at midnight UTC. Its tallies are the rollup's sums over
   * the days of each side; the variances come from sums and sums of squares (refund_daily's
   * rep_eligible and rep_yes use the same horizon, latest order - the repurchase window).
   */
  private impactFromRollup(q: ImpactQuery, decided: string, inScope: Sql): Promise<ImpactSums[]> {
    const d = this.db.dialect;
    const day = (at: string) => at.slice(0, 10);
    const n = (m: string, where?: string) => raw(d.int64(`coalesce(${where ? d.sumIf(m, where) : `sum(${m})`}, 0)`));
    const resN = d.sumIf('res_n', decided);
    const resSum = d.fsumIf('res_sum', decided);
    // Subqueries, not CTEs, and measures named apart (a_*) inside: ClickHouse 18.16 runs it too.
    return this.db.query<ImpactSums>(sql`
      SELECT in_scope, period, a_decided AS decided, a_approved_or_partial AS approved_or_partial, a_rejected AS rejected, a_sla_met AS sla_met,
        a_res_n AS res_n, a_res_mean AS res_mean, a_res_var AS res_var, a_csat_n AS csat_n, a_csat_hi AS csat_hi, a_csat_sum AS csat_sum,
        a_csat_sq AS csat_sq, a_rep_eligible AS rep_eligible, a_rep_yes AS rep_yes
      FROM (
        SELECT in_scope, period,
          ${n('n', decided)} AS a_decided,
          ${n('n', `decision IN ('approved', 'partial')`)} AS a_approved_or_partial,
          ${n('n', `decision = 'rejected'`)} AS a_rejected,
          ${n('sla_met', decided)} AS a_sla_met,
          ${n('res_n', decided)} AS a_res_n,
          ${raw(`CASE WHEN ${resN} > 0 THEN ${resSum} / ${resN} END`)} AS a_res_mean,
          ${raw(`CASE WHEN ${resN} > 1 THEN (${d.fsumIf('res_sq', decided)} - ${resSum} * ${resSum} / ${resN}) / (${resN} - 1) END`)} AS a_res_var,
          ${n('csat_n')} AS a_csat_n, ${n('csat_hi')} AS a_csat_hi, ${n('csat_sum')} AS a_csat_sum, ${n('csat_sq')} AS a_csat_sq,
          ${n('rep_eligible', decided)} AS a_rep_eligible,
          ${n('rep_yes', decided)} AS a_rep_yes
        FROM (
          SELECT *, CASE WHEN ${d.dayBound(raw('day'), '<', day(q.at), 'date')} THEN 'pre' ELSE 'post' END AS period, ${inScope} AS in_scope
          FROM ${raw(d.table('refund_daily'))}
          WHERE ${d.dayBound(raw('day'), '>=', day(shiftDays(q.at, -q.windowDays)), 'date')} AND ${d.dayBound(raw('day'), '<', day(shiftDays(q.at, q.windowDays)), 'date')}
        ) AS f
        GROUP BY in_scope, period) AS a`);
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
