import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { LoadError } from './errors';
import { isTableName, TABLE_NAMES, type TableName } from '@refunds/warehouse';

export type FileFormat = 'csv' | 'jsonl' | 'parquet';
export type Encoding = 'auto' | 'utf-8' | 'gb18030' | 'windows-1252';
/** What a file that is not UTF-8 is decoded as. */
export type LegacyEncoding = 'gb18030' | 'windows-1252';

export interface InputFile {
  path: string;
  table: TableName;
  format: FileFormat;
}

const FORMAT_BY_EXT: Record<string, FileFormat> = { '.csv': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet' };

/** Expands folders and checks every name: `<table>.<csv|jsonl|parquet>`. */
export async function resolveInputs(paths: readonly string[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  for (const p of paths) {
    const stat = await fs.stat(p).catch(() => null);
    if (!stat) throw new LoadError('FILE_UNREADABLE', `${p}: no such file or folder`, p);
    if (stat.isDirectory()) {
      const entries = (await fs.readdir(p)).sort();
      for (const e of entries) {
        const ext = extname(e).toLowerCase();
        if (FORMAT_BY_EXT[ext] && isTableName(basename(e, extname(e)))) files.push(classify(join(p, e)));
      }
    } else {
      files.push(classify(p));
    }
  }
  if (files.length === 0) throw new LoadError('NO_FILES', `no table files found in ${paths.join(', ')} (expected e.g. refunds.csv)`);
  return files;
}

function classify(path: string): InputFile {
  const ext = extname(path).toLowerCase();
  const format = FORMAT_BY_EXT[ext];
  if (!format) throw new LoadError('UNSUPPORTED_FORMAT', `${path}: unsupported file type "${ext}" (use .csv, .jsonl or .parquet)`, path);
  const table = basename(path, extname(path));
  if (!isTableName(table)) {
    throw new LoadError('UNKNOWN_TABLE', `${path}: unknown table name "${table}" (expected one of ${TABLE_NAMES.join(', ')})`, path);
  }
  return { path, table, format };
}

export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), h);
  return h.digest('hex');
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Bytes that are not UTF-8 are either a Chinese export (GB18030/GBK) or a Western one
 * (Windows-1252, of which Latin-1's printable characters are a subset). Decoded as
 * Windows-1252, Chinese text turns into runs of two or more accented letters (each character
 * is two high bytes), while Western text has mostly lone accented letters between ASCII ones
 * (Crème, Müller, £5); and Western text decoded as GB18030 often hits byte pairs GB18030
 * has no character for. So: a replacement character in the GB18030 decoding, or more lone
 * non-ASCII characters than runs in the Windows-1252 decoding, means Windows-1252.
 */
export function guessLegacyEncoding(sample: Buffer): LegacyEncoding {
  if (iconv.decode(sample, 'gb18030').includes('\uFFFD')) return 'windows-1252';
  let lone = 0;
  let runs = 0;
  for (const m of iconv.decode(sample, 'windows-1252').matchAll(/[^\t\n\r\u0020-\u007e]+/g)) {
    if (m[0].length === 1) lone += 1;
    else runs += 1;
  }
  return lone > runs ? 'windows-1252' : 'gb18030';
}

/** Looks at the first megabyte: is this UTF-8 (with or without BOM)? If not, which legacy encoding? */
export async function sniffEncoding(path: string): Promise<{ utf8: boolean; bom: boolean; empty: boolean; legacy: LegacyEncoding }> {
  const fh = await fs.open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    const bom = head.subarray(0, 3).equals(UTF8_BOM);
    let utf8 = true;
    try {
      // stream: true tolerates a multi-byte character cut at the end of the sample.
      new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    } catch {
      utf8 = false;
    }
    // A sample cut inside a two-byte character would add one replacement character: drop the last byte.
    return { utf8, bom, empty: bytesRead === 0, legacy: utf8 ? 'gb18030' : guessLegacyEncoding(head.subarray(0, Math.max(0, head.length - 1))) };
  } finally {
    await fh.close();
  }
}

/** Writes a UTF-8 copy (without BOM) of a GB18030/GBK (GB18030 is a superset of GBK) or Windows-1252 file. */
export async function transcodeToUtf8(path: string, from: LegacyEncoding | 'utf-8', tmpDir: string): Promise<string> {
  const out = join(tmpDir, `${basename(path, extname(path))}.${Date.now()}.utf8${extname(path)}`);
  await pipeline(createReadStream(path), iconv.decodeStream(from, { stripBOM: true }), iconv.encodeStream('utf-8'), createWriteStream(out));
  return out;
}
