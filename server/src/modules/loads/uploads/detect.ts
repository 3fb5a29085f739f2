import { open } from 'node:fs/promises';
import { isTableName } from '@refunds/warehouse';
import type { UploadFormat } from './models/upload.model';

/** Enough of a file to see its header or its first JSON objects. */
const HEAD_BYTES = 64 * 1024;

export interface Detection {
  /** `mapping-definition`: the file is a mapping (YAML/JSON) for the `mapping` importer, not data. */
  format: UploadFormat | 'mapping-definition' | null;
  note: string;
}

export async function readHead(path: string): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    await fh.close();
  }
}

/** The header cells of a CSV's first line (quotes honoured; a header never spans lines in these exports). */
export function csvHeader(head: string): string[] {
  const line = head.split(/\r?\n/, 1)[0] ?? '';
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cur);
      cur = '';
    } else cur += c;
  }
  cells.push(cur);
  return cells.map((h) => h.trim().toLowerCase());
}

/**
 * Sniffs an export's format from its name and first bytes, by the marks each system's export
 * carries (README: "Upload in the browser"). The user confirms or overrides the answer.
 */
export function detectFormat(name: string, head: string): Detection {
  const lower = name.toLowerCase();
  const ext = /\.([a-z0-9]+)$/.exec(lower)?.[1] ?? '';
  const base = lower.replace(/\.[a-z0-9]+$/, '');
  if (isTableName(base) && ['csv', 'jsonl', 'parquet'].includes(ext)) return { format: 'load', note: `canonical ${base} table (file name)` };
  if (ext === 'yaml' || ext === 'yml') return { format: 'mapping-definition', note: 'a mapping for the mapping importer' };
  const text = head.trimStart();
  if (ext === 'json' || ext === 'jsonl' || ext === 'ndjson' || text.startsWith('{') || text.startsWith('[')) {
    if (/^\{\s*"tables"\s*:/.test(text)) return { format: 'mapping-definition', note: 'a mapping for the mapping importer' };
    if (/"object"\s*:\s*"(refund|charge)"/.test(text)) return { format: 'stripe-refunds', note: 'Stripe refund objects (JSON)' };
    if (/"satisfaction_ratings"\s*:|"score"\s*:\s*"(good|bad|offered|unoffered)"/i.test(text))
      return { format: 'zendesk-tickets', note: 'Zendesk satisfaction ratings (JSON)' };
    if (/"(survey_type|response_id)"\s*:/.test(text)) return { format: 'nps-survey', note: 'NPS survey answers (JSON)' };
    return { format: null, note: 'JSON not recognised; pick a format' };
  }
  if (ext === 'parquet') return { format: null, note: `Parquet files load only as canonical tables (name it after one: refunds.parquet, ...)` };
  const cols = new Set(csvHeader(text));
  const has = (c: string) => cols.has(c);
  if (has('financial status') && [...cols].some((c) => c.startsWith('lineitem')))
    return { format: 'shopify-orders', note: 'Shopify orders export ("Financial Status", "Lineitem …")' };
  if (has('via') && (has('requester') || has('requester email'))) return { format: 'zendesk-tickets', note: 'Zendesk tickets export ("Via", "Requester")' };
  if (has('id') && has('amount refunded') && has('created (utc)')) return { format: 'stripe-refunds', note: 'Stripe payments export ("Amount Refunded")' };
  if (has('id') && has('charge id') && has('amount')) return { format: 'stripe-refunds', note: 'Stripe refunds export ("Charge ID")' };
  if (has('score') && ((has('response_id') && has('user_id')) || (has('person') && has('survey_type'))))
    return { format: 'nps-survey', note: 'NPS survey answers' };
  const table = ['refunds', 'orders', 'surveys'].find(
    (t) => has(t === 'refunds' ? 'refund_id' : t === 'orders' ? 'order_id' : 'survey_id') && (t !== 'orders' || !has('refund_id')),
  );
  if (table && has('customer_id')) return { format: null, note: `looks like the canonical ${table} table: name the file ${table}.csv to load it as is` };
  return { format: null, note: 'not recognised; pick a format (or a mapping for any other CSV)' };
}

/**
 * A browser-given file name made safe to store: no folders (traversal), no control or shell-special
 * characters, no leading dot, at most 120 characters, extension kept.
 */
export function sanitizeFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._()+-]/gu, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+/, '')
    .trim();
  if (name.length > 120) {
    const ext = /\.[\p{L}\p{N}]{1,10}$/u.exec(name)?.[0] ?? '';
    name = name.slice(0, 120 - ext.length) + ext;
  }
  return name || 'file';
}

/** `name`, or `name (2).ext`, ... so two files of the same name both stay. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const m = /^(.*?)(\.[^.]*)?$/.exec(name);
  const stem = m?.[1] ?? name;
  const ext = m?.[2] ?? '';
  for (let i = 2; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}
