/**
 * Shared pieces of the importers (issue 7): the canonical table layout (from the warehouse model), the error type,
 * the warning collector and the value converters every format uses.
 *
 * Choices made here apply to every importer:
 * - Output cells are strings or null (null = empty cell = null in the data contract).
 *   Amounts stay decimal strings end to end ("19.99", never 19.990000000000002), so no
 *   rounding happens between the export and the loader.
 * - Timestamps are written as ISO 8601 UTC with a `Z` ("2025-02-02T03:01:00Z"); a source
 *   timestamp without an offset is read as UTC, exactly as the data contract reads one.
 * - A value that cannot be converted (a date we cannot parse, an amount that is not a
 *   number) is written through unchanged and counted in the warnings: the canonical loader
 *   then rejects that row with the file, line, column and value, which is the contract's
 *   place for bad rows. Importers only drop a source row when it is not a refund / survey at
 *   all (e.g. a non-refund ticket) or cannot yield a key.
 * - No personal data is written: e-mail addresses become pseudonymous ids
 *   (`pseudonymousId`), names of customers are never copied (agent names are, as the
 *   `agents.name` column asks for them).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { CanonicalTable, ColumnOf, ValueKind } from '@refunds/warehouse';
import { kindOf, TABLE_COLUMNS } from '@refunds/warehouse';

export type ImportErrorCode = 'UNKNOWN_FORMAT' | 'MISSING_COLUMN' | 'BAD_FILE' | 'BAD_MAPPING' | 'BAD_OPTION' | 'NO_INPUT';

/** Thrown for anything that makes a whole conversion impossible; the message names the problem and the file. */
export class ImportError extends Error {
  readonly code: ImportErrorCode;
  constructor(code: ImportErrorCode, message: string) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
  }
}

/** Canonical tables, their columns, keys, required columns and value kinds: the data contract's specs (@refunds/warehouse). */
export { CANONICAL_TABLES, kindOf, REQUIRED_COLUMNS, TABLE_COLUMNS, TABLE_KEY, type CanonicalTable, type ColumnOf, type ValueKind } from '@refunds/warehouse';
export type Cell = string | null;
/**
 * Optional trailing columns of an importer's intermediate CSV: the user's file (base name) and
 * line a canonical row came from. The loader names them in its rejects instead of the
 * intermediate file. Set them with `withSource`.
 */
export const SOURCE_COLUMNS = ['_source_file', '_source_line'] as const;
export type SourceColumn = (typeof SOURCE_COLUMNS)[number];
export type Row<T extends CanonicalTable> = Partial<Record<ColumnOf<T> | SourceColumn, Cell>>;
export type SourceTableName = 'src_tickets' | 'src_payments' | 'src_shop_orders';
/** Source records for reconciliation (etl/src/reconcile): columns as in the warehouse table specs. */
export type SourceRows = { [T in SourceTableName]?: Array<Record<string, Cell>> };
export type Tables = { [T in CanonicalTable]?: Row<T>[] } & { sources?: SourceRows };

/**
 * Collects warnings by kind so a file with 500 bad dates gives one line
 * ("... : 500 rows (line 2, line 3, ...)") instead of 500.
 */
export class Warnings {
  private readonly kinds = new Map<string, { count: number; examples: string[] }>();

  add(message: string, example?: string): void {
    let entry = this.kinds.get(message);
    if (!entry) {
      entry = { count: 0, examples: [] };
      this.kinds.set(message, entry);
    }
    entry.count += 1;
    if (example !== undefined && entry.examples.length < 5) entry.examples.push(example);
  }

  list(): string[] {
    const out: string[] = [];
    for (const [message, { count, examples }] of this.kinds) {
      if (count === 1 && examples.length === 0) {
        out.push(message);
        continue;
      }
      const more = count > examples.length && examples.length > 0 ? ', ...' : '';
      const ex = examples.length > 0 ? ` (${examples.join(', ')}${more})` : '';
      out.push(`${message}: ${count} ${count === 1 ? 'row' : 'rows'}${ex}`);
    }
    return out;
  }
}

export interface ImportContext {
  format: string;
  reportingCurrency: string;
  /** text encoding of CSV exports; default: detected (see csv.ts decodeText) */
  encoding?: 'auto' | 'utf-8' | 'gb18030' | 'windows-1252';
  mappingFile?: string;
  warnings: Warnings;
}

// ---------------------------------------------------------------------------------------
// pseudonymous ids

/**
 * Stable pseudonymous id for a personal identifier (an e-mail address): prefix + the first
 * 16 hex digits of sha256(trimmed, lower-cased value). The same address always gives the
 * same id (so repurchase and repeat-refund analysis still work) but the address itself is
 * never stored. 64 bits of hash make an accidental collision negligible at shop scale.
 */
export function pseudonymousId(value: string, prefix = ''): string {
  const digest = createHash('sha256').update(value.trim().toLowerCase()).digest('hex');
  return prefix + digest.slice(0, 16);
}

// ---------------------------------------------------------------------------------------
// text helpers

/** reason codes: trimmed, lower-cased, runs of spaces/dashes to `_` (data-contract rule for reason_code). */
export function toCode(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export function emptyToNull(value: string | null | undefined): Cell {
  if (value === null || value === undefined) return null;
  const t = value.trim();
  return t === '' ? null : t;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON scalar as a string (numbers and booleans too); null for null/undefined/objects/''. */
export function jsonString(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return null;
}

// ---------------------------------------------------------------------------------------
// booleans

const TRUE_WORDS = new Set(['true', 't', '1', 'yes', 'y']);
const FALSE_WORDS = new Set(['false', 'f', '0', 'no', 'n']);

/** 'true' / 'false' for the usual spellings, null for empty, undefined when unrecognised. */
export function toBoolean(raw: string): Cell | undefined {
  const v = raw.trim().toLowerCase();
  if (v === '') return null;
  if (TRUE_WORDS.has(v)) return 'true';
  if (FALSE_WORDS.has(v)) return 'false';
  return undefined;
}

// ---------------------------------------------------------------------------------------
// decimals

/**
 * Parses an amount as exported by shops and spreadsheets into a plain decimal string.
 * Accepts "1234.50", "1,234.50" (thousands separators), "12,50" (decimal comma with at most
 * two decimals), currency symbols, surrounding spaces and accounting negatives "(12.50)".
 * Returns null for empty, undefined when it is not a number.
 */
export function parseDecimal(raw: string): Cell | undefined {
  let v = raw.trim();
  if (v === '') return null;
  let negative = false;
  const paren = /^\((.*)\)$/.exec(v);
  if (paren) {
    negative = true;
    v = paren[1] ?? '';
  }
  v = v.replace(/[\s$€£¥￥\u00a0]/g, '').replace(/^(?:[A-Za-z]{3})(?=[-+\d.])/, '');
  if (v.startsWith('-')) {
    negative = !negative;
    v = v.slice(1);
  } else if (v.startsWith('+')) {
    v = v.slice(1);
  }
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(v)) v = v.replace(/,/g, '');
  else if (/^\d+,\d{1,2}$/.test(v)) v = v.replace(',', '.');
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(v)) return undefined;
  if (v.startsWith('.')) v = '0' + v;
  if (v.endsWith('.')) v = v.slice(0, -1);
  v = v.replace(/^0+(?=\d)/, '');
  if (negative && /[1-9]/.test(v)) v = '-' + v;
  return v;
}

/** Divides a decimal string by 10^places without floating point ("1999", 2 -> "19.99"). */
export function shiftDecimal(value: string, places: number): string {
  if (places === 0) return value;
  const negative = value.startsWith('-');
  const body = negative ? value.slice(1) : value;
  const [intPart = '0', fracPart = ''] = body.split('.');
  const digits = (intPart + fracPart).replace(/^0+(?=\d)/, '');
  const scale = fracPart.length + places;
  const padded = digits.padStart(scale + 1, '0');
  let int = padded.slice(0, padded.length - scale).replace(/^0+(?=\d)/, '');
  let frac = padded.slice(padded.length - scale);
  // keep at least two decimals for readability, drop the zeros beyond them
  frac = frac.replace(/0+$/, '');
  if (frac.length < 2 && places >= 2) frac = frac.padEnd(2, '0');
  if (int === '') int = '0';
  const out = frac === '' ? int : `${int}.${frac}`;
  return negative && /[1-9]/.test(out) ? '-' + out : out;
}

/** Divides a decimal string by any positive number (powers of ten exactly, others via float). */
export function divideDecimal(value: string, divisor: number): string {
  const places = Math.log10(divisor);
  if (Number.isInteger(places) && places >= 0) return shiftDecimal(value, places);
  const result = Number(value) / divisor;
  return String(Number(result.toFixed(10)));
}

/**
 * Stripe-style currency exponents (https://docs.stripe.com/currencies): amounts in the API are
 * integers in the smallest unit. Zero-decimal currencies are not divided; the three-decimal
 * ones are divided by 1000. ISK, HUF and TWD are listed by Stripe as two-decimal in the API
 * (for backwards compatibility) and so take the default.
 */
const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

export function currencyExponent(currency: string): number {
  const c = currency.trim().toUpperCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

/** Minor units (an integer) to a decimal string in the currency's major unit; undefined if not an integer. */
export function minorToDecimal(minor: number | string, currency: string): string | undefined {
  const s = typeof minor === 'number' ? (Number.isSafeInteger(minor) ? String(minor) : '') : minor.trim();
  if (!/^-?\d+$/.test(s)) return undefined;
  return shiftDecimal(s, currencyExponent(currency));
}

/** Integer cells ("5", "5.0" -> "5"); null for empty, undefined for non-integers. */
export function parseInteger(raw: string): Cell | undefined {
  const d = parseDecimal(raw);
  if (d === null || d === undefined) return d;
  const n = Number(d);
  if (!Number.isFinite(n) || !Number.isInteger(n)) return undefined;
  return String(n);
}

// ---------------------------------------------------------------------------------------
// timestamps

/** ms since epoch -> "2025-02-02T03:01:00Z" (milliseconds only when not zero). */
export function formatIso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

export function fromUnixSeconds(seconds: number): string | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  return formatIso(Math.round(seconds * 1000));
}

/** "+08:00", "+0800", "+08", "-05:30", "Z", "UTC", "GMT" -> minutes east of UTC; undefined if not an offset. */
export function parseOffset(raw: string): number | undefined {
  const v = raw.trim().toUpperCase();
  if (v === 'Z' || v === 'UTC' || v === 'GMT') return 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(v);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * A time zone for values written without an offset: a fixed offset in minutes east of UTC, or an
 * IANA zone ("Europe/London") whose offset depends on the date (daylight saving time).
 */
export type Zone = { offset: number } | { iana: string };

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** "+08:00", "UTC", "Europe/London", "Asia/Shanghai" -> a Zone; undefined when it is neither. */
export function parseZone(raw: string): Zone | undefined {
  const offset = parseOffset(raw);
  if (offset !== undefined) return { offset };
  const name = raw.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  try {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const iana = f.resolvedOptions().timeZone;
    zoneFormats.set(iana, f);
    return { iana };
  } catch {
    return undefined;
  }
}

/** Offset of an IANA zone at an instant, in minutes east of UTC (from the platform's tz database). */
function ianaOffsetAt(iana: string, utcMs: number): number {
  let f = zoneFormats.get(iana);
  if (!f) {
    const zone = parseZone(iana);
    if (!zone || !('iana' in zone)) return 0;
    f = zoneFormats.get(zone.iana) as Intl.DateTimeFormat;
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts['year'] ?? 1970, (parts['month'] ?? 1) - 1, parts['day'] ?? 1, parts['hour'] ?? 0, parts['minute'] ?? 0, parts['second'] ?? 0);
  return Math.round((local - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * Wall-clock time in a zone -> UTC ms. `localMs` is the wall-clock time read as if it were UTC.
 * DST: a time skipped by the spring change (01:30 in London on the last Sunday of March) is
 * taken one hour later; a time that occurs twice in autumn is taken as the later one.
 */
export function zonedToUtc(localMs: number, zone: Zone): number {
  if ('offset' in zone) return localMs - zone.offset * 60_000;
  const first = ianaOffsetAt(zone.iana, localMs);
  const guess = localMs - first * 60_000;
  const second = ianaOffsetAt(zone.iana, guess);
  return localMs - second * 60_000;
}

function civilToMs(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string, zone: Zone): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  if (h === 24 && (mi > 0 || s > 0)) return undefined;
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  const ms = frac === '' ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  return zonedToUtc(Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms), zone);
}

const AUTO_TS = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface TimestampOptions {
  /** see `parseTimestamp`; default: ISO-like auto detection */
  format?: string;
  /** zone for values without an offset: "+08:00" or an IANA name ("Europe/London"); default UTC as in the data contract */
  timezone?: string;
}

const TOKEN_RE = /YYYY|MM|M|DD|D|HH|H|mm|ss|SSS|Z|A/g;

function buildFormatRegex(format: string): { re: RegExp; tokens: string[] } {
  const tokens: string[] = [];
  let pattern = '';
  let last = 0;
  const hasTime = /HH|H/.test(format);
  for (const m of format.matchAll(TOKEN_RE)) {
    const literal = format.slice(last, m.index);
    pattern += literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    const t = m[0];
    tokens.push(t);
    pattern +=
      t === 'YYYY'
        ? '(\\d{4})'
        : t === 'SSS'
          ? '(\\d{1,9})'
          : t === 'Z'
            ? '(Z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)'
            : t === 'A'
              ? '(AM|PM)'
              : t === 'mm' || t === 'ss'
                ? '(\\d{2})'
                : '(\\d{1,2})';
    last = (m.index ?? 0) + t.length;
  }
  pattern += format
    .slice(last)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  // A date-only format still accepts a trailing time ("07/06/2021 14:05"), and any format
  // without a Z token accepts a trailing offset.
  if (!hasTime) {
    // "2025年3月1日8:26" has no space before the time; digits after digits need one.
    const sep = /[^\u0020-\u007e]$/.test(format) ? '(?:T|\\s*)' : '(?:T|\\s+)';
    pattern += `(?:${sep}(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?:\\s*(AM|PM))?)?`;
    tokens.push('HH?', 'mm?', 'ss?', 'A?');
  }
  if (!tokens.includes('Z')) {
    pattern += '\\s*(Z|UTC|GMT|[+-]\\d{2}(?::?\\d{2})?)?';
    tokens.push('Z');
  }
  return { re: new RegExp(`^${pattern}$`, 'i'), tokens };
}

/**
 * Parses a source timestamp into ISO UTC ("...Z"). Returns null for an empty cell and
 * undefined when the value does not match.
 *
 * format:
 * - undefined / "iso" / "auto": ISO 8601 and its common export spellings: "2025-02-02",
 *   "2025-02-02 11:01:00", "2025-02-02T11:01:00.123+08:00", Shopify's
 *   "2025-02-02 11:01:00 +0800", "2025/02/02 11:01".
 * - "unix" (seconds, also "unix_s", "epoch") and "unix_ms" (milliseconds).
 * - a pattern of tokens YYYY MM M DD D HH H mm ss SSS Z A (AM/PM) and literal characters,
 *   e.g. "DD/MM/YYYY", "MM/DD/YYYY HH:mm", "YYYY-MM-DD", "YYYY年M月D日". A date-only pattern
 *   also reads a trailing time ("12/1/2010 8:26", "3/1/2025 8:26 PM"). Day-first and
 *   month-first cannot be told apart from one value (03/04/2025): `detectDateFormat` decides
 *   from a whole column, or the mapping says which one.
 */
export function parseTimestamp(raw: string, opts: TimestampOptions = {}): Cell | undefined {
  const v = raw.trim();
  if (v === '') return null;
  const fmt = (opts.format ?? 'auto').trim();
  let defaultZone: Zone = { offset: 0 };
  if (opts.timezone !== undefined) {
    const z = parseZone(opts.timezone);
    if (z === undefined) return undefined;
    defaultZone = z;
  }
  const lower = fmt.toLowerCase();
  if (lower === 'unix' || lower === 'unix_s' || lower === 'unix_seconds' || lower === 'epoch') {
    if (!/^-?\d+(\.\d+)?$/.test(v)) return undefined;
    return fromUnixSeconds(Number(v));
  }
  if (lower === 'unix_ms' || lower === 'epoch_ms') {
    if (!/^-?\d+$/.test(v)) return undefined;
    return formatIso(Number(v));
  }
  if (lower === 'auto' || lower === 'iso' || lower === '') {
    const m = AUTO_TS.exec(v);
    if (!m) return undefined;
    const offset = m[8] !== undefined ? parseOffset(m[8]) : undefined;
    if (m[8] !== undefined && offset === undefined) return undefined;
    const zone = offset === undefined ? defaultZone : { offset };
    const ms = civilToMs(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? '0'), Number(m[5] ?? '0'), Number(m[6] ?? '0'), m[7] ?? '', zone);
    return ms === undefined ? undefined : formatIso(ms);
  }
  const { re, tokens } = buildFormatRegex(fmt);
  const m = re.exec(v);
  if (!m) return undefined;
  const parts: Record<string, string> = {};
  tokens.forEach((t, i) => {
    const value = m[i + 1];
    if (value !== undefined) parts[t.replace('?', '')] = value;
  });
  const year = parts['YYYY'];
  const month = parts['MM'] ?? parts['M'];
  const day = parts['DD'] ?? parts['D'];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const offset = parts['Z'] !== undefined ? parseOffset(parts['Z']) : undefined;
  if (parts['Z'] !== undefined && offset === undefined) return undefined;
  let hour = Number(parts['HH'] ?? parts['H'] ?? '0');
  const meridiem = parts['A']?.toUpperCase();
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
  }
  const ms = civilToMs(
    Number(year),
    Number(month),
    Number(day),
    hour,
    Number(parts['mm'] ?? '0'),
    Number(parts['ss'] ?? '0'),
    parts['SSS'] ?? '',
    offset === undefined ? defaultZone : { offset },
  );
  return ms === undefined ? undefined : formatIso(ms);
}

/** Same as parseTimestamp but only the date part (YYYY-MM-DD) for date columns. */
export function parseDate(raw: string, opts: TimestampOptions = {}): Cell | undefined {
  const ts = parseTimestamp(raw, opts);
  return ts === null || ts === undefined ? ts : ts.slice(0, 10);
}

export type DateDetection =
  { kind: 'format'; format: string; label: string } | { kind: 'ambiguous'; options: [string, string]; example: string } | { kind: 'unknown'; example: string };

const YEAR_LAST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?=$|[\sT])/;
const CHINESE_DATE = /^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日/;

/**
 * Finds the format of a column's dates from its values (empty cells ignored): ISO-like
 * (2025-03-01, 2025/03/01 08:26), year-last with / . or - (M/D/YYYY or D/M/YYYY, decided by a
 * first part > 12 (day-first) or a second part > 12 (month-first); D.M.YYYY with dots when
 * nothing decides, as dotted dates are day-first by convention), Chinese 2025年3月1日 [8:26].
 * A trailing time ("8:26", "08:26:00", "8:26 PM") is read with every one of them.
 * `ambiguous` when every day and month is <= 12 (03/04/2025): the caller must ask which.
 * `unknown` names a value no format reads (or the first value that breaks the found format).
 */
export function detectDateFormat(values: Iterable<string>): DateDetection {
  const list: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    if (v !== '') list.push(v);
  }
  if (list.length === 0) return { kind: 'format', format: 'iso', label: 'ISO 8601' };
  const breaking = (format: string): string | undefined => list.find((v) => parseTimestamp(v, { format }) === undefined);
  const first = list[0] as string;
  const iso = breaking('iso');
  if (iso === undefined) return { kind: 'format', format: 'iso', label: 'ISO 8601' };
  if (CHINESE_DATE.test(first)) {
    const format = 'YYYY年M月D日';
    const bad = breaking(format);
    return bad === undefined ? { kind: 'format', format, label: format } : { kind: 'unknown', example: bad };
  }
  const m = YEAR_LAST.exec(first);
  if (!m) return { kind: 'unknown', example: iso };
  const sep = m[2] as string;
  let dayFirst = false;
  let monthFirst = false;
  for (const v of list) {
    const x = YEAR_LAST.exec(v);
    if (!x || x[2] !== sep) return { kind: 'unknown', example: v };
    if (Number(x[1]) > 12) dayFirst = true;
    if (Number(x[3]) > 12) monthFirst = true;
  }
  if (dayFirst && monthFirst) return { kind: 'unknown', example: first };
  const md = `M${sep}D${sep}YYYY`;
  const dm = `D${sep}M${sep}YYYY`;
  const hasTime = /\d:\d\d/.test(first);
  const label = (f: string) => (hasTime ? `${f} H:mm` : f);
  let format: string;
  if (monthFirst) format = md;
  else if (dayFirst || sep === '.') format = dm;
  else return { kind: 'ambiguous', options: [label(md), label(dm)], example: first };
  const bad = breaking(format);
  return bad === undefined ? { kind: 'format', format, label: label(format) } : { kind: 'unknown', example: bad };
}

// ---------------------------------------------------------------------------------------
// canonical normalisation

/**
 * Converts one value to the canonical form of its column. Returns the converted value, or
 * `{ bad: raw }` when it cannot be converted (the caller keeps the raw value and warns).
 */
export function normalizeValue(kind: ValueKind, raw: string, opts: TimestampOptions = {}): { value: Cell } | { bad: string } {
  const v = raw.trim();
  if (v === '') return { value: null };
  let out: Cell | undefined;
  switch (kind) {
    case 'timestamp':
      out = parseTimestamp(v, opts);
      break;
    case 'date':
      out = parseDate(v, opts);
      break;
    case 'decimal':
      out = parseDecimal(v);
      break;
    case 'integer':
      out = parseInteger(v);
      break;
    case 'boolean':
      out = toBoolean(v);
      break;
    case 'currency':
      out = /^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : undefined;
      break;
    case 'lower':
      out = v.toLowerCase();
      break;
    case 'code':
      out = toCode(v);
      break;
    case 'string':
      out = v;
      break;
  }
  return out === undefined ? { bad: v } : { value: out };
}

/**
 * Final pass over every output row: trims strings, lower-cases channel / decision / kind,
 * turns reason codes into codes and upper-cases currencies, so every importer writes the
 * same canonical spelling whatever its source had.
 */
export function canonicalizeRow<T extends CanonicalTable>(table: T, row: Row<T>): Row<T> {
  const out: Row<T> = {};
  const columns = TABLE_COLUMNS[table] as readonly ColumnOf<T>[];
  for (const column of columns) {
    const value = row[column];
    if (value === null || value === undefined) {
      out[column] = null;
      continue;
    }
    const trimmed = value.trim();
    if (trimmed === '') {
      out[column] = null;
      continue;
    }
    const kind = kindOf(table, column);
    out[column] = kind === 'lower' ? trimmed.toLowerCase() : kind === 'code' ? toCode(trimmed) : kind === 'currency' ? trimmed.toUpperCase() : trimmed;
  }
  for (const column of SOURCE_COLUMNS) if (row[column] !== undefined && row[column] !== null) out[column] = row[column];
  return out;
}

/**
 * Records where a canonical row came from (the user's export file and the line its record starts
 * on), for the loader's rejects. Every importer calls this on the rows it builds; rows of one
 * record keep the record's line. Returns the same row.
 */
export function withSource<R extends { _source_file?: Cell; _source_line?: Cell }>(row: R, file: string, line: number | undefined): R {
  row._source_file = path.basename(file);
  row._source_line = line === undefined ? null : String(line);
  return row;
}

/**
 * Guest checkouts have no customer. Rather than rejecting those rows (and losing every order
 * and refund of guests), they get a per-order pseudo-customer `guest:<order_id>`: each guest
 * order is its own customer, so repurchase after a refund is never credited to a guest
 * (a guest who comes back cannot be recognised). Importers count these in their warnings.
 */
export const GUEST_PREFIX = 'guest:';

export function guestCustomerId(orderId: string): string {
  return GUEST_PREFIX + orderId.trim();
}
