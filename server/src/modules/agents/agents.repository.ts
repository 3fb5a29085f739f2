import { Injectable } from '@nestjs/common';
import { DEFAULTS, type RefundFilter } from '@refunds/shared';
import { sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { factSource } from '../../common/semantic/filter';

/** Per-agent tallies over decided refunds; the service turns them into rates. */
export interface AgentTallyRow {
  agent_id: string;
  name: string | null;
  team: string | null;
  handled: number;
  approved_or_partial: number;
  rejected: number;
  res_mean: number | null;
  escalated: number;
  contacts_mean: number | null;
  reopened: number;
  refunded_sum: number;
  csat_n: number;
  csat_sum: number;
  nps_n: number;
  nps_pro: number;
  nps_det: number;
  rep_eligible: number;
  rep_yes: number;
}

export interface PlanRow {
  plan_id: string;
  effective_from: string;
  effective_to: string | null;
  team: string | null;
  kpi: string;
  weight: number;
  direction: string;
}

@Injectable()
export class AgentsRepository {
  constructor(private readonly db: DuckDbService) {}

  /**
   * One GROUP BY agent_id for every KPI and outcome; ordered by handled desc, agent_id (the
   * anonymous rank order). From the agent rollup when the filter allows: every tally is a count or
   * a sum there, and a mean is a sum over a count.
   */
  tallies(f: RefundFilter): Promise<AgentTallyRow[]> {
    const src = factSource(f, this.db.rollups, ['agent_id', 'decision']);
    const w = DEFAULTS.repurchaseWindowDays;
    const g = src.rollup
      ? sql`
        SELECT agent_id,
          CAST(sum(n) AS BIGINT) AS handled,
          CAST(coalesce(sum(n) FILTER (WHERE decision IN ('approved', 'partial')), 0) AS BIGINT) AS approved_or_partial,
          CAST(coalesce(sum(n) FILTER (WHERE decision = 'rejected'), 0) AS BIGINT) AS rejected,
          fsum(res_sum) / nullif(sum(res_n), 0) AS res_mean,
          CAST(sum(escalated) AS BIGINT) AS escalated,
          sum(contacts_sum) / sum(n) AS contacts_mean,
          CAST(sum(reopened) AS BIGINT) AS reopened,
          coalesce(fsum(refunded_amount), 0) AS refunded_sum,
          CAST(sum(csat_n) AS BIGINT) AS csat_n, CAST(sum(csat_sum) AS BIGINT) AS csat_sum,
          CAST(sum(nps_n) AS BIGINT) AS nps_n, CAST(sum(nps_pro) AS BIGINT) AS nps_pro, CAST(sum(nps_det) AS BIGINT) AS nps_det,
          CAST(sum(rep_eligible) AS BIGINT) AS rep_eligible, CAST(sum(rep_yes) AS BIGINT) AS rep_yes
        FROM ${src.table}
        WHERE decision IN ('approved', 'partial', 'rejected') AND agent_id IS NOT NULL AND ${src.filter}
        GROUP BY agent_id`
      : sql`
        SELECT agent_id,
          count(*) AS handled,
          count(*) FILTER (WHERE decision IN ('approved', 'partial')) AS approved_or_partial,
          count(*) FILTER (WHERE decision = 'rejected') AS rejected,
          avg(resolution_hours) AS res_mean,
          count(*) FILTER (WHERE escalated) AS escalated,
          avg(contacts) AS contacts_mean,
          count(*) FILTER (WHERE reopened) AS reopened,
          coalesce(fsum(refunded_amount), 0) AS refunded_sum,
          coalesce(sum(csat_n), 0) AS csat_n, coalesce(sum(csat_sum), 0) AS csat_sum,
          coalesce(sum(nps_n), 0) AS nps_n, coalesce(sum(nps_pro), 0) AS nps_pro, coalesce(sum(nps_det), 0) AS nps_det,
          count(*) FILTER (WHERE decided_at + to_days(CAST(${w} AS INTEGER)) <= h.horizon) AS rep_eligible,
          count(*) FILTER (WHERE decided_at + to_days(CAST(${w} AS INTEGER)) <= h.horizon
                           AND next_order_at <= decided_at + to_days(CAST(${w} AS INTEGER))) AS rep_yes
        FROM refund_facts, (SELECT max(ordered_at) AS horizon FROM orders) h
        WHERE decision IN ('approved', 'partial', 'rejected') AND agent_id IS NOT NULL AND ${src.filter}
        GROUP BY agent_id`;
    return this.db.query<AgentTallyRow>(sql`
      WITH g AS (${g})
      SELECT g.*, a.name, a.team
      FROM g LEFT JOIN agents a ON a.agent_id = g.agent_id
      ORDER BY g.handled DESC, g.agent_id`);
  }

  /** Every incentive_plans row (a small table), dates as YYYY-MM-DD. */
  planRows(): Promise<PlanRow[]> {
    return this.db.query<PlanRow>(sql`
      SELECT plan_id, strftime(effective_from, '%Y-%m-%d') AS effective_from, strftime(effective_to, '%Y-%m-%d') AS effective_to,
             team, kpi, weight, direction
      FROM incentive_plans
      ORDER BY plan_id, kpi`);
  }
}
