import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Sql } from './sql';

export interface OpenOptions {
  /** DuckDB `threads` setting; default: DuckDB's own (cores). */
  threads?: number;
  memoryLimit?: string;
  readOnly?: boolean;
}

/** Opens (creating if missing) a DuckDB file; every connection works in UTC. */
export async function openDatabase(path: string, opts: OpenOptions = {}): Promise<DuckDBInstance> {
  const config: Record<string, string> = {};
  if (opts.threads) config.threads = String(opts.threads);
  if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
  if (opts.readOnly) config.access_mode = 'READ_ONLY';
  return DuckDBInstance.create(path, config);
}

export async function connect(instance: DuckDBInstance): Promise<DuckDBConnection> {
  const conn = await instance.connect();
  await conn.run(`SET TimeZone = 'UTC'`);
  return conn;
}

/** Error from DuckDB that keeps the SQL it ran, for the log. */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly sqlText: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export async function runSql(conn: DuckDBConnection, q: Sql | string): Promise<void> {
  const { text, values } = typeof q === 'string' ? { text: q, values: [] } : q.toDuckDB();
  try {
    await conn.run(text, values.length ? values : undefined);
  } catch (e) {
    throw new QueryError((e as Error).message, text, e);
  }
}

/** Runs a query and returns its rows as plain JS objects (BIGINT -> number, DOUBLE, VARCHAR, TIMESTAMP -> Date). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, q: Sql | string): Promise<T[]> {
  const { text, values } = typeof q === 'string' ? { text: q, values: [] } : q.toDuckDB();
  try {
    const reader = await conn.runAndReadAll(text, values.length ? values : undefined);
    return reader.getRowObjectsJS().map(normalizeRow) as T[];
  } catch (e) {
    throw new QueryError((e as Error).message, text, e);
  }
}

function normalizeRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(row)) {
    const v = row[k];
    if (typeof v === 'bigint') row[k] = Number(v);
  }
  return row;
}
