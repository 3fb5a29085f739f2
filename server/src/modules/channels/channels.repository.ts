import { Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { AMOUNT_BAND_SQL, DECIDED_SQL, raw, sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';
import { dialect as d } from '../../common/semantic/dialect';
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
  constructor(private readonly db: DuckDbService) {}

  /** Decided refunds per cohort x channel, only channels with >= minCases in cohorts with >= 2 of them. */
  eligibleCells(f: RefundFilter, minCases: number): Promise<CohortChannelRow[]> {
    const src = factSource(f, this.db.rollups, ['reason_code', 'product_line', 'amount_band', 'channel', 'decision']);
    const n = src.rollup ? 'n' : '1';
    return this.db.query<CohortChannelRow>(sql`
      WITH cells AS MATERIALIZED (
        SELECT reason_code, product_line, ${raw(src.rollup ? 'amount_band' : `${AMOUNT_BAND_SQL} AS amount_band`)},
          channel, CAST(sum(${raw(n)}) AS BIGINT) AS n, CAST(coalesce(${raw(d.sumIf(n, `decision IN ('approved', 'partial')`))}, 0) AS BIGINT) AS approved
        FROM ${src.table}
        WHERE ${DECIDED_SQL} AND ${src.filter}
        GROUP BY ALL
        HAVING sum(${raw(n)}) >= ${minCases})
      SELECT * FROM cells
      QUALIFY count(*) OVER (PARTITION BY reason_code, product_line, amount_band) >= 2
      ORDER BY reason_code, product_line NULLS FIRST, amount_band, channel`);
  }
}
