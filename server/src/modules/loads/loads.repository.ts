import { Inject, Injectable } from '@nestjs/common';
import { raw, sql, type Warehouse } from '@refunds/warehouse';
import { WAREHOUSE } from '../../database/warehouse';

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

/** Timestamps of ClickHouse's bookkeeping tables are Int64 microseconds (engine-clickhouse schema.ts). */
const fromMicros = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(Number(v) / 1000));

@Injectable()
export class LoadsRepository {
  constructor(@Inject(WAREHOUSE) private readonly db: Warehouse) {}

  /**
   * The newest loads. On ClickHouse a load writes its history row several times (started, the lease's
   * heartbeats, then committed or failed; no row is updated in place): a load's row is its finished one, else its latest.
   */
  async history(limit: number): Promise<LoadHistoryRow[]> {
    const d = this.db.dialect;
    if (d.name === 'duckdb') return this.db.query<LoadHistoryRow>(sql`SELECT * FROM load_history ORDER BY load_id DESC LIMIT ${limit}`, { cache: false });
    const rows = await this.db.query<LoadHistoryRow>(
      sql`SELECT * FROM ${raw(d.table('load_history'))} ORDER BY load_id DESC, isNull(finished_at), started_at DESC LIMIT 1 BY load_id LIMIT ${limit}`,
      { cache: false },
    );
    return rows.map((r) => ({ ...r, load_id: Number(r.load_id), started_at: fromMicros(r.started_at) as Date, finished_at: fromMicros(r.finished_at) }));
  }

  async rejects(loadId: number | null, limit: number, offset: number): Promise<RejectRow[]> {
    const t = raw(this.db.dialect.table('load_rejects'));
    const rows = await this.db.query<RejectRow>(
      sql`SELECT load_id, table_name, file, line, column_name, value, reason FROM ${t} WHERE load_id = coalesce(${loadId}, (SELECT max(load_id) FROM ${t}))
          ORDER BY table_name, file, line, column_name LIMIT ${limit} OFFSET ${offset}`,
      { cache: false },
    );
    return rows.map((r) => ({ ...r, load_id: Number(r.load_id), line: Number(r.line) }));
  }
}
