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

const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

export function zeroPad(n: number, width: number): string {
  const p = POW10[width];
  return n < p ? String(p + n).slice(1) : String(n);
}

/**
 * Encodes rows straight into large Buffers and writes them with backpressure. Appending to one
 * big string instead keeps millions of rope nodes alive between collections, which made GC the
 * main cost.
 */
export class CsvSink {
  rows = 0;
  private chunk: Buffer;
  private pos = 0;
  private readonly pending: Buffer[] = [];
  private readonly stream: WriteStream;
  private error: Error | null = null;

  constructor(
    readonly path: string,
    header: readonly string[],
    private readonly chunkBytes: number,
  ) {
    this.stream = createWriteStream(path, { highWaterMark: 4 * chunkBytes });
    this.stream.on('error', (err) => {
      this.error = err;
    });
    this.chunk = Buffer.allocUnsafe(chunkBytes);
    this.put(`${header.join(',')}\n`);
  }

  /** Appends one data row (terminated by a newline). */
  row(line: string): void {
    this.put(line);
    this.rows++;
  }

  private put(text: string): void {
    if (this.pos + text.length * 3 > this.chunkBytes) {
      this.rotate();
      if (text.length * 3 > this.chunkBytes) {
        this.pending.push(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.pos += this.chunk.write(text, this.pos, 'utf8');
  }

  private rotate(): void {
    if (this.pos === 0) return;
    this.pending.push(this.chunk.subarray(0, this.pos));
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.pos = 0;
  }

  /** True when a filled chunk waits to be written. */
  get full(): boolean {
    return this.pending.length > 0;
  }

  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      if (this.error) throw this.error;
      const buf = this.pending.shift() as Buffer;
      if (this.stream.write(buf)) continue;
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
    if (this.error) throw this.error;
  }

  async close(): Promise<void> {
    this.rotate();
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
