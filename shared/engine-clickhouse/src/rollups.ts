import { createHash } from 'node:crypto';
import { AMOUNT_BAND_SQL, COARSE_GRAINS, MEASURES, ROLLUPS, type CoarseGrain, type Dialect } from '@refunds/warehouse';
import { clickhouseDialect } from './dialect';
import { truncToGrain, tsToDate } from './expressions';
import { bigintLiteral, chIdent, numberLiteral } from './literal';
import { ChNames, CH_TABLE, ROLLUP_TABLES, supersededOf } from './schema';

/**
 * The rollups on ClickHouse: the tables the warehouse model declares (ROLLUP_DDL), built by every
 * load on every shard from that shard's own rows at the load's version (INSERT ... SELECT, nothing
 * leaves the shard), with the same measures as DuckDB's rollups written in the ClickHouse dialect.
 * Readers read them only at a version whose load built them with this definition (`ROLLUPS_META_KEY`
 * in meta holds CH_ROLLUP_SIGNATURE), else refund_facts.
 *
 * Unlike DuckDB's, they are not updated group by group: a load rebuilds them from the shard's facts.
 * The data-wide cut-offs (latest order and request) are those of the load's version, inlined.
 */

/** The meta key a load writes (value CH_ROLLUP_SIGNATURE) under its version once its rollups are built. */
export const ROLLUPS_META_KEY = 'rollups';

/** The data's latest order and request time at the version being built (microseconds; null for none). */
export interface LatestTimes {
  ordered_at: bigint | null;
  requested_at: bigint | null;
}

interface ChBuild {
  table: string;
  /** Rows of the source on one shard (SQL text, at the version). */
  source: (v: string) => string;
  /** The rollup it is summed from, built before it in the same load. */
  from?: string;
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

/** This shard's refund_facts at `v`: per customer, the rows of its newest rewrite. */
function shardFacts(names: ChNames, v: string): string {
  return `(SELECT * FROM ${names.local('refund_facts')} WHERE _version <= ${v} AND (customer_id, _version) NOT IN
    (SELECT customer_id, fact_version FROM ${names.local('fact_superseded')} WHERE _version <= ${v}))`;
}

/** A rollup built earlier in the same load on this shard. */
const built = (names: ChNames, table: string) => ({ from: table, source: (v: string) => `(SELECT * FROM ${names.local(table)} WHERE _version = ${v})` });

const COARSE_DAY: Readonly<Record<CoarseGrain, string>> = { week: 'toMonday(day)', month: 'toStartOfMonth(day)', year: 'toStartOfYear(day)' };

/** Group columns of a rollup: its columns before the measures (the first is its time, where it has one). */
function columnsOf(table: string): { groups: string[]; measures: string[] } {
  const cols = ROLLUP_TABLES.find((t) => t.name === table)!
    .columns.map((c) => c.name)
    .filter((c) => c !== '_version');
  const measures = new Set([...MEASURES.map((m) => m.name), 'n', 'first_wk']);
  return { groups: cols.filter((c) => !measures.has(c)), measures: cols.filter((c) => measures.has(c)) };
}

function builds(names: ChNames, d: Dialect): ChBuild[] {
  const facts = (v: string) => shardFacts(names, v);
  const merged = (table: string) =>
    columnsOf(table).measures.map((m) => (MEASURES.find((x) => x.name === m)!.merge === 'fsum' ? `sumKahan(${chIdent(m)})` : `sum(${chIdent(m)})`));
  const out: ChBuild[] = [
    ...ROLLUPS.map((r) => ({ table: r.table, source: facts, time: tsToDate('requested_at'), measures: MEASURES.map((m) => m.fact(d)) })),
    { table: 'order_daily', source: (v: string) => shardRows(names, 'orders', v), time: tsToDate('ordered_at'), measures: ['count()'] },
    { table: 'product_weekly', source: facts, time: truncToGrain('requested_at', 'WEEK'), measures: ['count()'], where: 'product_id IS NOT NULL' },
    { table: 'defect_weekly', ...built(names, 'product_weekly'), measures: ['sum(n)'], where: `reason_family = 'defect'` },
    { table: 'product_lines', ...built(names, 'product_weekly'), measures: ['min(wk)', 'sum(n)'] },
    { table: 'defect_line_weekly', ...built(names, 'defect_weekly'), measures: ['sum(n)'] },
    // The monthly rollup before the yearly one, which is summed from it (COARSE_GRAINS' order).
    ...ROLLUPS.flatMap((r) =>
      COARSE_GRAINS.map((g) => ({
        table: r.coarser[g],
        ...built(names, g === 'year' ? r.coarser.month : r.table),
        time: COARSE_DAY[g],
        measures: merged(r.table),
      })),
    ),
  ];
  for (const [i, b] of out.entries()) {
    if (b.from !== undefined && out.findIndex((x) => x.table === b.from) >= i) throw new Error(`ClickHouse rollup ${b.table} is built before ${b.from}`);
  }
  return out;
}

/** A dialect whose data-wide cut-offs are the given latest times (a shard has no `meta`; it is on the first endpoint). */
function withLatest(names: ChNames, latest: LatestTimes): Dialect {
  const lit = (t: bigint | null) => (t === null ? 'CAST(NULL AS Nullable(Int64))' : `toNullable(toInt64(${bigintLiteral(t)}))`);
  return { ...clickhouseDialect(names), latest: (column) => lit(latest[column]) };
}

/**
 * The statements that build every rollup on one shard at `version`, in order (a rollup summed from
 * another comes after it). Each writes the shard's rows of one table under the version.
 */
export function rollupBuildSql(names: ChNames, version: number, latest: LatestTimes): string[] {
  const v = numberLiteral(version);
  return builds(names, withLatest(names, latest)).map((b) => {
    const { groups, measures } = columnsOf(b.table);
    const [first, ...rest] = groups;
    // The amount band is computed from a fact; a rollup summed from another has it as a column.
    const keyExpr = (k: string) => (k === 'amount_band' && b.from === undefined ? AMOUNT_BAND_SQL : chIdent(k));
    // Group expressions are aliased apart from the source's columns (ClickHouse sees an alias in the whole SELECT).
    const groupSel = [b.time === undefined ? `${keyExpr(first)} AS g_${first}` : `${b.time} AS g_${first}`, ...rest.map((k) => `${keyExpr(k)} AS g_${k}`)];
    const cols = [...groups, ...measures, '_version'].map(chIdent).join(', ');
    return `INSERT INTO ${names.local(b.table)} (${cols})
SELECT ${groupSel.join(', ')},
  ${b.measures.map((m, i) => `${m} AS m_${i}`).join(',\n  ')},
  toUInt64(${v}) AS g_version
FROM ${b.source(v)} AS src
WHERE ${b.where ?? '1'}
GROUP BY ${groups.map((k) => `g_${k}`).join(', ')}`;
  });
}

/**
 * Identifies the ClickHouse rollups' definition (their tables and build statements): a version built
 * by another definition is read from refund_facts instead.
 */
export const CH_ROLLUP_SIGNATURE = createHash('sha256')
  .update(JSON.stringify([ROLLUP_TABLES, rollupBuildSql(new ChNames('db', 'c'), 1, { ordered_at: 0n, requested_at: 0n })]))
  .digest('hex')
  .slice(0, 12);
