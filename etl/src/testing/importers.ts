import { readFile } from 'node:fs/promises';
import { parseCsv } from '../importers/csv';

/** A CSV file an importer wrote, as one record a row keyed by the header (missing cells are ''). */
export async function readOut(file: string): Promise<Array<Record<string, string>>> {
  const [header = [], ...rows] = parseCsv(await readFile(file, 'utf8')).records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** How many rows hold each value of `col`. */
export function tally(rows: Array<Record<string, string>>, col: string): Record<string, number> {
  const m: Record<string, number> = {};
  for (const r of rows) m[r[col] ?? ''] = (m[r[col] ?? ''] ?? 0) + 1;
  return m;
}
