import type { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { parseClickHouseUrl, type ClickHouseUrl } from './url';

export type WarehouseErrorCode = 'WAREHOUSE_UNREACHABLE' | 'WAREHOUSE_AUTH' | 'WAREHOUSE_QUERY';

/** A failure talking to the warehouse; the message names the URL without its password. */
export class WarehouseError extends Error {
  constructor(
    readonly code: WarehouseErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'WarehouseError';
  }
}

/** One HTTP endpoint of the warehouse (a shard, when the URL lists one per shard). */
export interface ClickHouseNode {
  /** `host:port`, for messages. */
  name: string;
  client: ClickHouseClient;
}

export interface ConnectOptions {
  /** Per-request timeout; default 30 s (the client's). */
  requestTimeoutMs?: number;
}

/**
 * A connected ClickHouse warehouse: one client per endpoint of the URL. Every endpoint has answered
 * `SELECT version()` with the URL's credentials before this is returned. Statements name their tables
 * with the database (`db.table`), so the database need not exist yet.
 */
export class ClickHouseWarehouse {
  private constructor(
    readonly url: ClickHouseUrl,
    readonly nodes: readonly ClickHouseNode[],
    /** Server version of the first endpoint, e.g. `18.16.1`. */
    readonly version: string,
  ) {}

  static async connect(url: string | ClickHouseUrl, opts: ConnectOptions = {}): Promise<ClickHouseWarehouse> {
    const u = typeof url === 'string' ? parseClickHouseUrl(url) : url;
    const nodes = u.endpoints.map((e) => {
      const host = e.host.includes(':') ? `[${e.host}]` : e.host;
      return {
        name: `${host}:${e.port}`,
        client: createClient({
          url: `http://${host}:${e.port}`,
          username: u.user,
          password: u.password,
          request_timeout: opts.requestTimeoutMs ?? 30_000,
          application: 'refunds',
          // A load's INSERT ... SELECT can run for many minutes without a byte on the socket; progress
          // headers once a minute keep it alive (what the client warns about on stderr otherwise), and
          // few enough that Node's 16 KB response-header limit holds for hours.
          ...((opts.requestTimeoutMs ?? 0) > 60_000 && {
            clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '60000' },
          }),
        }),
      };
    });
    const closeAll = () => Promise.all(nodes.map((n) => n.client.close().catch(() => undefined)));
    try {
      const versions = await Promise.all(
        nodes.map(async (n) => {
          try {
            const rs = await n.client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
            const [row] = await rs.json<{ v: string }>();
            return row.v;
          } catch (e) {
            throw describeFailure(u, n, e);
          }
        }),
      );
      return new ClickHouseWarehouse(u, nodes, versions[0]);
    } catch (e) {
      await closeAll();
      throw e;
    }
  }

  get database(): string {
    return this.url.database;
  }

  get cluster(): string | null {
    return this.url.cluster;
  }

  /** Runs a statement that returns no rows (DDL, INSERT ... SELECT) on one endpoint. */
  async command(statement: string, node = 0, settings: Record<string, string | number> = {}): Promise<void> {
    const n = this.nodes[node];
    try {
      await n.client.command({ query: statement, clickhouse_settings: settings });
    } catch (e) {
      throw describeFailure(this.url, n, e, statement);
    }
  }

  /** Runs a statement on every endpoint, one after another. */
  async commandOnEach(statement: string): Promise<void> {
    for (let i = 0; i < this.nodes.length; i++) await this.command(statement, i);
  }

  /** Runs a query and returns its rows as JSON objects (64-bit integers come back as strings). */
  async query<T = Record<string, unknown>>(statement: string, node = 0, settings: Record<string, string | number> = {}): Promise<T[]> {
    const n = this.nodes[node];
    try {
      // A shard that does not answer fails the query (never a partial sum over the shards that did).
      const all = this.url.cluster === null ? settings : { skip_unavailable_shards: 0, ...settings };
      const rs = await n.client.query({ query: statement, format: 'JSONEachRow', clickhouse_settings: all });
      return await rs.json<T>();
    } catch (e) {
      throw describeFailure(this.url, n, e, statement);
    }
  }

  /** Inserts rows as JSONEachRow into `db.table` through one endpoint. */
  async insert(table: string, rows: ReadonlyArray<Record<string, unknown>>, node = 0, settings: Record<string, string | number> = {}): Promise<void> {
    if (rows.length === 0) return;
    const n = this.nodes[node];
    try {
      await n.client.insert({ table, values: rows as Array<Record<string, unknown>>, format: 'JSONEachRow', clickhouse_settings: settings });
    } catch (e) {
      throw describeFailure(this.url, n, e, `INSERT INTO ${table}`);
    }
  }

  /**
   * Streams rows already in `format` (e.g. CSV written by DuckDB's COPY) into `db.table` through one
   * endpoint: no row is parsed or serialised in JavaScript.
   */
  async insertStream(
    table: string,
    columns: readonly string[],
    values: Readable,
    format: 'CSV' | 'TabSeparated',
    node = 0,
    settings: Record<string, string | number> = {},
  ): Promise<void> {
    const n = this.nodes[node];
    try {
      await n.client.insert({ table, values, format, columns: columns as [string, ...string[]], clickhouse_settings: settings });
    } catch (e) {
      throw describeFailure(this.url, n, e, `INSERT INTO ${table}`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.client.close().catch(() => undefined)));
  }
}

/** ClickHouse error codes for bad credentials: 192 unknown user, 193 wrong password (18.x), 516 authentication failed (later). */
const AUTH_CODES = new Set(['192', '193', '516']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET']);

function describeFailure(u: ClickHouseUrl, n: ClickHouseNode, e: unknown, statement?: string): WarehouseError {
  const err = e as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const message = typeof err.message === 'string' ? err.message.split('\n')[0] : String(e);
  // 18.16 words errors "Code: 193, e.displayText() = ...", which the client does not parse into `code`.
  const code =
    typeof err.code === 'string' && err.code ? err.code : typeof err.cause?.code === 'string' ? err.cause.code : (/^Code: (\d+)/.exec(message)?.[1] ?? '');
  if (AUTH_CODES.has(code))
    return new WarehouseError('WAREHOUSE_AUTH', `ClickHouse at ${u.redacted} refused the credentials of user "${u.user}" (${n.name}: ${message})`, e);
  if (NETWORK_CODES.has(code) || /timeout|socket hang up|ECONNREFUSED/i.test(message))
    return new WarehouseError('WAREHOUSE_UNREACHABLE', `cannot reach ClickHouse at ${u.redacted} (${n.name}: ${code || message})`, e);
  const what = statement ? ` running ${statement.replace(/\s+/g, ' ').trim().slice(0, 160)}` : '';
  return new WarehouseError('WAREHOUSE_QUERY', `ClickHouse at ${u.redacted} (${n.name}) failed${what}: ${message}`, e);
}
