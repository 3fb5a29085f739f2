import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, runSql } from '@refunds/engine-duckdb';
import {
  AMOUNT_BAND_SQL,
  CUTOFFS_CTE,
  CUTOFF_COMPARISONS,
  CUTOFF_NAMES,
  usesCutoffsOnlyBefore,
  type CutoffName,
  measuresSql,
  keepsSourceTime,
  ROLLUP_BUILDS,
  type RollupAggregate,
  type RollupBuildDef,
  type RollupPeriod,
  raw,
  sql,
  type Raw,
  type Sql,
} from '@refunds/warehouse';

/**
 * Building and maintaining the rollups the warehouse model declares (shared/warehouse/src/rollups.ts). A load that recomputes only some
 * customers' facts updates only the rollup rows those facts fall in (delete and re-insert by group
 * key: every measure is a count or a sum, so a group recomputed from its facts is exact), plus the
 * rows whose facts cross a data-wide cut-off that moved (CUTOFF_COMPARISONS).
 */

interface Build {
  table: string;
  columns: string;
  /** refund_facts, orders, or (for a monthly rollup) its daily rollup. */
  source: string;
  /** Group columns: name, and the expression over a source row that gives it. */
  groups: ReadonlyArray<readonly [string, string]>;
  measures: string;
  where: string;
  /** Sort order of a full build, so a time filter skips whole row groups. */
  order: string;
  /** The source's timestamp every group's first column is the date (or week) of (none: the groups have no time). */
  time?: string;
  /** Where an incremental update finds the changed source rows (default: the changed facts or orders). */
  changes?: string;
}

/** The group keys an incremental update recomputed in a rollup (a weekly or monthly rollup's changes are its daily rollup's). */
const keysOf = (table: string) => `_rollup_keys_${table}`;

/** The first day of the period holding a time column, as a date. */
const periodSql = (p: RollupPeriod, col: string) => (p === 'day' ? `CAST(${col} AS DATE)` : `CAST(date_trunc('${p}', ${col}) AS DATE)`);

function aggregateOf(m: RollupAggregate): string {
  switch (m.fn) {
    case 'count':
      return 'count(*)';
    case 'sum':
      // A sum of integers is a HUGEINT on DuckDB; the tables hold BIGINT.
      return `CAST(sum(${m.of}) AS BIGINT)`;
    case 'min':
      return `min(${m.of})`;
  }
}

function measuresOf(b: RollupBuildDef): string {
  if (b.measures === 'fact') return measuresSql('fact').text;
  if (b.measures === 'merge') return measuresSql('rollup').text;
  return b.measures.map((m) => `${aggregateOf(m)} AS ${m.as}`).join(', ');
}

/** The model's declarations (ROLLUP_BUILDS) as DuckDB statements' parts. */
const BUILDS: readonly Build[] = ROLLUP_BUILDS.map((b): Build => {
  const fromRollup = ROLLUP_BUILDS.find((x) => x.table === b.source);
  const time = b.time;
  const timeGroup: Array<[string, string]> = time ? [[time.as, keepsSourceTime(b, fromRollup) ? time.of : periodSql(time.period, time.of)]] : [];
  return {
    table: b.table,
    columns: b.columns,
    source: b.source,
    groups: [...timeGroup, ...b.keys.map((k): [string, string] => [k, k === 'amount_band' && b.source === 'refund_facts' ? AMOUNT_BAND_SQL : k])],
    measures: measuresOf(b),
    where: b.where ?? 'true',
    order: b.order.join(', '),
    time: time?.of,
    changes: fromRollup ? keysOf(b.source) : undefined,
  };
});

/**
 * Identifies the rollups' definition (their statements' parts and the cut-offs): a database whose
 * rollups were built by another definition (an older loader) is rebuilt, not read with missing or
 * differently computed columns.
 */
export const ROLLUP_SIGNATURE = createHash('sha256')
  .update(JSON.stringify([BUILDS, CUTOFFS_CTE.text]))
  .digest('hex')
  .slice(0, 12);

const usesCutoffs = (b: Build) => /\bh\./.test(b.measures);

const groupSelect = (b: Build, prefix = '') => raw(b.groups.map(([n, e]) => `${e} AS ${prefix}${n}`).join(', '));

/** The rollup's rows aggregated from `from` (the source table, or a subset of its rows). */
function aggregateSql(b: Build, from: Sql | Raw): Sql {
  const h = usesCutoffs(b);
  return sql`${raw(h ? `WITH ${CUTOFFS_CTE.text} ` : '')}SELECT ${groupSelect(b)},
    ${raw(b.measures)}
  FROM ${from}${raw(h ? ', h' : '')} WHERE ${raw(b.where)} GROUP BY ALL`;
}

/** Fact columns a moved cut-off is compared with: the rollups read them even where no group or measure names them. */
const CUTOFF_COLUMNS: ReadonlySet<string> = new Set(CUTOFF_NAMES.map((k) => CUTOFF_COMPARISONS[k].column));
for (const b of BUILDS) {
  if (!usesCutoffsOnlyBefore(b.measures)) throw new Error(`rollup ${b.table}: a measure uses a cut-off other than through beforeCutoff`);
}

/** Columns of refund_facts the rollups read; a fact whose other columns change leaves every rollup as it was. */
async function rollupInputColumns(conn: DuckDBConnection): Promise<string[]> {
  const text = BUILDS.filter((b) => b.source === 'refund_facts')
    .flatMap((b) => [...b.groups.map(([, e]) => e), b.measures, b.where])
    .join('\n');
  const cols = await queryRows<{ name: string }>(
    conn,
    `SELECT column_name AS name FROM duckdb_columns() WHERE table_name = 'refund_facts' AND schema_name = 'main' ORDER BY column_index`,
  );
  return cols.map((c) => c.name).filter((c) => c === 'refund_id' || new RegExp(`\\b${c}\\b`).test(text) || CUTOFF_COLUMNS.has(c));
}

/**
 * Rebuilds every rollup from refund_facts and orders, replacing the tables (their columns may have
 * changed). Runs inside the caller's transaction (the load's, or the server's one-off upgrade),
 * which then calls markRollupsCurrent.
 */
export async function rebuildRollups(conn: DuckDBConnection): Promise<void> {
  for (const b of BUILDS) {
    await runSql(conn, `CREATE OR REPLACE TABLE ${b.table} (${b.columns})`);
    await runSql(conn, sql`INSERT INTO ${raw(b.table)} ${aggregateSql(b, raw(b.source))} ORDER BY ${raw(b.order)}`);
  }
  await storeCutoffs(conn);
}

type Cutoffs = Record<CutoffName, string | null>;
const CUTOFFS_KEY = 'rollup_cutoffs';

async function currentCutoffs(conn: DuckDBConnection): Promise<Cutoffs> {
  const [c] = await queryRows<Cutoffs>(conn, `WITH ${CUTOFFS_CTE.text} SELECT ${CUTOFF_NAMES.map((k) => `CAST(${k} AS VARCHAR) AS ${k}`).join(', ')} FROM h`);
  return c;
}

/** The cut-offs the rollups were computed with, kept beside them so the next load knows what moved. */
async function storeCutoffs(conn: DuckDBConnection): Promise<void> {
  const c = await currentCutoffs(conn);
  await runSql(conn, sql`INSERT OR REPLACE INTO meta VALUES (${CUTOFFS_KEY}, ${JSON.stringify(c)})`);
}

async function storedCutoffs(conn: DuckDBConnection): Promise<Cutoffs | null> {
  const rows = await queryRows<{ value: string }>(conn, sql`SELECT value FROM meta WHERE key = ${CUTOFFS_KEY}`);
  return rows.length ? (JSON.parse(rows[0].value) as Cutoffs) : null;
}

/**
 * Whether the rollups can be updated incrementally after this load, and if so, keeps the
 * rollup-relevant columns of the facts about to be recomputed (customers in `_affected_customers`)
 * as `_rollup_old`. Call inside the load's transaction before recomputeFacts('affected').
 */
export async function prepareRollupUpdate(conn: DuckDBConnection): Promise<boolean> {
  if (!(await rollupsCurrent(conn)) || !(await storedCutoffs(conn))) return false;
  const cols = (await rollupInputColumns(conn)).join(', ');
  await runSql(
    conn,
    `CREATE OR REPLACE TEMP TABLE _rollup_old AS SELECT ${cols} FROM refund_facts WHERE customer_id IN (SELECT customer_id FROM _affected_customers)`,
  );
  return true;
}

/**
 * Updates the rollups after recomputeFacts('affected'), given `_rollup_old` (prepareRollupUpdate),
 * `_facts_new` (recomputeFacts) and `_order_changes` (ordered_at, channel, campaign of new orders and of the replaced versions
 * of changed ones). Returns 'full' when it had to rebuild instead (a cut-off appeared or vanished).
 */
export async function updateRollups(conn: DuckDBConnection): Promise<'incremental' | 'full'> {
  const before = await storedCutoffs(conn);
  const after = await currentCutoffs(conn);
  const keys: readonly CutoffName[] = CUTOFF_NAMES;
  if (!before || keys.some((k) => (before[k] === null) !== (after[k] === null))) {
    await rebuildRollups(conn);
    return 'full';
  }
  const inputs = await rollupInputColumns(conn);
  const cols = inputs.join(', ');
  // Facts that changed in a column some rollup reads (refund_id is the key of refund_facts): the old
  // version and the new one.
  await runSql(
    conn,
    `CREATE OR REPLACE TEMP TABLE _rollup_changed AS
     SELECT coalesce(o.refund_id, n.refund_id) AS refund_id
     FROM _rollup_old o FULL JOIN (SELECT ${cols} FROM _facts_new) n ON o.refund_id = n.refund_id
     WHERE o.refund_id IS NULL OR n.refund_id IS NULL OR NOT (${inputs.map((c) => `o.${c} IS NOT DISTINCT FROM n.${c}`).join(' AND ')})`,
  );
  await runSql(
    conn,
    `CREATE OR REPLACE TEMP TABLE _rollup_changes AS
     SELECT * FROM _rollup_old WHERE refund_id IN (SELECT refund_id FROM _rollup_changed)
     UNION ALL SELECT ${cols} FROM _facts_new WHERE refund_id IN (SELECT refund_id FROM _rollup_changed)`,
  );
  // Facts on the other side of a cut-off than at the last build.
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (a === null || b === null || a === b) continue;
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const col = raw(CUTOFF_COMPARISONS[k].column);
    await runSql(
      conn,
      sql`INSERT INTO _rollup_changes SELECT ${raw(cols)} FROM refund_facts WHERE ${col} >= CAST(${lo} AS TIMESTAMP) AND ${col} <= CAST(${hi} AS TIMESTAMP)`,
    );
  }
  for (const b of BUILDS) await updateGroups(conn, b, b.changes ?? (b.source === 'orders' ? '_order_changes' : '_rollup_changes'));
  for (const t of ['_rollup_old', '_rollup_changed', '_rollup_changes', '_facts_new', ...BUILDS.map((b) => keysOf(b.table))]) {
    await runSql(conn, `DROP TABLE IF EXISTS ${t}`);
  }
  await storeCutoffs(conn);
  return 'incremental';
}

/** Deletes the groups of `b` that rows of `changes` fall in and aggregates them again from the source. */
async function updateGroups(conn: DuckDBConnection, b: Build, changes: string): Promise<void> {
  const names = b.groups.map(([n]) => n);
  const keys = keysOf(b.table);
  await runSql(conn, sql`CREATE OR REPLACE TEMP TABLE ${raw(keys)} AS SELECT DISTINCT ${groupSelect(b)} FROM ${raw(changes)} WHERE ${raw(b.where)}`);
  const [{ lo, n }] = await queryRows<{ lo: string | null; n: number }>(conn, `SELECT CAST(min(${names[0]}) AS VARCHAR) AS lo, count(*) AS n FROM ${keys}`);
  if (Number(n) === 0) return;
  const match = (a: string, k: string) => names.map((n) => `${a}.${n} IS NOT DISTINCT FROM ${k}.${n}`).join(' AND ');
  // Every row of a group is at or after the group's first day (never null when the build has a time), so both scans
  // skip the older row groups.
  const from = b.time !== undefined && lo !== null ? { time: b.time, lo } : null;
  const newer = from ? sql` AND t.${raw(names[0])} >= CAST(${from.lo} AS DATE)` : sql``;
  await runSql(conn, sql`DELETE FROM ${raw(b.table)} t USING ${raw(keys)} k WHERE ${raw(match('t', 'k'))}${newer}`);
  const since = from ? sql`${raw(from.time)} >= CAST(${from.lo} AS TIMESTAMP)` : sql`true`;
  const inGroups = sql`(SELECT s.* EXCLUDE (${raw(names.map((n) => `__g_${n}`).join(', '))}) FROM (
      SELECT *, ${groupSelect(b, '__g_')} FROM ${raw(b.source)} WHERE ${since}) s
    SEMI JOIN ${raw(keys)} k ON ${raw(names.map((n) => `s.__g_${n} IS NOT DISTINCT FROM k.${n}`).join(' AND '))})`;
  await runSql(conn, sql`INSERT INTO ${raw(b.table)} ${aggregateSql(b, sql`${inGroups} f`)}`);
}

/** Records that the rollups match the data version now in meta (call after bumping it). */
export async function markRollupsCurrent(conn: DuckDBConnection): Promise<void> {
  await runSql(conn, `INSERT OR REPLACE INTO meta SELECT 'rollup_version', value || ':${ROLLUP_SIGNATURE}' FROM meta WHERE key = 'data_version'`);
}

/** True when the rollups were built by this definition from the data version now committed. */
export async function rollupsCurrent(conn: DuckDBConnection): Promise<boolean> {
  const [r] = await queryRows<{ ok: boolean }>(
    conn,
    `SELECT coalesce((SELECT value FROM meta WHERE key = 'rollup_version') = (SELECT value || ':${ROLLUP_SIGNATURE}' FROM meta WHERE key = 'data_version'), false) AS ok`,
  );
  return r.ok;
}
