import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_REASON_FAMILY_MAP, reasonFamilyPairs, type LoadReject } from '@refunds/shared';
import { QueryError, queryRows, runSql, storedReportingCurrency } from '@refunds/engine-duckdb';
import { ident, literal, sql, TABLE_BY_NAME, TABLES, isSourceTable, type TableName, type TableSpec } from '@refunds/warehouse';
import { recomputeFacts } from './derive';
import { markRollupsCurrent, prepareRollupUpdate, rebuildRollups, rollupsCurrent, updateRollups } from './rollup-build';
import { agreedReportingCurrency, failWhenAllRejected, recordReportingCurrency, rejectOrigin, rejectsMark, stageSourceMap } from './checks';
import { LoadError } from './errors';
import { hashFile, resolveInputs, sniffEncoding, transcodeToUtf8, type Encoding, type InputFile } from './files';
import { ensureSchema } from './schema';
import { mergedAsSource, reconcileStatements } from '../reconcile/reconcile';
import { validationSql } from './validate';

export type LoadPhase = 'reading' | 'validating' | 'merging' | 'deriving' | 'committing' | 'done';
export interface LoadProgress {
  table: TableName | 'facts';
  file?: string;
  phase: LoadPhase;
  /** 0..1 over the phases of this file. */
  fraction: number;
}

export interface LoadOptions {
  strict?: boolean;
  rejectsOut?: string;
  encoding?: Encoding;
  reportingCurrency?: string;
  reasonFamilies?: Readonly<Record<string, readonly string[]>>;
  onProgress?: (p: LoadProgress) => void;
  /** Test hook: called between phases, e.g. to kill the process mid-load. */
  onPhase?: (phase: LoadPhase, table: string) => void | Promise<void>;
  /** Preview: everything happens, then ROLLBACK instead of COMMIT; no load_history row. */
  dryRun?: boolean;
  /**
   * false: the tables only, without refund_facts and the rollups: a batch checked here for another
   * warehouse, which derives its own (etl/src/clickhouse/load.ts). Default true.
   */
  derive?: boolean;
}

export interface TableSummary {
  table: TableName;
  files: string[];
  read: number;
  loaded: number;
  replaced: number;
  unchanged: number;
  rejected: number;
  /** The file was byte for byte the one this earlier load (the last committed one) took: not read again. */
  sameAsLoad?: number;
}

/** A loaded file as load_history records it (`size` and `encoding` from the ninth session on). */
interface HistoryFile {
  path: string;
  table: string;
  sha256: string;
  size?: number;
  encoding?: Encoding;
}

export type { LoadReject };

export interface LoadSummary {
  loadId: number;
  outcome: 'committed' | 'failed' | 'previewed';
  message?: string;
  tables: TableSummary[];
  durationMs: number;
  dataVersion: number;
  /** Dry runs only: the first rejects, read before the rollback discards them. */
  rejects?: LoadReject[];
  /** How the rollups were brought up to date: rebuilt in full, updated for the changed facts only, or untouched. */
  rollups?: 'full' | 'incremental' | 'unchanged';
  /**
   * Reconciliation conflicts this load adds, per kind (a conflict of a kind on an order already listed
   * is not new, even when the refund it names changed); absent when the load reconciled nothing.
   */
  conflicts?: Array<{ kind: string; count: number }>;
}

const PREVIEW_REJECTS = 50;

const PHASES: LoadPhase[] = ['reading', 'validating', 'merging'];

/**
 * Loads canonical files in one transaction: everything commits, or nothing does and the
 * database is as before. The connection must not be in a transaction.
 */
export async function loadFiles(conn: DuckDBConnection, paths: readonly string[], opts: LoadOptions = {}): Promise<LoadSummary> {
  const started = new Date();
  const t0 = performance.now();
  const inputs = await resolveInputs(paths);
  const encoding = opts.encoding ?? 'auto';
  const hashOf = new Map(inputs.map((f) => [f.path, hashFile(f.path)]));
  const sizeOf = new Map(inputs.map((f) => [f.path, stat(f.path).then((s) => s.size)]));
  for (const p of [...hashOf.values(), ...sizeOf.values()]) p.catch(() => undefined);
  const hashes: Promise<HistoryFile[]> = Promise.all(
    inputs.map(async (f) => ({ path: f.path, table: f.table, sha256: await hashOf.get(f.path)!, size: await sizeOf.get(f.path)!, encoding })),
  );
  hashes.catch(() => undefined);
  const tmp = await mkdtemp(join(tmpdir(), 'refunds-load-'));
  await ensureSchema(conn);
  const reporting = agreedReportingCurrency(await storedReportingCurrency(conn), opts.reportingCurrency);
  const [{ next }] = await queryRows<{ next: number }>(conn, `SELECT coalesce(max(load_id), 0) + 1 AS next FROM load_history`);
  const loadId = next;
  const summaries = new Map<TableName, TableSummary>();
  const phase = async (p: LoadPhase, table: string) => {
    if (opts.onPhase) await opts.onPhase(p, table);
  };

  await runSql(conn, 'BEGIN TRANSACTION');
  try {
    await runSql(conn, `CREATE OR REPLACE TEMP TABLE _affected_customers (customer_id VARCHAR)`);
    await runSql(conn, `CREATE OR REPLACE TEMP TABLE _order_changes (ordered_at TIMESTAMP, channel VARCHAR, campaign VARCHAR)`);
    let fullRecompute = await writeReasonFamilies(conn, opts.reasonFamilies ?? DEFAULT_REASON_FAMILY_MAP);
    const ordered = [...inputs].sort((a, b) => TABLES.findIndex((t) => t.name === a.table) - TABLES.findIndex((t) => t.name === b.table));
    const previous = await lastCommittedLoad(conn);
    const skipped = new Set<TableName>();
    for (const input of ordered) {
      const spec = TABLE_BY_NAME.get(input.table)!;
      const report = (p: LoadPhase) => opts.onProgress?.({ table: input.table, file: input.path, phase: p, fraction: PHASES.indexOf(p) / PHASES.length });
      const same = await sameAsLastLoad(conn, { previous, input, inputs, encoding, hash: hashOf.get(input.path)!, size: sizeOf.get(input.path)!, skipped });
      if (same) {
        await runSql(
          conn,
          `INSERT INTO load_rejects SELECT ${loadId}, table_name, file, line, column_name, value, reason FROM load_rejects
           WHERE load_id = ${same.sameAsLoad} AND table_name = ${literal(input.table)}`,
        );
        summaries.set(input.table, same);
        skipped.add(input.table);
        opts.onProgress?.({ table: input.table, file: input.path, phase: 'done', fraction: 1 });
        continue;
      }
      report('reading');
      await phase('reading', input.table);
      const readable = await readableCopy(input, encoding, tmp);
      const staged = await stage(conn, input, readable, spec);
      report('validating');
      await phase('validating', input.table);
      // The file is read once, straight into typed columns and a validity flag, and numbered only
      // when lines are needed: for its source map, or (read again) when rows are bad or keys repeat.
      // Only then is it read once more, for the bad lines alone, to word the rejects.
      const numbered = validationSql(spec, staged.numbered, '_chk', reporting);
      const v = staged.needsLines ? numbered : validationSql(spec, staged.unnumbered, '_chk', reporting);
      if (v.fxDays) await runSql(conn, v.fxDays);
      await unreadableAs(input, () => runSql(conn, v.check));
      const [{ rows }] = await queryRows<{ rows: number }>(conn, `SELECT count(*) AS rows FROM _chk`);
      report('merging');
      await phase('merging', input.table);
      const mark = await rejectsMark(conn);
      const renumber = staged.needsLines ? undefined : () => unreadableAs(input, () => runSql(conn, numbered.check));
      const s = await merge(conn, spec, input.path, loadId, numbered.rejects, renumber);
      await failWhenAllRejected(conn, { loadId, table: input.table, file: input.path, read: rows, rejected: s.rejected, reportingCurrency: reporting, mark });
      if (s.intoEmpty && (input.table === 'refunds' || input.table === 'orders' || input.table === 'surveys')) fullRecompute = true;
      // New or changed agents recompute only their refunds' customers (merge lists them), except into an empty table.
      if ((input.table === 'fx_rates' || (input.table === 'agents' && s.intoEmpty)) && s.loaded > 0) fullRecompute = true;
      const prev = summaries.get(input.table);
      summaries.set(input.table, {
        table: input.table,
        files: [...(prev?.files ?? []), input.path],
        read: (prev?.read ?? 0) + rows,
        loaded: (prev?.loaded ?? 0) + s.loaded,
        replaced: (prev?.replaced ?? 0) + s.replaced,
        unchanged: (prev?.unchanged ?? 0) + s.unchanged,
        rejected: (prev?.rejected ?? 0) + s.rejected,
      });
      opts.onProgress?.({ table: input.table, file: input.path, phase: 'done', fraction: 1 });
    }
    let deletedByReconcile = 0;
    let conflicts: LoadSummary['conflicts'];
    if (inputs.some((f) => isSourceTable(f.table) || f.table === 'fx_rates')) {
      await phase('merging', 'reconciliation');
      const r = await reconcileSources(conn, loadId, reporting);
      if (r) {
        const prev = summaries.get('refunds');
        summaries.set('refunds', {
          table: 'refunds',
          files: [...(prev?.files ?? []), RECONCILED_FILE],
          read: (prev?.read ?? 0) + r.read,
          loaded: (prev?.loaded ?? 0) + r.loaded,
          replaced: (prev?.replaced ?? 0) + r.replaced,
          unchanged: (prev?.unchanged ?? 0) + r.unchanged,
          rejected: (prev?.rejected ?? 0) + r.rejected,
        });
        if (r.intoEmpty) fullRecompute = true;
        // Refunds the sources no longer make (a payment now claimed by a ticket) are gone: their customers' facts change.
        deletedByReconcile = r.deleted;
        conflicts = r.conflictsAdded;
      }
    }
    const tables = [...summaries.values()];
    const rejected = tables.reduce((a, t) => a + t.rejected, 0);
    if (opts.rejectsOut) await writeRejects(conn, loadId, opts.rejectsOut);
    if (opts.strict && rejected > 0) {
      throw new LoadError('STRICT_REJECTS', `--strict: ${rejected} row(s) rejected, nothing committed${opts.rejectsOut ? ` (see ${opts.rejectsOut})` : ''}`);
    }
    opts.onProgress?.({ table: 'facts', phase: 'deriving', fraction: 0 });
    await phase('deriving', 'facts');
    let rollups: LoadSummary['rollups'] = 'unchanged';
    const derive = opts.derive !== false;
    if (!derive) {
      // refund_facts and the rollups stay as they were, and are not marked current below.
    } else if (tables.some((t) => t.loaded > 0) || fullRecompute || deletedByReconcile > 0) {
      const [{ affected, total }] = await queryRows<{ affected: number; total: number }>(
        conn,
        `SELECT (SELECT count(DISTINCT customer_id) FROM _affected_customers) AS affected,
                (SELECT count(*) FROM refund_facts) AS total`,
      );
      // Past a fifth of the facts, one pass over everything is cheaper than picking the affected rows.
      const full = fullRecompute || total === 0 || affected > Math.max(50_000, total / 5);
      const incremental = !full && (await prepareRollupUpdate(conn));
      await recomputeFacts(conn, full ? 'all' : 'affected', reporting);
      if (incremental) rollups = await updateRollups(conn);
      else {
        await rebuildRollups(conn);
        rollups = 'full';
      }
      await runSql(conn, `DROP TABLE IF EXISTS _facts_new`);
    } else if (!(await rollupsCurrent(conn))) {
      await rebuildRollups(conn);
      rollups = 'full';
    }
    opts.onProgress?.({ table: 'facts', phase: 'done', fraction: 1 });
    if (opts.dryRun) return { ...(await rollBackPreview(conn, loadId, tables, t0)), rollups, ...(conflicts ? { conflicts } : {}) };
    const files = await hashes;
    const durationMs = Math.round(performance.now() - t0);
    await runSql(conn, `UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'`);
    if (derive) await markRollupsCurrent(conn);
    await recordReportingCurrency(conn, reporting);
    await recordHistory(conn, loadId, started, 'committed', null, files, tables, durationMs);
    await phase('committing', 'all');
    await runSql(conn, 'COMMIT');
    const [{ v }] = await queryRows<{ v: string }>(conn, `SELECT value AS v FROM meta WHERE key = 'data_version'`);
    return { loadId, outcome: 'committed', tables, durationMs, dataVersion: Number(v), rollups, ...(conflicts ? { conflicts } : {}) };
  } catch (e) {
    await runSql(conn, 'ROLLBACK').catch(() => undefined);
    const error = asLoadError(e);
    if (opts.dryRun) throw error;
    const files = await hashes.catch(() => inputs.map((f) => ({ path: f.path, table: f.table, sha256: '' })));
    await recordHistory(conn, loadId, started, 'failed', error.message, files, [...summaries.values()], Math.round(performance.now() - t0)).catch(
      () => undefined,
    );
    throw error;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function rollBackPreview(conn: DuckDBConnection, loadId: number, tables: TableSummary[], t0: number): Promise<LoadSummary> {
  const rejects = await queryRows<LoadReject>(
    conn,
    `SELECT table_name AS "table", file, line, column_name AS "column", value, reason FROM load_rejects
     WHERE load_id = ${loadId} ORDER BY table_name, file, line, column_name LIMIT ${PREVIEW_REJECTS}`,
  );
  await runSql(conn, 'ROLLBACK');
  const [{ v }] = await queryRows<{ v: string }>(conn, `SELECT value AS v FROM meta WHERE key = 'data_version'`);
  return { loadId, outcome: 'previewed', tables, durationMs: Math.round(performance.now() - t0), dataVersion: Number(v), rejects };
}

function asLoadError(e: unknown): LoadError {
  if (e instanceof LoadError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new LoadError('DATABASE_ERROR', msg);
}

async function readableCopy(input: InputFile, encoding: Encoding, tmp: string): Promise<string> {
  if (input.format === 'parquet') return input.path;
  const sniff = await sniffEncoding(input.path);
  if (sniff.empty) throw new LoadError('FILE_UNREADABLE', `${input.path}: the file is empty (expected a header row)`, input.path);
  if (encoding === 'gb18030' || encoding === 'windows-1252') return transcodeToUtf8(input.path, encoding, tmp);
  if (encoding === 'auto' && !sniff.utf8) return transcodeToUtf8(input.path, sniff.legacy, tmp);
  if (sniff.bom && input.format === 'jsonl') return transcodeToUtf8(input.path, 'utf-8', tmp);
  return input.path;
}

/** The last committed load's files and table summaries (null before the first). */
async function lastCommittedLoad(conn: DuckDBConnection): Promise<{ loadId: number; files: HistoryFile[]; tables: TableSummary[] } | null> {
  const [row] = await queryRows<{ load_id: number; files: string; tables: string }>(
    conn,
    `SELECT load_id, files, tables FROM load_history WHERE outcome = 'committed' ORDER BY load_id DESC LIMIT 1`,
  );
  return row ? { loadId: row.load_id, files: JSON.parse(row.files) as HistoryFile[], tables: JSON.parse(row.tables) as TableSummary[] } : null;
}

/**
 * When a file is, byte for byte and read with the same encoding, the only file of its table in the
 * last committed load, and this load has no other file for that table, merging it again would change
 * nothing: the table holds what that load left (nothing has committed since), and every check gives
 * the same verdict. The exceptions, read as usual: files checked against fx rates when this load
 * brings other fx rates, and refunds while source records are reconciled (reconciliation rewrites
 * refunds). Returns the summary merging it would give, or null to read the file.
 */
async function sameAsLastLoad(
  conn: DuckDBConnection,
  c: {
    previous: Awaited<ReturnType<typeof lastCommittedLoad>>;
    input: InputFile;
    inputs: readonly InputFile[];
    encoding: Encoding;
    hash: Promise<string>;
    size: Promise<number>;
    skipped: ReadonlySet<TableName>;
  },
): Promise<TableSummary | null> {
  const { previous, input } = c;
  if (!previous) return null;
  const table = input.table;
  const before = previous.files.filter((f) => f.table === table);
  const summary = previous.tables.find((t) => t.table === table);
  if (before.length !== 1 || c.inputs.filter((f) => f.table === table).length !== 1 || !summary || summary.files.length !== 1) return null;
  const [f] = before;
  if (basename(f.path) !== basename(input.path) || f.encoding !== c.encoding || f.size !== (await c.size)) return null;
  if (TABLE_BY_NAME.get(table)!.fx && c.inputs.some((i) => i.table === 'fx_rates') && !c.skipped.has('fx_rates')) return null;
  if (table === 'refunds') {
    if (c.inputs.some((i) => isSourceTable(i.table))) return null;
    const [{ n }] = await queryRows<{ n: number }>(
      conn,
      `SELECT (SELECT count(*) FROM src_tickets) + (SELECT count(*) FROM src_payments) + (SELECT count(*) FROM src_shop_orders) AS n`,
    );
    if (n > 0) return null;
  }
  if ((await c.hash) !== f.sha256) return null;
  return {
    table,
    files: [input.path],
    read: summary.read,
    loaded: 0,
    replaced: 0,
    unchanged: summary.loaded + summary.unchanged,
    rejected: summary.rejected,
    sameAsLoad: previous.loadId,
  };
}

/** Line (CSV, after the header) or record number of the first row of a file. */
export function lineOffset(format: InputFile['format']): number {
  return format === 'csv' ? 2 : 1;
}

/** A staged file: relations over its rows (the spec's columns as VARCHAR and `__line`). */
interface Staged {
  /** `__line` numbered in file order. */
  numbered: string;
  /** `__line` NULL: numbering needs `row_number() OVER ()`, which runs the read and the checks on one thread (4M orders: 10.8 s against 6.3 s). */
  unnumbered: string;
  /** The rows must be numbered in any case (their source map is keyed by line). */
  needsLines: boolean;
}

/** Checks a file's header and returns the relations that read it. */
async function stage(conn: DuckDBConnection, input: InputFile, path: string, spec: TableSpec): Promise<Staged> {
  const name = basename(input.path);
  const first = lineOffset(input.format) - 1;
  const relations = (cols: string, src: string, needsLines: boolean): Staged => ({
    numbered: `(SELECT row_number() OVER () + ${first} AS __line, ${cols} FROM ${src})`,
    unnumbered: `(SELECT CAST(NULL AS BIGINT) AS __line, ${cols} FROM ${src})`,
    needsLines,
  });
  if (input.format === 'jsonl') {
    const cols = spec.columns.map((c) => `json ->> ${literal(c.name)} AS ${ident(c.name)}`).join(', ');
    await unreadableAs(input, () => queryRows(conn, `SELECT json FROM read_ndjson_objects(${literal(path)}) LIMIT 1`));
    await stageSourceMap(conn, null);
    return relations(cols, `read_ndjson_objects(${literal(path)})`, false);
  }
  const src =
    input.format === 'csv'
      ? `read_csv(${literal(path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false)`
      : `read_parquet(${literal(path)})`;
  const described = await unreadableAs(input, () => queryRows<{ column_name: string }>(conn, `DESCRIBE SELECT * FROM ${src}`));
  const present = new Map(described.map((d) => [d.column_name.trim().toLowerCase(), d.column_name]));
  const missing = spec.columns.filter((c) => c.required && !present.has(c.name));
  if (missing.length) {
    throw new LoadError(
      'MISSING_COLUMN',
      `${name}: header lacks required column(s) ${missing.map((c) => c.name).join(', ')} for table ${spec.name} (found: ${described.map((d) => d.column_name).join(', ')})`,
      input.path,
    );
  }
  const cols = spec.columns
    .map((c) => {
      const col = present.get(c.name);
      return col === undefined ? `CAST(NULL AS VARCHAR) AS ${ident(c.name)}` : `CAST(${quoteAny(col)} AS VARCHAR) AS ${ident(c.name)}`;
    })
    .join(', ');
  const hasSource = input.format === 'csv' && present.has('_source_file') && present.has('_source_line');
  await stageSourceMap(conn, hasSource ? `(SELECT row_number() OVER () + ${first} AS __line, "_source_file", "_source_line" FROM ${src})` : null);
  return relations(cols, src, hasSource);
}

/** Any failure while DuckDB reads the file becomes a load error naming the file. */
async function unreadableAs<T>(input: InputFile, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof LoadError) throw e;
    throw new LoadError('FILE_UNREADABLE', `${basename(input.path)}: cannot be read as ${input.format.toUpperCase()} (${firstLine(e)})`, input.path);
  }
}

function quoteAny(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** DuckDB's reason without the echo of the offending line (which may be megabytes) or its tips. */
export function firstLine(e: unknown): string {
  const msg = e instanceof QueryError || e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').map((l) => l.trim());
  const tips = lines.findIndex((l) => /^Possible (fixes|Solution)/i.test(l));
  const body = (tips === -1 ? lines : lines.slice(0, tips)).filter(Boolean);
  const echo = body.findIndex((l) => /^Original Line:/i.test(l));
  // CSV errors: "CSV Error on Line: N", the echoed line(s), then the reason on the last line.
  const kept = echo === -1 ? body : [...body.slice(0, echo), body[body.length - 1]];
  return kept
    .map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l))
    .join(' ')
    .slice(0, 600);
}

/**
 * Applies the valid rows of `_chk` to the table: per key the last row of the file wins, rows
 * identical to the stored version change nothing, differing ones replace it. Rejects are recorded.
 * The common cases (no duplicate keys, an empty table) skip the window and the join.
 */
async function merge(
  conn: DuckDBConnection,
  spec: TableSpec,
  file: string,
  loadId: number,
  rejectsSql: string,
  /** Rebuilds `_chk` with line numbers, when it was built without them. */
  renumber?: () => Promise<void>,
): Promise<{ loaded: number; replaced: number; unchanged: number; rejected: number; intoEmpty: boolean }> {
  const t = ident(spec.name);
  const keys = spec.key.map(ident);
  const keyTuple = keys.length === 1 ? keys[0] : `(${keys.join(', ')})`;
  const cols = spec.columns.map((c) => ident(c.name));
  const keyJoin = (a: string, b: string) => keys.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');
  const same = cols.map((c) => `v.${c} IS NOT DISTINCT FROM s.${c}`).join(' AND ');
  const fileLit = literal(basename(file));
  const tableLit = literal(spec.name);

  const [stats] = await queryRows<{ bad: number; valid: number; distinct_keys: number; target_rows: number }>(
    conn,
    `SELECT count(*) FILTER (WHERE __bad) AS bad, count(*) FILTER (WHERE NOT __bad) AS valid,
            count(DISTINCT ${keyTuple}) FILTER (WHERE NOT __bad) AS distinct_keys,
            (SELECT count(*) FROM (SELECT 1 FROM ${t} LIMIT 1)) AS target_rows
     FROM _chk`,
  );
  if (renumber && (stats.bad > 0 || stats.distinct_keys < stats.valid)) await renumber();
  if (stats.bad > 0) {
    const o = rejectOrigin(fileLit, 'r.__line', 'm');
    await runSql(
      conn,
      `INSERT INTO load_rejects SELECT ${loadId}, ${tableLit}, ${o.file}, ${o.line}, column_name, value, reason FROM (${rejectsSql}) r ${o.join}`,
    );
  }
  let duplicates = 0;
  let source = `(SELECT * FROM _chk WHERE NOT __bad)`;
  if (stats.distinct_keys < stats.valid) {
    const dup = rejectOrigin(fileLit, '_valid.__line', 'm');
    const last = rejectOrigin(fileLit, '_valid.__last', 'm2');
    await runSql(
      conn,
      `CREATE OR REPLACE TEMP TABLE _valid AS
       SELECT *, max(__line) OVER (PARTITION BY ${keys.join(', ')}) AS __last FROM _chk WHERE NOT __bad`,
    );
    await runSql(
      conn,
      `INSERT INTO load_rejects
       SELECT ${loadId}, ${tableLit}, ${dup.file}, ${dup.line}, ${literal(spec.key.join(','))}, concat_ws(',', ${keys.map((k) => `_valid.${k}`).join(', ')}),
         'duplicate key in this file: line ' || ${last.line} || ' holds the newer version'
       FROM _valid ${dup.join} ${last.join} WHERE _valid.__line <> _valid.__last`,
    );
    duplicates = stats.valid - stats.distinct_keys;
    source = `(SELECT * FROM _valid WHERE __line = __last)`;
  }
  const rejected = stats.bad + duplicates;
  if (stats.target_rows === 0) {
    await runSql(conn, `INSERT INTO ${t} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${source}`);
    return { loaded: stats.distinct_keys, replaced: 0, unchanged: 0, rejected, intoEmpty: true };
  }
  await runSql(
    conn,
    `CREATE OR REPLACE TEMP TABLE _cls AS
     SELECT v.*, CASE WHEN s.${keys[0]} IS NULL THEN 'new' WHEN ${same} THEN 'same' ELSE 'changed' END AS __kind
     FROM ${source} v LEFT JOIN ${t} s ON ${keyJoin('v', 's')}`,
  );
  if (spec.name === 'orders') {
    // The order_daily groups these orders leave and enter (the rollup update recounts only those).
    await runSql(
      conn,
      `INSERT INTO _order_changes
       SELECT ordered_at, channel, campaign FROM _cls WHERE __kind <> 'same'
       UNION ALL SELECT s.ordered_at, s.channel, s.campaign FROM orders s JOIN _cls c ON ${keyJoin('c', 's')} WHERE c.__kind = 'changed'`,
    );
  }
  if (spec.name === 'agents') {
    await runSql(
      conn,
      `INSERT INTO _affected_customers
       SELECT customer_id FROM refunds WHERE agent_id IN (SELECT agent_id FROM _cls WHERE __kind <> 'same')`,
    );
  }
  if (spec.name === 'refunds' || spec.name === 'orders') {
    await runSql(
      conn,
      `INSERT INTO _affected_customers
       SELECT customer_id FROM _cls WHERE __kind <> 'same'
       UNION ALL SELECT s.customer_id FROM ${t} s JOIN _cls c ON ${keyJoin('c', 's')} WHERE c.__kind = 'changed'`,
    );
  } else if (spec.name === 'surveys') {
    await runSql(
      conn,
      `INSERT INTO _affected_customers
       SELECT r.customer_id FROM refunds r WHERE r.refund_id IN (
         SELECT refund_id FROM _cls WHERE __kind <> 'same'
         UNION ALL SELECT s.refund_id FROM surveys s JOIN _cls c ON ${keyJoin('c', 's')} WHERE c.__kind = 'changed')`,
    );
  }
  const [c] = await queryRows<{ loaded: number; replaced: number; unchanged: number }>(
    conn,
    `SELECT count(*) FILTER (WHERE __kind <> 'same') AS loaded, count(*) FILTER (WHERE __kind = 'changed') AS replaced,
            count(*) FILTER (WHERE __kind = 'same') AS unchanged FROM _cls`,
  );
  if (c.replaced > 0) await runSql(conn, `DELETE FROM ${t} s USING _cls c WHERE ${keyJoin('s', 'c')} AND c.__kind = 'changed'`);
  if (c.loaded > 0) await runSql(conn, `INSERT INTO ${t} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM _cls WHERE __kind <> 'same'`);
  return { ...c, rejected, intoEmpty: false };
}

/** The "file" rejects of merged refunds name (their line is the refund's rank by id; the reason names the refund). */
export const RECONCILED_FILE = 'reconciled refunds';

/**
 * Rebuilds the refunds the source records make (etl/src/reconcile) and applies them like a refunds
 * file: validated, merged (unchanged ones change nothing), and those the sources no longer make are
 * deleted. The conflicts and the lineage are replaced. null when there are no source records.
 */
async function reconcileSources(
  conn: DuckDBConnection,
  loadId: number,
  reporting: string,
): Promise<{
  read: number;
  loaded: number;
  replaced: number;
  unchanged: number;
  rejected: number;
  intoEmpty: boolean;
  deleted: number;
  conflictsAdded: Array<{ kind: string; count: number }>;
} | null> {
  const [{ sources, before }] = await queryRows<{ sources: number; before: number }>(
    conn,
    `SELECT (SELECT count(*) FROM src_tickets) + (SELECT count(*) FROM src_payments) + (SELECT count(*) FROM src_shop_orders) AS sources,
            (SELECT count(*) FROM refund_sources) AS before`,
  );
  if (sources === 0 && before === 0) return null;
  for (const q of reconcileStatements()) await runSql(conn, q);
  const spec = TABLE_BY_NAME.get('refunds')!;
  const v = validationSql(spec, mergedAsSource(spec.columns.map((c) => c.name)), '_chk', reporting);
  if (v.fxDays) await runSql(conn, v.fxDays);
  await runSql(conn, v.check);
  const [{ rows }] = await queryRows<{ rows: number }>(conn, `SELECT count(*) AS rows FROM _chk`);
  const merged = await merge(conn, spec, RECONCILED_FILE, loadId, v.rejects);
  await runSql(
    conn,
    `UPDATE load_rejects j SET reason = 'refund ' || c.refund_id || ': ' || j.reason
     FROM _chk c WHERE j.load_id = ${loadId} AND j.file = ${literal(RECONCILED_FILE)} AND j.line = c.__line`,
  );
  const stale = `SELECT refund_id FROM refund_sources EXCEPT SELECT refund_id FROM _chk WHERE NOT __bad`;
  await runSql(conn, `INSERT INTO _affected_customers SELECT customer_id FROM refunds WHERE refund_id IN (${stale})`);
  const [{ deleted }] = await queryRows<{ deleted: number }>(conn, `SELECT count(*) AS deleted FROM refunds WHERE refund_id IN (${stale})`);
  if (deleted > 0) await runSql(conn, `DELETE FROM refunds WHERE refund_id IN (${stale})`);
  await runSql(conn, `DELETE FROM refund_sources`);
  await runSql(conn, `INSERT INTO refund_sources SELECT l.* FROM _lineage l WHERE l.refund_id IN (SELECT refund_id FROM _chk WHERE NOT __bad)`);
  const conflictsAdded = await queryRows<{ kind: string; count: number }>(
    conn,
    `SELECT kind, count(*) AS count FROM _conflicts c
     WHERE NOT EXISTS (SELECT 1 FROM reconciliation_conflicts o WHERE o.kind = c.kind AND coalesce(o.order_id, o.refund_id) = coalesce(c.order_id, c.refund_id))
     GROUP BY kind ORDER BY kind`,
  );
  await runSql(conn, `DELETE FROM reconciliation_conflicts`);
  await runSql(conn, `INSERT INTO reconciliation_conflicts SELECT kind, refund_id, order_id, detail FROM _conflicts`);
  return { read: rows, ...merged, deleted, conflictsAdded };
}

/** Writes the reason-family configuration; true when it differs from the stored one. */
async function writeReasonFamilies(conn: DuckDBConnection, map: Readonly<Record<string, readonly string[]>>): Promise<boolean> {
  const pairs = reasonFamilyPairs(map);
  const before = await queryRows<{ k: string }>(conn, `SELECT reason_code || '=' || family AS k FROM reason_families ORDER BY 1`);
  const after = pairs.map((p) => `${p.reasonCode}=${p.family}`).sort();
  if (before.map((b) => b.k).join('|') === after.join('|')) return false;
  await runSql(conn, `DELETE FROM reason_families`);
  for (const p of pairs) await runSql(conn, sql`INSERT INTO reason_families VALUES (${p.reasonCode}, ${p.family})`);
  return true;
}

async function writeRejects(conn: DuckDBConnection, loadId: number, out: string): Promise<void> {
  await runSql(
    conn,
    `COPY (SELECT table_name AS "table", file, line, column_name AS "column", value, reason FROM load_rejects
           WHERE load_id = ${loadId} ORDER BY table_name, file, line) TO ${literal(out)} (HEADER, DELIMITER ',')`,
  );
}

async function recordHistory(
  conn: DuckDBConnection,
  loadId: number,
  started: Date,
  outcome: 'committed' | 'failed',
  message: string | null,
  files: HistoryFile[],
  tables: TableSummary[],
  durationMs: number,
): Promise<void> {
  const sum = (k: keyof Omit<TableSummary, 'table' | 'files' | 'sameAsLoad'>) => tables.reduce((a, t) => a + t[k], 0);
  await runSql(
    conn,
    sql`INSERT INTO load_history VALUES (${loadId}, ${started.toISOString()}::TIMESTAMPTZ::TIMESTAMP, now()::TIMESTAMP, ${outcome}, ${message},
      ${JSON.stringify(files)}, ${sum('read')}, ${sum('loaded')}, ${sum('replaced')}, ${sum('unchanged')}, ${sum('rejected')}, ${durationMs}, ${JSON.stringify(tables)})`,
  );
}
