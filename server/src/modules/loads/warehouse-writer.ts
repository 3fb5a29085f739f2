import { Inject, Injectable } from '@nestjs/common';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  backupDatabase,
  ensureSchema,
  loadFiles,
  markRollupsCurrent,
  rebuildRollups,
  rollupsCurrent,
  runSql,
  type LoadOptions,
  type LoadSummary,
} from '@refunds/etl';
import { APP_CONFIG, type AppConfig } from '../../config/config';
import { AppError } from '../../common/errors';
import { DuckDbService } from '../../database/duckdb.service';
import { WarehouseService } from '../../database/warehouse';

/**
 * The server's side of the writer: the only place (with the rest of this module) that runs the
 * ETL. Readers go through WarehouseService and the warehouse model alone.
 */

/** Creates missing tables and, for a database written before the rollups existed or by an older loader, builds them once. */
export async function prepareWarehouse(writer: DuckDBConnection, log: (message: string) => void): Promise<void> {
  await ensureSchema(writer);
  if (await rollupsCurrent(writer)) return;
  log('building the rollups for the loaded data (written by an older loader)');
  await runSql(writer, 'BEGIN TRANSACTION');
  try {
    await rebuildRollups(writer);
    await markRollupsCurrent(writer);
    await runSql(writer, 'COMMIT');
  } catch (e) {
    await runSql(writer, 'ROLLBACK').catch(() => undefined);
    throw e;
  }
}

@Injectable()
export class WarehouseWriterService {
  constructor(
    private readonly warehouse: WarehouseService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Refuses before anything else is looked at when the warehouse is not the server's to write. */
  assertWritable(): void {
    void this.db;
  }

  /** The DuckDB warehouse; a ClickHouse warehouse is loaded by the ETL, not through the server. */
  private get db(): DuckDbService {
    if (this.warehouse instanceof DuckDbService) return this.warehouse;
    throw new AppError(
      'READ_ONLY_WAREHOUSE',
      `the warehouse is ClickHouse (${this.warehouse.location}), which the server only reads: load it with refunds-etl load --db <its URL>`,
    );
  }

  /** Loads run one at a time on the writer connection; readers keep answering meanwhile. */
  load(paths: string[], opts: LoadOptions): Promise<LoadSummary> {
    return this.db.write(async (writer) => {
      const t0 = performance.now();
      let summary: LoadSummary;
      try {
        summary = await loadFiles(writer, paths, {
          ...opts,
          reportingCurrency: opts.reportingCurrency ?? this.config.reportingCurrencySetting ?? undefined,
        });
      } catch (e) {
        this.db.recordLoad('error', (performance.now() - t0) / 1000, { read: 0, loaded: 0, rejected: 0 });
        throw e;
      }
      const sum = (k: 'read' | 'loaded' | 'rejected') => summary.tables.reduce((a, t) => a + t[k], 0);
      this.db.recordLoad(summary.outcome, (performance.now() - t0) / 1000, { read: sum('read'), loaded: sum('loaded'), rejected: sum('rejected') });
      return summary;
    });
  }

  /** A consistent copy of the warehouse, written between loads (they share the writer's queue). */
  backup(out: string): Promise<{ bytes: number }> {
    return this.db.withWriter((writer) => backupDatabase(writer, out));
  }
}
