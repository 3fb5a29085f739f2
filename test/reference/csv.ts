/**
 * A small RFC 4180 CSV reader for the reference implementation (independent of the ETL).
 *
 * - fields separated by `,`, records by CRLF or LF (a lone CR inside an unquoted field is kept);
 * - a field may be enclosed in double quotes; inside, `""` is one quote and commas / line breaks are data;
 * - a leading UTF-8 BOM is dropped;
 * - an empty cell (also a quoted empty cell `""`) is null, per the data contract;
 * - a trailing line break does not create an empty record; blank lines are skipped.
 */

export type CsvRecord = Record<string, string | null>;

export interface CsvTable {
  header: string[];
  /**
   * Each record with its 1-based physical line number in the file (of the record's first line; header =
   * line 1) and its 1-based record number (header = record 1; differs from `line` after a quoted line break).
   */
  rows: Array<{ line: number; recordNo: number; record: CsvRecord }>;
}

/** Splits CSV text into raw records (arrays of cells; `null` for an empty cell). */
export function parseCsvRecords(text: string): Array<{ line: number; cells: Array<string | null> }> {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const out: Array<{ line: number; cells: Array<string | null> }> = [];
  let cells: Array<string | null> = [];
  let field = '';
  let quotedField = false;
  let fieldStarted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = src.length;

  const endField = (): void => {
    cells.push(field.length === 0 ? null : field);
    field = '';
    quotedField = false;
    fieldStarted = false;
  };
  const endRecord = (): void => {
    endField();
    // a blank line yields one null cell: skip it
    if (!(cells.length === 1 && cells[0] === null)) out.push({ line: recordLine, cells });
    cells = [];
  };

  while (i < n) {
    const ch = src[i];
    if (!fieldStarted && ch === '"') {
      // quoted field
      quotedField = true;
      fieldStarted = true;
      i++;
      for (;;) {
        if (i >= n) throw new Error(`csv: unterminated quoted field starting on line ${recordLine}`);
        const c = src[i];
        if (c === '"') {
          if (src[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      // after the closing quote: only a separator, a line break or the end may follow
      if (i < n && src[i] !== ',' && src[i] !== '\n' && !(src[i] === '\r' && src[i + 1] === '\n')) {
        throw new Error(`csv: unexpected character after closing quote on line ${line}`);
      }
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      fieldStarted = false;
      continue;
    }
    if (ch === '\r' && src[i + 1] === '\n') {
      endRecord();
      i += 2;
      line++;
      recordLine = line;
      continue;
    }
    if (ch === '\n') {
      endRecord();
      i++;
      line++;
      recordLine = line;
      continue;
    }
    if (quotedField) throw new Error(`csv: data after a quoted field on line ${line}`);
    fieldStarted = true;
    field += ch;
    i++;
  }
  if (fieldStarted || cells.length > 0 || field.length > 0) endRecord();
  return out;
}

/** Parses a CSV file's text into header + records keyed by column name. */
export function parseCsv(text: string): CsvTable {
  const recs = parseCsvRecords(text);
  if (recs.length === 0) return { header: [], rows: [] };
  const header = recs[0].cells.map((c) => (c ?? '').trim());
  const rows: CsvTable['rows'] = [];
  for (let r = 1; r < recs.length; r++) {
    const { line, cells } = recs[r];
    if (cells.length !== header.length) {
      throw new Error(`csv: line ${line} has ${cells.length} cells, header has ${header.length}`);
    }
    const record: CsvRecord = {};
    header.forEach((h, j) => {
      record[h] = cells[j];
    });
    rows.push({ line, recordNo: r + 1, record });
  }
  return { header, rows };
}
