import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { connect, openDatabase, queryRows } from '@refunds/etl';
import { tempDir, toCsv, refund } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, serveDatabase, spawnServer } from '../support/server';

/**
 * Issue 11, section 2: a line-level export in the UCI Online Retail layout imported by a new user
 * through the CLI with the example mapping alone (no preparation script), into a GBP database
 * served without any currency setting; and the ways a first import used to go wrong.
 */
const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'etl', 'dist', 'cli.js');
const RETAIL = join(ROOT, 'etl', 'src', 'importers', '__fixtures__', 'online-retail-lines.csv');
const MAPPING = join(ROOT, 'etl', 'src', 'importers', 'examples', 'online-retail-mapping.yaml');

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, REFUNDS_ADMIN_TOKEN: '', REFUNDS_REPORTING_CURRENCY: '', ...env },
  });
}

async function select<T>(db: string, sql: string): Promise<T[]> {
  const inst = await openDatabase(db);
  const conn = await connect(inst);
  try {
    return await queryRows<T>(conn, sql);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

const importRetail = (db: string, ...extra: string[]) => cli(['import', '--format', 'mapping', '--mapping', MAPPING, '--db', db, ...extra, RETAIL]);
/** A running server reads only inside its import folder (REFUNDS_IMPORT_DIR, default `imports` beside the database). */
const handOver = (db: string, ...extra: string[]) => {
  const dir = join(dirname(db), 'imports');
  mkdirSync(dir, { recursive: true });
  const mapping = join(dir, basename(MAPPING));
  const data = join(dir, basename(RETAIL));
  copyFileSync(MAPPING, mapping);
  copyFileSync(RETAIL, data);
  return cli(['import', '--format', 'mapping', '--mapping', mapping, '--db', db, ...extra, data], { REFUNDS_ADMIN_TOKEN: ADMIN_TOKEN });
};

describe('a line-level export through the mapping alone', () => {
  const db = join(tempDir('retail-'), 'retail.duckdb');
  let first: ReturnType<typeof cli>;
  beforeAll(() => {
    first = importRetail(db, '--currency', 'GBP');
  });

  it('imports with amounts summed per invoice, cancellations as refunds, guests kept', async () => {
    expect(first.stderr).not.toMatch(/error/);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/online-retail-lines\.csv decoded as windows-1252/);
    expect(first.stderr).toMatch(/ordered_at: dates read as M\/D\/YYYY H:mm/);
    const totals = async (table: string, amount: string) =>
      (
        await select<{ n: number; amount: number; guests: number }>(
          db,
          `SELECT count(*)::INT AS n, sum(${amount}) AS amount, count(*) FILTER (WHERE customer_id LIKE 'guest:%')::INT AS guests FROM ${table}`,
        )
      )[0];
    // by hand from the fixture: 57.64 + 22.20 + 7.53 + 42.20 + 32.85 (the 'A' adjustment is no order)
    expect(await totals('orders', 'amount')).toEqual({ n: 5, amount: expect.closeTo(162.42, 9), guests: 1 });
    // C536379 27.50 + C536383 4.65 + C537000 2 x 4.25 + C538001 (4.95 + 18)
    expect(await totals('refunds', 'refunded_amount')).toEqual({ n: 4, amount: expect.closeTo(63.6, 9), guests: 1 });
    const text = await select<{ d: string }>(db, `SELECT reason_text AS d FROM refunds WHERE refund_id = 'uci:C538001'`);
    expect(text).toEqual([{ d: 'SET/3 CRÈME BRÛLÉE RAMEKINS' }]); // Latin-1 bytes, decoded as such
    expect(await select(db, `SELECT value FROM meta WHERE key = 'reporting_currency'`)).toEqual([{ value: 'GBP' }]);
  });

  it('is served in pounds without REFUNDS_REPORTING_CURRENCY', async () => {
    const server = await serveDatabase(db, { REFUNDS_REPORTING_CURRENCY: '' });
    try {
      const data = ok(await server.gql('{ overview { refunds orders refundedAmount approvalRate } filterOptions { reportingCurrency } }'));
      expect(data.overview).toMatchObject({ refunds: 4, orders: 5, approvalRate: 1 });
      expect(data.overview.refundedAmount).toBeCloseTo(63.6, 6);
      expect(data.filterOptions.reportingCurrency).toBe('GBP');
    } finally {
      await server.close();
    }
  });

  it('a server set to another currency refuses to start, in one line', async () => {
    const err = await spawnServer({ REFUNDS_DB: db, REFUNDS_REPORTING_CURRENCY: 'CNY' }).then(
      () => 'started',
      (e: Error) => e.message,
    );
    expect(err).toMatch(/^server exited with 1:/);
    const lines = err.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(
      `REFUNDS_REPORTING_CURRENCY=CNY but ${db} reports in GBP (set when it was created): unset REFUNDS_REPORTING_CURRENCY or set it to GBP`,
    );
  });

  it('a load with another --currency is refused; importing again changes nothing', async () => {
    const other = importRetail(db, '--currency', 'CNY');
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('error [CURRENCY_MISMATCH]: this database reports in GBP (set when it was created); --currency CNY disagrees');
    const again = importRetail(db);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/orders\s+5\s+0\s+0\s+5\s+0/);
  });
});

describe('an import handed to a running server', () => {
  it("takes the database's currency as the default and refuses another", async () => {
    const db = join(tempDir('retail-served-'), 'served.duckdb');
    expect(importRetail(db, '--currency', 'GBP').status).toBe(0);
    const server = await serveDatabase(db, { REFUNDS_REPORTING_CURRENCY: '' });
    try {
      const other = handOver(db, '--currency', 'CNY');
      expect(other.status).toBe(1);
      expect(other.stderr).toContain('this database reports in GBP (set when it was created); --currency CNY disagrees');
      const same = handOver(db);
      expect(same.stderr).not.toMatch(/error/);
      expect(same.status).toBe(0);
      expect(same.stdout).toMatch(/refunds\s+4\s+0\s+0\s+4\s+0/);
      const data = ok(await server.gql('{ overview { refunds refundedAmount } }'));
      expect(data.overview.refunds).toBe(4);
      expect(data.overview.refundedAmount).toBeCloseTo(63.6, 6);
    } finally {
      await server.close();
    }
  });
});

describe('first-import failures say what to do', () => {
  it('GBP lines into a CNY database: exit 1, nothing committed, one line naming the fix', async () => {
    const db = join(tempDir('retail-cny-'), 'cny.duckdb');
    const r = importRetail(db);
    expect(r.status).toBe(1);
    const error = r.stderr.split('\n').filter((l) => l.startsWith('error'));
    expect(error).toEqual([
      "error [ALL_REJECTED]: online-retail-lines.csv (orders): all 5 rows rejected; first reason: no fx rate for GBP on or before 2010-12-01 (currency 'GBP') — this database reports in CNY: load fx_rates for GBP first, or create a new database with --currency GBP",
    ]);
    expect(r.stderr).toMatch(/nothing was committed/);
    expect(await select(db, `SELECT count(*)::INT AS n FROM orders`)).toEqual([{ n: 0 }]);
  });

  it('a canonical file with M/D/YYYY dates fails naming the format to set', () => {
    const dir = tempDir('mdy-');
    writeFileSync(
      join(dir, 'refunds.csv'),
      toCsv('refunds', [
        refund({ requested_at: '12/1/2010 8:26', decided_at: '12/2/2010 9:00' }),
        refund({ requested_at: '12/13/2010 8:26', decided_at: '12/14/2010 9:00' }),
      ]),
    );
    const r = cli(['load', '--db', join(dir, 'x.duckdb'), dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "error [ALL_REJECTED]: refunds.csv: all 2 rows rejected; first reason: requested_at '12/1/2010 8:26' is not an ISO 8601 timestamp — the values look like M/D/YYYY H:mm",
    );
  });

  it("rejects name the user's file and line, not the intermediate file", () => {
    const dir = tempDir('retail-bad-');
    const text = readFileSync(RETAIL, 'latin1').replace(
      'C536383,35004C,SET OF 3 COLOURED FLYING DUCKS,-1,',
      'C536383,35004C,SET OF 3 COLOURED FLYING DUCKS,-1x,',
    );
    const file = join(dir, 'retail.csv');
    writeFileSync(file, text, 'latin1');
    const out = join(dir, 'rejects.csv');
    const r = cli(['import', '--format', 'mapping', '--mapping', MAPPING, '--db', join(dir, 'r.duckdb'), '--currency', 'GBP', '--rejects', out, file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/requested_amount: expression failed; value kept as written: 1 row \(retail\.csv line 8: abs: "-1x" is not a number\)/);
    const rejects = readFileSync(out, 'utf8').trim().split('\n');
    expect(rejects[0]).toBe('table,file,line,column,value,reason');
    expect(rejects.slice(1).every((l) => l.startsWith('refunds,retail.csv,8,'))).toBe(true);
    expect(rejects.slice(1).some((l) => l.includes('requested_amount,-1x,requested_amount is not a valid number'))).toBe(true);
  });
});
