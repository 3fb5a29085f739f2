import { Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { AMOUNT_BANDS, join, raw, sql, type Sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { dialect as d } from '../../common/semantic/dialect';
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

/** The amount bands of the warehouse model, by label. */
export const BANDS: ReadonlyMap<string, { lo: number; hi: number | null }> = new Map(AMOUNT_BANDS.map((b) => [b.label, b]));

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
  ticket_id: string | null;
  payment_ids: string | null;
  shop_order_id: string | null;
  lineage: string | null;
  total: number;
}

@Injectable()
export class RecordsRepository {
  constructor(private readonly db: DuckDbService) {}

  page(
    f: RefundFilter,
    drill: DrillSpec,
    sortColumn: string,
    desc: boolean,
    limit: number,
    offset: number,
    pseudonymSalt: string | null,
  ): Promise<RecordRow[]> {
    const customer = pseudonymSalt === null ? sql`r.customer_id` : sql`'anon-' || substr(md5(${pseudonymSalt} || r.customer_id), 1, 10)`;
    return this.db.query<RecordRow>(sql`
      SELECT r.refund_id, r.order_id, ${customer} AS customer_ref, r.agent_id, a.name AS agent_name, r.channel, r.product_id, r.product_line,
        r.reason_code, r.reason_family, r.requested_at, r.decided_at, r.decision, r.requested_amount, r.refunded_amount,
        r.resolution_hours, r.customer_type, r.campaign, s.ticket_id, s.payment_ids, s.shop_order_id, s.lineage, count(*) OVER () AS total
      FROM refund_facts r LEFT JOIN agents a ON a.agent_id = r.agent_id LEFT JOIN refund_sources s ON s.refund_id = r.refund_id
      WHERE ${selection(f, drill)}
      ORDER BY ${raw(`r.${d.quote(sortColumn)}`)} ${raw(desc ? 'DESC' : 'ASC')} NULLS LAST, r.refund_id
      LIMIT ${limit} OFFSET ${offset}`);
  }

  async count(f: RefundFilter, drill: DrillSpec): Promise<number> {
    const [r] = await this.db.query<{ n: number }>(sql`SELECT count(*) AS n FROM refund_facts r WHERE ${selection(f, drill)}`);
    return r.n;
  }

  /** Refunds and refunded amount per product (with its usual line) or per reason code (with its family), largest first. */
  breakdown(
    f: RefundFilter,
    drill: DrillSpec,
    by: 'product_id' | 'reason_code',
    limit: number,
  ): Promise<Array<{ key: string | null; detail: string | null; refunds: number; refunded_amount: number; total: number }>> {
    const detail = by === 'product_id' ? 'mode(r.product_line)' : 'any_value(r.reason_family)';
    return this.db.query(sql`
      WITH g AS (
        SELECT ${raw(`r.${d.quote(by)}`)} AS key, ${raw(detail)} AS detail, count(*) AS refunds, coalesce(${raw(d.fsum('r.refunded_amount'))}, 0) AS refunded_amount
        FROM refund_facts r WHERE ${selection(f, drill)}
        GROUP BY 1)
      SELECT key, detail, refunds, refunded_amount, CAST(sum(refunds) OVER () AS BIGINT) AS total
      FROM g ORDER BY refunds DESC, key NULLS LAST LIMIT ${limit}`);
  }
}

/** The refunds a filter plus a drill selects, over refund_facts aliased `r`. */
function selection(f: RefundFilter, drill: DrillSpec): Sql {
  const conds: Sql[] = [filterCondition(f, { alias: 'r' })];
  const list = (col: string, v?: string[] | null) => {
    if (v && v.length) conds.push(d.inList(raw(`r.${d.quote(col)}`), v));
  };
  list('decision', drill.decisions);
  list('reason_family', drill.reasonFamilies);
  list('product_id', drill.productIds);
  list('customer_type', drill.customerTypes);
  if (drill.periodStart) conds.push(sql`${periodSql(drill.grain ?? 'WEEK', 'requested_at')} = ${drill.periodStart}`);
  if (drill.amountBand) {
    const { lo, hi } = BANDS.get(drill.amountBand)!;
    conds.push(hi === null ? sql`r.requested_amount >= ${lo}` : sql`r.requested_amount >= ${lo} AND r.requested_amount < ${hi}`);
  }
  return join(conds, ' AND ');
}
