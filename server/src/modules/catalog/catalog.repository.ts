import { Injectable } from '@nestjs/common';
import { raw, sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { dialect as d } from '../../common/semantic/dialect';

export interface OptionsRow {
  channels: string[];
  product_lines: string[];
  reason_codes: string[];
  teams: string[];
  campaigns: string[];
  min_date: string | null;
  max_date: string | null;
}

@Injectable()
export class CatalogRepository {
  constructor(private readonly db: DuckDbService) {}

  /** Distinct values per filter column: from the daily rollup (a fraction of the rows) when it is on. */
  async options(): Promise<OptionsRow> {
    const [table, time] = this.db.rollups ? ['refund_daily', 'day'] : ['refund_facts', 'requested_at'];
    const distinct = (col: string) =>
      raw(`(SELECT coalesce(list(v ORDER BY v), []) FROM (SELECT DISTINCT ${col} AS v FROM ${table} WHERE ${col} IS NOT NULL))`);
    const [row] = await this.db.query<OptionsRow>(sql`
      SELECT
        ${distinct('channel')} AS channels,
        ${distinct('product_line')} AS product_lines,
        ${distinct('reason_code')} AS reason_codes,
        (SELECT coalesce(list(v ORDER BY v), []) FROM (SELECT DISTINCT team AS v FROM agents WHERE team IS NOT NULL)) AS teams,
        ${distinct('campaign')} AS campaigns,
        (SELECT ${raw(d.formatDay(`min(${time})`))} FROM ${raw(table)}) AS min_date,
        (SELECT ${raw(d.formatDay(`max(${time})`))} FROM ${raw(table)}) AS max_date`);
    return row;
  }

  agents(): Promise<Array<{ agent_id: string; name: string | null; team: string | null }>> {
    return this.db.query(sql`
      SELECT agent_id, any_value(name) AS name, any_value(team) AS team FROM (
        SELECT agent_id, name, team FROM agents
        UNION ALL SELECT DISTINCT agent_id, NULL, NULL FROM ${raw(this.db.rollups ? 'agent_daily' : 'refund_facts')} WHERE agent_id IS NOT NULL)
      GROUP BY agent_id ORDER BY agent_id`);
  }
}
