import { Inject, Injectable } from '@nestjs/common';
import type { Grain, RefundFilter } from '@refunds/shared';
import { AMOUNT_BANDS, around, asTimestamp, join, raw, sql, type Dialect, type Sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';
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
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /**
   * One page of the selection, sorted by a column (nulls last) and then refund_id, so ties page the
   * same on every engine. The total is a scalar subquery (ClickHouse 18.16 has no window functions);
   * agent names and lineage are read for the page's rows only.
   */
  async page(
    f: RefundFilter,
    drill: DrillSpec,
    sortColumn: string,
    desc: boolean,
    limit: number,
    offset: number,
    pseudonymSalt: string | null,
  ): Promise<RecordRow[]> {
    const d = this.db.dialect;
    const facts = raw(d.table('refund_facts'));
    const where = selection(f, drill, d);
    const customer =
      pseudonymSalt === null ? sql`customer_id` : sql`concat('anon-', substring(${around(d.md5Hex, sql`concat(${pseudonymSalt}, customer_id)`)}, 1, 10))`;
    // Timestamps under other names: a ClickHouse alias would shadow the column it converts (and the sort).
    const rows = await this.db.query<
      Omit<RecordRow, 'requested_at' | 'decided_at' | SourceColumn | 'agent_name'> & { requested_ms: Date | number; decided_ms: Date | number | null }
    >(sql`
      SELECT refund_id, order_id, ${customer} AS customer_ref, agent_id, channel, product_id, product_line,
        reason_code, reason_family, ${raw(d.timestampMs('requested_at'))} AS requested_ms, ${raw(d.timestampMs('decided_at'))} AS decided_ms, decision,
        requested_amount, refunded_amount, resolution_hours, customer_type, campaign, (SELECT count(*) FROM ${facts} WHERE ${where}) AS total
      FROM ${facts}
      WHERE ${where}
      ORDER BY ${raw(d.quote(sortColumn))} ${raw(desc ? 'DESC' : 'ASC')} NULLS LAST, refund_id
      LIMIT ${limit} OFFSET ${offset}`);
    if (rows.length === 0) return [];
    const agentIds = [...new Set(rows.flatMap((r) => (r.agent_id === null ? [] : [r.agent_id])))];
    const [names, sources] = await Promise.all([
      agentIds.length
        ? this.db.query<{ agent_id: string; name: string | null }>(
            sql`SELECT agent_id, name FROM ${raw(d.table('agents'))} WHERE ${d.inList(raw('agent_id'), agentIds)}`,
          )
        : Promise.resolve([]),
      // Lineage exists only where loads reconcile source records (not on ClickHouse).
      d.reconciles
        ? this.db.query<Pick<RecordRow, SourceColumn> & { refund_id: string }>(
            sql`SELECT refund_id, ticket_id, payment_ids, shop_order_id, lineage FROM refund_sources WHERE ${d.inList(
              raw('refund_id'),
              rows.map((r) => r.refund_id),
            )}`,
          )
        : Promise.resolve([]),
    ]);
    const nameOf = new Map(names.map((n) => [n.agent_id, n.name]));
    const sourceOf = new Map(sources.map((s) => [s.refund_id, s]));
    return rows.map(({ requested_ms, decided_ms, ...r }) => {
      const s = sourceOf.get(r.refund_id);
      return {
        ...r,
        agent_name: r.agent_id === null ? null : (nameOf.get(r.agent_id) ?? null),
        requested_at: asTimestamp(requested_ms)!,
        decided_at: asTimestamp(decided_ms),
        ticket_id: s?.ticket_id ?? null,
        payment_ids: s?.payment_ids ?? null,
        shop_order_id: s?.shop_order_id ?? null,
        lineage: s?.lineage ?? null,
      };
    });
  }

  async count(f: RefundFilter, drill: DrillSpec): Promise<number> {
    const d = this.db.dialect;
    const [r] = await this.db.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${raw(d.table('refund_facts'))} WHERE ${selection(f, drill, d)}`);
    return r.n;
  }

  /**
   * Refunds and refunded amount per product (with its most frequent line, ties to the smallest) or per
   * reason code (with its family), largest first; the total is every refund of the selection.
   */
  async breakdown(
    f: RefundFilter,
    drill: DrillSpec,
    by: 'product_id' | 'reason_code',
    limit: number,
  ): Promise<Array<{ key: string | null; detail: string | null; refunds: number; refunded_amount: number; total: number }>> {
    const d = this.db.dialect;
    const facts = raw(d.table('refund_facts'));
    const where = selection(f, drill, d);
    const detail = by === 'product_id' ? d.mode('product_line') : 'min(reason_family)';
    const rows = await this.db.query<{ key: string | null; detail: string | null; refunds: number; refunded: number; total: number }>(sql`
      SELECT key, detail, refunds, refunded, (SELECT count(*) FROM ${facts} WHERE ${where}) AS total
      FROM (
        SELECT ${raw(d.quote(by))} AS key, ${raw(detail)} AS detail, count(*) AS refunds, coalesce(${raw(d.fsum('refunded_amount'))}, 0) AS refunded
        FROM ${facts} WHERE ${where}
        GROUP BY ${raw(d.quote(by))}) AS g
      ORDER BY refunds DESC, key NULLS LAST LIMIT ${limit}`);
    return rows.map(({ refunded, ...r }) => ({ ...r, refunded_amount: refunded }));
  }
}

type SourceColumn = 'ticket_id' | 'payment_ids' | 'shop_order_id' | 'lineage';

/** The refunds a filter plus a drill selects, over refund_facts. */
function selection(f: RefundFilter, drill: DrillSpec, d: Dialect): Sql {
  const conds: Sql[] = [filterCondition(f, { dialect: d })];
  const list = (col: string, v?: string[] | null) => {
    if (v && v.length) conds.push(d.inList(raw(d.quote(col)), v));
  };
  list('decision', drill.decisions);
  list('reason_family', drill.reasonFamilies);
  list('product_id', drill.productIds);
  list('customer_type', drill.customerTypes);
  if (drill.periodStart) conds.push(sql`${periodSql(drill.grain ?? 'WEEK', 'requested_at', d)} = ${drill.periodStart}`);
  if (drill.amountBand) {
    const { lo, hi } = BANDS.get(drill.amountBand)!;
    conds.push(hi === null ? sql`requested_amount >= ${lo}` : sql`requested_amount >= ${lo} AND requested_amount < ${hi}`);
  }
  return join(conds, ' AND ');
}
