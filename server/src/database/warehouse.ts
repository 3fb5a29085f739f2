import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dialect, Sql, Warehouse } from '@refunds/warehouse';

/** Injection token of the warehouse reader (`Warehouse` of @refunds/warehouse) that repositories take. */
export const WAREHOUSE = Symbol('WAREHOUSE');

export type LoadOutcome = 'committed' | 'failed' | 'previewed' | 'error';

/** Receives timings for /metrics; set once by the metrics service. */
export interface WarehouseObserver {
  query(seconds: number): void;
  cache(hit: boolean): void;
  load(outcome: LoadOutcome, seconds: number, rows: { read: number; loaded: number; rejected: number }): void;
}

/**
 * The process's warehouse, whichever engine holds it (REFUNDS_DB: a DuckDB file, DuckDbService; or a
 * ClickHouse URL, ClickHouseService). Repositories read it as a `Warehouse`; health, metrics, alerts
 * and the catalog use the rest. Only DuckDB is written by the server (the loads module).
 */
export abstract class WarehouseService implements Warehouse {
  abstract readonly engine: 'duckdb' | 'clickhouse';
  abstract readonly dialect: Dialect;
  abstract readonly rollups: boolean;
  /** Where the data is, for messages: the file, or the URL without its password. */
  abstract readonly location: string;
  abstract query<T>(q: Sql, opts?: { cache?: boolean }): Promise<T[]>;
  /** The data's reporting currency (the setting's, or CNY, until a first load stores one). */
  abstract readonly reportingCurrency: string;
  /** The currency stored with the data, null before its first load. */
  abstract readonly storedCurrency: string | null;
  /** The newest committed load the server has seen. */
  abstract readonly dataVersion: number;
  /** Called after every committed load, once readers see it. Listeners must return at once. */
  abstract onCommitted(fn: (dataVersion: number) => void): void;
  abstract observe(o: WarehouseObserver): void;
  /** Readiness: the warehouse answers a query. */
  abstract ping(): Promise<void>;
}

/**
 * A request's hold on one data version: the first warehouse query of a request fixes it and the
 * request's later queries read the same one, so an answer built from several queries never mixes
 * data from before and after a load (ClickHouse keeps every committed version readable).
 */
export const requestScope = new AsyncLocalStorage<{ version?: number }>();
