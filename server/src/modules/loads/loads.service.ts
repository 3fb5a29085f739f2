import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { agreedReportingCurrency, convertExport, type LoadSummary } from '@refunds/etl';
import { badInput } from '../../common/errors';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/auth.types';
import { ImportDir } from './import-dir';
import { WarehouseService } from '../../database/warehouse';
import { LoadsRepository } from './loads.repository';
import { WarehouseWriterService } from './warehouse-writer';
import type { LoadRecord, RejectedRow } from './models/load.model';

export interface LoadRequest {
  paths: string[];
  strict?: boolean;
  rejectsOut?: string;
  encoding?: 'auto' | 'utf-8' | 'gb18030' | 'windows-1252';
  /** --currency of the CLI: must agree with the database's reporting currency once it has one */
  currency?: string;
  format?: string;
  mapping?: string;
}

@Injectable()
export class LoadsService implements OnModuleInit {
  private readonly importDir: ImportDir;

  constructor(
    private readonly repo: LoadsRepository,
    private readonly db: WarehouseService,
    private readonly writer: WarehouseWriterService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.importDir = new ImportDir(config.importDir);
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.config.importDir, { recursive: true });
  }

  /**
   * A load handed over by the CLI: the server owns the DuckDB file while it runs. It reads only
   * inside REFUNDS_IMPORT_DIR and writes rejects only there.
   */
  async load(req: LoadRequest, by: Principal, address: string): Promise<LoadSummary> {
    this.writer.assertWritable();
    if (!Array.isArray(req.paths) || req.paths.length === 0 || req.paths.length > 100 || req.paths.some((p) => typeof p !== 'string'))
      throw badInput('paths', 'a non-empty list of file paths');
    if (req.rejectsOut !== undefined && typeof req.rejectsOut !== 'string') throw badInput('rejectsOut', 'a file path');
    if (req.mapping !== undefined && typeof req.mapping !== 'string') throw badInput('mapping', 'a file path');
    const paths: string[] = [];
    for (const p of req.paths) paths.push(await this.importDir.readable(p, 'paths'));
    const rejectsOut = req.rejectsOut ? await this.importDir.writable(req.rejectsOut, 'rejectsOut') : undefined;
    const mapping = req.mapping ? await this.importDir.readable(req.mapping, 'mapping') : undefined;
    let summary: LoadSummary;
    try {
      summary = await this.run({ ...req, paths, rejectsOut, mapping });
    } catch (e) {
      await this.audit.recordOrLog({ actor: by.name, action: 'load', detail: `load failed: ${(e as Error).message.slice(0, 300)}`, address });
      throw e;
    }
    await this.audit.recordOrLog({
      actor: by.name,
      action: 'load',
      detail: `load ${summary.loadId} ${summary.outcome}: ${req.paths.length} path(s)${req.format ? ` (${req.format})` : ''}, ${summary.tables.reduce((a, t) => a + t.loaded, 0)} rows loaded, ${summary.tables.reduce((a, t) => a + t.rejected, 0)} rejected`,
      address,
    });
    return summary;
  }

  private async run(req: LoadRequest): Promise<LoadSummary> {
    let paths = req.paths;
    let cleanup: (() => Promise<void>) | undefined;
    if (req.format) {
      const dir = await mkdtemp(join(tmpdir(), 'refunds-import-'));
      cleanup = () => rm(dir, { recursive: true, force: true });
      // importers fill missing currencies with the database's reporting currency
      const currency = agreedReportingCurrency(this.db.storedCurrency, req.currency ?? this.db.reportingCurrency);
      await convertExport(req.format, paths, dir, { mappingFile: req.mapping, reportingCurrency: currency, encoding: req.encoding });
      paths = [dir];
    }
    try {
      return await this.writer.load(paths, { strict: req.strict, rejectsOut: req.rejectsOut, encoding: req.encoding, reportingCurrency: req.currency });
    } finally {
      await cleanup?.();
    }
  }

  async history(limit: number): Promise<LoadRecord[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badInput('limit', 'must be 1..1000');
    const rows = await this.repo.history(limit);
    return rows.map((r) => ({
      loadId: r.load_id,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      outcome: r.outcome,
      message: r.message,
      files: JSON.parse(r.files) as LoadRecord['files'],
      tables: (JSON.parse(r.tables) as LoadRecord['tables']).map((t) => ({
        table: t.table,
        read: t.read,
        loaded: t.loaded,
        replaced: t.replaced,
        unchanged: t.unchanged,
        rejected: t.rejected,
      })),
      rowsRead: r.rows_read,
      rowsLoaded: r.rows_loaded,
      rowsReplaced: r.rows_replaced,
      rowsUnchanged: r.rows_unchanged,
      rowsRejected: r.rows_rejected,
      durationMs: r.duration_ms,
    }));
  }

  async rejects(loadId: number | null, limit: number, offset: number): Promise<RejectedRow[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw badInput('limit', 'must be 1..5000');
    if (!Number.isInteger(offset) || offset < 0) throw badInput('offset', 'must be >= 0');
    const rows = await this.repo.rejects(loadId, limit, offset);
    return rows.map((r) => ({ loadId: r.load_id, table: r.table_name, file: r.file, line: r.line, column: r.column_name, value: r.value, reason: r.reason }));
  }
}
