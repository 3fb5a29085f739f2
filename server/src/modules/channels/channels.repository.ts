import { Inject, Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { AMOUNT_BAND_SQL, DECIDED_SQL, raw, sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';
import { factSource } from '../../common/semantic/filter';

export interface CohortChannelRow {
  reason_code: string;
  product_line: string | null;
  amount_band: string;
  channel: string;
  n: number;
  approved: number;
}

@Injectable()
export class ChannelsRepository {
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /** Decided refunds per cohort x channel, only channels with >= minCases in cohorts with >= 2 of them. */
  async eligibleCells(f: RefundFilter, minCases: number): Promise<CohortChannelRow[]> {
    const d = this.db.dialect;
    const src = factSource(f, this.db.rollups, ['reason_code', 'product_line', 'amount_band', 'channel', 'decision'], undefined, d, { periods: 'NONE' });
    const n = src.rollup ? 'n' : '1';
    // Inner names differ from the outer ones: a ClickHouse alias would shadow the column it is computed from.
    const cells = await this.db.query<CohortChannelRow>(sql`
      SELECT reason_code, product_line, band AS amount_band, channel, cases AS n, appr AS approved FROM (
        SELECT reason_code, product_line, ${raw(src.rollup ? 'amount_band' : AMOUNT_BAND_SQL)} AS band, channel,
          ${raw(d.int64(`sum(${n})`))} AS cases, ${raw(d.int64(`coalesce(${d.sumIf(n, `decision IN ('approved', 'partial')`)}, 0)`))} AS appr
        FROM ${src.table}
        WHERE ${DECIDED_SQL} AND ${src.filter}
        GROUP BY reason_code, product_line, band, channel
        HAVING sum(${raw(n)}) >= ${minCases}) AS cells
      ORDER BY reason_code, product_line NULLS FIRST, amount_band, channel`);
    // Cohorts with two or more eligible channels, from the aggregated cells (ClickHouse 18.16 has no
    // window count to do it in SQL); the rows stay in their order.
    const channels = new Map<string, number>();
    const key = (r: CohortChannelRow) => JSON.stringify([r.reason_code, r.product_line, r.amount_band]);
    for (const r of cells) channels.set(key(r), (channels.get(key(r)) ?? 0) + 1);
    return cells.filter((r) => (channels.get(key(r)) ?? 0) >= 2);
  }
}
