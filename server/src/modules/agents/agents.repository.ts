import { Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { DECIDED_SQL, raw, sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { compileMetrics, type MeasureRow } from '../../common/semantic/metric-query';
import { dialect as d } from '../../common/semantic/dialect';

/** The catalog metrics of a scorecard (AGENT_KPIS and OUTCOMES), compiled from measures per agent and decision. */
export const SCORECARD_METRICS = [
  'handled',
  'approvalRate',
  'rejectionRate',
  'resolutionHours',
  'escalationRate',
  'contactsPerRefund',
  'reopenRate',
  'refundCostPerCase',
  'csatAvg',
  'nps',
  'repurchaseRate',
] as const;

/** One agent's measures per decision (decided refunds only), with the agent's name and team. */
export interface AgentTally {
  agent_id: string;
  name: string | null;
  team: string | null;
  rows: MeasureRow[];
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
   * One GROUP BY agent_id, decision for every KPI and outcome, over decided refunds with an agent,
   * through the metric compiler: from the agent rollup when the filter allows.
   */
  async tallies(f: RefundFilter): Promise<AgentTally[]> {
    const measures = compileMetrics({
      metrics: SCORECARD_METRICS,
      filter: f,
      groupBy: ['agent_id'],
      where: raw(`${DECIDED_SQL.text} AND agent_id IS NOT NULL`),
      rollups: this.db.rollups,
    });
    const rows = await this.db.query<MeasureRow & { agent_id: string; name: string | null; team: string | null }>(sql`
      WITH g AS (${measures})
      SELECT g.*, a.name, a.team FROM g LEFT JOIN agents a ON a.agent_id = g.agent_id
      ORDER BY g.agent_id, g.decision`);
    const byAgent = new Map<string, AgentTally>();
    for (const r of rows) {
      let t = byAgent.get(r.agent_id);
      if (!t) byAgent.set(r.agent_id, (t = { agent_id: r.agent_id, name: r.name, team: r.team, rows: [] }));
      t.rows.push(r);
    }
    return [...byAgent.values()];
  }

  /** Every incentive_plans row (a small table), dates as YYYY-MM-DD. */
  planRows(): Promise<PlanRow[]> {
    return this.db.query<PlanRow>(sql`
      SELECT plan_id, ${raw(d.formatDay('effective_from'))} AS effective_from, ${raw(d.formatDay('effective_to'))} AS effective_to,
             team, kpi, weight, direction
      FROM incentive_plans
      ORDER BY plan_id, kpi`);
  }
}
