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
 *   (placeholders are source columns; the result is empty when all of them are empty).
 * - values: value map, looked up on the trimmed cell (exact, then case-insensitive); a key
 *   "" matches empty cells; values may be null. default: the value for anything not in the
 *   map (empty cells included); without default an unmapped value passes through unchanged.
 *   default without values fills empty cells only.
 * - hash: true -> "sha256 of the trimmed lower-cased value, 16 hex digits" (the same function
 *   as the Shopify importer, so the same e-mail gives the same hash in every source);
 *   prefix: text put before non-empty values (after hashing).
 * - format: for timestamp/date columns: "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY",
 *   "YYYY-MM-DD HH:mm:ss", any pattern of YYYY MM DD HH mm ss SSS Z tokens, "unix" (seconds),
 *   "unix_ms" or "iso" (default: ISO-like auto detection). timezone: offset for values without
 *   one ("+08:00"; default UTC as in the data contract).
 * - divide: for amounts, e.g. 100 for exports in minor units (exact for powers of ten).
 * Filter keys: column plus one or more of equals, notEquals, in, notIn (case-insensitive,
 * trimmed), empty (true/false), matches (a case-insensitive regular expression).
 *
 * Order of operations per cell: read (column/template) -> values/default -> hash -> prefix ->
 * conversion to the canonical type of the column (timestamps to ISO UTC, amounts to decimals,
 * integers, booleans, currency upper-cased, channel/decision lower-cased, reason codes as
 * codes). A value that does not convert is written as it was and counted in the warnings, so
 * the loader rejects that row with its reason instead of the importer dropping it silently.
 *
 * Validation (ImportError, code BAD_MAPPING unless said otherwise): unknown table, unknown
 * canonical column (in columns or constants), a column both mapped and constant, unknown spec
 * keys, a required canonical column neither mapped nor constant (refunds: refund_id,
 * order_id, customer_id, channel, reason_code, requested_at, decision, requested_amount;
 * orders: order_id, customer_id, ordered_at; surveys: survey_id, customer_id, kind, score,
 * responded_at; ...), a bad regular expression or format; a source column missing from a CSV
 * -> MISSING_COLUMN naming the column, the file and the mapping key that uses it.
 * An unmapped currency of refunds/orders is filled with the reporting currency (warned).
 *
 * The mapping file is opts.mappingFile, else the one .yaml/.yml/.json mapping among the paths;
 * every other path is a CSV mapped with it. See examples/helpdesk-mapping.yaml.
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
  divideDecimal,
  isRecord,
  kindOf,
  normalizeValue,
  parseOffset,
  parseTimestamp,
  pseudonymousId,
} from './common';
import { type CsvTable, cell, readCsvTable } from './csv';

const FORMAT = 'mapping';

type MapValue = string | number | boolean | null;

export interface ColumnSpec {
  column?: string;
  template?: string;
  values?: Record<string, MapValue>;
  default?: MapValue;
  hash?: boolean;
  prefix?: string;
  format?: string;
  timezone?: string;
  divide?: number;
}

export interface FilterSpec {
  column: string;
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
}

export interface MappingSpec {
  file: string;
  tables: TableSpec[];
}

const COLUMN_SPEC_KEYS = ['column', 'template', 'values', 'default', 'hash', 'prefix', 'format', 'timezone', 'divide'];
const FILTER_KEYS = ['column', 'equals', 'notEquals', 'in', 'notIn', 'empty', 'matches'];
const TABLE_KEYS = ['table', 'filter', 'columns', 'constants', 'description'];
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
  if ((spec.column === undefined) === (spec.template === undefined)) {
    throw mapErr(file, where, 'give exactly one of "column" or "template" (use constants for fixed values)');
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
    const tz = scalarString(raw['timezone']);
    if (tz === undefined || parseOffset(tz) === undefined) throw mapErr(file, `${where}.timezone`, 'expected an offset such as +08:00 or UTC');
    spec.timezone = tz;
  }
  if (raw['divide'] !== undefined) {
    const d = raw['divide'];
    if (typeof d !== 'number' || !(d > 0)) throw mapErr(file, `${where}.divide`, 'expected a positive number');
    if (kind !== 'decimal') throw mapErr(file, `${where}.divide`, 'only amount columns can be divided');
    spec.divide = d;
  }
  return spec;
}

function validateFilter(raw: unknown, file: string, where: string): FilterSpec {
  if (!isRecord(raw)) throw mapErr(file, where, 'expected { column: ..., equals: ... }');
  checkKeys(raw, FILTER_KEYS, file, where);
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

  const columnsRaw = raw['columns'] ?? {};
  if (!isRecord(columnsRaw)) throw mapErr(file, `${label}.columns`, 'expected a map of canonical column -> source');
  const columns: Record<string, ColumnSpec> = {};
  for (const [name, spec] of Object.entries(columnsRaw)) {
    if (!valid.includes(name)) {
      throw mapErr(file, `${label}.columns`, `unknown column "${name}" for table ${table} (valid: ${valid.join(', ')})`);
    }
    columns[name] = validateColumnSpec(spec, file, `${label}.columns.${name}`, kindOf(table, name));
  }

  const constantsRaw = raw['constants'] ?? {};
  if (!isRecord(constantsRaw)) throw mapErr(file, `${label}.constants`, 'expected a map of canonical column -> value');
  const constants: Record<string, Cell> = {};
  for (const [name, value] of Object.entries(constantsRaw)) {
    if (!valid.includes(name)) {
      throw mapErr(file, `${label}.constants`, `unknown column "${name}" for table ${table} (valid: ${valid.join(', ')})`);
    }
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
  return { table, filter, columns, constants };
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
  index: number;
  placeholders: Array<{ name: string; index: number }>;
}

function bind(t: CsvTable, ts: TableSpec, label: string): { columns: BoundColumn[]; filters: Array<{ f: FilterSpec; index: number }> } {
  const need = (column: string, usedBy: string): number => {
    const i = t.col(column);
    if (i < 0) {
      throw new ImportError('MISSING_COLUMN', `${FORMAT}: ${t.name} lacks column "${column}" (used by ${usedBy})`);
    }
    return i;
  };
  const columns: BoundColumn[] = Object.entries(ts.columns).map(([name, spec]) => {
    const usedBy = `${label}.${name}`;
    const placeholders = spec.template
      ? [...spec.template.matchAll(/\{([^}]+)\}/g)].map((m) => {
          const col = (m[1] ?? '').trim();
          return { name: m[0], index: need(col, usedBy) };
        })
      : [];
    return { name, spec, index: spec.column !== undefined ? need(spec.column, usedBy) : -1, placeholders };
  });
  const filters = ts.filter.map((f) => ({ f, index: need(f.column, `${label} filter`) }));
  return { columns, filters };
}

function passes(f: FilterSpec, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (f.equals !== undefined && v !== f.equals.trim().toLowerCase()) return false;
  if (f.notEquals !== undefined && v === f.notEquals.trim().toLowerCase()) return false;
  if (f.in !== undefined && !f.in.some((x) => x.trim().toLowerCase() === v)) return false;
  if (f.notIn !== undefined && f.notIn.some((x) => x.trim().toLowerCase() === v)) return false;
  if (f.empty !== undefined && (v === '') !== f.empty) return false;
  if (f.matches !== undefined && !f.matches.test(value.trim())) return false;
  return true;
}

function evaluate(col: BoundColumn, table: CanonicalTable, row: string[], where: string, warnings: Warnings, label: string): Cell {
  const { spec } = col;
  let value: string;
  if (spec.template !== undefined) {
    let any = false;
    value = spec.template;
    for (const p of col.placeholders) {
      const v = cell(row, p.index);
      if (v !== '') any = true;
      value = value.split(p.name).join(v);
    }
    if (!any) value = '';
  } else {
    value = cell(row, col.index);
  }

  let mapped: Cell = value;
  if (spec.values !== undefined) {
    const hit = lookup(spec.values, value);
    if (hit.hit) mapped = mapValueToCell(hit.value);
    else if (spec.default !== undefined) mapped = mapValueToCell(spec.default);
  } else if (spec.default !== undefined && value === '') {
    mapped = mapValueToCell(spec.default);
  }
  if (mapped === null || mapped.trim() === '') return null;
  if (spec.hash) mapped = pseudonymousId(mapped);
  if (spec.prefix !== undefined) mapped = spec.prefix + mapped;

  const kind = kindOf(table, col.name);
  const converted = normalizeValue(kind, mapped, { format: spec.format, timezone: spec.timezone });
  if ('bad' in converted) {
    warnings.add(`${FORMAT}: ${label}.${col.name}: value is not a valid ${kind}; kept as written`, `${where}: ${converted.bad}`);
    return converted.bad;
  }
  let out = converted.value;
  if (out !== null && spec.divide !== undefined) out = divideDecimal(out, spec.divide);
  return out;
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

export async function convertMapping(files: string[], ctx: ImportContext): Promise<Tables> {
  const { warnings } = ctx;
  const { mapping, data } = await findMappingFile(files, ctx);
  const spec = await loadMappingFile(mapping);
  if (data.length === 0) throw new ImportError('NO_INPUT', `${FORMAT}: no CSV file to map with ${path.basename(mapping)}`);

  // rows are built generically (column name -> cell); their columns are the table's by construction
  const out = new Map<CanonicalTable, Array<Record<string, Cell>>>();
  const rowsOf = (table: CanonicalTable): Array<Record<string, Cell>> => {
    let rows = out.get(table);
    if (!rows) {
      rows = [];
      out.set(table, rows);
    }
    return rows;
  };

  for (const ts of spec.tables) rowsOf(ts.table); // every mapped table gets a file, also without rows
  const labels = spec.tables.map((ts, i) => (spec.tables.length === 1 ? ts.table : `tables[${i}](${ts.table})`));
  for (const ts of spec.tables) {
    const cols = TABLE_COLUMNS[ts.table] as readonly string[];
    if (cols.includes('currency') && !('currency' in ts.columns) && !('currency' in ts.constants)) {
      warnings.add(`${FORMAT}: ${ts.table}.currency not mapped; set to the reporting currency ${ctx.reportingCurrency}`);
    }
  }

  for (const file of data) {
    const t = await readCsvTable(file, FORMAT);
    if (t.encoding !== 'utf-8') warnings.add(`${FORMAT}: ${t.name} decoded as ${t.encoding}`);
    const bound = spec.tables.map((ts, i) => ({ ts, label: labels[i] ?? ts.table, ...bind(t, ts, labels[i] ?? ts.table) }));
    t.rows.forEach((row, r) => {
      const where = t.where(r);
      for (const b of bound) {
        if (!b.filters.every(({ f, index }) => passes(f, cell(row, index)))) continue;
        const record: Record<string, Cell> = {};
        for (const name of TABLE_COLUMNS[b.ts.table] as readonly string[]) {
          if (name in b.ts.constants) record[name] = b.ts.constants[name] ?? null;
          else record[name] = null;
        }
        for (const col of b.columns) record[col.name] = evaluate(col, b.ts.table, row, where, warnings, b.label);
        if ((TABLE_COLUMNS[b.ts.table] as readonly string[]).includes('currency') && !('currency' in b.ts.columns) && !('currency' in b.ts.constants)) {
          record['currency'] = ctx.reportingCurrency;
        }
        if (b.ts.table === 'refunds') {
          const req = record['requested_at'];
          const dec = record['decided_at'];
          if (req && dec && parseTimestamp(req) && parseTimestamp(dec) && dec < req) {
            warnings.add(`${FORMAT}: ${b.label}: decided_at before requested_at (the loader will reject these rows)`, where);
          }
        }
        rowsOf(b.ts.table).push(record);
      }
    });
  }
  return Object.fromEntries(out) as Tables;
}
