/** RFC 4180 CSV, safe to open in a spreadsheet. */

export type Cell = string | number | boolean | null | undefined;

/**
 * Quotes a cell when it holds a comma, quote, CR or LF (quotes doubled). A text cell that a
 * spreadsheet would run as a formula (= + - @ or a leading tab/CR) gets a leading apostrophe;
 * numbers are written as numbers, so negative values stay numeric.
 */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [headers.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  // BOM so spreadsheet apps read UTF-8 (Chinese labels) correctly; CRLF per RFC 4180.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** A file-name-safe slug (keeps CJK letters). */
export function slug(s: string): string {
  return (
    s
      .normalize('NFKC')
      .replace(/[\\/:*?"<>|\s]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'export'
  );
}
