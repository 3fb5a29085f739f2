import { appendFileSync } from 'node:fs';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ChNames,
  ClickHouseEngine,
  clickhouseDialect,
  compileClickHouse,
  parseClickHouseUrl,
  WarehouseError,
  type ClickHouseUrl,
} from '@refunds/engine-clickhouse';
import type { Dialect, Sql } from '@refunds/warehouse';
import { reportingCurrencyFor, type AppConfig } from '../config/config';
import { AppError } from '../common/errors';
import { requestScope, WarehouseService, type WarehouseObserver } from './warehouse';

/** How often the server looks for loads committed by `refunds-etl load --db clickhouse://…` (it does not load ClickHouse itself). */
const VERSION_POLL_MS = 2000;

/** How recently the committed version must have been read for a request to be pinned to it (the loader keeps replaced rollup rows 5 minutes). */
const FRESH_VERSION_MS = 30_000;

/** ClickHouse codes of a shard that did not answer a distributed query (all replicas failed, connection or socket errors). */
const SHARD_DOWN = /Code: (209|210|279|394)\b/;

/**
 * A ClickHouse warehouse (REFUNDS_DB=clickhouse://…), read-only to the server. Every request reads the
 * data version committed when its first query ran (see `requestScope`): the loader keeps every
 * committed version readable, so a load committing meanwhile changes the next request's answers, not
 * this one's. Results are cached per version. The server connects lazily and again after a failure,
 * so it starts while ClickHouse is down and /readyz names the URL (without its password) until it answers.
 */
export class ClickHouseService extends WarehouseService implements OnModuleDestroy {
  readonly engine = 'clickhouse';
  readonly dialect: Dialect;
  readonly location: string;
  private readonly url: ClickHouseUrl;
  private readonly logger = new Logger('ClickHouse');
  private connecting: Promise<ClickHouseEngine> | null = null;
  private version = 0;
  private stored: string | null = null;
  private currency: string;
  private readonly cache = new Map<string, Promise<unknown>>();
  private observer: WarehouseObserver | null = null;
  private readonly committedListeners: Array<(dataVersion: number) => void> = [];
  private poll: NodeJS.Timeout | null = null;
  /** Per committed version seen: whether its load built the rollups (with this definition). */
  private readonly built = new Map<number, boolean>();
  /** When the committed version was last read: a request is pinned to it only while it is fresh. */
  private seenAt = 0;

  constructor(private readonly config: AppConfig) {
    super();
    this.url = parseClickHouseUrl(config.clickhouseUrl ?? '');
    this.location = this.url.redacted;
    // The dialect needs only the names (database, cluster), known before connecting.
    this.dialect = clickhouseDialect(new ChNames(this.url.database, this.url.cluster));
    this.currency = reportingCurrencyFor(config.reportingCurrencySetting, null, this.location);
  }

  async init(): Promise<void> {
    try {
      await this.refresh();
    } catch (e) {
      this.logger.error(`${(e as Error).message}; the server starts and keeps trying (/readyz reports it)`);
    }
    this.poll = setInterval(() => {
      this.refresh().catch((e: unknown) => this.logger.warn((e as Error).message));
    }, VERSION_POLL_MS);
    this.poll.unref();
  }

  private engineNow(): Promise<ClickHouseEngine> {
    this.connecting ??= ClickHouseEngine.connect(this.url).catch((e: unknown) => {
      this.connecting = null;
      throw e;
    });
    return this.connecting;
  }

  /** Reads the committed version; on a new one, the currency, and tells the listeners (alerts). */
  private async refresh(): Promise<void> {
    const engine = await this.engineNow();
    const v = await engine.committedVersion();
    this.seenAt = Date.now();
    if (v === this.version && this.stored !== null) return;
    if (!this.built.has(v)) this.built.set(v, await engine.rollupsAt(v));
    for (const old of this.built.keys()) if (old < v - 10) this.built.delete(old);
    this.stored = await engine.storedCurrency(v);
    this.currency = reportingCurrencyFor(this.config.reportingCurrencySetting, this.stored, this.location);
    const moved = v !== this.version;
    this.version = v;
    if (!moved) return;
    for (const [key] of this.cache) if (!key.startsWith(`${v}\u0000`)) this.cache.delete(key);
    for (const listener of this.committedListeners) {
      try {
        listener(v);
      } catch (e) {
        this.logger.error(`a listener of committed loads failed: ${(e as Error).message}`);
      }
    }
  }

  /**
   * Whether this request may read the rollups. A repository asks before its first query, so the
   * request is pinned here to the newest version seen when that version's rollups are known to be
   * built; a request already pinned reads them if its version's load built them.
   */
  get rollups(): boolean {
    if (!this.config.rollups) return false;
    const scope = requestScope.getStore();
    // The loader deletes rollup rows replaced by loads committed minutes ago: a version read long ago may have lost some.
    const fresh = Date.now() - this.seenAt < FRESH_VERSION_MS;
    if (scope && scope.version === undefined) {
      if (!fresh || this.built.get(this.version) !== true) return false;
      scope.version = this.version;
    }
    return this.built.get(scope?.version ?? this.version) === true;
  }

  get reportingCurrency(): string {
    return this.currency;
  }

  get storedCurrency(): string | null {
    return this.stored;
  }

  get dataVersion(): number {
    return this.version;
  }

  onCommitted(fn: (dataVersion: number) => void): void {
    this.committedListeners.push(fn);
  }

  observe(o: WarehouseObserver): void {
    this.observer = o;
  }

  async ping(): Promise<void> {
    try {
      await (await this.engineNow()).ping();
    } catch (e) {
      throw new Error(e instanceof WarehouseError ? e.message : `ClickHouse at ${this.location}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** The version this request reads: the committed one when the request's first query ran. */
  private async pinned(engine: ClickHouseEngine): Promise<number> {
    const scope = requestScope.getStore();
    if (scope?.version !== undefined) return scope.version;
    const v = await engine.committedVersion();
    if (!this.built.has(v)) this.built.set(v, await engine.rollupsAt(v));
    if (scope) scope.version = v;
    return v;
  }

  async query<T>(q: Sql, opts: { cache?: boolean } = {}): Promise<T[]> {
    try {
      const engine = await this.engineNow();
      const v = await this.pinned(engine);
      const text = compileClickHouse(q, v);
      const key = opts.cache === false || !this.config.cache ? null : `${v}\u0000${text}`;
      if (key) {
        const hit = this.cache.get(key);
        this.observer?.cache(!!hit);
        if (hit) return (await hit) as T[];
      }
      const p = this.timed<T>(engine, q, v, text);
      if (key) {
        if (this.cache.size >= this.config.cacheEntries) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(key, p);
        p.catch(() => this.cache.delete(key));
      }
      return await p;
    } catch (e) {
      throw this.failure(e);
    }
  }

  private async timed<T>(engine: ClickHouseEngine, q: Sql, v: number, text: string): Promise<T[]> {
    const t0 = performance.now();
    const rows = await engine.queryAt<T>(q, v);
    this.observer?.query((performance.now() - t0) / 1000);
    if (this.config.sqlLog) appendFileSync(this.config.sqlLog, JSON.stringify({ sql: text, values: [], ms: performance.now() - t0 }) + '\n');
    return rows;
  }

  /** Unreachable, refused credentials or a shard down: DATABASE_UNAVAILABLE naming the URL; anything else is logged with its SQL. */
  private failure(e: unknown): AppError {
    if (e instanceof AppError) return e;
    if (e instanceof WarehouseError && (e.code !== 'WAREHOUSE_QUERY' || SHARD_DOWN.test(e.message))) {
      this.logger.error(e.message);
      const what = e.code === 'WAREHOUSE_QUERY' ? `a shard of the ClickHouse warehouse ${this.location} did not answer` : e.message;
      return new AppError('DATABASE_UNAVAILABLE', `${what}; no partial answer is given, try again when it is back`);
    }
    this.logger.error((e as Error).message);
    return new AppError('INTERNAL', 'The analytics query failed; the server log has the details');
  }

  onModuleDestroy(): Promise<void> | void {
    if (this.poll) clearInterval(this.poll);
    return this.connecting?.then(
      (engine) => engine.close(),
      () => undefined,
    );
  }
}
