#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { connect, openDatabase, storedReportingCurrency } from '@refunds/engine-duckdb';
import { agreedReportingCurrency } from './load/checks';
import { LoadError } from './load/errors';
import { loadFiles, type LoadOptions, type LoadProgress, type LoadSummary } from './load/load';
import type { Encoding } from './load/files';
import { clickHouseReportingCurrency, loadIntoClickHouse } from './clickhouse/load';
import { isClickHouseUrl, parseClickHouseUrl, WarehouseUrlError } from './clickhouse/url';

const USAGE = `usage:
  refunds-etl load --db FILE|URL [--currency CODE] [--strict] [--rejects OUT.csv] [--encoding auto|utf-8|gb18030|latin1] [--memory-limit SIZE] PATH...
  refunds-etl generate --out DIR --refunds N --seed S [--confounded]
  refunds-etl import --format NAME --db FILE|URL [--mapping FILE] [--currency CODE] [--strict] [--rejects OUT.csv] [--encoding ...] PATH...
  refunds-etl backup --db FILE OUT.duckdb      (handed to the server when one serves FILE)
  refunds-etl restore --db FILE BACKUP.duckdb  (with the server stopped)

  --currency: reporting currency of a new database (default CNY); an existing database keeps its own.
  --memory-limit: DuckDB's memory limit for a load into a file, e.g. 8GB (default: DuckDB's, 80% of RAM;
                  also REFUNDS_DUCKDB_MEMORY_LIMIT). Set it where other programs share the machine.
  --confounded: new customers are rejected more and buy again less, with a known effect of a rejection
                (CONFOUNDED in etl/src/generate/world.ts), to check the matched estimate against.
  URL: a ClickHouse warehouse, clickhouse://[user[:password]@]host:port[,host:port...]/database[?cluster=NAME]`;

/** A ClickHouse URL checked before anything runs (a bad one is a usage error naming it without its password). */
function checkWarehouseUrl(db: string): boolean {
  if (!isClickHouseUrl(db)) return false;
  try {
    parseClickHouseUrl(db);
  } catch (e) {
    if (e instanceof WarehouseUrlError) throw new UsageError(e.message);
    throw e;
  }
  return true;
}

export interface ParsedArgs {
  command: string;
  flags: Record<string, string | true>;
  positional: string[];
}

const BOOLEAN_FLAGS = new Set(['strict', 'help', 'local', 'confounded']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2);
      if (inline !== undefined) flags[k] = inline;
      else if (BOOLEAN_FLAGS.has(k)) flags[k] = true;
      else {
        const v = rest[++i];
        if (v === undefined) throw new UsageError(`--${k} needs a value`);
        flags[k] = v;
      }
    } else positional.push(a);
  }
  return { command, flags, positional };
}

class UsageError extends Error {}

function str(flags: ParsedArgs['flags'], k: string): string | undefined {
  const v = flags[k];
  return typeof v === 'string' ? v : undefined;
}

function int(flags: ParsedArgs['flags'], k: string, required = true): number | undefined {
  const v = str(flags, k);
  if (v === undefined) {
    if (required) throw new UsageError(`--${k} is required`);
    return undefined;
  }
  if (!/^\d+$/.test(v)) throw new UsageError(`--${k} must be a whole number, got "${v}"`);
  return Number(v);
}

/** Progress on a terminal: one bar per table, redrawn in place; plain lines otherwise. */
function progressReporter(stream: NodeJS.WriteStream): (p: LoadProgress) => void {
  const tty = stream.isTTY === true;
  let current = '';
  return (p) => {
    const label = p.table.padEnd(16);
    if (!tty) {
      stream.write(`${p.table}: ${p.phase}\n`);
      return;
    }
    const width = 24;
    const filled = Math.round(p.fraction * width);
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.phase}`;
    if (current && current !== p.table) stream.write('\n');
    current = p.table;
    stream.write(`\r${line.padEnd(60)}`);
    if (p.phase === 'done') {
      stream.write('\n');
      current = '';
    }
  };
}

export function formatSummary(s: LoadSummary): string {
  const head = ['table', 'read', 'loaded', 'replaced', 'unchanged', 'rejected'];
  const rows = s.tables.map((t) => [t.table, t.read, t.loaded, t.replaced, t.unchanged, t.rejected].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `load ${s.loadId} ${s.outcome} in ${(s.durationMs / 1000).toFixed(1)} s (data version ${s.dataVersion}${s.rollups ? `, rollups ${s.rollups}` : ''})`,
    fmt(head),
    ...rows.map(fmt),
    ...s.tables.filter((t) => t.sameAsLoad !== undefined).map((t) => `${t.table}: the same file as load ${t.sameAsLoad}, not read again`),
  ].join('\n');
}

interface ServerInfo {
  pid: number;
  url: string;
}

/** A running server owns the DuckDB file (one writer process); it advertises itself beside it. */
export function serverInfoPath(db: string): string {
  return `${resolve(db)}.server.json`;
}

function runningServer(db: string): ServerInfo | null {
  const p = serverInfoPath(db);
  if (!existsSync(p)) return null;
  try {
    const info = JSON.parse(readFileSync(p, 'utf8')) as ServerInfo;
    process.kill(info.pid, 0);
    return info;
  } catch {
    return null;
  }
}

/**
 * Hands a job (`what`: the load, the backup) to the server that serves the database: POST `body` to
 * `path` with the admin token of REFUNDS_ADMIN_TOKEN. Returns the answer and whether it was a success.
 */
async function postToServer<T>(
  info: ServerInfo,
  path: string,
  what: string,
  body: unknown,
): Promise<{ ok: boolean; status: number; body: T & { error?: { message: string } } }> {
  const token = process.env.REFUNDS_ADMIN_TOKEN;
  if (!token)
    throw new LoadError('LOAD_IN_PROGRESS', `a server (pid ${info.pid}) serves this database; set REFUNDS_ADMIN_TOKEN so ${what} can be handed to it`);
  const res = await fetch(`${info.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { ok: res.ok, status: res.status, body: (await res.json()) as T & { error?: { message: string } } };
}

async function loadViaServer(info: ServerInfo, paths: string[], opts: LoadOptions, format?: string, mapping?: string): Promise<LoadSummary> {
  const res = await postToServer<{ summary?: LoadSummary }>(info, '/api/loads', 'the load', {
    paths: paths.map((p) => resolve(p)),
    strict: opts.strict,
    rejectsOut: opts.rejectsOut && resolve(opts.rejectsOut),
    encoding: opts.encoding,
    currency: opts.reportingCurrency,
    format,
    mapping: mapping && resolve(mapping),
  });
  if (!res.ok || !res.body.summary) throw new LoadError('DATABASE_ERROR', res.body.error?.message ?? `server answered ${res.status}`);
  return res.body.summary;
}

/** Runs `work` on a connection to the DuckDB file `db`, closed after it; a file DuckDB cannot open is a DATABASE_ERROR. */
async function withDatabase<T>(db: string, work: (conn: DuckDBConnection) => Promise<T>, memoryLimit?: string): Promise<T> {
  let instance;
  try {
    instance = await openDatabase(db, { memoryLimit });
  } catch (e) {
    throw new LoadError('DATABASE_ERROR', `cannot open ${db}: ${(e as Error).message.split('\n')[0]}`);
  }
  const conn = await connect(instance);
  try {
    return await work(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function loadLocal(db: string, paths: string[], opts: LoadOptions, memoryLimit?: string): Promise<LoadSummary> {
  return withDatabase(db, (conn) => loadFiles(conn, paths, opts), memoryLimit);
}

/** DuckDB's default takes 80% of RAM, which the kernel's OOM killer ends when other programs need theirs. */
export function memoryLimitOf(flag: string | undefined, env: string | undefined = process.env.REFUNDS_DUCKDB_MEMORY_LIMIT): string | undefined {
  const source = flag !== undefined ? '--memory-limit' : 'REFUNDS_DUCKDB_MEMORY_LIMIT';
  const v = (flag ?? env)?.trim();
  if (v === undefined || v === '') return undefined;
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(v)) throw new UsageError(`${source} must be a size such as 8GB or 512MiB, got "${v}"`);
  return v;
}

/** REFUNDS_REASON_FAMILIES: a JSON file {family: [reason codes]} replacing the default mapping. */
function readReasonFamilies(path: string | undefined): Record<string, string[]> | undefined {
  if (!path) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`REFUNDS_REASON_FAMILIES: cannot read ${path} as JSON (${(e as Error).message})`);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    Array.isArray(parsed) ||
    Object.values(parsed).some((v) => !Array.isArray(v) || v.some((c) => typeof c !== 'string'))
  ) {
    throw new UsageError(`REFUNDS_REASON_FAMILIES: ${path} must map family names to lists of reason codes`);
  }
  return parsed as Record<string, string[]>;
}

async function cmdLoad(a: ParsedArgs, format?: string): Promise<number> {
  const db = str(a.flags, 'db');
  if (!db) throw new UsageError('--db FILE is required');
  if (a.positional.length === 0) throw new UsageError('give at least one file or folder to load');
  const encodingFlag = (str(a.flags, 'encoding') ?? 'auto').toLowerCase();
  const encoding = ENCODINGS[encodingFlag];
  if (!encoding) throw new UsageError(`--encoding must be auto, utf-8, gb18030 (gbk) or latin1 (windows-1252), got "${encodingFlag}"`);
  const currencyFlag = str(a.flags, 'currency');
  if (currencyFlag !== undefined && !/^[A-Za-z]{3}$/.test(currencyFlag.trim()))
    throw new UsageError(`--currency must be a 3-letter ISO 4217 code, got "${currencyFlag}"`);
  const opts: LoadOptions = {
    strict: a.flags.strict === true,
    rejectsOut: str(a.flags, 'rejects'),
    encoding,
    reportingCurrency: currencyFlag?.trim().toUpperCase(),
    reasonFamilies: readReasonFamilies(process.env.REFUNDS_REASON_FAMILIES),
    onProgress: progressReporter(process.stderr),
    // Lets fault-injection tests kill the process at a known point of the load.
    onPhase: process.env.REFUNDS_DEBUG_PHASES ? (phase, table) => void process.stderr.write(`phase ${table} ${phase}\n`) : undefined,
  };
  const memoryLimit = memoryLimitOf(str(a.flags, 'memory-limit'));
  const warehouse = checkWarehouseUrl(db);
  const server = a.flags.local || warehouse ? null : runningServer(db);
  let paths = a.positional;
  let cleanup: (() => Promise<void>) | undefined;
  if (format && !server) {
    // importers fill missing currencies with the database's reporting currency
    const stored = warehouse ? await clickHouseReportingCurrency(db) : await databaseCurrency(db);
    const currency = agreedReportingCurrency(stored, opts.reportingCurrency);
    const converted = await convert(format, paths, str(a.flags, 'mapping'), currency, encoding);
    paths = [converted.dir];
    cleanup = converted.cleanup;
  }
  try {
    const summary = server
      ? await loadViaServer(server, paths, opts, format, str(a.flags, 'mapping'))
      : warehouse
        ? await loadIntoClickHouse(db, paths, opts)
        : await loadLocal(db, paths, opts, memoryLimit);
    process.stdout.write(formatSummary(summary) + '\n');
    return 0;
  } finally {
    await cleanup?.();
  }
}

const ENCODINGS: Record<string, Encoding> = {
  auto: 'auto',
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  gb18030: 'gb18030',
  gbk: 'gb18030',
  latin1: 'windows-1252',
  'latin-1': 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};

/** The reporting currency a database file was created with; null for a new file. */
async function databaseCurrency(db: string): Promise<string | null> {
  if (!existsSync(db)) return null;
  return withDatabase(db, storedReportingCurrency);
}

async function convert(
  format: string,
  paths: string[],
  mapping: string | undefined,
  reportingCurrency: string,
  encoding: Encoding,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { convertExport } = await import('./importers');
  const dir = await mkdtemp(join(tmpdir(), 'refunds-import-'));
  try {
    const r = await convertExport(format, paths, dir, { mappingFile: mapping, reportingCurrency, encoding });
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A consistent copy of the warehouse; a running server writes it between loads on its own connection. */
async function cmdBackup(a: ParsedArgs): Promise<number> {
  const db = str(a.flags, 'db');
  if (!db) throw new UsageError('--db FILE is required');
  if (a.positional.length !== 1) throw new UsageError('give one output file: backup --db FILE OUT.duckdb');
  if (checkWarehouseUrl(db)) throw new UsageError('backup copies a DuckDB file; back up a ClickHouse warehouse with ClickHouse itself');
  const out = resolve(a.positional[0]);
  const { backupFile } = await import('./backup');
  const server = a.flags.local ? null : runningServer(db);
  let bytes: number;
  if (server) {
    const res = await postToServer<{ bytes?: number }>(server, '/api/backups', 'the backup', { out });
    if (!res.ok || res.body.bytes === undefined) throw new LoadError('BACKUP_FAILED', res.body.error?.message ?? `server answered ${res.status}`);
    bytes = res.body.bytes;
  } else {
    bytes = (await backupFile(resolve(db), out)).bytes;
  }
  process.stdout.write(`backup written to ${out} (${(bytes / 1e6).toFixed(1)} MB)\n`);
  return 0;
}

async function cmdRestore(a: ParsedArgs): Promise<number> {
  const db = str(a.flags, 'db');
  if (!db) throw new UsageError('--db FILE is required');
  if (a.positional.length !== 1) throw new UsageError('give one backup file: restore --db FILE BACKUP.duckdb');
  if (checkWarehouseUrl(db)) throw new UsageError('restore writes a DuckDB file; restore a ClickHouse warehouse with ClickHouse itself');
  const server = runningServer(db);
  if (server) throw new LoadError('LOAD_IN_PROGRESS', `a server (pid ${server.pid}) serves ${db}; stop it before restoring`);
  const { restoreDatabase } = await import('./backup');
  const { loads } = await restoreDatabase(resolve(a.positional[0]), resolve(db));
  process.stdout.write(`restored ${db} from ${a.positional[0]} (${loads} loads in its history)\n`);
  return 0;
}

async function cmdGenerate(a: ParsedArgs): Promise<number> {
  const out = str(a.flags, 'out');
  if (!out) throw new UsageError('--out DIR is required');
  const refunds = int(a.flags, 'refunds')!;
  const seed = int(a.flags, 'seed', false) ?? 1;
  const { generateDataset } = await import('./generate/generate');
  const t0 = performance.now();
  const tty = process.stderr.isTTY === true;
  const s = await generateDataset({
    out,
    refunds,
    seed,
    confounded: a.flags.confounded === true,
    onProgress: tty ? (table, rows) => process.stderr.write(`\r${table.padEnd(16)} ${rows.toLocaleString('en')} rows`.padEnd(50)) : undefined,
  });
  if (tty) process.stderr.write('\n');
  const counts = Object.entries(s.counts)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  process.stdout.write(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s into ${out}: ${counts}\n`);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    const a = parseArgs(argv);
    switch (a.command) {
      case 'load':
        return await cmdLoad(a);
      case 'import': {
        const format = str(a.flags, 'format');
        if (!format) throw new UsageError('--format NAME is required');
        return await cmdLoad(a, format);
      }
      case 'generate':
        return await cmdGenerate(a);
      case 'backup':
        return await cmdBackup(a);
      case 'restore':
        return await cmdRestore(a);
      case 'help':
      case '--help':
        process.stdout.write(USAGE + '\n');
        return 0;
      default:
        throw new UsageError(`unknown command "${a.command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    const err = e as Error & { code?: string };
    process.stderr.write(`error${err.code ? ` [${err.code}]` : ''}: ${err.message}\nnothing was committed\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
