import { Inject, Injectable } from '@nestjs/common';
import { AGENT_KPIS, OUTCOMES, type RefundFilter } from '@refunds/shared';
import { DECIDED_SQL, raw, sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';
import { compileMetrics, type MeasureRow } from '../../common/semantic/metric-query';

/** The catalog metrics of a scorecard (AGENT_KPIS and OUTCOMES), compiled from measures per agent and decision. */
export const SCORECARD_METRICS = [...AGENT_KPIS, ...OUTCOMES] as const;

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
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /**
   * One GROUP BY agent_id, decision for every KPI and outcome, over decided refunds with an agent,
   * through the metric compiler: from the agent rollup when the filter allows. Names and teams are
   * a second read of the small agents table (no join: one statement for every engine).
   */
  async tallies(f: RefundFilter): Promise<AgentTally[]> {
    const d = this.db.dialect;
    const measures = compileMetrics({
      metrics: SCORECARD_METRICS,
      filter: f,
      groupBy: ['agent_id'],
      where: raw(`${DECIDED_SQL.text} AND agent_id IS NOT NULL`),
      rollups: this.db.rollups,
      dialect: d,
    });
    const [rows, agents] = await Promise.all([
      this.db.query<MeasureRow & { agent_id: string }>(sql`SELECT * FROM (${measures}) AS g ORDER BY agent_id, decision`),
      this.db.query<{ agent_id: string; name: string | null; team: string | null }>(sql`SELECT agent_id, name, team FROM ${raw(d.table('agents'))}`),
    ]);
    const info = new Map(agents.map((a) => [a.agent_id, a]));
    const byAgent = new Map<string, AgentTally>();
    for (const r of rows) {
      let t = byAgent.get(r.agent_id);
      if (!t) {
        const a = info.get(r.agent_id);
        byAgent.set(r.agent_id, (t = { agent_id: r.agent_id, name: a?.name ?? null, team: a?.team ?? null, rows: [] }));
      }
      t.rows.push(r);
    }
    return [...byAgent.values()];
  }

  /** Every incentive_plans row (a small table), dates as YYYY-MM-DD. */
  async planRows(): Promise<PlanRow[]> {
    const d = this.db.dialect;
    // Named apart from the columns: a ClickHouse alias would shadow the column it formats.
    const rows = await this.db.query<Omit<PlanRow, 'effective_from' | 'effective_to'> & { effective_from_day: string; effective_to_day: string | null }>(sql`
      SELECT plan_id, ${raw(d.formatDay('effective_from'))} AS effective_from_day, ${raw(d.formatDay('effective_to'))} AS effective_to_day,
             team, kpi, weight, direction
      FROM ${raw(d.table('incentive_plans'))}
      ORDER BY plan_id, kpi`);
    return rows.map(({ effective_from_day, effective_to_day, ...r }) => ({ ...r, effective_from: effective_from_day, effective_to: effective_to_day }));
  }
}
