/**
 * Small RFC 4180 CSV reader and writer for the importers.
 *
 * Why our own and not DuckDB's read_csv: the exports are small, several have header names
 * that differ between tool versions (matched case-insensitively here), Shopify's line-item
 * continuation rows must be seen in file order, and we want the source line number of every
 * record for warnings. A 100-line state machine does all of that with no native code.
 *
 * Reading:
 * - bytes: a UTF-8 BOM is stripped; a UTF-16 BOM is honoured; text that is not valid UTF-8
 *   is decoded as GB18030 (a superset of GBK/GB2312: Chinese back-office exports) or as
 *   Windows-1252 (Latin-1 and the Western spreadsheet exports), whichever decoding is
 *   plausible (`guessLegacyEncoding` in load/files.ts), which the caller can report; or as
 *   the encoding the user named.
 * - RFC 4180: fields separated by the delimiter, optionally quoted with `"`, `""` inside a
 *   quoted field is a quote, quoted fields may hold delimiters and line breaks. Records end
 *   at CRLF, LF or CR. Leniency for real exports: a quote inside an unquoted field is kept as
 *   a character, text after a closing quote is appended, blank lines are skipped.
 * - the delimiter is a comma unless the header line has none and has semicolons or tabs
 *   (spreadsheet exports in some locales).
 *
 * Writing: comma separated, LF line ends, UTF-8 without BOM; a field is quoted when it holds
 * a comma, a quote, CR/LF or leading/trailing spaces; null is an empty field.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import iconv from 'iconv-lite';
import { guessLegacyEncoding } from '../load/files';
import { ImportError, type Cell } from './common';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'windows-1252';
/** What the user asked for (--encoding); auto = detect. */
export type RequestedEncoding = 'auto' | 'utf-8' | 'gb18030' | 'windows-1252';

export function decodeText(buf: Buffer, requested: RequestedEncoding = 'auto'): { text: string; encoding: TextEncoding } {
  if (requested === 'gb18030' || requested === 'windows-1252') return { text: iconv.decode(buf, requested, { stripBOM: true }), encoding: requested };
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: iconv.decode(buf.subarray(2), 'utf16le'), encoding: 'utf-16le' };
  }
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    return { text: iconv.decode(buf.subarray(2), 'utf16be'), encoding: 'utf-16be' };
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    const encoding = guessLegacyEncoding(buf);
    return { text: iconv.decode(buf, encoding), encoding };
  }
}

export interface ParsedCsv {
  records: string[][];
  /** 1-based source line on which each record starts */
  lines: number[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

function detectDelimiter(text: string): string {
  const end = text.search(/\r|\n/);
  const first = end < 0 ? text : text.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes(';')) return ';';
  if (first.includes('\t')) return '\t';
  return ',';
}

/** Parses CSV text (RFC 4180 with the leniencies listed at the top of this file). */
export function parseCsv(text: string, delimiter?: string): ParsedCsv {
  const src = text.replace(/^\uFEFF/, '');
  const delim = delimiter ?? detectDelimiter(src);
  const records: string[][] = [];
  const lines: number[] = [];
  let record: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedField = false; // the current field started with a quote
  let quoteLine = 1;
  let i = 0;
  const n = src.length;

  const endField = (): void => {
    record.push(field);
    field = '';
    quotedField = false;
  };
  const endRecord = (): void => {
    endField();
    const blank = record.length === 1 && record[0] === '';
    if (!blank) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
  };

  while (i < n) {
    const ch = src[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        // keep the line break as written inside the field, count the line
        if (ch === '\r' && src[i + 1] === '\n') {
          field += '\r\n';
          i += 2;
        } else {
          field += ch;
          i += 1;
        }
        line += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field === '' && !quotedField) {
      inQuotes = true;
      quotedField = true;
      quoteLine = line;
      i += 1;
      continue;
    }
    if (ch === delim) {
      endField();
      i += 1;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += ch;
    i += 1;
  }
  if (inQuotes) throw new CsvSyntaxError(`unterminated quoted field starting on line ${quoteLine}`, quoteLine);
  if (field !== '' || record.length > 0 || quotedField) endRecord();
  return { records, lines };
}

function normHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ');
}

/** A CSV file read with its header; columns are looked up case- and space-insensitively. */
export class CsvTable {
  private readonly index = new Map<string, number>();

  constructor(
    readonly file: string,
    readonly format: string,
    readonly header: string[],
    readonly rows: string[][],
    readonly lines: number[],
    readonly encoding: TextEncoding,
  ) {
    header.forEach((h, i) => {
      const key = normHeader(h);
      if (key !== '' && !this.index.has(key)) this.index.set(key, i);
    });
  }

  get name(): string {
    return path.basename(this.file);
  }

  /** Index of the first alias present (case-insensitive), -1 when none is. */
  col(...aliases: string[]): number {
    for (const a of aliases) {
      const i = this.index.get(normHeader(a));
      if (i !== undefined) return i;
    }
    return -1;
  }

  has(...aliases: string[]): boolean {
    return this.col(...aliases) >= 0;
  }

  /** Like col, but a missing column is an ImportError naming the first alias and the file. */
  require(...aliases: string[]): number {
    const i = this.col(...aliases);
    if (i < 0) throw this.missing(aliases[0] ?? '?');
    return i;
  }

  missing(column: string): ImportError {
    return new ImportError('MISSING_COLUMN', `${this.format}: ${this.name} lacks column "${column}"`);
  }

  /** Header whose name matches a predicate (for Zendesk custom fields "Name [type]"). */
  findCol(pred: (normalizedName: string) => boolean): number {
    for (const [name, i] of this.index) if (pred(name)) return i;
    return -1;
  }

  /** "orders_export.csv line 12" for warnings. */
  where(rowIndex: number): string {
    return `${this.name} line ${this.lines[rowIndex] ?? '?'}`;
  }
}

/** Trimmed cell value, '' when the column is absent or the row is short. */
export function cell(row: readonly string[], index: number): string {
  if (index < 0) return '';
  return (row[index] ?? '').trim();
}

export async function readText(file: string, format: string, encoding: RequestedEncoding = 'auto'): Promise<{ text: string; encoding: TextEncoding }> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ImportError('BAD_FILE', `${format}: cannot read ${file}: ${reason}`);
  }
  if (encoding === 'utf-8') return { text: buf.toString('utf8').replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  return decodeText(buf, encoding);
}

export function csvTableFromText(file: string, format: string, text: string, encoding: TextEncoding = 'utf-8'): CsvTable {
  let parsed: ParsedCsv;
  try {
    parsed = parseCsv(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ImportError('BAD_FILE', `${format}: ${path.basename(file)} is not valid CSV: ${reason}`);
  }
  const [header, ...rows] = parsed.records;
  if (!header) throw new ImportError('BAD_FILE', `${format}: ${path.basename(file)} is empty (no header row)`);
  return new CsvTable(file, format, header, rows, parsed.lines.slice(1), encoding);
}

/**
 * Whether an export holds JSON rather than CSV: by its name (`.json`, and `.jsonl` where JSON Lines
 * are accepted) or its first character.
 */
export function isJsonText(file: string, text: string, jsonLines = false): boolean {
  const start = text.trimStart();
  return (jsonLines ? /\.jsonl?$/i : /\.json$/i).test(file) || start.startsWith('{') || start.startsWith('[');
}

/** Parses a JSON export (with `jsonLines`, also one JSON value a line); BAD_FILE names the file. */
export function parseJsonText(file: string, format: string, text: string, jsonLines = false): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const lines = jsonLines ? text.split(/\r?\n/).filter((l) => l.trim() !== '') : [];
    if (lines.length > 1) {
      try {
        return lines.map((l) => JSON.parse(l) as unknown);
      } catch {
        /* fall through to the original error */
      }
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new ImportError('BAD_FILE', `${format}: ${path.basename(file)} is not valid JSON: ${reason}`);
  }
}

export async function readCsvTable(file: string, format: string, requested: RequestedEncoding = 'auto'): Promise<CsvTable> {
  const { text, encoding } = await readText(file, format, requested);
  return csvTableFromText(file, format, text, encoding);
}

function quoteField(value: string): string {
  if (/[",\r\n]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** Serialises rows to CSV text with exactly `columns` as header. */
export function formatCsv(columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, Cell | undefined>>>): string {
  const out: string[] = [columns.map(quoteField).join(',')];
  for (const row of rows) {
    out.push(columns.map((c) => quoteField(row[c] ?? '')).join(','));
  }
  return out.join('\n') + '\n';
}

export async function writeCsv(file: string, columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, Cell | undefined>>>): Promise<void> {
  await writeFile(file, formatCsv(columns, rows), 'utf8');
}
