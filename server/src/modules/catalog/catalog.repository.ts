import { Injectable } from '@nestjs/common';
import { sql } from '@refunds/etl';
import { DuckDbService } from '../../database/duckdb.service';

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

  async options(): Promise<OptionsRow> {
    const [row] = await this.db.query<OptionsRow>(sql`
      SELECT
        list_sort(list_distinct(list(channel))) AS channels,
        list_sort(list_distinct(list(product_line))) AS product_lines,
        list_sort(list_distinct(list(reason_code))) AS reason_codes,
        (SELECT coalesce(list_sort(list_distinct(list(team))), []) FROM agents) AS teams,
        list_sort(list_distinct(list(campaign))) AS campaigns,
        strftime(min(requested_at), '%Y-%m-%d') AS min_date,
        strftime(max(requested_at), '%Y-%m-%d') AS max_date
      FROM refund_facts`);
    return row;
  }

  agents(): Promise<Array<{ agent_id: string; name: string | null; team: string | null }>> {
    return this.db.query(sql`
      SELECT agent_id, any_value(name) AS name, any_value(team) AS team FROM (
        SELECT agent_id, name, team FROM agents
        UNION ALL SELECT DISTINCT agent_id, NULL, NULL FROM refund_facts WHERE agent_id IS NOT NULL)
      GROUP BY agent_id ORDER BY agent_id`);
  }
}
