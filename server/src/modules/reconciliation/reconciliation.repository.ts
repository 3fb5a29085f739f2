import { Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
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
  constructor(private readonly db: DuckDbService) {}

  /** Records per source system, and the refunds under the filter each one contributes to. */
  sources(f: RefundFilter): Promise<SourceRow[]> {
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
    const scope = all ? sql`TRUE` : sql`c.refund_id IN (SELECT r.refund_id FROM refund_facts r WHERE ${filterCondition(f, { alias: 'r' })})`;
    return this.db.query<ConflictRow>(sql`
      SELECT c.kind, c.refund_id, c.order_id, c.detail FROM reconciliation_conflicts c WHERE ${scope}
      ORDER BY c.kind, c.order_id, c.refund_id`);
  }
}
