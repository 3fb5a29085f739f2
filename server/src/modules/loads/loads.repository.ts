import { Injectable } from '@nestjs/common';
import { sql } from '@refunds/warehouse';
import { DuckDbService } from '../../database/duckdb.service';

export interface LoadHistoryRow {
  load_id: number;
  started_at: Date;
  finished_at: Date | null;
  outcome: string;
  message: string | null;
  files: string;
  tables: string;
  rows_read: number;
  rows_loaded: number;
  rows_replaced: number;
  rows_unchanged: number;
  rows_rejected: number;
  duration_ms: number;
}

export interface RejectRow {
  load_id: number;
  table_name: string;
  file: string;
  line: number;
  column_name: string;
  value: string | null;
  reason: string;
}

@Injectable()
export class LoadsRepository {
  constructor(private readonly db: DuckDbService) {}

  history(limit: number): Promise<LoadHistoryRow[]> {
    return this.db.query<LoadHistoryRow>(sql`SELECT * FROM load_history ORDER BY load_id DESC LIMIT ${limit}`, { cache: false });
  }

  rejects(loadId: number | null, limit: number, offset: number): Promise<RejectRow[]> {
    return this.db.query<RejectRow>(
      sql`SELECT * FROM load_rejects WHERE load_id = coalesce(${loadId}, (SELECT max(load_id) FROM load_rejects))
          ORDER BY table_name, file, line, column_name LIMIT ${limit} OFFSET ${offset}`,
      { cache: false },
    );
  }
}
