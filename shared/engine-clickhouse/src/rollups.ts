import { createHash } from 'node:crypto';
import {
  AMOUNT_BAND_SQL,
  CUTOFF_COMPARISONS,
  CUTOFF_NAMES,
  cutoffRef,
  keepsSourceTime,
  MEASURE_BY_NAME,
  ROLLUP_BUILDS,
  rollupGroupsAndMeasures,
  type Dialect,
  type RollupBuildDef,
  type RollupPeriod,
} from '@refunds/warehouse';
import { clickhouseDialect } from './dialect';
import { tsToDateTime } from './expressions';
import { bigintLiteral, chIdent, numberLiteral, stringLiteral } from './literal';
import { ChNames, CH_TABLE, currentRollup, ROLLUP_TABLES, rollupSupersededOf, supersededOf } from './schema';

/**
 * The rollups on ClickHouse: the tables the warehouse model declares (ROLLUP_DDL), built on every
 * shard from that shard's own rows (INSERT ... SELECT, nothing leaves the shard), with the same
 * measures as DuckDB's rollups written in the ClickHouse dialect. A group's rows on the shards add up.
 *
 * Versions: a row carries the load that computed it (`_version`) and its group's hash (`_gk`). A first
 * load (or one that recomputes every fact) builds every group; later loads recompute only the groups
 * their changes fall in, as DuckDB's rollups are updated: the groups of the affected customers' facts
 * before and after, of the facts whose side of a data-wide cut-off moved, of the orders written or
 * replaced, and, for a rollup summed from another, the groups its source's recomputed rows fall in.
 * The replaced rows are listed in the rollup's `_superseded` table, so a reader pinned at a version
 * sees the rows current then (`currentRollup`), as for the sharded data tables. Readers use them only
 * at a version whose load built them with this definition (`ROLLUPS_META_KEY` in meta holds
 * CH_ROLLUP_SIGNATURE), else refund_facts.
 */

/** The meta key a load writes (value CH_ROLLUP_SIGNATURE) under its version once its rollups are built. */
export const ROLLUPS_META_KEY = 'rollups';

/** The data's latest order and request time at a version (microseconds; null for none). */
export interface LatestTimes {
  ordered_at: bigint | null;
  requested_at: bigint | null;
}

interface ChBuild {
  table: string;
  /** Every row of the source on one shard at a version (SQL text). */
  source: (v: string) => string;
  /** The rows whose groups an increment at a version recomputes (SQL text; cut-off moves are added for facts). */
  changes: (v: string) => string;
  /** The rollup it is summed from, built before it in the same load. */
  from?: string;
  /** The source is refund_facts: moved cut-offs change its measures too. */
  facts?: true;
  /** The first column's expression over a source row (the day or week; absent: it is a group key too). */
  time?: string;
  /** The measure columns' aggregates, in the table's column order after the groups. */
  measures: readonly string[];
  where?: string;
}

/** Every row of a sharded data table on this shard at `v` (not replaced by a load up to it, not deleted). */
function shardRows(names: ChNames, table: string, v: string): string {
  const key = CH_TABLE.get(table)!.key!.map(chIdent).join(', ');
  return `(SELECT * FROM ${names.local(table)} WHERE _version <= ${v} AND _deleted = 0 AND (${key}, _version) NOT IN
    (SELECT ${key}, row_version FROM ${names.local(supersededOf(table))} WHERE _version <= ${v}))`;
}

/** The rows of a sharded data table a load at `v` wrote or replaced on this shard (a tombstone's replaced row included). */
function shardRowChanges(names: ChNames, table: string, v: string): string {
  const key = CH_TABLE.get(table)!.key!.map(chIdent).join(', ');
  return `(SELECT * FROM ${names.local(table)} WHERE _version = ${v} AND _deleted = 0
    UNION ALL SELECT * FROM ${names.local(table)} WHERE (${key}, _version) IN
      (SELECT ${key}, row_version FROM ${names.local(supersededOf(table))} WHERE _version = ${v}))`;
}

/** This shard's refund_facts at `v`: per customer, the rows of its newest rewrite. */
function shardFacts(names: ChNames, v: string): string {
  return `(SELECT * FROM ${names.local('refund_facts')} WHERE _version <= ${v} AND (customer_id, _version) NOT IN
    (SELECT customer_id, fact_version FROM ${names.local('fact_superseded')} WHERE _version <= ${v}))`;
}

/** The facts a load at `v` rewrote on this shard, before (at `before`) and after. */
function shardFactChanges(names: ChNames, v: string, before: string): string {
  const affected = `customer_id IN (SELECT customer_id FROM ${names.local('fact_versions')} WHERE _version = ${v})`;
  return `(SELECT * FROM ${shardFacts(names, before)} WHERE ${affected}
    UNION ALL SELECT * FROM ${shardFacts(names, v)} WHERE ${affected})`;
}

/** A rollup's rows a load at `v` recomputed on this shard, as they were before and after. */
function rollupChanges(names: ChNames, table: string, v: string): string {
  return `(SELECT * FROM ${names.local(table)} WHERE _version = ${v}
    UNION ALL SELECT * FROM ${names.local(table)} WHERE (_gk, _version) IN
      (SELECT gk, row_version FROM ${names.local(rollupSupersededOf(table))} WHERE _version = ${v}))`;
}

/** A rollup summed from another built before it in the same load. */
const summedFrom = (names: ChNames, table: string) => ({
  from: table,
  source: (v: string) => currentRollup(names, table, v),
  changes: (v: string) => rollupChanges(names, table, v),
});

/** The first day of the period holding a DateTime or Date, as a Date (18.16 has toMonday, not toStartOfWeek). */
const PERIOD_START: Readonly<Record<RollupPeriod, (dt: string) => string>> = {
  day: (dt) => `toDate(${dt})`,
  week: (dt) => `toMonday(${dt})`,
  month: (dt) => `toStartOfMonth(${dt})`,
  year: (dt) => `toStartOfYear(${dt})`,
};

/** A rollup's group columns (its time first, where it has one) and measure columns, in table order. */
const columnsOf = (table: string) => rollupGroupsAndMeasures(ROLLUP_BUILDS.find((b) => b.table === table)!);

/** A group's hash from its columns' values: each length-prefixed, NULL as '-', so no two groups' texts are the same. */
const groupHash = (exprs: readonly string[]): string =>
  `sipHash64(concat(${exprs.map((e) => `ifNull(concat(toString(length(toString(${e}))), ':', toString(${e})), '-')`).join(', ')}))`;

/** The model's declarations (ROLLUP_BUILDS) as this shard's sources and aggregates. */
function builds(names: ChNames, d: Dialect, before: string): ChBuild[] {
  const facts = { source: (v: string) => shardFacts(names, v), changes: (v: string) => shardFactChanges(names, v, before), facts: true as const };
  const orders = { source: (v: string) => shardRows(names, 'orders', v), changes: (v: string) => shardRowChanges(names, 'orders', v) };
  return ROLLUP_BUILDS.map((b): ChBuild => {
    const fromRollup = ROLLUP_BUILDS.find((x) => x.table === b.source);
    const input = b.source === 'refund_facts' ? facts : b.source === 'orders' ? orders : summedFrom(names, b.source);
    const measures = rollupGroupsAndMeasures(b).measures.map((col) => aggregateOf(b, col, d));
    return { table: b.table, ...input, time: timeOf(b, fromRollup), measures, where: b.where };
  });
}

/** The first group's expression over a source row (absent: the build has no time, or takes the source's as it is). */
function timeOf(b: RollupBuildDef, fromRollup: RollupBuildDef | undefined): string | undefined {
  if (!b.time || keepsSourceTime(b, fromRollup)) return undefined;
  // A rollup's time column is a Date already; a data table's is a stored timestamp.
  return PERIOD_START[b.time.period](fromRollup ? b.time.of : tsToDateTime(b.time.of));
}

/** A measure column's aggregate over the build's source rows. */
function aggregateOf(b: RollupBuildDef, column: string, d: Dialect): string {
  if (b.measures === 'fact') return MEASURE_BY_NAME.get(column)!.fact(d);
  if (b.measures === 'merge') return MEASURE_BY_NAME.get(column)!.merge === 'fsum' ? `sumKahan(${chIdent(column)})` : `sum(${chIdent(column)})`;
  const m = b.measures.find((x) => x.as === column);
  if (!m) throw new Error(`ClickHouse rollup ${b.table}: no aggregate declared for ${column}`);
  switch (m.fn) {
    case 'count':
      return 'count()';
    case 'sum':
      return `sum(${m.of})`;
    case 'min':
      return `min(${m.of})`;
  }
}

/** A dialect whose data-wide cut-offs are the given latest times (a shard has no `meta`; it is on the first endpoint). */
function withLatest(names: ChNames, latest: LatestTimes): Dialect {
  const lit = (t: bigint | null) => (t === null ? 'CAST(NULL AS Nullable(Int64))' : `toNullable(toInt64(${bigintLiteral(t)}))`);
  return { ...clickhouseDialect(names), latest: (column) => lit(latest[column]) };
}

/** Whether the increment can keep the rollups: a cut-off that appeared or vanished needs every group again (as on DuckDB). */
export function cutoffsComparable(before: LatestTimes, after: LatestTimes): boolean {
  return (before.ordered_at === null) === (after.ordered_at === null) && (before.requested_at === null) === (after.requested_at === null);
}

export interface RollupBuild {
  version: number;
  /** The version readers see before this load (0: none). */
  committed: number;
  latest: LatestTimes;
  /** An increment over the committed version, whose latest times these were; absent: every group is built. */
  increment?: { latest: LatestTimes };
}

/**
 * The statements that bring every rollup on one shard to `version`, in order (a rollup summed from
 * another comes after it). A full build supersedes every row current before and writes every group;
 * an increment lists the groups its changes fall in (rollup_touched), supersedes their current rows
 * and writes them again from the source at the version.
 */
export function rollupBuildSql(names: ChNames, build: RollupBuild): string[] {
  const v = numberLiteral(build.version);
  const committed = numberLiteral(build.committed);
  const dNew = withLatest(names, build.latest);
  const dOld = build.increment ? withLatest(names, build.increment.latest) : dNew;
  // Facts on the other side of a moved cut-off than at the committed version.
  const moved = build.increment
    ? CUTOFF_NAMES.map((cut) => {
        const col = CUTOFF_COMPARISONS[cut].column;
        const [a, b] = [cutoffRef(dOld, cut), cutoffRef(dNew, cut)];
        return `(${col} >= least(${a}, ${b}) AND ${col} <= greatest(${a}, ${b}) AND ${a} != ${b})`;
      })
    : [];
  return builds(names, dNew, committed).flatMap((b) => {
    const { groups, measures } = columnsOf(b.table);
    const [first, ...rest] = groups;
    // The amount band is computed from a fact; a rollup summed from another has it as a column.
    const keyExpr = (k: string) => (k === 'amount_band' && b.from === undefined ? AMOUNT_BAND_SQL : chIdent(k));
    const groupExprs = [b.time ?? keyExpr(first), ...rest.map(keyExpr)];
    const table = names.local(b.table);
    const touched = `(SELECT gk FROM ${names.local('rollup_touched')} WHERE rollup = ${stringLiteral(b.table)} AND _version = ${v})`;
    const cols = [...groups, ...measures, '_gk', '_version'].map(chIdent).join(', ');
    // Group expressions are aliased apart from the source's columns (ClickHouse sees an alias in the whole SELECT).
    const insert = (onlyTouched: boolean) => `INSERT INTO ${table} (${cols})
SELECT ${groupExprs.map((e, i) => `${e} AS g_${groups[i]}`).join(', ')},
  ${b.measures.map((m, i) => `${m} AS m_${i}`).join(',\n  ')},
  ${groupHash(groups.map((k) => `g_${k}`))} AS g_gk,
  toUInt64(${v}) AS g_version
FROM ${b.source(v)} AS src
WHERE ${b.where ?? '1'}${onlyTouched ? ` AND ${groupHash(groupExprs)} IN ${touched}` : ''}
GROUP BY ${groups.map((k) => `g_${k}`).join(', ')}`;
    const supersede = (which: string) =>
      `INSERT INTO ${names.local(rollupSupersededOf(b.table))} (gk, row_version, _version) SELECT _gk, _version, toUInt64(${v}) FROM ${currentRollup(names, b.table, committed)} AS cur${which}`;
    if (!build.increment) return [supersede(''), insert(false)];
    const changes =
      b.facts && moved.length ? `(SELECT * FROM ${b.changes(v)} UNION ALL SELECT * FROM ${b.source(v)} WHERE ${moved.join(' OR ')})` : b.changes(v);
    return [
      `INSERT INTO ${names.local('rollup_touched')} (rollup, gk, _version)
SELECT DISTINCT ${stringLiteral(b.table)}, ${groupHash(groupExprs)}, toUInt64(${v}) FROM ${changes} AS src WHERE ${b.where ?? '1'}`,
      supersede(` WHERE _gk IN ${touched}`),
      insert(true),
    ];
  });
}

/**
 * Identifies the ClickHouse rollups' definition (their tables and build statements): a version built
 * by another definition is read from refund_facts instead.
 */
export const CH_ROLLUP_SIGNATURE = createHash('sha256')
  .update(
    JSON.stringify([
      ROLLUP_TABLES,
      rollupBuildSql(new ChNames('db', 'c'), {
        version: 2,
        committed: 1,
        latest: { ordered_at: 0n, requested_at: 0n },
        increment: { latest: { ordered_at: 0n, requested_at: 0n } },
      }),
    ]),
  )
  .digest('hex')
  .slice(0, 12);
