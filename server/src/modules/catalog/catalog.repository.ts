import { Inject, Injectable } from '@nestjs/common';
import { raw, sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';

export interface OptionsRow {
  channels: string[];
  product_lines: string[];
  reason_codes: string[];
  teams: string[];
  campaigns: string[];
  min_date: string | null;
  max_date: string | null;
}

/** UTF-8 byte order, as both engines sort text. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

@Injectable()
export class CatalogRepository {
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /** Distinct values per filter column: from the daily rollup (a fraction of the rows) when it is on. */
  async options(): Promise<OptionsRow> {
    const d = this.db.dialect;
    const [table, time, day] = this.db.rollups ? ['refund_daily', 'day', (x: string) => x] : ['refund_facts', 'requested_at', (x: string) => d.toDate(x)];
    const from = (t: string) => d.table(t);
    const distinct = (col: string, t = table) =>
      raw(`(SELECT ${d.sortedList('v')} FROM (SELECT DISTINCT ${col} AS v FROM ${from(t)} WHERE ${col} IS NOT NULL) AS x)`);
    const [row] = await this.db.query<OptionsRow>(sql`
      SELECT
        ${distinct('channel')} AS channels,
        ${distinct('product_line')} AS product_lines,
        ${distinct('reason_code')} AS reason_codes,
        ${distinct('team', 'agents')} AS teams,
        ${distinct('campaign')} AS campaigns,
        (SELECT ${raw(d.formatDay(day(`min(${time})`)))} FROM ${raw(from(table))}) AS min_date,
        (SELECT ${raw(d.formatDay(day(`max(${time})`)))} FROM ${raw(from(table))}) AS max_date`);
    return row;
  }

  /** Every agent of the agents table or of a refund, by id; names and teams from the agents table. */
  async agents(): Promise<Array<{ agent_id: string; name: string | null; team: string | null }>> {
    const d = this.db.dialect;
    // Two reads merged here instead of a UNION: its NULL columns would need a type on ClickHouse 18.16.
    const [named, handling] = await Promise.all([
      this.db.query<{ agent_id: string; name: string | null; team: string | null }>(sql`SELECT agent_id, name, team FROM ${raw(d.table('agents'))}`),
      this.db.query<{ agent_id: string }>(
        sql`SELECT DISTINCT agent_id FROM ${raw(d.table(this.db.rollups ? 'agent_daily' : 'refund_facts'))} WHERE agent_id IS NOT NULL`,
      ),
    ]);
    const byId = new Map(named.map((a) => [a.agent_id, a]));
    for (const h of handling) if (!byId.has(h.agent_id)) byId.set(h.agent_id, { agent_id: h.agent_id, name: null, team: null });
    return [...byId.values()].sort((a, b) => byBytes(a.agent_id, b.agent_id));
  }
}
