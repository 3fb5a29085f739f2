import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

export const DAY_SECONDS = 86400;

/** Epoch seconds of an ISO date or timestamp (UTC). */
export function epoch(iso: string): number {
  const ms = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(ms)) throw new Error(`bad date ${iso}`);
  return ms / 1000;
}

const P2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

const CACHE_FIRST_DAY = epoch('2020-01-01') / DAY_SECONDS;
const CACHE_DAYS = 366 * 10;
const DAY_PREFIX: readonly string[] = Array.from({ length: CACHE_DAYS }, (_, i) =>
  new Date((CACHE_FIRST_DAY + i) * DAY_SECONDS * 1000).toISOString().slice(0, 11),
);

/** ISO 8601 UTC with a trailing Z, second precision. */
export function isoTime(sec: number): string {
  const day = Math.floor(sec / DAY_SECONDS);
  const idx = day - CACHE_FIRST_DAY;
  if (idx < 0 || idx >= CACHE_DAYS) return `${new Date(Math.floor(sec) * 1000).toISOString().slice(0, 19)}Z`;
  let s = Math.floor(sec - day * DAY_SECONDS);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  return `${DAY_PREFIX[idx]}${P2[h]}:${P2[m]}:${P2[s - m * 60]}Z`;
}

export function isoDate(sec: number): string {
  const idx = Math.floor(sec / DAY_SECONDS) - CACHE_FIRST_DAY;
  if (idx < 0 || idx >= CACHE_DAYS) return new Date(Math.floor(sec) * 1000).toISOString().slice(0, 10);
  return DAY_PREFIX[idx].slice(0, 10);
}

/** Integer cents -> "123.45". */
export function money(cents: number): string {
  const whole = Math.floor(cents / 100);
  return `${whole}.${P2[cents - whole * 100]}`;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell per RFC 4180; null and undefined become the empty cell. */
export function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${values.map(cell).join(',')}\n`;
}

export function zeroPad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/**
 * Buffers rows into large strings and writes them with backpressure, so memory stays flat
 * however many rows go through.
 */
export class CsvSink {
  buf = '';
  rows = 0;
  private readonly stream: WriteStream;
  private error: Error | null = null;

  constructor(
    readonly path: string,
    header: readonly string[],
    readonly chunkChars: number,
  ) {
    this.stream = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    this.stream.on('error', (err) => {
      this.error = err;
    });
    this.buf = `${header.join(',')}\n`;
  }

  get full(): boolean {
    return this.buf.length >= this.chunkChars;
  }

  async flush(): Promise<void> {
    if (this.error) throw this.error;
    if (this.buf.length === 0) return;
    const chunk = this.buf;
    this.buf = '';
    if (this.stream.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        this.stream.off('drain', onDrain);
        reject(err);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.error) throw this.error;
  }

  /** Closes the file after a failure elsewhere, without raising a second error. */
  destroy(): void {
    this.stream.destroy();
  }
}
