import type { Dialect, Sql, Warehouse } from '@refunds/warehouse';
import { ClickHouseWarehouse } from './client';
import { clickhouseDialect, compileClickHouse } from './dialect';
import { ChNames } from './schema';
import type { ClickHouseUrl } from './url';

/** The reporting currency stored in `meta` as of a data version; null before the first load. */
export async function storedCurrencyAt(w: ClickHouseWarehouse, names: ChNames, version: number): Promise<string | null> {
  const rows = await w.query<{ v: string }>(
    `SELECT argMax(value, _version) AS v FROM ${names.local('meta')} WHERE key = 'reporting_currency' AND _version <= ${Math.trunc(version)} GROUP BY key`,
  );
  return rows[0]?.v ?? null;
}

/**
 * The server's reader of a ClickHouse warehouse (`Warehouse`): statements are written with the
 * ClickHouse dialect, compiled with their values inlined, and read the data version pinned when
 * the statement (or the `pin()`ned reader) started, so every answer is from before or after a load.
 * The rollups are not built on ClickHouse yet: queries answer from refund_facts.
 */
export class ClickHouseEngine implements Warehouse {
  readonly dialect: Dialect;
  readonly rollups = false;
  readonly names: ChNames;

  constructor(readonly warehouse: ClickHouseWarehouse) {
    this.names = new ChNames(warehouse.database, warehouse.cluster);
    this.dialect = clickhouseDialect(this.names);
  }

  static async connect(url: string | ClickHouseUrl): Promise<ClickHouseEngine> {
    return new ClickHouseEngine(await ClickHouseWarehouse.connect(url));
  }

  /** The newest committed load (0 before the first): load_versions lives on the first endpoint. */
  async committedVersion(): Promise<number> {
    const [row] = await this.warehouse.query<{ v: number | string }>(`SELECT max(version) AS v FROM ${this.names.local('load_versions')}`);
    return Number(row?.v ?? 0);
  }

  /** The reporting currency stored with the data as of `version`; null before the first load. */
  async storedCurrency(version: number): Promise<string | null> {
    return storedCurrencyAt(this.warehouse, this.names, version);
  }

  /** Runs a read at the newest committed version (this reader caches nothing). */
  async query<T>(q: Sql): Promise<T[]> {
    return this.queryAt<T>(q, await this.committedVersion());
  }

  /** Runs a read at `version`. */
  async queryAt<T>(q: Sql, v: number): Promise<T[]> {
    // Counts and sums come back as JSON numbers, as the DuckDB reader gives them.
    return this.warehouse.query<T>(compileClickHouse(q, v), 0, { output_format_json_quote_64bit_integers: 0 });
  }

  /** A reader fixed at the version committed now: a request's several queries see one version. */
  async pin(): Promise<Warehouse> {
    const v = await this.committedVersion();
    return { dialect: this.dialect, rollups: this.rollups, query: <T>(q: Sql) => this.queryAt<T>(q, v) };
  }

  /** Every endpoint (shard) answers, and the first has the load bookkeeping. */
  async ping(): Promise<void> {
    await Promise.all(this.warehouse.nodes.map((_, i) => this.warehouse.query('SELECT 1 AS one', i)));
    await this.committedVersion();
  }

  close(): Promise<void> {
    return this.warehouse.close();
  }
}
