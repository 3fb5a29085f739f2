import { REV_WINDOWS, revColumn } from '@refunds/warehouse';
import { ENGINE_TYPES, ROLLUP_BUILDS, rollupColumnSpecs, TABLES, type ColumnSpec, type ColumnType, type TableName } from '@refunds/warehouse';
import type { ClickHouseWarehouse } from './client';
import { chIdent, stringLiteral } from './literal';

/**
 * The warehouse's tables on ClickHouse, from the same table specs as DuckDB.
 *
 * Placement (with `cluster`; without it every table is one plain MergeTree on the first endpoint):
 * - **sharded**: orders, refunds, surveys, the source records, refund_facts and fact_versions. A local
 *   MergeTree `<t>_local` on every shard and a Distributed `<t>` over them, sharded by
 *   `cityHash64(customer_id)`, so a customer's orders, refunds, surveys and facts sit on one shard and
 *   the facts are derived shard-locally.
 * - **replicated**: the small dimension tables without a customer (agents, incentive_plans,
 *   policy_changes, fx_rates, reason_families): the same rows written to a local table on every
 *   shard, so shard-local derivation joins them without leaving the shard. Read from any one shard.
 * - **coordinator**: load bookkeeping (load_history, load_rejects, meta, load_versions) on the first
 *   endpoint only.
 *
 * Versions: every data row carries `_version`, the load that wrote it. A load writes new rows under a
 * new version; it becomes visible when one row is inserted into `load_versions` (the commit). Readers
 * pin `max(version)` of load_versions and read rows with `_version <= pinned`, the newest row per key
 * (refund_facts: the rows of each customer's newest version in fact_versions, i.e. those not listed
 * in fact_superseded by a load up to the pinned one). A load that crashes
 * leaves rows of an uncommitted version, invisible to readers; the next load deletes them first.
 *
 * Types: ClickHouse 18.16 has no DateTime64 and its DateTime has no fraction of a second, so
 * timestamps are Int64 microseconds since 1970-01-01 UTC (exact, as DuckDB's TIMESTAMP); dates are
 * Date (1970-01-01 .. 2105-12-31); booleans UInt8 (18.16 has no Bool); decimals Float64 as DuckDB's DOUBLE.
 */

export type Placement = 'sharded' | 'replicated' | 'coordinator';

export interface ChColumn {
  name: string;
  type: string;
}

export interface ChTable {
  name: string;
  placement: Placement;
  columns: readonly ChColumn[];
  /** MergeTree sort key. */
  orderBy: readonly string[];
  /** Key columns: the newest `_version` per key is the row (data tables only). */
  key?: readonly string[];
  /** A rollup: each shard's rows summed from its own facts, all of them rebuilt by every load under its version. */
  rollup?: true;
}

export const chType = (t: ColumnType): string => ENGINE_TYPES[t].clickhouse;

const colType = (c: ColumnSpec, forceRequired: boolean): string => (c.required || forceRequired ? chType(c.type) : `Nullable(${chType(c.type)})`);

const SHARDED: ReadonlySet<TableName> = new Set(['orders', 'refunds', 'surveys', 'src_tickets', 'src_payments', 'src_shop_orders']);

const VERSION_COLS: readonly ChColumn[] = [
  { name: '_version', type: 'UInt64' },
  { name: '_deleted', type: 'UInt8' },
];

/** Data tables from the table specs (key columns are never null: they are required by validation). */
export const DATA_TABLES: readonly ChTable[] = TABLES.map((t) => ({
  name: t.name,
  placement: SHARDED.has(t.name) ? 'sharded' : 'replicated',
  columns: [...t.columns.map((c) => ({ name: c.name, type: colType(c, t.key.includes(c.name)) })), ...VERSION_COLS],
  orderBy: [...t.key, '_version'],
  key: t.key,
}));

const S = 'Nullable(String)';
const TS = 'Nullable(Int64)';
const F = 'Nullable(Float64)';

/** refund_facts as FACTS_DDL (etl/src/load/derive.ts) declares it, plus `_version`. */
export const FACTS_COLUMNS: readonly ChColumn[] = [
  { name: 'refund_id', type: 'String' },
  { name: 'order_id', type: 'String' },
  { name: 'customer_id', type: 'String' },
  ...['agent_id', 'channel', 'product_id', 'product_line', 'reason_code', 'reason_family'].map((name) => ({ name, type: S })),
  { name: 'requested_at', type: TS },
  { name: 'decided_at', type: TS },
  { name: 'paid_at', type: TS },
  { name: 'decision', type: S },
  { name: 'requested_amount', type: F },
  { name: 'refunded_amount', type: F },
  { name: 'currency', type: S },
  { name: 'payout_status', type: S },
  { name: 'contacts', type: 'Nullable(Int32)' },
  { name: 'escalated', type: 'Nullable(UInt8)' },
  { name: 'reopened', type: 'Nullable(UInt8)' },
  { name: 'evidence_complete', type: 'Nullable(UInt8)' },
  ...['reviewer_id', 'policy_version', 'campaign', 'team', 'customer_type'].map((name) => ({ name, type: S })),
  { name: 'resolution_hours', type: F },
  { name: 'next_order_at', type: TS },
  ...REV_WINDOWS.map((w) => ({ name: revColumn(w), type: F })),
  ...['csat_n', 'csat_sum', 'csat_hi', 'nps_n', 'nps_pro', 'nps_det'].map((name) => ({ name, type: 'Nullable(Int32)' })),
  { name: 'csat_sq', type: 'Nullable(Int64)' },
  { name: '_version', type: 'UInt64' },
];

export const DERIVED_TABLES: readonly ChTable[] = [
  { name: 'refund_facts', placement: 'sharded', columns: FACTS_COLUMNS, orderBy: ['customer_id', 'refund_id', '_version'] },
  // Which customers' facts a load rewrote: readers take each customer's newest version (<= pinned).
  {
    name: 'fact_versions',
    placement: 'sharded',
    columns: [
      { name: 'customer_id', type: 'String' },
      { name: '_version', type: 'UInt64' },
    ],
    orderBy: ['customer_id', '_version'],
  },
  // Which of a customer's fact versions a later load replaced (`_version`, the replacing load): readers
  // drop those rows. A first load replaces nothing, so its readers test against an empty set.
  {
    name: 'fact_superseded',
    placement: 'sharded',
    columns: [
      { name: 'customer_id', type: 'String' },
      { name: 'fact_version', type: 'UInt64' },
      { name: '_version', type: 'UInt64' },
    ],
    orderBy: ['customer_id', 'fact_version', '_version'],
  },
  {
    name: 'reason_families',
    placement: 'replicated',
    columns: [{ name: 'reason_code', type: 'String' }, { name: 'family', type: 'String' }, ...VERSION_COLS],
    orderBy: ['reason_code', '_version'],
    key: ['reason_code'],
  },
];

const ROLLUP_TYPES: Readonly<Record<string, string>> = { DATE: 'Nullable(Date)', VARCHAR: 'Nullable(String)', BIGINT: 'Int64', DOUBLE: 'Float64' };

/**
 * The rollups the warehouse model declares (ROLLUP_BUILDS), on every shard: each shard's rows are summed
 * from its own customers' facts, so a group's rows on the two shards add up (every measure is a count
 * or a sum; product_lines' first week is a minimum, which readers take over both). Partitioned by the
 * version that built them, so dropping an old build drops whole parts.
 */
export const ROLLUP_TABLES: readonly ChTable[] = ROLLUP_BUILDS.map((b) => {
  const columns = rollupColumnSpecs(b).map(({ name, type }) => {
    const ch = ROLLUP_TYPES[type];
    if (!ch) throw new Error(`rollup ${b.table}: no ClickHouse type for ${type}`);
    return { name, type: ch };
  });
  return {
    name: b.table,
    placement: 'sharded',
    rollup: true,
    // _gk: a hash of the group's columns, by which a load replaces the groups it recomputed (ROLLUP_SUPERSEDED_TABLES).
    columns: [...columns, { name: '_gk', type: 'UInt64' }, { name: '_version', type: 'UInt64' }],
    orderBy: ['_version', columns[0].name],
  };
});

/** The `_superseded` companion of a rollup (see ROLLUP_SUPERSEDED_TABLES). */
export const rollupSupersededOf = (table: string): string => `${table}_superseded`;

/**
 * Per rollup, on each shard, which of its rows (group `gk`, `row_version`) a later load (`_version`)
 * replaced with the group recomputed (or removed, when no fact is left in it): readers drop those.
 */
export const ROLLUP_SUPERSEDED_TABLES: readonly ChTable[] = ROLLUP_TABLES.map((t) => ({
  name: rollupSupersededOf(t.name),
  placement: 'sharded',
  columns: [
    { name: 'gk', type: 'UInt64' },
    { name: 'row_version', type: 'UInt64' },
    { name: '_version', type: 'UInt64' },
  ],
  orderBy: ['gk', 'row_version', '_version'],
}));

/** A rollup's rows current at `v` on one table (local: this shard's; the Distributed table: every shard's). */
export function currentRollup(names: ChNames, table: string, v: string, from: string = names.local(table)): string {
  return `(SELECT * FROM ${from} WHERE _version <= ${v} AND (_gk, _version) NOT IN
    (SELECT gk, row_version FROM ${names.local(rollupSupersededOf(table))} WHERE _version <= ${v}))`;
}

/** The groups of each rollup a load recomputes on a shard (its working set; earlier loads' rows are deleted). */
export const ROLLUP_TOUCHED: ChTable = {
  name: 'rollup_touched',
  placement: 'sharded',
  columns: [
    { name: 'rollup', type: 'String' },
    { name: 'gk', type: 'UInt64' },
    { name: '_version', type: 'UInt64' },
  ],
  orderBy: ['_version', 'rollup', 'gk'],
};

/** A table of load bookkeeping, on the first endpoint only. */
const coordinator = (name: string, orderBy: readonly string[], columns: readonly ChColumn[]): ChTable => ({ name, placement: 'coordinator', columns, orderBy });

/** The `_superseded` companion of a sharded data table (see SUPERSEDED_TABLES). */
export const supersededOf = (table: string): string => `${table}_superseded`;

/**
 * Per sharded data table, which rows (key, row_version) a later load (`_version`) replaced with a row
 * of the same key on the shard (or a deletion marker there): readers drop those rows instead of
 * sorting every row of the table for the newest per key, and a first load replaces nothing.
 */
export const SUPERSEDED_TABLES: readonly ChTable[] = DATA_TABLES.filter((t) => t.placement === 'sharded').map((t) => ({
  name: supersededOf(t.name),
  placement: 'sharded',
  columns: [...t.key!.map((k) => t.columns.find((c) => c.name === k)!), { name: 'row_version', type: 'UInt64' }, { name: '_version', type: 'UInt64' }],
  orderBy: [...t.key!, 'row_version', '_version'],
}));

export const BOOKKEEPING_TABLES: readonly ChTable[] = [
  coordinator(
    'load_history',
    ['load_id'],
    [
      { name: 'load_id', type: 'UInt64' },
      { name: 'started_at', type: 'Int64' },
      { name: 'finished_at', type: TS },
      { name: 'outcome', type: 'String' },
      { name: 'message', type: S },
      { name: 'files', type: 'String' },
      ...['rows_read', 'rows_loaded', 'rows_replaced', 'rows_unchanged', 'rows_rejected', 'duration_ms'].map((name) => ({ name, type: 'Int64' })),
      { name: 'tables', type: 'String' },
    ],
  ),
  coordinator(
    'load_rejects',
    ['load_id', 'table_name', 'file', 'line'],
    [
      { name: 'load_id', type: 'UInt64' },
      { name: 'table_name', type: 'String' },
      { name: 'file', type: 'String' },
      { name: 'line', type: 'Int64' },
      { name: 'column_name', type: 'String' },
      { name: 'value', type: S },
      { name: 'reason', type: 'String' },
    ],
  ),
  coordinator(
    'meta',
    ['key', '_version'],
    [
      { name: 'key', type: 'String' },
      { name: 'value', type: 'String' },
      { name: '_version', type: 'UInt64' },
    ],
  ),
  coordinator(
    'load_versions',
    ['version'],
    [
      { name: 'version', type: 'UInt64' },
      { name: 'committed_at', type: 'Int64' },
    ],
  ),
];

export const ALL_TABLES: readonly ChTable[] = [
  ...DATA_TABLES,
  ...DERIVED_TABLES,
  ...SUPERSEDED_TABLES,
  ...ROLLUP_TABLES,
  ...ROLLUP_SUPERSEDED_TABLES,
  ROLLUP_TOUCHED,
  ...BOOKKEEPING_TABLES,
];
export const CH_TABLE: ReadonlyMap<string, ChTable> = new Map(ALL_TABLES.map((t) => [t.name, t]));

/** Names of one warehouse's tables: `db.<t>_local` and `db.<t>` with a cluster, `db.<t>` for both without. */
export class ChNames {
  constructor(
    readonly database: string,
    readonly cluster: string | null,
  ) {}

  /** The table a query on all the data reads (Distributed for sharded tables on a cluster). */
  all(table: string): string {
    return `${chIdent(this.database)}.${chIdent(table)}`;
  }

  /** The table on one shard (local MergeTree). */
  local(table: string): string {
    const t = CH_TABLE.get(table);
    const sharded = this.cluster !== null && t?.placement === 'sharded';
    return `${chIdent(this.database)}.${chIdent(sharded ? `${table}_local` : table)}`;
  }
}

export const shardingKey = (t: ChTable): string =>
  t.columns.find((c) => c.name === 'customer_id')?.type.startsWith('Nullable') ? `cityHash64(ifNull(customer_id, ''))` : 'cityHash64(customer_id)';

export function mergeTreeDdl(name: string, t: ChTable): string {
  const cols = t.columns.map((c) => `${chIdent(c.name)} ${c.type}`).join(', ');
  // A sorting key cannot hold a Nullable column: a rollup's first column (its day) is sorted as never null.
  const order = t.rollup ? t.orderBy.map((c, i) => (i === 0 ? chIdent(c) : `assumeNotNull(${chIdent(c)})`)) : t.orderBy.map(chIdent);
  const partition = t.rollup ? ' PARTITION BY _version' : '';
  return `CREATE TABLE IF NOT EXISTS ${name} (${cols}) ENGINE = MergeTree${partition} ORDER BY (${order.join(', ')})`;
}

/** Nodes a table lives on: coordinator tables on the first endpoint; without a cluster, everything there. */
export function nodesOf(w: ClickHouseWarehouse, t: ChTable): number[] {
  if (w.cluster === null || t.placement === 'coordinator') return [0];
  return w.nodes.map((_, i) => i);
}

/**
 * A warehouse written before the superseded tables existed: per key, each version but the newest,
 * replaced by the next one (computed from the shard's own rows).
 */
async function backfillSuperseded(
  w: ClickHouseWarehouse,
  target: string,
  source: string,
  key: readonly string[],
  versionCols: readonly string[],
  node: number,
): Promise<void> {
  const k = key.map(chIdent).join(', ');
  await w.command(
    `INSERT INTO ${target} (${k}, ${versionCols.map(chIdent).join(', ')})
     SELECT ${k}, p.1, p.2 FROM (
       SELECT ${k}, arraySort(groupUniqArray(_version)) AS vs FROM ${source} GROUP BY ${k} HAVING length(vs) > 1)
     ARRAY JOIN arrayMap((a, b) -> (a, b), arrayPopBack(vs), arrayPopFront(vs)) AS p`,
    node,
  );
}

/**
 * The rollups whose tables, on some shard, were created by another definition (other columns):
 * `CREATE TABLE IF NOT EXISTS` leaves them as they are, so a load recreates them (recreateRollups).
 */
export async function rollupsOfOtherLayout(w: ClickHouseWarehouse): Promise<ChTable[]> {
  const tableOf = (t: ChTable) => (w.cluster === null ? t.name : `${t.name}_local`);
  const layout = (cols: ReadonlyArray<{ name: string; type: string }>) => cols.map((c) => `${c.name} ${c.type}`).join(', ');
  const stale = new Set<ChTable>();
  for (const i of nodesOf(w, ROLLUP_TABLES[0])) {
    const have = await w.query<{ table: string; name: string; type: string }>(
      `SELECT table, name, type FROM system.columns WHERE database = ${stringLiteral(w.database)} AND table IN (${ROLLUP_TABLES.map((t) => stringLiteral(tableOf(t))).join(', ')})`,
      i,
    );
    for (const t of ROLLUP_TABLES) {
      const cols = have.filter((c) => c.table === tableOf(t));
      if (cols.length > 0 && layout(cols) !== layout(t.columns)) stale.add(t);
    }
  }
  return [...stale];
}

/**
 * Drops the given rollups (their Distributed tables, their rows on every shard and the rows they
 * superseded) and creates them again as declared, empty. Nothing readers use is lost: a version's
 * rollups are read only when its load built them with this definition (CH_ROLLUP_SIGNATURE), and the
 * load that calls this builds every group.
 */
export async function recreateRollups(w: ClickHouseWarehouse, names: ChNames, tables: readonly ChTable[]): Promise<void> {
  for (const t of tables) {
    for (const i of nodesOf(w, t)) {
      if (w.cluster !== null) await w.command(`DROP TABLE IF EXISTS ${names.all(t.name)}`, i);
      await w.command(`DROP TABLE IF EXISTS ${names.local(t.name)}`, i);
      await w.command(`DROP TABLE IF EXISTS ${names.local(rollupSupersededOf(t.name))}`, i);
    }
  }
  if (tables.length > 0) await ensureClickHouseSchema(w);
}

/**
 * Creates the database and every table (idempotent). With a cluster the URL must list one endpoint
 * per shard: schema changes run on each of them (`ON CLUSTER` needs ZooKeeper/Keeper, which a
 * two-process test cluster does not have).
 */
export async function ensureClickHouseSchema(w: ClickHouseWarehouse): Promise<ChNames> {
  const names = new ChNames(w.database, w.cluster);
  if (w.cluster !== null) {
    const [{ shards }] = await w.query<{ shards: string }>(`SELECT count() AS shards FROM system.clusters WHERE cluster = ${stringLiteral(w.cluster)}`);
    if (Number(shards) === 0) throw new Error(`ClickHouse at ${w.url.redacted}: no cluster "${w.cluster}" in remote_servers`);
    if (Number(shards) !== w.nodes.length)
      throw new Error(
        `ClickHouse at ${w.url.redacted}: cluster "${w.cluster}" has ${shards} shard(s) but the URL lists ${w.nodes.length} endpoint(s); list one HTTP endpoint per shard`,
      );
  }
  const nodes = w.cluster === null ? [0] : w.nodes.map((_, i) => i);
  for (const i of nodes) await w.command(`CREATE DATABASE IF NOT EXISTS ${chIdent(w.database)}`, i);
  for (const t of ALL_TABLES) {
    for (const i of nodesOf(w, t)) {
      const [{ had }] = await w
        .query<{ had: string | number }>(`EXISTS TABLE ${names.local(t.name)}`, i)
        .then((r) => r.map((x) => ({ had: Object.values(x)[0] as string | number })));
      await w.command(mergeTreeDdl(names.local(t.name), t), i);
      if (Number(had) === 0 && t.name === 'fact_superseded')
        await backfillSuperseded(w, names.local(t.name), names.local('fact_versions'), ['customer_id'], ['fact_version', '_version'], i);
      const of = DATA_TABLES.find((d) => supersededOf(d.name) === t.name);
      if (Number(had) === 0 && of) await backfillSuperseded(w, names.local(t.name), names.local(of.name), of.key!, ['row_version', '_version'], i);
      // A superseded table is only read shard-locally (it has no customer to shard by); rollups are
      // written shard by shard, never through their Distributed table.
      if (w.cluster !== null && t.placement === 'sharded' && (t.rollup || t.columns.some((c) => c.name === 'customer_id'))) {
        await w.command(
          `CREATE TABLE IF NOT EXISTS ${names.all(t.name)} AS ${names.local(t.name)} ENGINE = Distributed(${chIdent(w.cluster)}, ${chIdent(w.database)}, ${chIdent(`${t.name}_local`)}, ${t.rollup ? 'rand()' : shardingKey(t)})`,
          i,
        );
      }
    }
  }
  return names;
}
