import { appendFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { connect, openDatabase, QueryError, queryRows, runSql, storedReportingCurrency } from '@refunds/engine-duckdb';
import type { Dialect, Sql } from '@refunds/warehouse';
import { APP_CONFIG, reportingCurrencyFor, type AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { dialect } from '../common/semantic/dialect';
import { WarehouseService, type LoadOutcome, type WarehouseObserver } from './warehouse';

export type { LoadOutcome, WarehouseObserver } from './warehouse';

/** Limits concurrency to the pool: DuckDB runs one query per connection at a time. */
class Pool {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: Array<(c: DuckDBConnection) => void> = [];
  constructor(conns: DuckDBConnection[]) {
    this.idle.push(...conns);
  }
  async use<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = this.idle.pop() ?? (await new Promise<DuckDBConnection>((res) => this.waiting.push(res)));
    try {
      return await fn(conn);
    } finally {
      const next = this.waiting.shift();
      if (next) next(conn);
      else this.idle.push(conn);
    }
  }
  all(): DuckDBConnection[] {
    return this.idle;
  }
}

/**
 * Makes an opened warehouse ready to read: creates missing tables and rebuilds rollups an older
 * loader built. The writer (the ETL) owns both, so the loads module provides it
 * (modules/loads/warehouse-writer.ts): the reader side never imports the ETL.
 */
export type PrepareWarehouse = (writer: DuckDBConnection, log: (message: string) => void) => Promise<void>;

/**
 * The one DuckDB instance of the process. Readers use a small pool; loads run on their own
 * connection in one transaction, so a query sees the data before or after a load, never a mix.
 * Results are cached per data version; a committed load bumps the version. Writing (loads,
 * backups) is the loads module's (WarehouseWriterService), through `write` and `withWriter`.
 */
@Injectable()
export class DuckDbService extends WarehouseService implements OnModuleDestroy {
  readonly engine = 'duckdb';
  readonly dialect: Dialect = dialect;
  private readonly logger = new Logger('DuckDB');
  private instance!: DuckDBInstance;
  private pool!: Pool;
  private writer!: DuckDBConnection;
  private loadChain: Promise<unknown> = Promise.resolve();
  private version = 0;
  private currency = '';
  private stored: string | null = null;
  private readonly cache = new Map<string, Promise<unknown>>();
  private observer: WarehouseObserver | null = null;
  private readonly committedListeners: Array<(dataVersion: number) => void> = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly prepare: PrepareWarehouse,
  ) {
    super();
  }

  get location(): string {
    return this.config.duckdbPath;
  }

  async init(): Promise<void> {
    this.instance = await openDatabase(this.config.duckdbPath);
    this.writer = await connect(this.instance);
    await this.prepare(this.writer, (m) => this.logger.warn(m));
    await this.readCurrency();
    const conns: DuckDBConnection[] = [];
    for (let i = 0; i < this.config.poolSize; i++) conns.push(await connect(this.instance));
    this.pool = new Pool(conns);
    this.version = await this.readVersion();
  }

  /** Whether queries may answer from the daily rollups (off only to compare against refund_facts). */
  get rollups(): boolean {
    return this.config.rollups;
  }

  /** The database's reporting currency (the setting's, or CNY, until a first load stores one). */
  get reportingCurrency(): string {
    return this.currency;
  }

  /** The currency stored in the database, null before its first load. */
  get storedCurrency(): string | null {
    return this.stored;
  }

  private async readCurrency(): Promise<void> {
    this.stored = await storedReportingCurrency(this.writer);
    this.currency = reportingCurrencyFor(this.config.reportingCurrencySetting, this.stored, this.config.duckdbPath);
  }

  /**
   * Called after every committed load (CLI hand-over, uploads, POST /api/loads), once the new data
   * version is visible to readers. Listeners must return at once (alerts queue their work).
   */
  onCommitted(fn: (dataVersion: number) => void): void {
    this.committedListeners.push(fn);
  }

  observe(o: WarehouseObserver): void {
    this.observer = o;
  }

  /** Readiness: a reader connection answers. */
  async ping(): Promise<void> {
    await this.pool.use((c) => queryRows(c, 'SELECT 1'));
  }

  get dataVersion(): number {
    return this.version;
  }

  private async readVersion(): Promise<number> {
    const rows = await queryRows<{ v: string }>(this.writer, `SELECT value AS v FROM meta WHERE key = 'data_version'`);
    return Number(rows[0]?.v ?? 0);
  }

  /** Runs a read query; identical queries within one data version share one result. */
  async query<T>(q: Sql, opts: { cache?: boolean } = {}): Promise<T[]> {
    const { text, values } = q.render();
    const key = opts.cache === false || !this.config.cache ? null : `${this.version}\u0000${text}\u0000${JSON.stringify(values)}`;
    if (key) {
      const hit = this.cache.get(key);
      this.observer?.cache(!!hit);
      if (hit) return hit as Promise<T[]>;
    }
    const p = this.pool
      .use((c) => this.timed<T>(c, q, text, values))
      .catch((e: unknown) => {
        if (key) this.cache.delete(key);
        // The SQL has placeholders; the bound values (filters, ids) stay out of the log.
        if (e instanceof QueryError) this.logger.error(`${e.message}\nSQL: ${e.sqlText}`);
        throw new AppError('INTERNAL', 'The analytics query failed; the server log has the details');
      });
    if (key) {
      if (this.cache.size >= this.config.cacheEntries) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(key, p);
    }
    return p;
  }

  private async timed<T>(c: DuckDBConnection, q: Sql, text: string, values: unknown[]): Promise<T[]> {
    const t0 = performance.now();
    const rows = await queryRows<T>(c, q);
    this.observer?.query((performance.now() - t0) / 1000);
    if (!this.config.sqlLog) return rows;
    // The benchmark replays these to measure the API's overhead over its own SQL.
    appendFileSync(this.config.sqlLog, JSON.stringify({ sql: text, values, ms: performance.now() - t0 }) + '\n');
    return rows;
  }

  /**
   * Runs `fn` on the writer connection after every earlier write (loads and backups take turns);
   * readers keep answering meanwhile.
   */
  withWriter<T>(fn: (writer: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.loadChain.then(() => fn(this.writer));
    this.loadChain = run.catch(() => undefined);
    return run;
  }

  /**
   * A write that may change the data (a load): after it, the data version and currency are read
   * again and the cache dropped; when the version moved on, the committed-load listeners run.
   */
  write<T>(fn: (writer: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.withWriter(async (writer) => {
      const before = this.version;
      const result = await fn(writer);
      this.version = await this.readVersion();
      await this.readCurrency();
      this.cache.clear();
      if (this.version !== before) {
        for (const listener of this.committedListeners) {
          try {
            listener(this.version);
          } catch (e) {
            this.logger.error(`a listener of committed loads failed: ${(e as Error).message}`);
          }
        }
      }
      return result;
    });
  }

  /** For /metrics: a load's outcome, duration and row counts. */
  recordLoad(outcome: LoadOutcome, seconds: number, rows: { read: number; loaded: number; rejected: number }): void {
    this.observer?.load(outcome, seconds, rows);
  }

  async exec(q: Sql | string): Promise<void> {
    await runSql(this.writer, q);
  }

  onModuleDestroy(): void {
    for (const c of this.pool?.all() ?? []) c.closeSync();
    this.writer?.closeSync();
    this.instance?.closeSync();
  }
}
