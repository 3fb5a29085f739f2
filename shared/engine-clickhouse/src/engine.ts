import type { Dialect, Sql, Warehouse } from '@refunds/warehouse';
import { ClickHouseWarehouse } from './client';
import { clickhouseDialect, compileClickHouse } from './dialect';
import { CH_ROLLUP_SIGNATURE, ROLLUPS_META_KEY } from './rollups';
import { ChNames } from './schema';
import { stringLiteral } from './literal';
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
 * A pinned reader answers from the rollups when the pinned version's load built them with this
 * definition (rollups.ts); the unpinned one, whose every statement may read another version, from
 * refund_facts.
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

  /** Whether the load that wrote `version` built the rollups, with this definition. */
  async rollupsAt(version: number): Promise<boolean> {
    const [row] = await this.warehouse.query<{ n: number | string }>(
      `SELECT count() AS n FROM ${this.names.local('meta')} WHERE key = ${stringLiteral(ROLLUPS_META_KEY)} AND _version = ${Math.trunc(version)} AND value = ${stringLiteral(CH_ROLLUP_SIGNATURE)}`,
    );
    return Number(row?.n ?? 0) > 0;
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
  async pin(opts: { rollups?: boolean } = {}): Promise<Warehouse> {
    const v = await this.committedVersion();
    const rollups = opts.rollups !== false && (await this.rollupsAt(v));
    return { dialect: this.dialect, rollups, query: <T>(q: Sql) => this.queryAt<T>(q, v) };
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
