import { DuckDBConnection, DuckDBInstance, listValue, type DuckDBValue } from '@duckdb/node-api';
import type { BindValue, Sql } from '@refunds/warehouse';

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

/** The text with `$n` placeholders and the values as DuckDB binds them (lists as LIST values). */
export function toDuckDB(q: Sql): { text: string; values: DuckDBValue[] } {
  const { text, values } = q.render();
  return { text, values: values.map(toDuckDBValue) };
}

function toDuckDBValue(v: BindValue): DuckDBValue {
  if (Array.isArray(v)) return listValue(v as DuckDBValue[]);
  return v as DuckDBValue;
}

export async function runSql(conn: DuckDBConnection, q: Sql | string): Promise<void> {
  const { text, values } = typeof q === 'string' ? { text: q, values: [] } : toDuckDB(q);
  try {
    await conn.run(text, values.length ? values : undefined);
  } catch (e) {
    throw new QueryError((e as Error).message, text, e);
  }
}

/** Runs a query and returns its rows as plain JS objects (BIGINT -> number, DOUBLE, VARCHAR, TIMESTAMP -> Date). */
export async function queryRows<T = Record<string, unknown>>(conn: DuckDBConnection, q: Sql | string): Promise<T[]> {
  const { text, values } = typeof q === 'string' ? { text: q, values: [] } : toDuckDB(q);
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

/** The reporting currency stored when the database was created, null for a database never loaded. */
export async function storedReportingCurrency(conn: DuckDBConnection): Promise<string | null> {
  const [table] = await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'meta' AND schema_name = 'main'`);
  if (!table || Number(table.n) === 0) return null;
  const rows = await queryRows<{ v: string }>(conn, `SELECT value AS v FROM meta WHERE key = 'reporting_currency'`);
  return rows[0]?.v ?? null;
}
