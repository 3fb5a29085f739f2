/**
 * Importers (issue 7): turn real exports into the canonical CSV files of
 * data-contract.md, which the canonical loader then validates and loads
 * (`etl import --format NAME --db FILE PATH...` = convertExport into a temp dir + load).
 *
 * Design:
 * - An importer never talks to the database and never validates contract rules itself
 *   beyond what it needs to map: the loader is the single place where rows are checked and
 *   rejected with file/line/column/reason. Importers convert what they can, write what they
 *   cannot convert as it was (so the loader reports it) and add a warning.
 * - Whole-input problems (unknown format, missing required source column, unreadable file,
 *   invalid mapping) throw ImportError before anything is written.
 * - Output: one `<table>.csv` per table the format produces (also when it has no rows, so
 *   the caller sees what the format covers), header = exactly the contract's columns in
 *   contract order, ISO UTC timestamps with Z, empty = null, UTF-8, RFC 4180 quoting.
 *   Values are canonicalised (channel / decision lower-cased, reason codes as codes,
 *   currencies upper-cased) and duplicate keys collapsed (last wins, as a reload would).
 * - The per-format mapping choices are documented at the top of each module.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import {
  type CanonicalTable,
  type ImportContext,
  type Row,
  type SourceTableName,
  type Tables,
  CANONICAL_TABLES,
  ImportError,
  TABLE_COLUMNS,
  TABLE_KEY,
  SOURCE_COLUMNS,
  Warnings,
  canonicalizeRow,
} from './common';
import { TABLE_BY_NAME } from '@refunds/warehouse';
import { type RequestedEncoding, writeCsv } from './csv';
import { convertMapping } from './mapping';
import { convertNpsSurvey } from './nps-survey';
import { convertShopifyOrders } from './shopify-orders';
import { convertStripeRefunds } from './stripe-refunds';
import { convertZendeskTickets } from './zendesk-tickets';

export { ImportError, type ImportErrorCode, TABLE_COLUMNS, type CanonicalTable, pseudonymousId } from './common';
export { parseCsv, formatCsv } from './csv';

export type ImportFormat = 'shopify-orders' | 'stripe-refunds' | 'zendesk-tickets' | 'nps-survey' | 'mapping';

export const IMPORT_FORMATS: readonly ImportFormat[] = ['shopify-orders', 'stripe-refunds', 'zendesk-tickets', 'nps-survey', 'mapping'];

export interface ConvertOptions {
  /** mapping format: the YAML/JSON mapping (else the one mapping file among the paths) */
  mappingFile?: string;
  /** ISO 4217 code used where a source has no currency: the database's reporting currency (default CNY) */
  reportingCurrency?: string;
  /**
   * Write what this export says on its own (refunds.csv, as if no other system existed) instead of
   * source records for reconciliation. The per-format mapping tests read it.
   */
  alone?: boolean;
  /** text encoding of CSV exports (default: detected) */
  encoding?: RequestedEncoding;
}

export interface ConvertResult {
  /** written files, one per table, `<outDir>/<table>.csv` */
  files: string[];
  /** rows written per table */
  counts: Record<string, number>;
  /** things the caller should know (rows skipped, values kept unconverted, assumptions) */
  warnings: string[];
}

type Converter = (files: string[], ctx: ImportContext) => Promise<Tables>;

const CONVERTERS: Record<ImportFormat, Converter> = {
  'shopify-orders': convertShopifyOrders,
  'stripe-refunds': convertStripeRefunds,
  'zendesk-tickets': convertZendeskTickets,
  'nps-survey': convertNpsSurvey,
  mapping: convertMapping,
};

/**
 * Tables each format writes (also when empty). The shop, the payment provider and the helpdesk
 * write source records instead of refunds: the loader merges them into refunds
 * (reconciliation.md, etl/src/reconcile), so a refund seen by three systems counts once.
 */
const FORMAT_TABLES: Record<ImportFormat, readonly CanonicalTable[] | null> = {
  'shopify-orders': ['orders'],
  'stripe-refunds': [],
  'zendesk-tickets': ['surveys', 'agents'],
  'nps-survey': ['surveys'],
  mapping: null, // the tables named in the mapping
};

const FORMAT_SOURCES: Record<ImportFormat, readonly SourceTableName[]> = {
  'shopify-orders': ['src_shop_orders'],
  'stripe-refunds': ['src_payments'],
  'zendesk-tickets': ['src_tickets'],
  'nps-survey': [],
  mapping: [],
};

/** Files a folder contributes, per format (files named explicitly are always read). */
const FOLDER_FILES: Record<ImportFormat, RegExp> = {
  'shopify-orders': /\.csv$/i,
  'stripe-refunds': /\.(json|jsonl|ndjson|csv)$/i,
  'zendesk-tickets': /\.(csv|json)$/i,
  'nps-survey': /\.(csv|json)$/i,
  mapping: /\.(csv|json|ya?ml)$/i,
};

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** Files named by `paths`; a directory contributes its export files (sorted, not recursive). */
async function expandPaths(format: ImportFormat, paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new ImportError('BAD_FILE', `${format}: input "${p}" does not exist`);
    }
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => FOLDER_FILES[format].test(n) && !n.startsWith('.')).sort();
      files.push(...names.map((n) => path.join(p, n)));
    } else {
      files.push(p);
    }
  }
  if (files.length === 0) throw new ImportError('NO_INPUT', `${format}: no input files given`);
  return files;
}

function dedupe<T extends CanonicalTable>(table: T, rows: Row<T>[], warnings: Warnings): Row<T>[] {
  const key = TABLE_KEY[table] as readonly (keyof Row<T>)[];
  const byKey = new Map<string, number>();
  const out: Row<T>[] = [];
  for (const row of rows) {
    const parts = key.map((c) => row[c]);
    if (parts.some((k) => typeof k !== 'string' || k === '')) {
      out.push(row);
      continue;
    }
    const k = parts.join(', ');
    const at = byKey.get(k);
    if (at === undefined) {
      byKey.set(k, out.length);
      out.push(row);
    } else {
      warnings.add(`${table}: duplicate ${key.map(String).join(' + ')}; the last row kept`, k);
      out[at] = row;
    }
  }
  return out;
}

/**
 * Converts export files of one format into canonical CSV files in outDir.
 * Throws ImportError (UNKNOWN_FORMAT, MISSING_COLUMN, BAD_FILE, BAD_MAPPING, BAD_OPTION,
 * NO_INPUT) when the input cannot be converted at all; nothing is written then.
 */
export async function convertExport(format: string, paths: string[], outDir: string, opts: ConvertOptions = {}): Promise<ConvertResult> {
  if (!isImportFormat(format)) {
    throw new ImportError('UNKNOWN_FORMAT', `unknown import format "${format}"; valid formats: ${IMPORT_FORMATS.join(', ')}`);
  }
  const currency = (opts.reportingCurrency ?? 'CNY').trim();
  if (!/^[A-Za-z]{3}$/.test(currency)) {
    throw new ImportError('BAD_OPTION', `${format}: reporting currency "${opts.reportingCurrency}" is not a 3-letter ISO 4217 code`);
  }
  const files = await expandPaths(format, paths);
  const warnings = new Warnings();
  const ctx: ImportContext = { format, reportingCurrency: currency.toUpperCase(), mappingFile: opts.mappingFile, warnings, encoding: opts.encoding };
  const tables = await CONVERTERS[format](files, ctx);

  // a mapping writes source records when it says its refunds are helpdesk tickets (reconcile: helpdesk)
  const sources = opts.alone ? [] : format === 'mapping' ? (Object.keys(tables.sources ?? {}) as SourceTableName[]) : FORMAT_SOURCES[format];
  const produced = opts.alone
    ? CANONICAL_TABLES.filter((t) => tables[t] !== undefined)
    : (FORMAT_TABLES[format] ?? CANONICAL_TABLES.filter((t) => tables[t] !== undefined));
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  const counts: Record<string, number> = {};
  for (const table of produced) {
    const rows = writeRows(table, tables, warnings);
    foreignCurrencies(table, rows, ctx);
    const file = path.join(outDir, `${table}.csv`);
    await writeCsv(file, withSourceColumns(TABLE_COLUMNS[table], rows), rows);
    written.push(file);
    counts[table] = rows.length;
  }
  for (const table of sources) {
    const rows = tables.sources?.[table] ?? [];
    const file = path.join(outDir, `${table}.csv`);
    await writeCsv(
      file,
      withSourceColumns(
        TABLE_BY_NAME.get(table)!.columns.map((c) => c.name),
        rows,
      ),
      rows,
    );
    written.push(file);
    counts[table] = rows.length;
  }
  return { files: written, counts, warnings: warnings.list() };
}

function writeRows<T extends CanonicalTable>(table: T, tables: Tables, warnings: Warnings): Array<Record<string, string | null>> {
  const rows = (tables[table] ?? []) as Row<T>[];
  return dedupe(
    table,
    rows.map((r) => canonicalizeRow(table, r)),
    warnings,
  ) as Array<Record<string, string | null>>;
}

/** Amounts in other currencies need fx_rates at load time; say so before the loader rejects them. */
function foreignCurrencies(table: CanonicalTable, rows: ReadonlyArray<Record<string, string | null>>, ctx: ImportContext): void {
  if (table !== 'refunds' && table !== 'orders') return;
  const counts = new Map<string, number>();
  for (const row of rows) {
    const c = row['currency'];
    if (c && c !== ctx.reportingCurrency) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  if (counts.size === 0) return;
  const list = [...counts].map(([c, n]) => `${c} (${n})`).join(', ');
  ctx.warnings.add(
    `${table}: amounts in ${list} need fx_rates to the reporting currency ${ctx.reportingCurrency}; without a rate the loader rejects those rows`,
  );
}

/** Rows that know their user's file and line carry it in two trailing columns, for the loader's rejects. */
function withSourceColumns(columns: readonly string[], rows: ReadonlyArray<Record<string, string | null>>): readonly string[] {
  return rows.some((r) => r['_source_file'] !== undefined && r['_source_file'] !== null) ? [...columns, ...SOURCE_COLUMNS] : columns;
}
