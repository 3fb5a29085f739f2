/**
 * mapping: any CSV + a mapping file (YAML or JSON) -> one or more canonical tables.
 *
 * For exports no dedicated importer knows (a home-grown helpdesk, a marketplace report, a
 * spreadsheet from a Chinese back office). The mapping is declarative so that an analyst can
 * write one without code; everything is validated before any row is read, and every error
 * names the mapping key or the source column and file.
 *
 * Mapping file (one table):
 *
 *   table: refunds                      # a canonical table name
 *   filter:                             # optional; a list is ANDed
 *     - { column: Ticket Type, equals: Refund request }
 *   columns:                            # canonical column -> source
 *     refund_id: { column: Ticket ID, prefix: "hd:" }
 *     customer_id: { column: Customer Email, hash: true, prefix: "hd:" }
 *     channel: { column: Ticket Channel, values: { Social media: social } }
 *     requested_at: { column: Date of Purchase, format: YYYY-MM-DD }
 *     reason_text: Ticket Description   # a bare string is { column: ... }
 *   constants: { currency: CNY }        # same value on every row
 *
 * or several tables from the same rows: `tables: [ { table: refunds, ... }, { table: surveys, ... } ]`.
 *
 * Column spec keys:
 * - column: source column (matched case-insensitively) | template: "hd-order:{Ticket ID}"
 *   (placeholders are source columns; the result is empty when all of them are empty) |
 *   expr: a computed value, e.g. "abs(Quantity) * UnitPrice", "coalesce(Email, Phone)",
 *   "if(startswith(InvoiceNo, 'C'), 'rejected', 'approved')" (operators + - * / % == != < <=
 *   > >= && || !, functions abs round min max if coalesce concat lower upper trim startswith
 *   endswith contains number col line; exact decimals; see expr.ts for the whole language).
 * - values: value map, looked up on the trimmed cell (exact, then case-insensitive); a key
 *   "" matches empty cells; values may be null. default: the value for anything not in the
 *   map (empty cells included); without default an unmapped value passes through unchanged.
 *   default without values fills empty cells only.
 * - hash: true -> "sha256 of the trimmed lower-cased value, 16 hex digits" (the same function
 *   as the Shopify importer, so the same e-mail gives the same hash in every source);
 *   prefix: text put before non-empty values (after hashing).
 * - format: for timestamp/date columns: "YYYY-MM-DD", "DD/MM/YYYY", "M/D/YYYY H:mm",
 *   "YYYY年M月D日", any pattern of YYYY MM M DD D HH H mm ss SSS Z A tokens, "unix" (seconds),
 *   "unix_ms" or "iso". Without a format the column's values decide (detectDateFormat in
 *   common.ts): ISO-like, M/D/YYYY or D/M/YYYY (a day or month above 12 tells which),
 *   D.M.YYYY, Chinese dates, each with an optional time; when every value is ambiguous
 *   (03/04/2025) the import stops and says which format to set.
 *   timezone: zone of values without an offset: "+08:00" or an IANA name ("Europe/London",
 *   "Asia/Shanghai"; daylight saving time applied per date); default the table's timezone,
 *   else UTC as in the data contract.
 * - divide: for amounts, e.g. 100 for exports in minor units (exact for powers of ten).
 * - aggregate (with group_by): sum | min | max | first | last | count, see below.
 * Filter keys: column plus one or more of equals, notEquals, in, notIn (case-insensitive,
 * trimmed), empty (true/false), matches (a case-insensitive regular expression); or
 * { expr: "Quantity < 0" } (kept when the expression is true).
 *
 * Table keys besides table/filter/columns/constants:
 * - group_by: [InvoiceNo] -> one output row per distinct value of these source columns, for
 *   line-level exports (one line per product of an invoice). Each column is computed per line
 *   (all of the steps below), then aggregated over the lines of the group: sum (amounts and
 *   whole numbers, exact), min / max (numbers by value, timestamps by time, text by text),
 *   first / last (first / last non-empty value in file order), count (lines of the group;
 *   with a column or expr, lines where it is non-empty; no source needed). A column without
 *   an aggregate takes the first line's value, and the importer warns when the lines of a
 *   group disagree on it. The row's source line is the group's first line.
 *   Without group_by every kept line is one row; when several share a key (refund_id,
 *   order_id, ...) the last one is kept and the importer warns, suggesting group_by.
 * - guest: pseudo (default) | reject. For refunds and orders, a row without a customer (a
 *   guest checkout) gets the pseudo-customer "guest:<order_id>" (counted in the warnings);
 *   reject keeps it empty so the loader rejects the row, as before.
 * - timezone: default timezone of the table's timestamp columns.
 * - reconcile: helpdesk (refunds only). The rows are helpdesk tickets: they are written as
 *   source records (src_tickets) and merged with the shop's orders and the payments of the same
 *   order (reconciliation.md), so a refund the shop and the payment provider also report counts
 *   once. Hash the e-mail with prefix "email:" to link customers across systems.
 *
 * The mapping file is opts.mappingFile, else the one .yaml/.yml/.json mapping among the paths;
 * every other path is a CSV mapped with it. See examples/helpdesk-mapping.yaml and, for a
 * line-level export (UCI Online Retail), examples/online-retail-mapping.yaml.
 */
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import {
  type CanonicalTable,
  type Cell,
  type ImportContext,
  type Tables,
  CANONICAL_TABLES,
  ImportError,
  REQUIRED_COLUMNS,
  TABLE_COLUMNS,
  Warnings,
  TABLE_KEY,
  detectDateFormat,
  divideDecimal,
  guestCustomerId,
  isRecord,
  kindOf,
  normalizeValue,
  parseTimestamp,
  parseZone,
  pseudonymousId,
  withSource,
} from './common';
import { type CsvTable, cell, readCsvTable } from './csv';
import { orderKey } from '../reconcile/keys';
import { type Compiled, ExprSyntaxError, ExprValueError, compileExpr, exprToCell, truthy } from './expr';
import Big from 'big.js';

const FORMAT = 'mapping';

type MapValue = string | number | boolean | null;

export type Aggregate = 'sum' | 'min' | 'max' | 'first' | 'last' | 'count';
const AGGREGATES: readonly Aggregate[] = ['sum', 'min', 'max', 'first', 'last', 'count'];

export interface ColumnSpec {
  column?: string;
  template?: string;
  expr?: Compiled;
  aggregate?: Aggregate;
  values?: Record<string, MapValue>;
  default?: MapValue;
  hash?: boolean;
  prefix?: string;
  format?: string;
  timezone?: string;
  divide?: number;
}

export interface FilterSpec {
  column?: string;
  expr?: Compiled;
  equals?: string;
  notEquals?: string;
  in?: string[];
  notIn?: string[];
  empty?: boolean;
  matches?: RegExp;
}

export interface TableSpec {
  table: CanonicalTable;
  filter: FilterSpec[];
  columns: Record<string, ColumnSpec>;
  constants: Record<string, Cell>;
  groupBy: string[];
  guest: 'pseudo' | 'reject';
  timezone?: string;
  /** refunds only: the rows are helpdesk tickets, merged with shop and payment records (reconciliation.md) */
  reconcile?: 'helpdesk';
}

export interface MappingSpec {
  file: string;
  tables: TableSpec[];
}

const COLUMN_SPEC_KEYS = ['column', 'template', 'expr', 'values', 'default', 'hash', 'prefix', 'format', 'timezone', 'divide', 'aggregate'];
const FILTER_KEYS = ['column', 'expr', 'equals', 'notEquals', 'in', 'notIn', 'empty', 'matches'];
const TABLE_KEYS = ['table', 'filter', 'columns', 'constants', 'description', 'group_by', 'guest', 'timezone', 'reconcile'];
const TOP_KEYS = [...TABLE_KEYS, 'tables', 'name'];

function mapErr(file: string, where: string, message: string): ImportError {
  return new ImportError('BAD_MAPPING', `${FORMAT}: ${path.basename(file)}: ${where}: ${message}`);
}

function scalarString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function isMapValue(v: unknown): v is MapValue {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function mapValueToCell(v: MapValue): Cell {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], file: string, where: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw mapErr(file, where, `unknown key "${key}" (valid: ${allowed.join(', ')})`);
  }
}

function validateColumnSpec(raw: unknown, file: string, where: string, kind: string): ColumnSpec {
  if (typeof raw === 'string') {
    if (raw.trim() === '') throw mapErr(file, where, 'empty source column name');
    return { column: raw };
  }
  if (!isRecord(raw)) throw mapErr(file, where, 'expected a source column name or an object with "column"');
  checkKeys(raw, COLUMN_SPEC_KEYS, file, where);
  const spec: ColumnSpec = {};
  if (raw['column'] !== undefined) {
    const c = scalarString(raw['column']);
    if (c === undefined || c.trim() === '') throw mapErr(file, `${where}.column`, 'expected a column name');
    spec.column = c;
  }
  if (raw['template'] !== undefined) {
    if (typeof raw['template'] !== 'string' || !/\{[^}]+\}/.test(raw['template'])) {
      throw mapErr(file, `${where}.template`, 'expected a text with {Column} placeholders');
    }
    spec.template = raw['template'];
  }
  if (raw['expr'] !== undefined) {
    if (typeof raw['expr'] !== 'string' || raw['expr'].trim() === '')
      throw mapErr(file, `${where}.expr`, 'expected an expression such as "abs(Quantity) * UnitPrice"');
    spec.expr = compileOrThrow(raw['expr'], file, `${where}.expr`);
  }
  if (raw['aggregate'] !== undefined) {
    const a = scalarString(raw['aggregate']);
    if (a === undefined || !(AGGREGATES as readonly string[]).includes(a)) throw mapErr(file, `${where}.aggregate`, `expected one of ${AGGREGATES.join(', ')}`);
    spec.aggregate = a as Aggregate;
    if ((a === 'sum' || a === 'count') && kind !== 'decimal' && kind !== 'integer') {
      throw mapErr(file, `${where}.aggregate`, `${a} needs an amount or whole-number column, not a ${kind} column`);
    }
  }
  const sources = [spec.column, spec.template, spec.expr].filter((x) => x !== undefined).length;
  if (sources > 1 || (sources === 0 && spec.aggregate !== 'count')) {
    throw mapErr(file, where, 'give exactly one of "column", "template" or "expr" (use constants for fixed values)');
  }
  if (raw['values'] !== undefined) {
    const values = raw['values'];
    if (!isRecord(values)) throw mapErr(file, `${where}.values`, 'expected a map of source value -> canonical value');
    const out: Record<string, MapValue> = {};
    for (const [k, v] of Object.entries(values)) {
      if (!isMapValue(v)) throw mapErr(file, `${where}.values.${k}`, 'expected a text, number, boolean or null');
      out[k.trim()] = v;
    }
    spec.values = out;
  }
  if ('default' in raw) {
    const d = raw['default'];
    if (!isMapValue(d)) throw mapErr(file, `${where}.default`, 'expected a text, number, boolean or null');
    spec.default = d;
  }
  if (raw['hash'] !== undefined) {
    if (typeof raw['hash'] !== 'boolean') throw mapErr(file, `${where}.hash`, 'expected true or false');
    spec.hash = raw['hash'];
  }
  if (raw['prefix'] !== undefined) {
    const p = scalarString(raw['prefix']);
    if (p === undefined) throw mapErr(file, `${where}.prefix`, 'expected a text');
    spec.prefix = p;
  }
  if (raw['format'] !== undefined) {
    if (typeof raw['format'] !== 'string') throw mapErr(file, `${where}.format`, 'expected a date format such as YYYY-MM-DD');
    if (kind !== 'timestamp' && kind !== 'date') throw mapErr(file, `${where}.format`, 'only timestamp and date columns take a format');
    const f = raw['format'].trim();
    const named = ['iso', 'auto', 'unix', 'unix_s', 'unix_seconds', 'epoch', 'unix_ms', 'epoch_ms'];
    if (!named.includes(f.toLowerCase()) && !(/YYYY/.test(f) && /M/.test(f) && /D/.test(f))) {
      throw mapErr(file, `${where}.format`, `"${f}" is not a date format (use YYYY, MM, DD, HH, mm, ss tokens, "iso", "unix" or "unix_ms")`);
    }
    spec.format = f;
  }
  if (raw['timezone'] !== undefined) {
    spec.timezone = validZone(raw['timezone'], file, `${where}.timezone`);
  }
  if (raw['divide'] !== undefined) {
    const d = raw['divide'];
    if (typeof d !== 'number' || !(d > 0)) throw mapErr(file, `${where}.divide`, 'expected a positive number');
    if (kind !== 'decimal') throw mapErr(file, `${where}.divide`, 'only amount columns can be divided');
    spec.divide = d;
  }
  return spec;
}

function compileOrThrow(text: string, file: string, where: string): Compiled {
  try {
    return compileExpr(text);
  } catch (e) {
    if (e instanceof ExprSyntaxError) throw mapErr(file, where, `"${text}": ${e.message}`);
    throw e;
  }
}

function validZone(raw: unknown, file: string, where: string): string {
  const tz = scalarString(raw);
  if (tz === undefined || parseZone(tz) === undefined)
    throw mapErr(file, where, 'expected an offset such as +08:00 or UTC, or an IANA time zone such as Europe/London');
  return tz;
}

function validateFilter(raw: unknown, file: string, where: string): FilterSpec {
  if (!isRecord(raw)) throw mapErr(file, where, 'expected { column: ..., equals: ... } or { expr: ... }');
  checkKeys(raw, FILTER_KEYS, file, where);
  if (raw['expr'] !== undefined) {
    if (Object.keys(raw).length > 1) throw mapErr(file, where, 'a filter with "expr" takes no other key');
    if (typeof raw['expr'] !== 'string') throw mapErr(file, `${where}.expr`, 'expected an expression such as "Quantity < 0"');
    return { expr: compileOrThrow(raw['expr'], file, `${where}.expr`) };
  }
  const column = scalarString(raw['column']);
  if (column === undefined || column.trim() === '') throw mapErr(file, `${where}.column`, 'expected a source column name');
  const f: FilterSpec = { column };
  const text = (key: 'equals' | 'notEquals'): void => {
    if (raw[key] === undefined) return;
    const v = scalarString(raw[key]);
    if (v === undefined) throw mapErr(file, `${where}.${key}`, 'expected a text');
    f[key] = v;
  };
  const list = (key: 'in' | 'notIn'): void => {
    if (raw[key] === undefined) return;
    const v = raw[key];
    if (!Array.isArray(v)) throw mapErr(file, `${where}.${key}`, 'expected a list');
    f[key] = v.map((x, i) => {
      const s = scalarString(x);
      if (s === undefined) throw mapErr(file, `${where}.${key}[${i}]`, 'expected a text');
      return s;
    });
  };
  text('equals');
  text('notEquals');
  list('in');
  list('notIn');
  if (raw['empty'] !== undefined) {
    if (typeof raw['empty'] !== 'boolean') throw mapErr(file, `${where}.empty`, 'expected true or false');
    f.empty = raw['empty'];
  }
  if (raw['matches'] !== undefined) {
    const m = raw['matches'];
    if (typeof m !== 'string') throw mapErr(file, `${where}.matches`, 'expected a regular expression');
    try {
      f.matches = new RegExp(m, 'i');
    } catch (err) {
      throw mapErr(file, `${where}.matches`, err instanceof Error ? err.message : 'bad regular expression');
    }
  }
  if (Object.keys(raw).length === 1) throw mapErr(file, where, 'a filter needs a condition (equals, notEquals, in, notIn, empty or matches)');
  return f;
}

function validateTable(raw: unknown, file: string, where: string): TableSpec {
  if (!isRecord(raw)) throw mapErr(file, where, 'expected a table mapping');
  checkKeys(raw, where === 'mapping' ? TOP_KEYS : TABLE_KEYS, file, where);
  const tableName = scalarString(raw['table']);
  if (tableName === undefined) throw mapErr(file, where, `missing "table" (one of ${CANONICAL_TABLES.join(', ')})`);
  if (!(CANONICAL_TABLES as string[]).includes(tableName)) {
    throw mapErr(file, `${where}.table`, `unknown table "${tableName}" (valid: ${CANONICAL_TABLES.join(', ')})`);
  }
  const table = tableName as CanonicalTable;
  const valid = TABLE_COLUMNS[table] as readonly string[];
  const label = where === 'mapping' ? table : `${where} (${table})`;

  const tableMapping = raw;
  /** The entries of `columns` or `constants`: a map whose keys are columns of the table. */
  function* columnMap(key: 'columns' | 'constants', expected: string): Generator<[string, unknown]> {
    const map = tableMapping[key] ?? {};
    if (!isRecord(map)) throw mapErr(file, `${label}.${key}`, expected);
    for (const [name, value] of Object.entries(map)) {
      if (!valid.includes(name)) throw mapErr(file, `${label}.${key}`, `unknown column "${name}" for table ${table} (valid: ${valid.join(', ')})`);
      yield [name, value];
    }
  }

  const columns: Record<string, ColumnSpec> = {};
  for (const [name, spec] of columnMap('columns', 'expected a map of canonical column -> source')) {
    columns[name] = validateColumnSpec(spec, file, `${label}.columns.${name}`, kindOf(table, name));
  }

  const constants: Record<string, Cell> = {};
  for (const [name, value] of columnMap('constants', 'expected a map of canonical column -> value')) {
    if (name in columns) throw mapErr(file, `${label}.constants.${name}`, 'column is both mapped and constant');
    if (!isMapValue(value)) throw mapErr(file, `${label}.constants.${name}`, 'expected a text, number, boolean or null');
    const cellValue = mapValueToCell(value);
    if (cellValue === null) {
      constants[name] = null;
      continue;
    }
    const converted = normalizeValue(kindOf(table, name), cellValue);
    if ('bad' in converted) throw mapErr(file, `${label}.constants.${name}`, `"${cellValue}" is not a valid ${kindOf(table, name)}`);
    constants[name] = converted.value;
  }

  for (const required of REQUIRED_COLUMNS[table] as readonly string[]) {
    if (!(required in columns) && !(required in constants)) {
      throw mapErr(file, label, `required column "${required}" of ${table} is neither mapped nor constant`);
    }
  }

  const filterRaw = raw['filter'];
  const filterList: unknown[] = filterRaw === undefined ? [] : Array.isArray(filterRaw) ? filterRaw : [filterRaw];
  const filter = filterList.map((f, i) => validateFilter(f, file, `${label}.filter${Array.isArray(filterRaw) ? `[${i}]` : ''}`));

  const groupRaw = raw['group_by'];
  const groupList: unknown[] = groupRaw === undefined ? [] : Array.isArray(groupRaw) ? groupRaw : [groupRaw];
  const groupBy = groupList.map((g, i) => {
    const c = scalarString(g);
    if (c === undefined || c.trim() === '') throw mapErr(file, `${label}.group_by[${i}]`, 'expected a source column name');
    return c;
  });
  if (groupBy.length === 0) {
    for (const [name, spec] of Object.entries(columns)) {
      if (spec.aggregate !== undefined)
        throw mapErr(file, `${label}.columns.${name}.aggregate`, 'an aggregate needs group_by (the source columns that make one row)');
    }
  }
  let guest: TableSpec['guest'] = 'pseudo';
  if (raw['guest'] !== undefined) {
    if (raw['guest'] !== 'pseudo' && raw['guest'] !== 'reject') throw mapErr(file, `${label}.guest`, 'expected pseudo or reject');
    if (table !== 'refunds' && table !== 'orders') throw mapErr(file, `${label}.guest`, 'only refunds and orders have guest rows');
    guest = raw['guest'];
  }
  const timezone = raw['timezone'] === undefined ? undefined : validZone(raw['timezone'], file, `${label}.timezone`);
  let reconcile: TableSpec['reconcile'];
  if (raw['reconcile'] !== undefined) {
    if (raw['reconcile'] !== 'helpdesk') throw mapErr(file, `${label}.reconcile`, 'expected helpdesk');
    if (table !== 'refunds') throw mapErr(file, `${label}.reconcile`, 'only refunds can be reconciled as helpdesk tickets');
    reconcile = 'helpdesk';
  }
  return { table, filter, columns, constants, groupBy, guest, timezone, reconcile };
}

/** Validates a parsed mapping document. */
export function validateMapping(doc: unknown, file: string): MappingSpec {
  if (!isRecord(doc)) throw mapErr(file, 'mapping', 'expected a mapping object with "table" or "tables"');
  if (doc['tables'] !== undefined) {
    checkKeys(doc, ['tables', 'name', 'description'], file, 'mapping');
    const list = doc['tables'];
    if (!Array.isArray(list) || list.length === 0) throw mapErr(file, 'tables', 'expected a non-empty list of table mappings');
    return { file, tables: list.map((t, i) => validateTable(t, file, `tables[${i}]`)) };
  }
  return { file, tables: [validateTable(doc, file, 'mapping')] };
}

export async function loadMappingFile(file: string): Promise<MappingSpec> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ImportError('BAD_MAPPING', `${FORMAT}: cannot read mapping file ${file}: ${reason}`);
  }
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ImportError('BAD_MAPPING', `${FORMAT}: ${path.basename(file)} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${reason}`);
  }
  return validateMapping(doc, file);
}

// ---------------------------------------------------------------------------------------

function lookup(values: Record<string, MapValue>, key: string): { hit: true; value: MapValue } | { hit: false } {
  if (Object.prototype.hasOwnProperty.call(values, key)) return { hit: true, value: values[key] ?? null };
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(values)) if (k.toLowerCase() === lower) return { hit: true, value: v };
  return { hit: false };
}

interface BoundColumn {
  name: string;
  spec: ColumnSpec;
  kind: ReturnType<typeof kindOf>;
  index: number;
  placeholders: Array<{ name: string; index: number }>;
  /** source column (lower-cased) -> index, for expressions */
  exprColumns: Map<string, number>;
  /** date format for this file: the spec's, else detected from the values */
  format?: string;
  timezone?: string;
}

interface BoundFilter {
  f: FilterSpec;
  index: number;
  exprColumns: Map<string, number>;
}

interface BoundTable {
  ts: TableSpec;
  label: string;
  columns: BoundColumn[];
  filters: BoundFilter[];
  groupBy: number[];
}

function bind(t: CsvTable, ts: TableSpec, label: string): BoundTable {
  const need = (column: string, usedBy: string): number => {
    const i = t.col(column);
    if (i < 0) {
      throw new ImportError('MISSING_COLUMN', `${FORMAT}: ${t.name} lacks column "${column}" (used by ${usedBy})`);
    }
    return i;
  };
  const exprColumns = (e: Compiled | undefined, usedBy: string): Map<string, number> =>
    new Map((e?.columns ?? []).map((c) => [c.toLowerCase(), need(c, usedBy)]));
  const columns: BoundColumn[] = Object.entries(ts.columns).map(([name, spec]) => {
    const usedBy = `${label}.${name}`;
    const placeholders = spec.template
      ? [...spec.template.matchAll(/\{([^}]+)\}/g)].map((m) => {
          const col = (m[1] ?? '').trim();
          return { name: m[0], index: need(col, usedBy) };
        })
      : [];
    return {
      name,
      spec,
      kind: kindOf(ts.table, name),
      index: spec.column !== undefined ? need(spec.column, usedBy) : -1,
      placeholders,
      exprColumns: exprColumns(spec.expr, usedBy),
      format: spec.format,
      timezone: spec.timezone ?? ts.timezone,
    };
  });
  const filters = ts.filter.map((f) => ({
    f,
    index: f.column !== undefined ? need(f.column, `${label} filter`) : -1,
    exprColumns: exprColumns(f.expr, `${label} filter`),
  }));
  const groupBy = ts.groupBy.map((c) => need(c, `${label}.group_by`));
  return { ts, label, columns, filters, groupBy };
}

function scope(row: string[], line: number, columns: Map<string, number>): { get: (c: string) => string; line: number } {
  return { get: (c) => cell(row, columns.get(c.toLowerCase()) ?? -1), line };
}

function passes(b: BoundFilter, row: string[], line: number): boolean {
  const { f } = b;
  if (f.expr !== undefined) {
    try {
      return truthy(f.expr.evaluate(scope(row, line, b.exprColumns)));
    } catch (e) {
      if (e instanceof ExprValueError) return false;
      throw e;
    }
  }
  const raw = cell(row, b.index);
  const v = raw.trim().toLowerCase();
  if (f.equals !== undefined && v !== f.equals.trim().toLowerCase()) return false;
  if (f.notEquals !== undefined && v === f.notEquals.trim().toLowerCase()) return false;
  if (f.in !== undefined && !f.in.some((x) => x.trim().toLowerCase() === v)) return false;
  if (f.notIn !== undefined && f.notIn.some((x) => x.trim().toLowerCase() === v)) return false;
  if (f.empty !== undefined && (v === '') !== f.empty) return false;
  if (f.matches !== undefined && !f.matches.test(raw.trim())) return false;
  return true;
}

/** A cell before conversion to the canonical type: read, value-mapped, hashed, prefixed. */
type PreValue = { value: Cell } | { bad: string; message: string };

function preValue(col: BoundColumn, row: string[], line: number): PreValue {
  const { spec } = col;
  let value: string;
  if (spec.expr !== undefined) {
    try {
      value = exprToCell(spec.expr.evaluate(scope(row, line, col.exprColumns))) ?? '';
    } catch (e) {
      if (e instanceof ExprValueError) return { bad: e.value, message: e.message };
      throw e;
    }
  } else if (spec.template !== undefined) {
    let any = false;
    value = spec.template;
    for (const p of col.placeholders) {
      const v = cell(row, p.index);
      if (v !== '') any = true;
      value = value.split(p.name).join(v);
    }
    if (!any) value = '';
  } else if (col.index >= 0) {
    value = cell(row, col.index);
  } else {
    value = ''; // count without a source
  }

  let mapped: Cell = value;
  if (spec.values !== undefined) {
    const hit = lookup(spec.values, value);
    if (hit.hit) mapped = mapValueToCell(hit.value);
    else if (spec.default !== undefined) mapped = mapValueToCell(spec.default);
  } else if (spec.default !== undefined && value === '') {
    mapped = mapValueToCell(spec.default);
  }
  if (mapped === null || mapped.trim() === '') return { value: null };
  if (spec.hash) mapped = pseudonymousId(mapped);
  if (spec.prefix !== undefined) mapped = spec.prefix + mapped;
  return { value: mapped };
}

function convert(col: BoundColumn, pre: PreValue, where: string, warnings: Warnings, label: string): Cell {
  if ('bad' in pre) {
    warnings.add(`${FORMAT}: ${label}.${col.name}: expression failed; value kept as written`, `${where}: ${pre.message}`);
    return pre.bad;
  }
  if (pre.value === null) return null;
  const converted = normalizeValue(col.kind, pre.value, { format: col.format, timezone: col.timezone });
  if ('bad' in converted) {
    warnings.add(`${FORMAT}: ${label}.${col.name}: value is not a valid ${col.kind}; kept as written`, `${where}: ${converted.bad}`);
    return converted.bad;
  }
  let out = converted.value;
  if (out !== null && col.spec.divide !== undefined) out = divideDecimal(out, col.spec.divide);
  return out;
}

/**
 * Timestamp and date columns without a format: the format is found from this file's values
 * (of the rows the filters keep). Ambiguous day/month stops the import with the option to set.
 */
function detectFormats(b: BoundTable, t: CsvTable, kept: number[], warnings: Warnings): void {
  for (const col of b.columns) {
    if (col.spec.format !== undefined || (col.kind !== 'timestamp' && col.kind !== 'date')) continue;
    const values: string[] = [];
    for (const r of kept) {
      const pre = preValue(col, t.rows[r] as string[], t.lines[r] ?? 0);
      if ('value' in pre && pre.value !== null) values.push(pre.value);
    }
    const d = detectDateFormat(values);
    const key = `${b.label}.columns.${col.name}`;
    if (d.kind === 'ambiguous') {
      throw new ImportError(
        'BAD_MAPPING',
        `${FORMAT}: ${t.name}: ${key}: dates such as "${d.example}" can be read as ${d.options[0]} or ${d.options[1]} (no day or month above 12 tells); set format: ${d.options[0]} or format: ${d.options[1]} for ${key} in the mapping`,
      );
    }
    if (d.kind === 'unknown') {
      warnings.add(
        `${FORMAT}: ${t.name}: ${key}: no known date format reads "${d.example}"; set format (e.g. YYYY-MM-DD HH:mm, M/D/YYYY H:mm, D.M.YYYY) for it in the mapping`,
      );
      continue;
    }
    if (d.format !== 'iso') {
      col.format = d.format;
      warnings.add(`${FORMAT}: ${t.name}: ${key}: dates read as ${d.label} (detected from the values; set format to change it)`);
    }
  }
}

interface Line {
  file: string;
  line: number;
  values: Cell[];
}

function aggregateValues(col: BoundColumn, lines: readonly Line[], i: number, group: string, label: string, warnings: Warnings): Cell {
  const values = lines.map((l) => l.values[i] ?? null);
  const present = values.filter((v): v is string => v !== null);
  const numeric = col.kind === 'decimal' || col.kind === 'integer';
  const asNumber = (v: string): Big | null => {
    try {
      return new Big(v);
    } catch {
      return null;
    }
  };
  switch (col.spec.aggregate) {
    case 'count':
      return String(col.index < 0 && col.spec.expr === undefined && col.spec.template === undefined ? lines.length : present.length);
    case 'sum': {
      if (present.length === 0) return null;
      let total = new Big(0);
      for (const v of present) {
        const n = asNumber(v);
        if (n === null) return v; // not a number: kept for the loader to reject, already warned
        total = total.plus(n);
      }
      return total.toFixed();
    }
    case 'min':
    case 'max': {
      if (present.length === 0) return null;
      const better = (a: string, b: string): boolean => {
        let c: number;
        if (numeric) {
          const x = asNumber(a);
          const y = asNumber(b);
          c = x !== null && y !== null ? x.cmp(y) : a < b ? -1 : a > b ? 1 : 0;
        } else if (col.kind === 'timestamp' || col.kind === 'date') {
          const x = Date.parse(a);
          const y = Date.parse(b);
          c = Number.isNaN(x) || Number.isNaN(y) ? (a < b ? -1 : a > b ? 1 : 0) : x - y;
        } else {
          c = a < b ? -1 : a > b ? 1 : 0;
        }
        return col.spec.aggregate === 'min' ? c < 0 : c > 0;
      };
      return present.reduce((m, v) => (better(v, m) ? v : m));
    }
    case 'last':
      return present.length === 0 ? null : (present[present.length - 1] as string);
    case 'first':
      return present[0] ?? null;
    case undefined: {
      const first = values[0] ?? null;
      if (values.some((v) => v !== first)) {
        warnings.add(
          `${FORMAT}: ${label}.${col.name}: the lines of one group differ and the first line's value is kept; set aggregate (sum, min, max, first, last, count) to say how to combine them`,
          group,
        );
      }
      return first;
    }
  }
}

async function findMappingFile(files: string[], ctx: ImportContext): Promise<{ mapping: string; data: string[] }> {
  if (ctx.mappingFile !== undefined) return { mapping: ctx.mappingFile, data: files.filter((f) => path.resolve(f) !== path.resolve(ctx.mappingFile ?? '')) };
  const candidates: string[] = [];
  for (const f of files) {
    if (/\.ya?ml$/i.test(f)) candidates.push(f);
    else if (/\.json$/i.test(f)) {
      try {
        const doc = JSON.parse(await readFile(f, 'utf8')) as unknown;
        if (isRecord(doc) && ('table' in doc || 'tables' in doc)) candidates.push(f);
      } catch {
        /* not a mapping */
      }
    }
  }
  if (candidates.length === 0) {
    throw new ImportError('BAD_MAPPING', `${FORMAT}: no mapping file given (pass a .yaml/.json mapping with --mapping FILE)`);
  }
  if (candidates.length > 1) {
    throw new ImportError('BAD_MAPPING', `${FORMAT}: more than one mapping file among the inputs: ${candidates.map((c) => path.basename(c)).join(', ')}`);
  }
  const mapping = candidates[0] as string;
  return { mapping, data: files.filter((f) => f !== mapping) };
}

type OutRow = Record<string, Cell>;

/** Builds one canonical row from a line's (or a group's) column values. */
function buildRecord(b: BoundTable, values: readonly Cell[], ctx: ImportContext): OutRow {
  const record: OutRow = {};
  for (const name of TABLE_COLUMNS[b.ts.table] as readonly string[]) record[name] = name in b.ts.constants ? (b.ts.constants[name] ?? null) : null;
  b.columns.forEach((col, i) => {
    record[col.name] = values[i] ?? null;
  });
  if ((TABLE_COLUMNS[b.ts.table] as readonly string[]).includes('currency') && !('currency' in b.ts.columns) && !('currency' in b.ts.constants)) {
    record['currency'] = ctx.reportingCurrency;
  }
  return record;
}

/** Guest checkouts: a per-order pseudo-customer unless the mapping says guest: reject. */
function fillGuest(b: BoundTable, record: OutRow, where: string, warnings: Warnings): void {
  if (b.ts.guest === 'reject' || (b.ts.table !== 'refunds' && b.ts.table !== 'orders')) return;
  const order = record['order_id'];
  if (record['customer_id'] !== null || order === null || order === undefined) return;
  record['customer_id'] = guestCustomerId(order);
  warnings.add(`${FORMAT}: ${b.label}: rows without a customer (guest checkouts) given the pseudo-customer guest:<order_id>`, where);
}

function checkOrder(b: BoundTable, record: OutRow, where: string, warnings: Warnings): void {
  if (b.ts.table !== 'refunds') return;
  const req = record['requested_at'];
  const dec = record['decided_at'];
  if (req && dec && parseTimestamp(req) && parseTimestamp(dec) && Date.parse(dec) < Date.parse(req)) {
    warnings.add(`${FORMAT}: ${b.label}: decided_at before requested_at (the loader will reject these rows)`, where);
  }
}

/** Without group_by, lines sharing a key would silently collapse to the last: say so, and how to aggregate. */
function warnDuplicateKeys(b: BoundTable, rows: readonly OutRow[], warnings: Warnings): void {
  const key = TABLE_KEY[b.ts.table] as readonly string[];
  if (b.ts.groupBy.length > 0) return;
  const name = key.join(' + ');
  const seen = new Map<string, string>();
  for (const r of rows) {
    const parts = key.map((c) => r[c]);
    if (parts.some((p) => p === null || p === undefined)) continue;
    const k = parts.join(', ');
    const here = `${r['_source_file'] ?? ''} line ${r['_source_line'] ?? '?'}`;
    const before = seen.get(k);
    if (before !== undefined) {
      warnings.add(
        `${FORMAT}: ${b.label}: several lines share one ${name} and only the last is kept; if they are lines of one ${name === 'refund_id' ? 'refund' : name === 'order_id' ? 'order' : 'record'}, set group_by and an aggregate (e.g. amount: { expr: "abs(Quantity) * UnitPrice", aggregate: sum })`,
        `${k}: ${before} and ${here}`,
      );
    }
    seen.set(k, here);
  }
}

export async function convertMapping(files: string[], ctx: ImportContext): Promise<Tables> {
  const { warnings } = ctx;
  const { mapping, data } = await findMappingFile(files, ctx);
  const spec = await loadMappingFile(mapping);
  if (data.length === 0) throw new ImportError('NO_INPUT', `${FORMAT}: no CSV file to map with ${path.basename(mapping)}`);

  const labels = spec.tables.map((ts, i) => (spec.tables.length === 1 ? ts.table : `tables[${i}](${ts.table})`));
  for (const ts of spec.tables) {
    const cols = TABLE_COLUMNS[ts.table] as readonly string[];
    if (cols.includes('currency') && !('currency' in ts.columns) && !('currency' in ts.constants)) {
      warnings.add(`${FORMAT}: ${ts.table}.currency not mapped; set to the reporting currency ${ctx.reportingCurrency}`);
    }
  }
  // per mapped table: plain rows, or groups of lines (across all data files) in first-seen order
  const plain = spec.tables.map((): OutRow[] => []);
  const groups = spec.tables.map(() => new Map<string, Line[]>());
  // the lines' values are already converted: aggregation needs only each column's spec and kind
  const boundForGroups: Array<BoundTable | undefined> = spec.tables.map(() => undefined);

  for (const file of data) {
    const t = await readCsvTable(file, FORMAT, ctx.encoding);
    if (t.encoding !== 'utf-8') warnings.add(`${FORMAT}: ${t.name} decoded as ${t.encoding}`);
    spec.tables.forEach((ts, ti) => {
      const b = bind(t, ts, labels[ti] ?? ts.table);
      const kept: number[] = [];
      t.rows.forEach((row, r) => {
        if (b.filters.every((f) => passes(f, row, t.lines[r] ?? 0))) kept.push(r);
      });
      detectFormats(b, t, kept, warnings);
      for (const r of kept) {
        const row = t.rows[r] as string[];
        const line = t.lines[r] ?? 0;
        const where = t.where(r);
        const values = b.columns.map((col) => convert(col, preValue(col, row, line), where, warnings, b.label));
        if (b.groupBy.length > 0) {
          const key = JSON.stringify(b.groupBy.map((i) => cell(row, i)));
          let g = groups[ti]?.get(key);
          if (!g) {
            g = [];
            groups[ti]?.set(key, g);
          }
          g.push({ file: t.file, line, values });
          continue;
        }
        const record = withSource(buildRecord(b, values, ctx), t.file, line);
        fillGuest(b, record, where, warnings);
        checkOrder(b, record, where, warnings);
        plain[ti]?.push(record);
      }
      if (b.groupBy.length > 0) boundForGroups[ti] = b;
    });
  }

  const out = new Map<CanonicalTable, OutRow[]>();
  spec.tables.forEach((ts, ti) => {
    const rows = out.get(ts.table) ?? [];
    out.set(ts.table, rows); // every mapped table gets a file, also without rows
    const b = boundForGroups[ti];
    if (b !== undefined) {
      for (const [key, lines] of groups[ti] ?? new Map<string, Line[]>()) {
        const first = lines[0] as Line;
        const group = `${b.ts.groupBy.join('+')} ${(JSON.parse(key) as string[]).join('+')} (${path.basename(first.file)} line ${first.line})`;
        const values = b.columns.map((col, i) => aggregateValues(col, lines, i, group, b.label, warnings));
        const record = withSource(buildRecord(b, values, ctx), first.file, first.line);
        const where = `${path.basename(first.file)} line ${first.line}`;
        fillGuest(b, record, where, warnings);
        checkOrder(b, record, where, warnings);
        rows.push(record);
      }
    } else {
      const own = plain[ti] ?? [];
      const bt = { ts, label: labels[ti] ?? ts.table, columns: [], filters: [], groupBy: [] };
      warnDuplicateKeys(bt, own, warnings);
      rows.push(...own);
    }
  });
  const tables = Object.fromEntries(out) as Tables;
  // Refunds of a helpdesk export take part in reconciliation as tickets: one refund per ticket,
  // merged with the shop's orders and the payments of the same order.
  if (spec.tables.some((ts) => ts.reconcile === 'helpdesk')) {
    const source = path.basename(spec.file).replace(/\.(ya?ml|json)$/i, '');
    tables.sources = {
      src_tickets: (tables.refunds ?? []).map((r) => ({
        ...r,
        ticket_id: r.refund_id ?? null,
        source,
        order_ref: r.order_id ?? null,
        order_key: orderKey(r.order_id),
      })),
    };
    delete tables.refunds;
  }
  return tables;
}
