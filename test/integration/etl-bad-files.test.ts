import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { connect, literal, openDatabase, queryRows, runSql } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { order, tempDir, toCsv } from '../../etl/src/testing/factory';

/*
 * Files the loader cannot read. Each load runs the real CLI in a child process and must end with
 * exit code 1 (no crash, no signal), a message naming the file, and the database exactly as it was.
 * Every bad file is loaded together with a valid orders.csv of new orders, which the loader merges
 * before refunds: finding none of them afterwards shows nothing was committed.
 */

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'etl', 'dist', 'cli.js');

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(args: string[]): Promise<Run> {
  const t0 = Date.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, REFUNDS_DEBUG_PHASES: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status, signal) => res({ status, signal, stdout, stderr, ms: Date.now() - t0 }));
  });
}

type Snapshot = Record<string, number | string>;

async function snapshot(db: string): Promise<Snapshot> {
  const inst = await openDatabase(db, { readOnly: true });
  const conn = await connect(inst);
  try {
    const [r] = await queryRows<Snapshot>(
      conn,
      `SELECT (SELECT count(*) FROM refunds) AS refunds, (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM surveys) AS surveys,
              (SELECT count(*) FROM agents) AS agents, (SELECT count(*) FROM fx_rates) AS fx_rates, (SELECT count(*) FROM refund_facts) AS facts,
              (SELECT coalesce(sum(requested_amount), 0) FROM refunds) AS requested, (SELECT coalesce(sum(amount), 0) FROM orders) AS ordered,
              (SELECT count(*) FROM orders WHERE order_id LIKE 'BADFILE-%') AS marker_orders,
              (SELECT count(*) FROM load_history WHERE outcome = 'committed') AS committed_loads,
              (SELECT value FROM meta WHERE key = 'data_version') AS data_version`,
    );
    return r;
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

async function failedLoads(db: string): Promise<Array<{ message: string | null }>> {
  const inst = await openDatabase(db, { readOnly: true });
  const conn = await connect(inst);
  try {
    return await queryRows<{ message: string | null }>(conn, `SELECT message FROM load_history WHERE outcome = 'failed' ORDER BY load_id`);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

/** The CRC-32 of PNG chunks. */
function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
/** A real (valid) 16x16 RGBA PNG image. */
function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(16, 0);
  ihdr.writeUInt32BE(16, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(16 * (1 + 16 * 4));
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) raw.set([x * 16, y * 16, 200, 255], y * 65 + 1 + x * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes `total` bytes produced chunk by chunk, respecting back-pressure. */
async function writeStreaming(path: string, chunks: () => Buffer | null): Promise<void> {
  const out = createWriteStream(path);
  await new Promise<void>((res, rej) => {
    out.on('error', rej);
    out.on('finish', () => res());
    const pump = () => {
      for (;;) {
        const c = chunks();
        if (c === null) {
          out.end();
          return;
        }
        if (!out.write(c)) {
          out.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('bad files: the load fails cleanly and commits nothing', () => {
  let template: string;
  let base: string;
  let baseSnap: Snapshot;
  const markerOrders = toCsv('orders', [
    order({ order_id: 'BADFILE-1', customer_id: 'BF-C1', amount: 123 }),
    order({ order_id: 'BADFILE-2', customer_id: 'BF-C2', amount: 456 }),
  ]);

  beforeAll(async () => {
    base = tempDir('badfiles-base-');
    await generateDataset({ out: base, refunds: 300, seed: 21 });
    template = join(tempDir('badfiles-db-'), 'template.duckdb');
    const r = await cli(['load', '--db', template, base]);
    expect(r.status).toBe(0);
    baseSnap = await snapshot(template);
    expect(baseSnap.refunds).toBe(300);
  });

  /** A copy of the loaded database and a folder holding the valid marker orders. */
  function fresh(): { db: string; dir: string } {
    const db = join(tempDir('badfiles-'), 'db.duckdb');
    copyFileSync(template, db);
    const dir = tempDir('badfiles-in-');
    writeFileSync(join(dir, 'orders.csv'), markerOrders);
    return { db, dir };
  }

  async function expectCleanFailure(r: Run, db: string, file: string, more: RegExp[] = []): Promise<void> {
    const msg = r.stderr;
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 1, signal: null });
    expect(msg).toMatch(new RegExp(`error \\[[A-Z_]+\\]: .*${escapeRe(file)}`));
    expect(msg).toMatch(/nothing was committed/);
    expect(msg).not.toMatch(/\n\s+at .+:\d+:\d+/); // no JavaScript stack trace
    expect(msg.length).toBeLessThan(4000);
    for (const re of more) expect(msg).toMatch(re);
    expect(r.stdout).not.toMatch(/committed in/);
    expect(await snapshot(db)).toEqual(baseSnap);
    const failed = await failedLoads(db);
    expect(failed.length).toBe(1);
    expect(failed[0].message ?? '').toContain(file);
  }

  /** The generated refunds.csv written as a Parquet file, read back as bytes. */
  async function refundsAsParquet(): Promise<Buffer> {
    const full = join(tempDir('pq-'), 'full.parquet');
    const inst = await openDatabase(':memory:');
    const conn = await connect(inst);
    try {
      await runSql(
        conn,
        `COPY (SELECT * FROM read_csv(${literal(join(base, 'refunds.csv'))}, header = true, all_varchar = true)) TO ${literal(full)} (FORMAT parquet)`,
      );
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
    return readFileSync(full);
  }

  test('a Parquet file cut in half', async () => {
    const { db, dir } = fresh();
    const bytes = await refundsAsParquet();
    writeFileSync(join(dir, 'refunds.parquet'), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectCleanFailure(await cli(['load', '--db', db, dir]), db, 'refunds.parquet');
    // and the same file whole loads (the cut is what broke it)
    writeFileSync(join(dir, 'refunds.parquet'), bytes);
    const ok = await cli(['load', '--db', db, dir]);
    expect(ok.status).toBe(0);
  });

  test('a Parquet file with its middle overwritten', async () => {
    const { db, dir } = fresh();
    const bytes = Buffer.from(await refundsAsParquet());
    for (let i = Math.floor(bytes.length / 4); i < Math.floor(bytes.length / 2); i++) bytes[i] = (bytes[i] * 7 + 13) & 0xff;
    writeFileSync(join(dir, 'refunds.parquet'), bytes);
    await expectCleanFailure(await cli(['load', '--db', db, dir]), db, 'refunds.parquet');
  });

  test('a CSV with a broken quote at line 1,000,000 (valid data before it)', async () => {
    const { db, dir } = fresh();
    const path = join(dir, 'refunds.csv');
    let line = 1;
    const LAST = 1_000_010;
    await writeStreaming(path, () => {
      if (line > LAST) return null;
      const parts: string[] = [];
      for (let k = 0; k < 20_000 && line <= LAST; k++, line++) {
        if (line === 1) parts.push('refund_id,order_id,customer_id,channel,reason_code,requested_at,decision,requested_amount\n');
        else if (line === 1_000_000) parts.push(`Q${line},O${line},"C broken,web,changed_mind,2024-03-01T10:00:00Z,pending,1\n`);
        else parts.push(`Q${line},O${line},C${line % 5000},web,changed_mind,2024-03-01T10:00:00Z,pending,${line % 500}.5\n`);
      }
      return Buffer.from(parts.join(''));
    });
    try {
      const r = await cli(['load', '--db', db, dir]);
      await expectCleanFailure(r, db, 'refunds.csv', [/1,?000,?000/]);
      // the message says what is wrong with the line, not only where it is
      expect(r.stderr).toMatch(/quote/i);
    } finally {
      rmSync(path, { force: true });
    }
  });

  test('a PNG image named refunds.csv', async () => {
    const { db, dir } = fresh();
    writeFileSync(join(dir, 'refunds.csv'), png());
    await expectCleanFailure(await cli(['load', '--db', db, dir]), db, 'refunds.csv');
  });

  test('an empty file', async () => {
    const { db, dir } = fresh();
    writeFileSync(join(dir, 'refunds.csv'), '');
    await expectCleanFailure(await cli(['load', '--db', db, dir]), db, 'refunds.csv', [/empty/]);
  });

  test('an empty Parquet file', async () => {
    const { db, dir } = fresh();
    writeFileSync(join(dir, 'refunds.parquet'), '');
    await expectCleanFailure(await cli(['load', '--db', db, dir]), db, 'refunds.parquet');
  });

  test('a memory limit too small for the load fails with the reason and keeps the data; a bad one is a usage error', async () => {
    const { db, dir } = fresh();
    const tight = await cli(['load', '--db', db, '--memory-limit', '1MB', dir]);
    expect({ status: tight.status, signal: tight.signal }).toEqual({ status: 1, signal: null });
    expect(tight.stderr).toMatch(/Out of Memory/);
    expect(tight.stderr).toMatch(/nothing was committed/);
    expect(tight.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(await snapshot(db)).toEqual(baseSnap);
    const bad = await cli(['load', '--db', db, '--memory-limit', 'lots', dir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--memory-limit must be a size such as 8GB or 512MiB, got "lots"');
    const ok = await cli(['load', '--db', db, '--memory-limit', '512MiB', dir]);
    expect(ok.status).toBe(0);
    expect((await snapshot(db)).marker_orders).toBe(2);
  });

  test('a header-only file loads 0 rows and succeeds', async () => {
    const { db } = fresh();
    const dir = tempDir('badfiles-in-');
    writeFileSync(join(dir, 'refunds.csv'), readFileSync(join(base, 'refunds.csv'), 'utf8').split('\n')[0] + '\n');
    const r = await cli(['load', '--db', db, dir]);
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    expect(r.stdout).toMatch(/committed/);
    expect(r.stdout).toMatch(/^refunds\s+0\s+0\s+0\s+0\s+0\s*$/m);
    const after = await snapshot(db);
    expect({ ...after, committed_loads: baseSnap.committed_loads, data_version: baseSnap.data_version }).toEqual(baseSnap);
    expect(after.committed_loads).toBe(Number(baseSnap.committed_loads) + 1);
  });

  test('a 2 GB file that is one single line', async () => {
    const { db, dir } = fresh();
    const path = join(dir, 'refunds.csv');
    const SIZE = 2 * 1024 ** 3;
    const chunk = Buffer.alloc(1 << 20, 'a'.charCodeAt(0));
    let written = 0;
    const t0 = Date.now();
    try {
      await writeStreaming(path, () => {
        if (written >= SIZE) return null;
        written += chunk.length;
        return chunk;
      });
      expect(statSync(path).size).toBe(SIZE);
      const writeMs = Date.now() - t0;
      const r = await cli(['load', '--db', db, dir]);
      console.log(`2 GB single line: written in ${(writeMs / 1000).toFixed(1)} s, load refused in ${(r.ms / 1000).toFixed(1)} s`);
      await expectCleanFailure(r, db, 'refunds.csv');
      // the message says why (a line longer than the reader accepts), not just the line's first bytes
      expect(r.stderr).toMatch(/line size|too long|maximum/i);
    } finally {
      rmSync(path, { force: true });
    }
  }, 300_000);

  describe('disk full during a load', () => {
    const mnt = join(tempDir('badfiles-tmpfs-'), 'mnt');
    let mounted = false;
    let note = '';
    beforeAll(() => {
      mkdirSync(mnt, { recursive: true });
      const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mnt], { encoding: 'utf8' });
      mounted = r.status === 0;
      if (!mounted) note = `skipped: cannot mount a tmpfs (${(r.stderr || r.error?.message || '').trim()}); run as root to test a full disk`;
    });
    afterAll(() => {
      if (mounted) {
        const r = spawnSync('umount', [mnt], { encoding: 'utf8' });
        if (r.status !== 0) spawnSync('umount', ['-l', mnt]);
      }
    });

    test('the load fails with a clear error and the earlier data is intact after reopening', async () => {
      if (!mounted) {
        console.warn(note);
        return;
      }
      const db = join(mnt, 'full.duckdb');
      copyFileSync(template, db);
      const big = tempDir('badfiles-big-');
      await generateDataset({ out: big, refunds: 20_000, seed: 22 });
      // leave about 2 MB free on the 20 MB file system
      const free = Number(spawnSync('df', ['-B1', '--output=avail', mnt], { encoding: 'utf8' }).stdout.trim().split('\n').pop());
      expect(free).toBeGreaterThan(4 * 1024 * 1024);
      const filler = join(mnt, 'filler');
      writeFileSync(filler, Buffer.alloc(free - 2 * 1024 * 1024));
      const r = await cli(['load', '--db', db, big]);
      expect({ status: r.status, signal: r.signal }).toEqual({ status: 1, signal: null });
      expect(r.stderr).toMatch(/No space left on device/i);
      expect(r.stderr).toMatch(/full\.duckdb/);
      expect(r.stderr).toMatch(/nothing was committed/);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect(await snapshot(db)).toEqual(baseSnap);
      // with room again, the same database takes a load
      rmSync(filler);
      const dir = tempDir('badfiles-in-');
      writeFileSync(join(dir, 'orders.csv'), markerOrders);
      rmSync(big, { recursive: true, force: true });
      const again = await cli(['load', '--db', db, dir]);
      expect(again.status).toBe(0);
      const after = await snapshot(db);
      expect(after.marker_orders).toBe(2);
      expect(after.refunds).toBe(baseSnap.refunds);
      expect(existsSync(`${db}.wal`) ? statSync(`${db}.wal`).size : 0).toBe(0);
    }, 180_000);
  });
});
