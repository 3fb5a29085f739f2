import type { Dialect } from './dialect';
import type { Sql } from './sql';

/**
 * What the server's repositories read the warehouse through, whichever engine holds it: DuckDB
 * (server/src/database/duckdb.service.ts) or ClickHouse (@refunds/engine-clickhouse's
 * ClickHouseEngine). A repository writes its SQL with `dialect` and sends it with `query`.
 */
export interface Warehouse {
  readonly dialect: Dialect;
  /** Whether queries may answer from the daily rollups. */
  readonly rollups: boolean;
  /** Runs a read query; rows as objects by column name (counts as numbers). `cache: false` for bookkeeping that must be fresh. */
  query<T>(q: Sql, opts?: { cache?: boolean }): Promise<T[]>;
}
