import { Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { sql } from '@refunds/etl';
import { DuckDbService } from '../../database/duckdb.service';
import { filterCondition } from '../../common/semantic/filter';

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
    return this.db.query<CohortChannelRow>(sql`
      WITH cells AS MATERIALIZED (
        SELECT reason_code, product_line,
          CASE WHEN requested_amount < 50 THEN '[0,50)' WHEN requested_amount < 200 THEN '[50,200)'
               WHEN requested_amount < 1000 THEN '[200,1000)' ELSE '[1000,inf)' END AS amount_band,
          channel, count(*) AS n, count(*) FILTER (WHERE decision IN ('approved', 'partial')) AS approved
        FROM refund_facts
        WHERE decision IN ('approved', 'partial', 'rejected') AND ${filterCondition(f)}
        GROUP BY ALL
        HAVING count(*) >= ${minCases})
      SELECT * FROM cells
      QUALIFY count(*) OVER (PARTITION BY reason_code, product_line, amount_band) >= 2
      ORDER BY reason_code, product_line NULLS FIRST, amount_band, channel`);
  }
}
