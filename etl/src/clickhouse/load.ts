import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { agreedReportingCurrency, recordReportingCurrency } from '../load/checks';
import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { ident, raw, sql } from '@refunds/warehouse';
import { LoadError } from '../load/errors';
import { hashFile, resolveInputs } from '../load/files';
import { loadFiles, type LoadOptions, type LoadSummary } from '../load/load';
import { ensureSchema } from '../load/schema';
import { isSourceTable, TABLE_BY_NAME, type TableName } from '@refunds/warehouse';
import {
  CH_ROLLUP_SIGNATURE,
  clickhouseDialect,
  compileClickHouse,
  cutoffsComparable,
  LATEST_KEYS,
  ROLLUP_TABLES,
  ROLLUPS_META_KEY,
  rollupBuildSql,
  rollupSupersededOf,
  storedCurrencyAt,
  type LatestTimes,
} from '@refunds/engine-clickhouse';
import { ClickHouseWarehouse, WarehouseError } from './client';
import { factsInsertSql, latest } from './derive';
import { chIdent, numberLiteral, stringLiteral } from './literal';
import { ALL_TABLES, CH_TABLE, ensureClickHouseSchema, nodesOf, recreateRollups, rollupsOfOtherLayout, supersededOf, type ChNames } from './schema';

/**
 * Loading into a ClickHouse warehouse. The batch is validated exactly as on DuckDB, by the same
 * loader on a temporary DuckDB file holding only the batch (and the warehouse's fx rates, which the
 * validation needs): rejects, --strict, "every row rejected" and the reporting currency behave the
 * same. The accepted rows are inserted into ClickHouse under a new data version, the facts of the
 * customers they touch are derived inside ClickHouse (shard-locally, INSERT ... SELECT), and one
 * insert into load_versions publishes the version. Nothing needs all the data on one machine.
 */

export type ClickHousePhase = 'inserted' | 'derived' | 'rolled-up';

export interface ClickHouseLoadOptions extends LoadOptions {
  /** Test hook: called after the rows are inserted, after the facts are derived and after the rollups are built (before the commit). */
  onClickHousePhase?: (phase: ClickHousePhase) => void | Promise<void>;
  /** Rejects per insert (default 50,000). */
  batchRows?: number;
  /** Customers whose facts one statement derives on a shard (default 1,000,000); more are derived slice by slice. */
  deriveCustomers?: number;
  /** How long replaced rollup rows are kept for readers still pinned before them (default 5 minutes; tests use 0). */
  rollupKeepMs?: number;
}

const BATCH_ROWS = 50_000;
/**
 * A shard's facts statement holds its customers' orders as arrays: at 10M refunds on this
 * machine's two shards (3.75M customers each) one statement took over 10 GB, and a shard was killed
 * for memory. A million customers is about a quarter of that.
 */
const DERIVE_CUSTOMERS = 1_000_000;
const LOAD_REQUEST_TIMEOUT_MS = 3_600_000;

/** The data's latest order and request time at a version, as the `meta` rows the ClickHouse dialect's `latest` reads. */
async function latestTimes(w: ClickHouseWarehouse, names: ChNames, version: number): Promise<Array<Record<string, unknown>>> {
  const d = clickhouseDialect(names);
  const [row] = await w.query<{ o: string | null; r: string | null }>(
    compileClickHouse(
      sql`SELECT (SELECT ${raw(d.maxOrNull('ordered_at'))} FROM ${raw(d.table('orders'))}) AS o,
                 (SELECT ${raw(d.maxOrNull('requested_at'))} FROM ${raw(d.table('refund_facts'))}) AS r`,
      version,
    ),
  );
  return [
    { key: LATEST_KEYS.ordered_at, value: row.o ?? '', _version: version },
    { key: LATEST_KEYS.requested_at, value: row.r ?? '', _version: version },
  ];
}

/** The latest times as the rollups take them, from the `meta` rows of latestTimes. */
function asLatest(rows: ReadonlyArray<Record<string, unknown>>): LatestTimes {
  const micros = (key: string) => {
    const value = String(rows.find((r) => r.key === key)?.value ?? '');
    return value === '' ? null : BigInt(value);
  };
  return { ordered_at: micros(LATEST_KEYS.ordered_at), requested_at: micros(LATEST_KEYS.requested_at) };
}

/** The latest times stored with a committed version (null when that load stored none). */
async function storedLatest(w: ClickHouseWarehouse, names: ChNames, version: number): Promise<LatestTimes | null> {
  const rows = await w.query<{ key: string; value: string }>(
    `SELECT key, argMax(value, _version) AS value FROM ${names.local('meta')}
     WHERE key IN (${stringLiteral(LATEST_KEYS.ordered_at)}, ${stringLiteral(LATEST_KEYS.requested_at)}) AND _version <= ${version} GROUP BY key`,
  );
  return rows.length === 2 ? asLatest(rows) : null;
}

/** Whether the load that committed `version` built the rollups with this definition. */
async function rollupsBuiltAt(w: ClickHouseWarehouse, names: ChNames, version: number): Promise<boolean> {
  const [{ n }] = await w.query<{ n: string }>(
    `SELECT count() AS n FROM ${names.local('meta')} WHERE key = ${stringLiteral(ROLLUPS_META_KEY)} AND _version = ${version} AND value = ${stringLiteral(CH_ROLLUP_SIGNATURE)}`,
  );
  return Number(n) > 0;
}

/** The version readers see: the newest committed load (0 before the first). */
export async function committedVersion(w: ClickHouseWarehouse, names: ChNames): Promise<number> {
  const [{ v }] = await w.query<{ v: string }>(`SELECT max(version) AS v FROM ${names.local('load_versions')}`);
  return Number(v);
}

/** The warehouse's reporting currency; null before its first load (or when the database does not exist yet). */
export async function clickHouseReportingCurrency(url: string): Promise<string | null> {
  let w: ClickHouseWarehouse;
  try {
    w = await ClickHouseWarehouse.connect(url);
  } catch (e) {
    throw asLoadError(e);
  }
  try {
    const names = await ensureClickHouseSchema(w);
    const v = await committedVersion(w, names);
    return await storedCurrencyAt(w, names, v);
  } catch (e) {
    throw asLoadError(e);
  } finally {
    await w.close();
  }
}

export async function loadIntoClickHouse(url: string, paths: readonly string[], opts: ClickHouseLoadOptions = {}): Promise<LoadSummary> {
  const inputs = await resolveInputs(paths);
  const sources = inputs.filter((f) => isSourceTable(f.table));
  if (sources.length > 0)
    throw new LoadError(
      'UNSUPPORTED_FORMAT',
      `${sources[0].path}: source records (${sources[0].table}) are reconciled on DuckDB only; import them into a DuckDB file, or load canonical refunds into ClickHouse`,
      sources[0].path,
    );
  let w: ClickHouseWarehouse;
  try {
    // Deriving the facts of millions of refunds is one statement per shard: minutes, not the default 30 s.
    w = await ClickHouseWarehouse.connect(url, { requestTimeoutMs: LOAD_REQUEST_TIMEOUT_MS });
  } catch (e) {
    throw asLoadError(e);
  }
  const tmp = await mkdtemp(join(tmpdir(), 'refunds-ch-load-'));
  const started = Date.now();
  let loadId = 0;
  let names: ChNames | null = null;
  let heartbeat: NodeJS.Timeout | undefined;
  let files: HistoryFile[] = inputs.map((f) => ({ path: f.path, table: f.table, sha256: '' }));
  try {
    names = await ensureClickHouseSchema(w);
    const history = names.local('load_history');
    await refuseWhileRunning(w, history);
    const committed = await committedVersion(w, names);
    const [{ last }] = await w.query<{ last: string }>(`SELECT max(load_id) AS last FROM ${history}`);
    loadId = Math.max(committed, Number(last)) + 1;
    await w.insert(history, [historyRow(loadId, started, 'started', null, [], null)]);
    // Another load that started at the same moment took the same id: the later one gives way.
    const [{ rivals }] = await w.query<{ rivals: string }>(`SELECT count() AS rivals FROM ${history} WHERE load_id = ${loadId} AND outcome = 'started'`);
    if (Number(rivals) > 1) {
      loadId = 0;
      throw new LoadError('LOAD_IN_PROGRESS', `another load into ${w.url.redacted} started at the same moment; try again`);
    }
    // A lease: while this load runs it says so every few seconds, and a new load waits for it.
    const id = loadId;
    heartbeat = setInterval(() => {
      void w.insert(history, [historyRow(id, started, 'running', null, [], null)]).catch(() => undefined);
    }, HEARTBEAT_MS);
    await dropUncommitted(w, names, committed);
    // Rollup tables an older definition created are made again, and every group is built.
    const relaid = await rollupsOfOtherLayout(w);
    await recreateRollups(w, names, relaid);
    await dropOldRollups(w, names, opts.rollupKeepMs ?? ROLLUP_KEEP_MS);
    files = await Promise.all(inputs.map(async (f) => ({ path: f.path, table: f.table, sha256: await hashFile(f.path) })));

    const stored = await storedCurrencyAt(w, names, committed);
    const reporting = agreedReportingCurrency(stored, opts.reportingCurrency);

    const instance = await openDatabase(join(tmp, 'batch.duckdb'));
    const conn = await connect(instance);
    let summary: LoadSummary;
    let familiesChanged: boolean;
    try {
      await ensureSchema(conn);
      await recordReportingCurrency(conn, reporting);
      await seedFxRates(w, names, committed, conn);
      // Checked here, derived in ClickHouse: the batch file's own facts and rollups would be thrown away.
      summary = await loadFiles(conn, paths, { ...opts, reportingCurrency: reporting, derive: false });
      if (summary.outcome === 'previewed') return summary;
      await copyTables(w, names, conn, loadId, summary, tmp);
      summary = { ...summary, tables: await classifyRows(w, names, summary, committed, loadId) };
      familiesChanged = await copyReasonFamilies(w, names, conn, committed, loadId);
      await copyRejects(w, names, conn, loadId, opts.batchRows ?? BATCH_ROWS);
    } finally {
      // Before the derivation: DuckDB keeps the memory it used for the batch until it closes, and the shards need it now.
      conn.closeSync();
      instance.closeSync();
    }
    // A first load (nothing committed) derives every customer's facts: listing them all from the
    // shard's own refunds is the same set as matching the batch's keys across shards, without that match.
    const full = committed === 0 || familiesChanged || summary.tables.some((t) => (t.table === 'agents' || t.table === 'fx_rates') && t.loaded > 0);
    await markAffected(w, names, loadId, full, summary);
    await opts.onClickHousePhase?.('inserted');
    // Each shard derives its own customers' facts: the shards work at the same time, each slice by slice.
    const perStatement = opts.deriveCustomers ?? DERIVE_CUSTOMERS;
    const shardNames = names;
    await Promise.all(
      w.nodes.slice(0, w.cluster === null ? 1 : w.nodes.length).map(async (_, i) => {
        const [{ n }] = await w.query<{ n: string }>(`SELECT count() AS n FROM ${shardNames.local('fact_versions')} WHERE _version = ${loadId}`, i);
        const parts = Math.max(1, Math.ceil(Number(n) / perStatement));
        for (let part = 0; part < parts; part++) await w.command(factsInsertSql(shardNames, loadId, reporting, { part, parts }), i);
      }),
    );
    await opts.onClickHousePhase?.('derived');
    const latest = await latestTimes(w, names, loadId);
    const now = asLatest(latest);
    const before = committed > 0 ? await storedLatest(w, names, committed) : null;
    // An increment recomputes only the groups its changes fall in; a first load, one that recomputed
    // every fact, one over rollups of another definition or a cut-off that appeared or vanished, all.
    const incremental = !full && relaid.length === 0 && before !== null && cutoffsComparable(before, now) && (await rollupsBuiltAt(w, names, committed));
    const rollups = rollupBuildSql(names, { version: loadId, committed, latest: now, increment: incremental && before ? { latest: before } : undefined });
    await Promise.all(
      w.nodes.slice(0, w.cluster === null ? 1 : w.nodes.length).map(async (_, i) => {
        for (const statement of rollups) await w.command(statement, i);
      }),
    );
    await opts.onClickHousePhase?.('rolled-up');
    if (stored === null) await w.insert(names.local('meta'), [{ key: 'reporting_currency', value: reporting, _version: loadId }]);
    await w.insert(names.local('meta'), [...latest, { key: ROLLUPS_META_KEY, value: CH_ROLLUP_SIGNATURE, _version: loadId }]);
    // The commit: one row, one insert. Readers pin max(version) and see all of this load or none of it.
    await w.insert(names.local('load_versions'), [{ version: loadId, committed_at: Date.now() * 1000 }]);
    const result: LoadSummary = { ...summary, rollups: incremental ? 'incremental' : 'full', loadId, dataVersion: loadId, durationMs: Date.now() - started };
    // No lease renewal may land after the outcome (it would say the load still runs).
    clearInterval(heartbeat);
    await w.insert(names.local('load_history'), [historyRow(loadId, started, 'committed', null, files, result)]);
    return result;
  } catch (e) {
    const err = asLoadError(e);
    clearInterval(heartbeat);
    if (names && loadId > 0 && !opts.dryRun)
      await w.insert(names.local('load_history'), [historyRow(loadId, started, 'failed', err.message, files, null)]).catch(() => undefined);
    throw err;
  } finally {
    clearInterval(heartbeat);
    await w.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

function asLoadError(e: unknown): LoadError {
  if (e instanceof LoadError) return e;
  if (e instanceof WarehouseError) return new LoadError('DATABASE_ERROR', e.message);
  return new LoadError('DATABASE_ERROR', e instanceof Error ? e.message : String(e));
}

interface HistoryFile {
  path: string;
  table: string;
  sha256: string;
}

const HEARTBEAT_MS = 5_000;
/** A load whose last sign of life is older than this died (its rows of an uncommitted version are dropped). */
const LEASE_MS = 30_000;

/** Refuses to start while another load is running (it said so within the lease). */
async function refuseWhileRunning(w: ClickHouseWarehouse, history: string): Promise<void> {
  const running = await w.query<{ load_id: string; ago: string }>(
    `SELECT load_id, (toInt64(${Date.now() * 1000}) - max(ifNull(finished_at, started_at))) / 1000 AS ago
     FROM ${history} GROUP BY load_id
     HAVING argMax(outcome, ifNull(finished_at, started_at)) IN ('started', 'running') AND ago < ${LEASE_MS}`,
  );
  if (running.length > 0)
    throw new LoadError(
      'LOAD_IN_PROGRESS',
      `load ${running[0].load_id} into ${w.url.redacted} is still running (last seen ${Math.round(Number(running[0].ago) / 1000)} s ago); try again when it has finished`,
    );
}

function historyRow(loadId: number, started: number, outcome: string, message: string | null, files: HistoryFile[], s: LoadSummary | null) {
  const sum = (k: 'read' | 'loaded' | 'replaced' | 'unchanged' | 'rejected') => (s ? s.tables.reduce((a, t) => a + t[k], 0) : 0);
  return {
    load_id: loadId,
    started_at: started * 1000,
    // For 'running' rows: when the load last said it was alive.
    finished_at: outcome === 'started' ? null : Date.now() * 1000,
    outcome,
    message,
    files: JSON.stringify(files),
    rows_read: sum('read'),
    rows_loaded: sum('loaded'),
    rows_replaced: sum('replaced'),
    rows_unchanged: sum('unchanged'),
    rows_rejected: sum('rejected'),
    duration_ms: Date.now() - started,
    tables: JSON.stringify(s?.tables ?? []),
  };
}

/**
 * Rows of versions newer than the committed one belong to a load that died before its commit:
 * invisible to readers, and deleted before a new load reuses nothing of them.
 */
async function dropUncommitted(w: ClickHouseWarehouse, names: ChNames, committed: number): Promise<void> {
  for (const t of ALL_TABLES) {
    if (!t.columns.some((c) => c.name === '_version')) continue;
    for (const i of nodesOf(w, t)) {
      const [{ n }] = await w.query<{ n: string }>(`SELECT count() AS n FROM ${names.local(t.name)} WHERE _version > ${committed}`, i);
      if (Number(n) === 0) continue;
      await w.command(`ALTER TABLE ${names.local(t.name)} DELETE WHERE _version > ${committed}`, i);
      // Mutations run in the background; wait until the rows are gone.
      for (let tries = 0; ; tries++) {
        const [{ left }] = await w.query<{ left: string }>(`SELECT count() AS left FROM ${names.local(t.name)} WHERE _version > ${committed}`, i);
        if (Number(left) === 0) break;
        if (tries > 600) throw new Error(`ClickHouse at ${w.url.redacted}: rows of an unfinished load in ${t.name} were not deleted in 60 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/**
 * A reader holds its version for one request (at most the request timeout, 30 s): the rollups of a
 * version whose successor was committed this long ago have no reader left.
 */
const ROLLUP_KEEP_MS = 5 * 60_000;

/**
 * Deletes the rollup rows no reader can still see: those replaced by a load whose successor was
 * committed over ROLLUP_KEEP_MS ago (their superseded entries stay: a mutation reads them), and the
 * groups earlier loads recomputed (rollup_touched, a load's own working set).
 */
async function dropOldRollups(w: ClickHouseWarehouse, names: ChNames, keepMs: number): Promise<void> {
  const [{ v }] = await w.query<{ v: string }>(
    `SELECT max(version) AS v FROM ${names.local('load_versions')} WHERE committed_at < ${(Date.now() - keepMs) * 1000}`,
  );
  const before = Number(v);
  if (before === 0) return;
  for (const t of ROLLUP_TABLES) {
    for (const i of nodesOf(w, t)) {
      const dead = `(_gk, _version) IN (SELECT gk, row_version FROM ${names.local(rollupSupersededOf(t.name))} WHERE _version <= ${before})`;
      const [{ n }] = await w.query<{ n: string }>(`SELECT count() AS n FROM ${names.local(t.name)} WHERE ${dead}`, i);
      if (Number(n) > 0) await w.command(`ALTER TABLE ${names.local(t.name)} DELETE WHERE ${dead}`, i);
    }
  }
  for (const i of w.nodes.map((_, i) => i).slice(0, w.cluster === null ? 1 : w.nodes.length)) {
    const [{ n }] = await w.query<{ n: string }>(`SELECT count() AS n FROM ${names.local('rollup_touched')} WHERE _version <= ${before}`, i);
    if (Number(n) > 0) await w.command(`ALTER TABLE ${names.local('rollup_touched')} DELETE WHERE _version <= ${before}`, i);
  }
}

async function seedFxRates(w: ClickHouseWarehouse, names: ChNames, committed: number, conn: DuckDBConnection): Promise<void> {
  const rows = await w.query<{ date: string; currency: string; rate: number }>(
    `SELECT toString(date) AS date, currency, rate_to_reporting AS rate FROM ${latest(names, 'fx_rates', committed)}`,
  );
  for (const r of rows) await runSql(conn, sql`INSERT INTO fx_rates VALUES (CAST(${r.date} AS DATE), ${r.currency}, ${Number(r.rate)})`);
}

/** DuckDB expression giving a column as the warehouse stores it (timestamps in microseconds, dates as text, booleans 0/1). */
export function exportExpr(table: TableName, col: string): string {
  const c = TABLE_BY_NAME.get(table)!.columns.find((x) => x.name === col)!;
  const q = ident(col);
  switch (c.type) {
    case 'timestamp':
      return `epoch_us(${q}) AS ${q}`;
    case 'date':
      return `strftime(${q}, '%Y-%m-%d') AS ${q}`;
    case 'boolean':
      return `CAST(${q} AS INTEGER) AS ${q}`;
    case 'string':
    case 'decimal':
    case 'integer':
      return q;
  }
}

/**
 * Inserts the batch's accepted rows (the temp database's tables) under the load's version: DuckDB
 * writes each table as CSV (COPY, NULL as \N, which ClickHouse's CSV reader takes for NULL) and the
 * file is streamed to ClickHouse as it is, so no row passes through JavaScript.
 */
async function copyTables(w: ClickHouseWarehouse, names: ChNames, conn: DuckDBConnection, loadId: number, summary: LoadSummary, dir: string): Promise<void> {
  for (const t of summary.tables) {
    const spec = TABLE_BY_NAME.get(t.table)!;
    const chTable = CH_TABLE.get(t.table)!;
    const [{ n }] = await queryRows<{ n: number | bigint }>(conn, `SELECT count(*) AS n FROM ${ident(t.table)}`);
    if (Number(n) > 0) {
      const file = join(dir, `${t.table}.csv`);
      const cols = spec.columns.map((c) => exportExpr(t.table, c.name)).join(', ');
      await runSql(
        conn,
        sql`COPY (SELECT ${raw(cols)}, ${raw(numberLiteral(loadId))} AS _version, 0 AS _deleted FROM ${raw(ident(t.table))}) TO ${file} (FORMAT csv, HEADER false, NULLSTR '\\N')`,
      );
      const columns = chTable.columns.map((c) => chIdent(c.name));
      if (w.cluster !== null && chTable.placement === 'sharded') {
        // Through the Distributed table, synchronously: the insert returns once every shard has its rows.
        await w.insertStream(names.all(t.table), columns, createReadStream(file), 'CSV', 0, { insert_distributed_sync: 1 });
      } else {
        for (const i of nodesOf(w, chTable)) await w.insertStream(names.local(t.table), columns, createReadStream(file), 'CSV', i);
      }
      await rm(file, { force: true });
    }
    if (w.cluster !== null && chTable.placement === 'sharded') await tombstoneMoved(w, names, t.table, loadId);
    if (chTable.placement === 'sharded') await markReplaced(w, names, t.table, loadId);
  }
}

/**
 * Lists in `<table>_superseded` the rows of older versions that this load's rows (and deletion
 * markers) of the same key replace on each shard: readers drop them (`unreplacedRows`).
 */
async function markReplaced(w: ClickHouseWarehouse, names: ChNames, table: TableName, loadId: number): Promise<void> {
  const key = TABLE_BY_NAME.get(table)!.key.map(chIdent).join(', ');
  for (const i of nodesOf(w, CH_TABLE.get(table)!)) {
    const [{ older }] = await w.query<{ older: string }>(`SELECT count() AS older FROM ${names.local(table)} WHERE _version < ${loadId}`, i);
    if (Number(older) === 0) continue;
    await w.command(
      `INSERT INTO ${names.local(supersededOf(table))} (${key}, row_version, _version)
       SELECT ${key}, _version, ${loadId} FROM ${names.local(table)}
       WHERE _version < ${loadId} AND (${key}) IN (SELECT ${key} FROM ${names.local(table)} WHERE _version = ${loadId})`,
      i,
    );
  }
}

/**
 * A row replaced by one of another customer moved shards: the old shard still has the old row as its
 * newest for the key. A deleted marker under the new version hides it there.
 */
async function tombstoneMoved(w: ClickHouseWarehouse, names: ChNames, table: TableName, loadId: number): Promise<void> {
  const spec = TABLE_BY_NAME.get(table)!;
  const key = spec.key.length === 1 ? chIdent(spec.key[0]) : `(${spec.key.map(chIdent).join(', ')})`;
  const cols = CH_TABLE.get(table)!.columns.map((c) => c.name);
  // The filter sits in a subquery: ClickHouse lets a SELECT alias (`N AS _version`) shadow the column in WHERE.
  const select = cols.map((c) => (c === '_version' ? `${loadId} AS _version` : c === '_deleted' ? '1 AS _deleted' : chIdent(c))).join(', ');
  // Only a row written before this load can have moved: none (a first load) leaves nothing to hide.
  const [{ older }] = await w.query<{ older: string }>(`SELECT count() AS older FROM ${names.all(table)} WHERE _version < ${loadId}`);
  if (Number(older) === 0) return;
  for (let i = 0; i < w.nodes.length; i++) {
    await w.command(
      `INSERT INTO ${names.local(table)} (${cols.map(chIdent).join(', ')})
       SELECT ${select} FROM (SELECT * FROM ${latest(names, table, loadId)} WHERE _version < ${loadId}
         AND ${key} IN (SELECT ${key} FROM ${names.all(table)} WHERE _version = ${loadId})
         AND ${key} NOT IN (SELECT ${key} FROM ${names.local(table)} WHERE _version = ${loadId}))`,
      i,
    );
  }
}

/** A row's values as one comparable text (NULL distinct from every string). */
function rowText(table: TableName): string {
  const parts = TABLE_BY_NAME.get(table)!.columns.map((c) => `ifNull(concat('V', toString(${chIdent(c.name)})), 'N')`);
  return `arrayStringConcat([${parts.join(', ')}], '\\x1f')`;
}

/** Counts of a table's rows under `loadId` that are new, the same as, or changed from the newest committed row of their key (one shard). */
export function classifySql(names: ChNames, table: TableName, committed: number, loadId: number): string {
  const key = TABLE_BY_NAME.get(table)!.key.map(chIdent).join(', ');
  return `SELECT countIf(had = 0) AS fresh, countIf(had = 1 AND now_text = old_text) AS same, countIf(had = 1 AND now_text != old_text) AS changed
    FROM (SELECT ${key}, ${rowText(table)} AS now_text FROM ${names.local(table)} WHERE _version = ${loadId} AND _deleted = 0) AS l
    ANY LEFT JOIN (SELECT ${key}, ${rowText(table)} AS old_text, 1 AS had FROM ${latest(names, table, committed)}) AS j USING ${key}`;
}

/**
 * Loaded, replaced and unchanged as DuckDB counts them: each accepted row of the batch against the
 * newest committed row of its key (compared shard by shard; a key that moved shards counts as new).
 * Unchanged rows are written again under the new version all the same, which changes no answer.
 */
async function classifyRows(w: ClickHouseWarehouse, names: ChNames, summary: LoadSummary, committed: number, loadId: number): Promise<LoadSummary['tables']> {
  const out: LoadSummary['tables'] = [];
  for (const t of summary.tables) {
    const chTable = CH_TABLE.get(t.table)!;
    const nodes = w.cluster !== null && chTable.placement === 'sharded' ? w.nodes.map((_, i) => i) : [0];
    let fresh = 0;
    let same = 0;
    let changed = 0;
    for (const i of nodes) {
      const [{ older }] = await w.query<{ older: string }>(`SELECT count() AS older FROM ${names.local(t.table)} WHERE _version <= ${committed}`, i);
      if (Number(older) === 0) {
        // Nothing committed on this shard: every row of the batch is new.
        const [{ n }] = await w.query<{ n: string }>(`SELECT count() AS n FROM ${names.local(t.table)} WHERE _version = ${loadId} AND _deleted = 0`, i);
        fresh += Number(n);
        continue;
      }
      const [c] = await w.query<{ fresh: string; same: string; changed: string }>(classifySql(names, t.table, committed, loadId), i);
      fresh += Number(c.fresh);
      same += Number(c.same);
      changed += Number(c.changed);
    }
    out.push({ ...t, loaded: fresh + changed, replaced: changed, unchanged: same });
  }
  return out;
}

/** Writes the reason families to every shard when they differ from the stored ones; true when they did. */
async function copyReasonFamilies(w: ClickHouseWarehouse, names: ChNames, conn: DuckDBConnection, committed: number, loadId: number): Promise<boolean> {
  const mine = await queryRows<{ reason_code: string; family: string }>(conn, `SELECT reason_code, family FROM reason_families ORDER BY 1, 2`);
  const stored = await w.query<{ reason_code: string; family: string }>(
    `SELECT reason_code, family FROM ${latest(names, 'reason_families', committed)} ORDER BY reason_code, family`,
  );
  const key = (rows: Array<{ reason_code: string; family: string }>) => rows.map((r) => `${r.reason_code}=${r.family}`).join('|');
  if (key(mine) === key(stored)) return false;
  const gone = stored.filter((s) => !mine.some((m) => m.reason_code === s.reason_code));
  const rows = [...mine.map((m) => ({ ...m, _version: loadId, _deleted: 0 })), ...gone.map((g) => ({ ...g, _version: loadId, _deleted: 1 }))];
  for (const i of nodesOf(w, CH_TABLE.get('reason_families')!)) await w.insert(names.local('reason_families'), rows, i);
  return true;
}

async function copyRejects(w: ClickHouseWarehouse, names: ChNames, conn: DuckDBConnection, loadId: number, page: number): Promise<void> {
  const rows = await queryRows<Record<string, unknown>>(conn, `SELECT table_name, file, line, column_name, value, reason FROM load_rejects`);
  for (let i = 0; i < rows.length; i += page) {
    await w.insert(
      names.local('load_rejects'),
      rows.slice(i, i + page).map((r) => ({ ...r, load_id: loadId })),
    );
  }
}

/**
 * Lists in fact_versions, under the load's version, the customers whose facts change: those of the
 * batch's refunds, orders and surveys, old and new (a replaced row may have had another customer),
 * or every customer when a dimension changed (agents, fx rates, reason families). Shard by shard.
 */
async function markAffected(w: ClickHouseWarehouse, names: ChNames, loadId: number, full: boolean, summary: LoadSummary): Promise<void> {
  const v = numberLiteral(loadId);
  const loaded = new Set(summary.tables.filter((t) => t.loaded > 0).map((t) => t.table));
  const parts: string[] = [];
  if (full) parts.push(`SELECT customer_id FROM ${names.local('refunds')} WHERE _version <= ${v}`);
  else {
    if (loaded.has('refunds'))
      parts.push(
        `SELECT customer_id FROM ${names.local('refunds')} WHERE _version <= ${v} AND refund_id IN (SELECT refund_id FROM ${names.all('refunds')} WHERE _version = ${v})`,
      );
    if (loaded.has('orders'))
      parts.push(
        `SELECT customer_id FROM ${names.local('orders')} WHERE _version <= ${v} AND order_id IN (SELECT order_id FROM ${names.all('orders')} WHERE _version = ${v})`,
      );
    if (loaded.has('surveys'))
      parts.push(
        `SELECT customer_id FROM ${names.local('refunds')} WHERE _version <= ${v} AND refund_id IN (SELECT refund_id FROM ${names.all('surveys')}
           WHERE _version <= ${v} AND survey_id GLOBAL IN (SELECT survey_id FROM ${names.all('surveys')} WHERE _version = ${v}))`,
      );
  }
  if (parts.length === 0) return;
  for (let i = 0; i < (w.cluster === null ? 1 : w.nodes.length); i++) {
    await w.command(
      `INSERT INTO ${names.local('fact_versions')} (customer_id, _version) SELECT DISTINCT customer_id, ${v} FROM (${parts.join(' UNION ALL ')})`,
      i,
    );
    // The affected customers' earlier fact versions are replaced by this one (readers drop them).
    await w.command(
      `INSERT INTO ${names.local('fact_superseded')} (customer_id, fact_version, _version)
       SELECT customer_id, _version, ${v} FROM ${names.local('fact_versions')}
       WHERE _version < ${v} AND customer_id IN (SELECT customer_id FROM ${names.local('fact_versions')} WHERE _version = ${v})`,
      i,
    );
  }
}

/** Rows of a table as of a version, for tests and tools: sharded tables through the Distributed table. */
export async function readLatest(w: ClickHouseWarehouse, names: ChNames, table: TableName, version: number): Promise<Array<Record<string, unknown>>> {
  const t = latest(names, table, version).replace(names.local(table), CH_TABLE.get(table)!.placement === 'sharded' ? names.all(table) : names.local(table));
  return w.query(`SELECT * FROM ${t}`);
}
