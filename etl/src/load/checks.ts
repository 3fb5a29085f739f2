/**
 * Checks of a load beyond the row rules (issue 11): the reporting currency a database was
 * created with, files that load nothing, and where a reject came from when the file was made
 * by an importer. Kept apart from load.ts so each is one call there.
 */
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULTS } from '@refunds/shared';
import { queryRows, runSql } from '@refunds/engine-duckdb';
import { literal, TABLE_BY_NAME, type TableName } from '@refunds/warehouse';
import { detectDateFormat } from '../importers/common';
import { LoadError } from './errors';

// ---------------------------------------------------------------------------------------
// reporting currency

/**
 * The currency a load reports in: the database's own once it has one (the option may only
 * repeat it), else the option, else CNY. Amounts are converted into it when they are loaded,
 * so a database cannot change it afterwards.
 */
export function agreedReportingCurrency(stored: string | null, requested: string | undefined): string {
  const wanted = requested?.trim().toUpperCase();
  if (wanted !== undefined && wanted !== '' && !/^[A-Z]{3}$/.test(wanted)) {
    throw new LoadError('CURRENCY_MISMATCH', `--currency must be a 3-letter ISO 4217 code, got "${requested}"`);
  }
  if (stored === null) return wanted || DEFAULTS.reportingCurrency;
  if (wanted && wanted !== stored) {
    throw new LoadError(
      'CURRENCY_MISMATCH',
      `this database reports in ${stored} (set when it was created); --currency ${wanted} disagrees: drop the option, or load into a new database for ${wanted}`,
    );
  }
  return stored;
}

/** Stores the reporting currency of a database being created (kept as it is otherwise). */
export async function recordReportingCurrency(conn: DuckDBConnection, currency: string): Promise<void> {
  await runSql(conn, `INSERT OR IGNORE INTO meta VALUES ('reporting_currency', ${literal(currency)})`);
}

// ---------------------------------------------------------------------------------------
// where a reject came from

/**
 * An importer's intermediate CSV may end with `_source_file` and `_source_line` (the user's
 * export and line). `_src_map` then maps the intermediate line to them; it is empty otherwise.
 * `relation` reads the file with the intermediate line numbers of the loader (`__line`).
 */
export async function stageSourceMap(conn: DuckDBConnection, relation: string | null): Promise<void> {
  if (relation === null) {
    await runSql(conn, `CREATE OR REPLACE TEMP TABLE _src_map (__line BIGINT, file VARCHAR, line BIGINT)`);
    return;
  }
  await runSql(
    conn,
    `CREATE OR REPLACE TEMP TABLE _src_map AS
     SELECT __line, NULLIF(trim("_source_file"), '') AS file, TRY_CAST("_source_line" AS BIGINT) AS line FROM ${relation}`,
  );
}

/** SQL for a reject's file and line: the user's when the row knows it, else the loaded file's. */
export function rejectOrigin(fileLiteral: string, lineColumn: string, alias: string): { join: string; file: string; line: string } {
  return {
    join: `LEFT JOIN _src_map ${alias} ON ${alias}.__line = ${lineColumn}`,
    file: `coalesce(${alias}.file, ${fileLiteral})`,
    line: `coalesce(${alias}.line, ${lineColumn})`,
  };
}

// ---------------------------------------------------------------------------------------
// files that load nothing

/** The last reject recorded so far: the rejects of the next file come after it. */
export async function rejectsMark(conn: DuckDBConnection): Promise<number> {
  const [row] = await queryRows<{ m: number | bigint | null }>(conn, `SELECT max(rowid) AS m FROM load_rejects`);
  return row?.m === null || row?.m === undefined ? -1 : Number(row.m);
}

interface FirstReject {
  file: string;
  line: number;
  column_name: string;
  value: string | null;
  reason: string;
}

/**
 * A non-empty file of which every row was rejected fails the whole load: it is almost always a
 * systematic problem (a date format, a missing fx rate, a wrong column), and committing the
 * rest would leave a database that silently lacks the file. The message names the file, the
 * count, the first reason and, where it can, the fix.
 */
export async function failWhenAllRejected(
  conn: DuckDBConnection,
  args: { loadId: number; table: string; file: string; read: number; rejected: number; reportingCurrency: string; mark: number },
): Promise<void> {
  if (args.read === 0 || args.rejected < args.read) return;
  const recent = await queryRows<FirstReject>(
    conn,
    `SELECT file, line, column_name, value, reason FROM load_rejects
     WHERE load_id = ${args.loadId} AND table_name = ${literal(args.table)} AND rowid > ${args.mark}
     ORDER BY line, column_name LIMIT 1000`,
  );
  // A value that is not of its type (a date format) usually causes the other rules to fail too: it comes first.
  const order = (TABLE_BY_NAME.get(args.table as TableName)?.columns ?? []).map((c) => c.name);
  const rank = (r: FirstReject) => [/is not a valid/.test(r.reason) ? 0 : 1, r.line, order.indexOf(r.column_name)];
  recent.sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0) || (x[2] ?? 0) - (y[2] ?? 0);
  });
  const first = recent[0];
  const n = args.read.toLocaleString('en');
  const fileName = first && first.file !== basename(args.file) ? `${first.file} (${args.table})` : basename(args.file);
  if (!first) throw new LoadError('ALL_REJECTED', `${fileName}: all ${n} rows rejected`, args.file);
  const sameColumn = recent.filter((r) => r.column_name === first.column_name && r.value !== null).map((r) => r.value as string);
  const fromImport = first.file !== basename(args.file);
  const hint = rejectHint(first, sameColumn, args.reportingCurrency, fromImport);
  throw new LoadError('ALL_REJECTED', `${fileName}: all ${n} rows rejected; first reason: ${describeReject(first)}${hint ? ` — ${hint}` : ''}`, args.file);
}

function describeReject(r: FirstReject): string {
  const value = r.value === null ? '' : ` '${r.value.length > 60 ? `${r.value.slice(0, 60)}…` : r.value}'`;
  const col = r.column_name;
  if (r.reason.startsWith(`${col} `)) {
    const rest = r.reason
      .slice(col.length + 1)
      .replace(/^is not a valid ([aeiouAEIOU])?/, (_m: string, vowel?: string) => (vowel ? `is not an ${vowel}` : 'is not a '));
    return `${col}${value} ${rest}`;
  }
  return `${r.reason}${value ? ` (${col}${value})` : ''}`;
}

/** What to do about the most common causes of a file that loads nothing. */
export function rejectHint(
  first: Pick<FirstReject, 'column_name' | 'reason'>,
  values: readonly string[],
  reportingCurrency: string,
  fromImport: boolean,
): string {
  const fx = /^no fx rate for ([A-Z]{3})/.exec(first.reason);
  if (fx) {
    return `this database reports in ${reportingCurrency}: load fx_rates for ${fx[1]} first, or create a new database with --currency ${fx[1]}`;
  }
  if (/is not a valid (ISO 8601 timestamp|date)/.test(first.reason)) {
    const col = first.column_name;
    const where = fromImport
      ? `set format for ${col} in the mapping`
      : `write ISO 8601 (2010-12-01 08:26:00), or import the file with --format mapping and set format for ${col}`;
    const d = detectDateFormat(values);
    if (d.kind === 'format' && d.format !== 'iso') return `the values look like ${d.label}: ${where} (format: ${d.label})`;
    if (d.kind === 'ambiguous') return `the values can be ${d.options[0]} or ${d.options[1]}: ${where} (format: ${d.options[0]} or ${d.options[1]})`;
    return `${where} (e.g. format: ${/date/.test(first.reason) && !/timestamp/.test(first.reason) ? 'D/M/YYYY' : 'M/D/YYYY H:mm'})`;
  }
  return '';
}
