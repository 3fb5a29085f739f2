import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv } from '../importers/csv';
import { convertExport, type ConvertOptions, type ConvertResult } from '../importers/index';

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

/** Converts `paths` with `format` into a fresh folder and reads back the tables named (as readOut does). */
export async function convertAndRead<T extends string>(
  format: string,
  paths: string[],
  tables: readonly T[],
  opts: ConvertOptions = {},
): Promise<{ result: ConvertResult; out: string } & Record<T, Array<Record<string, string>>>> {
  const out = await mkdtemp(join(tmpdir(), `${format}-spec-`));
  const result = await convertExport(format, paths, out, opts);
  const read = await Promise.all(tables.map(async (t) => [t, await readOut(join(out, `${t}.csv`))] as const));
  return { result, out, ...(Object.fromEntries(read) as Record<T, Array<Record<string, string>>>) };
}
