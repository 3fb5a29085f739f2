import { Inject, Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { raw, sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';
import { filterCondition } from '../../common/semantic/filter';

export interface SourceRow {
  source: string;
  role: string;
  records: number;
  refunds: number;
}

export interface ConflictRow {
  kind: string;
  refund_id: string;
  order_id: string | null;
  detail: string;
}

@Injectable()
export class ReconciliationRepository {
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /** Records per source system, and the refunds under the filter each one contributes to. */
  sources(f: RefundFilter): Promise<SourceRow[]> {
    if (!this.db.dialect.reconciles) return this.unreconciledSources(f);
    // DuckDB's SQL (only warehouses that reconcile have refund_sources).
    return this.db.query<SourceRow>(sql`
      WITH sel AS (
        SELECT r.refund_id, s.ticket_source, s.payment_source, s.shop_source, s.refund_id IS NULL AS from_file
        FROM refund_facts r LEFT JOIN refund_sources s ON s.refund_id = r.refund_id
        WHERE ${filterCondition(f, { alias: 'r' })}),
      records AS (
        SELECT source, 'helpdesk' AS role, count(*) AS records FROM src_tickets GROUP BY source
        UNION ALL SELECT source, 'payments', count(*) FROM src_payments GROUP BY source
        UNION ALL SELECT source, 'shop', count(*) FROM src_shop_orders GROUP BY source),
      used AS (
        SELECT ticket_source AS source, 'helpdesk' AS role, count(*) AS refunds FROM sel WHERE ticket_source IS NOT NULL GROUP BY 1
        UNION ALL SELECT payment_source, 'payments', count(*) FROM sel WHERE payment_source IS NOT NULL GROUP BY 1
        UNION ALL SELECT shop_source, 'shop', count(*) FROM sel WHERE shop_source IS NOT NULL GROUP BY 1)
      SELECT r.source, r.role, CAST(r.records AS BIGINT) AS records, CAST(coalesce(u.refunds, 0) AS BIGINT) AS refunds
      FROM records r LEFT JOIN used u ON u.source = r.source AND u.role = r.role
      UNION ALL
      SELECT 'files', 'files', CAST(count(*) AS BIGINT), CAST(count(*) AS BIGINT) FROM sel WHERE from_file HAVING count(*) > 0
      ORDER BY role, source`);
  }

  /** The conflicts of the refunds under the filter (every conflict when the filter is empty). */
  conflicts(f: RefundFilter, all: boolean): Promise<ConflictRow[]> {
    // Nothing was reconciled, so nothing disagrees (and there is no conflicts table to read).
    if (!this.db.dialect.reconciles) return Promise.resolve([]);
    const scope = all ? sql`TRUE` : sql`c.refund_id IN (SELECT r.refund_id FROM refund_facts r WHERE ${filterCondition(f, { alias: 'r' })})`;
    return this.db.query<ConflictRow>(sql`
      SELECT c.kind, c.refund_id, c.order_id, c.detail FROM reconciliation_conflicts c WHERE ${scope}
      ORDER BY c.kind, c.order_id, c.refund_id`);
  }

  /**
   * A warehouse whose loads do not reconcile (ClickHouse refuses source-record imports): what its
   * tables hold. The source-record tables exist but contribute to no refund (there is no lineage),
   * and every refund came from a canonical file.
   */
  private async unreconciledSources(f: RefundFilter): Promise<SourceRow[]> {
    const d = this.db.dialect;
    const recordsOf = async (table: string, role: string): Promise<SourceRow[]> =>
      (await this.db.query<{ source: string; records: number }>(sql`SELECT source, count(*) AS records FROM ${raw(d.table(table))} GROUP BY source`)).map(
        (r) => ({ source: r.source, role, records: r.records, refunds: 0 }),
      );
    const [tickets, payments, shop, [files]] = await Promise.all([
      recordsOf('src_tickets', 'helpdesk'),
      recordsOf('src_payments', 'payments'),
      recordsOf('src_shop_orders', 'shop'),
      this.db.query<{ n: number }>(sql`SELECT count(*) AS n FROM ${raw(d.table('refund_facts'))} WHERE ${filterCondition(f, { dialect: d })}`),
    ]);
    const rows = [...tickets, ...payments, ...shop];
    if (files.n > 0) rows.push({ source: 'files', role: 'files', records: files.n, refunds: files.n });
    const bytes = (x: string) => Buffer.from(x);
    return rows.sort((a, b) => Buffer.compare(bytes(a.role), bytes(b.role)) || Buffer.compare(bytes(a.source), bytes(b.source)));
  }
}
