import { Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { ident, join, raw, sql, type Sql } from '@refunds/etl';
import { DuckDbService } from '../../database/duckdb.service';
import { periodSql } from '../../common/semantic/dimensions';
import { filterCondition } from '../../common/semantic/filter';

export interface DrillSpec {
  decisions?: string[] | null;
  reasonFamilies?: string[] | null;
  productIds?: string[] | null;
  customerTypes?: string[] | null;
  periodStart?: string | null;
  grain?: Grain | null;
  amountBand?: string | null;
}

export const BANDS: Record<string, [number, number | null]> = { '[0,50)': [0, 50], '[50,200)': [50, 200], '[200,1000)': [200, 1000], '[1000,inf)': [1000, null] };

export interface RecordRow {
  refund_id: string;
  order_id: string;
  customer_ref: string;
  agent_id: string | null;
  agent_name: string | null;
  channel: string;
  product_id: string | null;
  product_line: string | null;
  reason_code: string;
  reason_family: string;
  requested_at: Date;
  decided_at: Date | null;
  decision: string;
  requested_amount: number;
  refunded_amount: number | null;
  resolution_hours: number | null;
  customer_type: string;
  campaign: string | null;
  total: number;
}

@Injectable()
export class RecordsRepository {
  constructor(private readonly db: DuckDbService) {}

  page(f: RefundFilter, drill: DrillSpec, sortColumn: string, desc: boolean, limit: number, offset: number, pseudonymSalt: string | null): Promise<RecordRow[]> {
    const conds: Sql[] = [filterCondition(f, { alias: 'r' })];
    const list = (col: string, v?: string[] | null) => {
      if (v && v.length) conds.push(sql`list_contains(CAST(${v} AS VARCHAR[]), ${raw(`r.${ident(col)}`)})`);
    };
    list('decision', drill.decisions);
    list('reason_family', drill.reasonFamilies);
    list('product_id', drill.productIds);
    list('customer_type', drill.customerTypes);
    if (drill.periodStart) conds.push(sql`${periodSql(drill.grain ?? 'WEEK', 'requested_at')} = ${drill.periodStart}`);
    if (drill.amountBand) {
      const [lo, hi] = BANDS[drill.amountBand];
      conds.push(hi === null ? sql`r.requested_amount >= ${lo}` : sql`r.requested_amount >= ${lo} AND r.requested_amount < ${hi}`);
    }
    const customer = pseudonymSalt === null ? sql`r.customer_id` : sql`'anon-' || substr(md5(${pseudonymSalt} || r.customer_id), 1, 10)`;
    return this.db.query<RecordRow>(sql`
      SELECT r.refund_id, r.order_id, ${customer} AS customer_ref, r.agent_id, a.name AS agent_name, r.channel, r.product_id, r.product_line,
        r.reason_code, r.reason_family, r.requested_at, r.decided_at, r.decision, r.requested_amount, r.refunded_amount,
        r.resolution_hours, r.customer_type, r.campaign, count(*) OVER () AS total
      FROM refund_facts r LEFT JOIN agents a ON a.agent_id = r.agent_id
      WHERE ${join(conds, ' AND ')}
      ORDER BY ${raw(`r.${ident(sortColumn)}`)} ${raw(desc ? 'DESC' : 'ASC')} NULLS LAST, r.refund_id
      LIMIT ${limit} OFFSET ${offset}`);
  }

  async count(f: RefundFilter): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(sql`SELECT count(*) AS n FROM refund_facts WHERE ${filterCondition(f)}`);
    return r.n;
  }
}
