import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import iconv from 'iconv-lite';
import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { order, refund, survey, tempDir, toCsv, toJsonl, writeTables, type Row } from '../testing/factory';
import { LoadError } from './errors';
import { loadFiles } from './load';

let inst: DuckDBInstance;
let conn: DuckDBConnection;
let dbPath: string;

beforeEach(async () => {
  dbPath = join(tempDir(), 'test.duckdb');
  inst = await openDatabase(dbPath);
  conn = await connect(inst);
});
afterEach(() => {
  conn.closeSync();
  inst.closeSync();
});

const count = async (table: string) => (await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${table}`))[0].n;
const rejects = () =>
  queryRows<{ line: number; column_name: string; value: string | null; reason: string }>(conn, 'SELECT * FROM load_rejects ORDER BY line, column_name');

/** Every rule of data-contract.md with one bad row; the reason must name the problem. */
const RULES: Array<[string, Row, string, RegExp]> = [
  ['refund_id required', { refund_id: null }, 'refund_id', /refund_id is required/],
  ['order_id required', { order_id: '' }, 'order_id', /order_id is required/],
  ['customer_id required', { customer_id: '  ' }, 'customer_id', /customer_id is required/],
  ['channel required', { channel: null }, 'channel', /channel is required/],
  ['reason_code required', { reason_code: null }, 'reason_code', /reason_code is required/],
  ['requested_at required', { requested_at: null }, 'requested_at', /requested_at is required/],
  ['requested_at a timestamp', { requested_at: '2024-13-45' }, 'requested_at', /not a valid ISO 8601 timestamp/],
  ['decided_at a timestamp', { decided_at: 'yesterday' }, 'decided_at', /not a valid ISO 8601 timestamp/],
  ['decided_at >= requested_at', { decided_at: '2024-02-28T00:00:00Z' }, 'decided_at', /before requested_at/],
  ['paid_at >= decided_at', { paid_at: '2024-03-01T12:00:00Z' }, 'paid_at', /before decided_at/],
  ['decision enum', { decision: 'maybe' }, 'decision', /must be one of approved, partial, rejected, pending, withdrawn/],
  ['decision required', { decision: null }, 'decision', /decision is required/],
  ['requested_amount required', { requested_amount: null }, 'requested_amount', /requested_amount is required/],
  ['requested_amount a number', { requested_amount: 'ten' }, 'requested_amount', /not a valid number/],
  ['requested_amount >= 0', { requested_amount: -1, refunded_amount: 0, decision: 'rejected' }, 'requested_amount', />= 0/],
  ['refunded_amount >= 0', { refunded_amount: -5 }, 'refunded_amount', />= 0/],
  ['refunded_amount <= requested_amount', { refunded_amount: 150 }, 'refunded_amount', /exceeds requested_amount/],
  ['0 when rejected', { decision: 'rejected', refunded_amount: 10 }, 'refunded_amount', /must be 0 when rejected/],
  ['null while pending', { decision: 'pending', decided_at: null, refunded_amount: 10 }, 'refunded_amount', /empty while the refund is pending/],
  ['pending has no decided_at', { decision: 'pending', refunded_amount: null }, 'decided_at', /empty while the refund is pending/],
  ['decided needs decided_at', { decided_at: null }, 'decided_at', /needs decided_at/],
  ['currency 3 letters', { currency: 'EURO' }, 'currency', /3-letter ISO 4217/],
  ['currency needs a rate', { currency: 'USD' }, 'currency', /no fx rate for USD on or before 2024-03-01/],
  ['payout_status enum', { payout_status: 'lost' }, 'payout_status', /succeeded, failed, pending/],
  ['contacts integer', { contacts: '2.5' }, 'contacts', /whole number/],
  ['contacts >= 0', { contacts: -1 }, 'contacts', />= 0/],
  ['escalated boolean', { escalated: 'perhaps' }, 'escalated', /boolean/],
  ['reopened boolean', { reopened: 'x' }, 'reopened', /boolean/],
  ['evidence_complete boolean', { evidence_complete: '2' }, 'evidence_complete', /boolean/],
];

describe('refund rules: a bad row is rejected with its reason, good rows still load', () => {
  test.each(RULES)('%s', async (_name, over, column, reason) => {
    const good = refund({ refund_id: 'GOOD' });
    const bad = refund({ refund_id: 'BAD', ...over });
    const dir = writeTables({ refunds: [good, bad] });
    const s = await loadFiles(conn, [dir]);
    expect(s.tables[0]).toMatchObject({ table: 'refunds', read: 2, loaded: 1, rejected: 1 });
    const r = await rejects();
    expect(r.some((x) => x.line === 3 && x.column_name === column && reason.test(x.reason))).toBe(true);
    expect(await count('refunds')).toBe(1);
  });
});

describe('other tables', () => {
  test.each<[string, Record<string, Row[]>, RegExp]>([
    ['survey csat 1..5', { surveys: [survey({ kind: 'csat', score: 6 })] }, /csat score must be 1..5/],
    ['survey nps 0..10', { surveys: [survey({ kind: 'nps', score: 11 })] }, /nps score must be 0..10/],
    ['survey kind', { surveys: [survey({ kind: 'ces' })] }, /kind 'ces' must be one of csat, nps/],
    ['survey responded_at', { surveys: [survey({ responded_at: null })] }, /responded_at is required/],
    ['order amount >= 0', { orders: [order({ amount: -3 })] }, /amount '-3' must be >= 0/],
    ['order ordered_at', { orders: [order({ ordered_at: 'soon' })] }, /ordered_at 'soon' is not an ISO 8601 timestamp — write ISO 8601/],
    ['order without fx rate', { orders: [order({ currency: 'JPY' })] }, /no fx rate for JPY/],
    ['agent_id required', { agents: [{ agent_id: null, name: 'x' }] }, /agent_id is required/],
    [
      'plan kpi name',
      { incentive_plans: [{ plan_id: 'P', effective_from: '2024-01-01', kpi: 'happiness', weight: 1, direction: 'higher_is_better' }] },
      /kpi 'happiness' must be one of handled/,
    ],
    [
      'plan weight > 0',
      { incentive_plans: [{ plan_id: 'P', effective_from: '2024-01-01', kpi: 'handled', weight: 0, direction: 'higher_is_better' }] },
      /weight '0' must be > 0/,
    ],
    [
      'plan direction',
      { incentive_plans: [{ plan_id: 'P', effective_from: '2024-01-01', kpi: 'handled', weight: 1, direction: 'up' }] },
      /direction 'up' must be one of/,
    ],
    [
      'plan dates',
      {
        incentive_plans: [{ plan_id: 'P', effective_from: '2024-02-01', effective_to: '2024-01-01', kpi: 'handled', weight: 1, direction: 'higher_is_better' }],
      },
      /effective_to '2024-01-01' is before effective_from/,
    ],
    ['policy effective_at', { policy_changes: [{ change_id: 'C1', effective_at: null }] }, /effective_at is required/],
    ['fx rate > 0', { fx_rates: [{ date: '2024-01-01', currency: 'USD', rate_to_reporting: 0 }] }, /rate_to_reporting '0' must be > 0/],
    ['fx date', { fx_rates: [{ date: 'Jan 1', currency: 'USD', rate_to_reporting: 7 }] }, /date 'Jan 1' is not a date \(YYYY-MM-DD\)/],
  ])('%s', async (_n, tables, reason) => {
    // the file's only row is rejected: the file loads nothing, so the load fails naming the reason
    const err = await loadFiles(conn, [writeTables(tables)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('ALL_REJECTED');
    expect((err as LoadError).message).toMatch(/\.csv: all 1 rows rejected; first reason: /);
    expect((err as LoadError).message).toMatch(reason);
  });
});

describe('loading', () => {
  test('a good folder loads with exact counts and normalised values', async () => {
    const dir = writeTables({
      refunds: [
        refund({ refund_id: 'R1', channel: ' Phone ', reason_code: 'Changed  Mind', currency: 'cny', escalated: 'yes', reopened: '1' }),
        refund({ refund_id: 'R2' }),
      ],
      orders: [order(), order(), order()],
      surveys: [survey({ refund_id: 'R1' })],
    });
    const s = await loadFiles(conn, [dir]);
    expect(s.outcome).toBe('committed');
    expect(Object.fromEntries(s.tables.map((t) => [t.table, [t.read, t.loaded, t.rejected]]))).toEqual({
      orders: [3, 3, 0],
      refunds: [2, 2, 0],
      surveys: [1, 1, 0],
    });
    const [r] = await queryRows<Record<string, unknown>>(
      conn,
      `SELECT channel, reason_code, currency, escalated, reopened FROM refunds WHERE refund_id = 'R1'`,
    );
    expect(r).toEqual({ channel: 'phone', reason_code: 'changed_mind', currency: 'CNY', escalated: true, reopened: true });
    const [h] = await queryRows<{ outcome: string; rows_loaded: number; files: string }>(conn, 'SELECT * FROM load_history');
    expect(h.outcome).toBe('committed');
    expect(h.rows_loaded).toBe(6);
    expect(JSON.parse(h.files)[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('derive: false checks and loads the tables (same counts and rejects) without facts or rollups', async () => {
    const tables = {
      refunds: [refund({ refund_id: 'R1' }), refund({ refund_id: 'R2', decision: 'maybe' })],
      orders: [order(), order()],
    };
    const s = await loadFiles(conn, [writeTables(tables)], { derive: false });
    expect(s.outcome).toBe('committed');
    expect(s.rollups).toBe('unchanged');
    expect(Object.fromEntries(s.tables.map((t) => [t.table, [t.read, t.loaded, t.rejected]]))).toEqual({ orders: [2, 2, 0], refunds: [2, 1, 1] });
    expect([await count('refunds'), await count('orders'), await count('load_rejects')]).toEqual([1, 2, 1]);
    expect([await count('refund_facts'), await count('refund_daily'), await count('cohort_daily')]).toEqual([0, 0, 0]);
    // Not marked current: a later load that derives builds the rollups from every refund.
    const later = await loadFiles(conn, [writeTables({ refunds: [refund({ refund_id: 'R3' })] })]);
    expect(later.rollups).toBe('full');
    expect(await count('refund_facts')).toBe(2);
  });

  test('reloading the same files changes nothing; an updated row replaces the old one', async () => {
    const rows = [refund({ refund_id: 'R1', decision: 'pending', decided_at: null, refunded_amount: null }), refund({ refund_id: 'R2' })];
    const dir = writeTables({ refunds: rows });
    await loadFiles(conn, [dir]);
    const before = await queryRows(conn, 'SELECT * FROM refunds ORDER BY refund_id');
    const again = await loadFiles(conn, [dir]);
    expect(again.tables[0]).toMatchObject({ read: 2, loaded: 0, replaced: 0, unchanged: 2 });
    expect(await queryRows(conn, 'SELECT * FROM refunds ORDER BY refund_id')).toEqual(before);
    const updated = writeTables({ refunds: [{ ...rows[0], decision: 'approved', decided_at: '2024-03-03T00:00:00Z', refunded_amount: 100 }] });
    const s = await loadFiles(conn, [updated]);
    expect(s.tables[0]).toMatchObject({ loaded: 1, replaced: 1 });
    expect(await count('refunds')).toBe(2);
    const [r] = await queryRows<{ decision: string; resolution_hours: number }>(
      conn,
      `SELECT decision, resolution_hours FROM refund_facts WHERE refund_id = 'R1'`,
    );
    expect(r).toEqual({ decision: 'approved', resolution_hours: 38 }); // 03-01 10:00 -> 03-03 00:00
  });

  test('within one file the last row of a key wins; the earlier one is reported', async () => {
    const dir = writeTables({
      refunds: [refund({ refund_id: 'R1', requested_amount: 10, refunded_amount: 10 }), refund({ refund_id: 'R1', requested_amount: 20, refunded_amount: 20 })],
    });
    const s = await loadFiles(conn, [dir]);
    expect(s.tables[0]).toMatchObject({ loaded: 1, rejected: 1 });
    expect((await queryRows<{ a: number }>(conn, 'SELECT requested_amount AS a FROM refunds'))[0].a).toBe(20);
    expect((await rejects())[0].reason).toMatch(/duplicate key .* line 3/);
  });

  test('JSONL and Parquet load like CSV', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'refunds.jsonl'),
      toJsonl([refund({ refund_id: 'J1', contacts: 2, escalated: true }), refund({ refund_id: 'J2', decision: 'nope' })]),
    );
    const s = await loadFiles(conn, [join(dir, 'refunds.jsonl')]);
    expect(s.tables[0]).toMatchObject({ read: 2, loaded: 1, rejected: 1 });
    expect((await rejects())[0].line).toBe(2);
    const pq = join(dir, 'orders.parquet');
    await runSql(
      conn,
      `COPY (SELECT 'P1' AS order_id, 'C1' AS customer_id, TIMESTAMP '2024-01-01 10:00:00' AS ordered_at, 12.5 AS amount, 'CNY' AS currency) TO '${pq}' (FORMAT parquet)`,
    );
    const p = await loadFiles(conn, [pq]);
    expect(p.tables[0]).toMatchObject({ table: 'orders', read: 1, loaded: 1 });
    const [o] = await queryRows<{ amount: number; ordered_at: Date }>(conn, `SELECT amount, ordered_at FROM orders`);
    expect(o.amount).toBe(12.5);
    expect(o.ordered_at.toISOString()).toBe('2024-01-01T10:00:00.000Z');
  });

  test('timestamps with offsets are stored in UTC; a UTF-8 BOM is accepted', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'refunds.csv'),
      '\ufeff' + toCsv('refunds', [refund({ refund_id: 'T1', requested_at: '2024-03-01T08:00:00+08:00', decided_at: '2024-03-01 12:00:00' })]),
    );
    const s = await loadFiles(conn, [dir]);
    expect(s.tables[0].loaded).toBe(1);
    const [r] = await queryRows<{ requested_at: Date; resolution_hours: number }>(conn, `SELECT requested_at, resolution_hours FROM refund_facts`);
    expect(r.requested_at.toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(r.resolution_hours).toBe(12);
  });

  test('GBK / GB18030 input is detected and converted', async () => {
    const dir = tempDir();
    const csv = toCsv('refunds', [refund({ refund_id: 'G1', reason_text: '质量问题，屏幕有划痕', product_line: '家电' })]);
    writeFileSync(join(dir, 'refunds.csv'), iconv.encode(csv, 'gbk'));
    const s = await loadFiles(conn, [dir]);
    expect(s.tables[0].loaded).toBe(1);
    const [r] = await queryRows<{ reason_text: string; product_line: string }>(conn, `SELECT reason_text, product_line FROM refunds`);
    expect(r).toEqual({ reason_text: '质量问题，屏幕有划痕', product_line: '家电' });
    const forced = await loadFiles(conn, [dir], { encoding: 'gb18030' });
    expect(forced.tables[0].unchanged).toBe(1);
  });

  test('a file that cannot be read fails the load, names the file, and leaves the database as it was', async () => {
    await loadFiles(conn, [writeTables({ refunds: [refund({ refund_id: 'KEEP' })] })]);
    const dir = writeTables({ orders: [order()] });
    writeFileSync(join(dir, 'refunds.csv'), 'refund_id,channel\nX,web\n');
    await expect(loadFiles(conn, [dir])).rejects.toThrow(/refunds\.csv: header lacks required column\(s\) order_id, customer_id/);
    expect(await count('orders')).toBe(0);
    expect(await count('refunds')).toBe(1);
    const bad = tempDir();
    writeFileSync(join(bad, 'refunds.parquet'), Buffer.from('\x89PNG\r\n\x1a\nnot parquet at all'));
    await expect(loadFiles(conn, [bad])).rejects.toThrow(/refunds\.parquet: cannot be read as PARQUET/);
    const empty = tempDir();
    writeFileSync(join(empty, 'refunds.csv'), '');
    await expect(loadFiles(conn, [empty])).rejects.toThrow(/refunds\.csv: the file is empty/);
    const unknown = tempDir();
    writeFileSync(join(unknown, 'returns.csv'), 'a\n1\n');
    await expect(loadFiles(conn, [join(unknown, 'returns.csv')])).rejects.toThrow(/unknown table name "returns"/);
    expect(await count('refunds')).toBe(1);
    const history = await queryRows<{ outcome: string }>(conn, 'SELECT outcome FROM load_history ORDER BY load_id');
    expect(history.map((h) => h.outcome)).toEqual(['committed', 'failed', 'failed', 'failed']);
  });

  test('a header-only file loads nothing and succeeds', async () => {
    const s = await loadFiles(conn, [writeTables({ refunds: [] })]);
    expect(s.tables[0]).toMatchObject({ read: 0, loaded: 0 });
  });

  test('--strict: any rejected row fails the load and nothing is committed', async () => {
    const dir = writeTables({ refunds: [refund(), refund({ decision: 'x' })] });
    const out = join(tempDir(), 'rejects.csv');
    const err = await loadFiles(conn, [dir], { strict: true, rejectsOut: out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('STRICT_REJECTS');
    expect(await count('refunds')).toBe(0);
    const text = require('node:fs').readFileSync(out, 'utf8') as string;
    expect(text).toMatch(/table,file,line,column,value,reason/);
    expect(text).toMatch(/refunds,refunds.csv,3,decision,x,"decision must be one of/);
  });
});

describe('derived facts, worked out by hand', () => {
  test('fx conversion, customer type, next order, repurchase revenue, survey tallies', async () => {
    const dir = writeTables({
      fx_rates: [
        { date: '2024-01-01', currency: 'USD', rate_to_reporting: 7 },
        { date: '2024-03-01', currency: 'USD', rate_to_reporting: 7.5 },
      ],
      orders: [
        order({ order_id: 'O1', customer_id: 'C1', ordered_at: '2024-02-01T00:00:00Z', amount: 10, currency: 'USD' }), // refunded order, C1's first
        order({ order_id: 'O2', customer_id: 'C1', ordered_at: '2024-03-10T00:00:00Z', amount: 20, currency: 'USD' }), // 8 days after decision: 20 x 7.5
        order({ order_id: 'O3', customer_id: 'C1', ordered_at: '2024-04-20T00:00:00Z', amount: 100 }), // 49 days after: in 60/90, not 30
        order({ order_id: 'O4', customer_id: 'C2', ordered_at: '2024-01-05T00:00:00Z', amount: 5 }),
        order({ order_id: 'O5', customer_id: 'C2', ordered_at: '2024-02-05T00:00:00Z', amount: 50 }), // refunded; C2 ordered before -> returning
      ],
      refunds: [
        refund({
          refund_id: 'R1',
          order_id: 'O1',
          customer_id: 'C1',
          currency: 'USD',
          requested_amount: 10,
          refunded_amount: 10,
          requested_at: '2024-02-28T00:00:00Z',
          decided_at: '2024-03-02T00:00:00Z',
        }),
        refund({
          refund_id: 'R2',
          order_id: 'O5',
          customer_id: 'C2',
          requested_at: '2024-02-10T00:00:00Z',
          decided_at: '2024-02-10T06:00:00Z',
          decision: 'rejected',
          refunded_amount: 0,
          requested_amount: 50,
        }),
      ],
      surveys: [
        survey({ refund_id: 'R1', customer_id: 'C1', kind: 'csat', score: 4 }),
        survey({ refund_id: 'R1', customer_id: 'C1', kind: 'csat', score: 2 }),
        survey({ refund_id: 'R1', customer_id: 'C1', kind: 'nps', score: 9 }),
        survey({ refund_id: 'R2', customer_id: 'C2', kind: 'nps', score: 6 }),
      ],
    });
    await loadFiles(conn, [dir]);
    const rows = await queryRows<Record<string, number | string | Date | null>>(
      conn,
      `SELECT refund_id, requested_amount, refunded_amount, customer_type, resolution_hours, next_order_at, rev_7, rev_30, rev_60, csat_n, csat_sum, csat_hi, nps_n, nps_pro, nps_det
       FROM refund_facts ORDER BY refund_id`,
    );
    // R1: requested 2024-02-28 -> USD rate of 2024-01-01 (7); decision 03-02, O2 on 03-10 at 7.5 x 20 = 150, O3 100 CNY at +49 days
    expect(rows[0]).toMatchObject({
      refund_id: 'R1',
      requested_amount: 70,
      refunded_amount: 70,
      customer_type: 'new',
      resolution_hours: 72,
      rev_7: 0,
      rev_30: 150,
      rev_60: 250,
      csat_n: 2,
      csat_sum: 6,
      csat_hi: 1,
      nps_n: 1,
      nps_pro: 1,
      nps_det: 0,
    });
    expect((rows[0].next_order_at as Date).toISOString()).toBe('2024-03-10T00:00:00.000Z');
    expect(rows[1]).toMatchObject({
      refund_id: 'R2',
      requested_amount: 50,
      customer_type: 'returning',
      resolution_hours: 6,
      next_order_at: null,
      rev_30: 0,
      nps_det: 1,
    });
  });

  test('fx: a day after the last rate takes the latest rate of its currency; a day before the first is rejected', async () => {
    const dir = writeTables({
      fx_rates: [
        { date: '2024-01-01', currency: 'USD', rate_to_reporting: 7 },
        { date: '2024-02-01', currency: 'USD', rate_to_reporting: 7.25 },
        { date: '2023-06-01', currency: 'EUR', rate_to_reporting: 8 },
      ],
      refunds: [
        refund({
          refund_id: 'FX1',
          currency: 'USD',
          requested_amount: 10,
          refunded_amount: 10,
          requested_at: '2031-05-05T00:00:00Z',
          decided_at: '2031-05-06T00:00:00Z',
        }),
        refund({
          refund_id: 'FX2',
          currency: 'EUR',
          requested_amount: 10,
          refunded_amount: 10,
          requested_at: '2024-06-01T00:00:00Z',
          decided_at: '2024-06-02T00:00:00Z',
        }),
        refund({
          refund_id: 'FX3',
          currency: 'EUR',
          requested_amount: 10,
          refunded_amount: 10,
          requested_at: '2023-05-31T23:00:00Z',
          decided_at: '2023-06-02T00:00:00Z',
        }),
      ],
    });
    const summary = await loadFiles(conn, [dir]);
    expect(summary.tables.find((t) => t.table === 'refunds')).toMatchObject({ loaded: 2, rejected: 1 });
    const rejects = await queryRows<{ reason: string }>(conn, `SELECT reason FROM load_rejects WHERE load_id = ${summary.loadId}`);
    expect(rejects.map((r) => r.reason)).toEqual(['no fx rate for EUR on or before 2023-05-31']);
    const rows = await queryRows<{ refund_id: string; requested_amount: number }>(
      conn,
      `SELECT refund_id, requested_amount FROM refund_facts ORDER BY refund_id`,
    );
    expect(rows).toEqual([
      { refund_id: 'FX1', requested_amount: 72.5 },
      { refund_id: 'FX2', requested_amount: 80 },
    ]);
  });

  test('an incremental load recomputes the facts it touches', async () => {
    await loadFiles(conn, [
      writeTables({ refunds: [refund({ refund_id: 'R1', customer_id: 'C1', decided_at: '2024-03-02T00:00:00Z' })], orders: [order({ customer_id: 'C9' })] }),
    ]);
    expect((await queryRows<{ n: Date | null }>(conn, `SELECT next_order_at AS n FROM refund_facts`))[0].n).toBeNull();
    await loadFiles(conn, [writeTables({ orders: [order({ order_id: 'ON', customer_id: 'C1', ordered_at: '2024-03-05T00:00:00Z', amount: 9 })] })]);
    const [r] = await queryRows<{ n: Date; rev: number }>(conn, `SELECT next_order_at AS n, rev_7 AS rev FROM refund_facts`);
    expect(r.n.toISOString()).toBe('2024-03-05T00:00:00.000Z');
    expect(r.rev).toBe(9);
  });
});

describe('issue 11: loads that load nothing, currency, encodings, source lines', () => {
  test('a file whose every row is rejected fails the load, commits nothing, and says why and what to set', async () => {
    await loadFiles(conn, [writeTables({ refunds: [refund({ refund_id: 'KEEP' })] })]);
    const dates = ['12/1/2010 8:26', '12/13/2010 9:01', '1/5/2011 10:00'];
    const dir = writeTables({ refunds: dates.map((d) => refund({ requested_at: d, decided_at: d })) });
    const err = await loadFiles(conn, [dir]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadError);
    expect((err as LoadError).code).toBe('ALL_REJECTED');
    expect((err as LoadError).message).toBe(
      "refunds.csv: all 3 rows rejected; first reason: requested_at '12/1/2010 8:26' is not an ISO 8601 timestamp — the values look like M/D/YYYY H:mm: " +
        'write ISO 8601 (2010-12-01 08:26:00), or import the file with --format mapping and set format for requested_at (format: M/D/YYYY H:mm)',
    );
    expect(await count('refunds')).toBe(1);
    const [h] = await queryRows<{ outcome: string }>(conn, `SELECT outcome FROM load_history ORDER BY load_id DESC LIMIT 1`);
    expect(h.outcome).toBe('failed');
    // one good row among them and the load commits, with the bad rows rejected
    const mixed = writeTables({ refunds: [refund({ refund_id: 'OK' }), refund({ requested_at: dates[0], decided_at: dates[0] })] });
    expect((await loadFiles(conn, [mixed])).tables[0]).toMatchObject({ loaded: 1, rejected: 1 });
  });

  test('a missing fx rate for every row says which currency to create the database with', async () => {
    const err = await loadFiles(conn, [writeTables({ refunds: [refund({ currency: 'GBP' }), refund({ currency: 'GBP' })] })]).catch((e: unknown) => e);
    expect((err as LoadError).message).toMatch(
      /^refunds.csv: all 2 rows rejected; first reason: no fx rate for GBP on or before 2024-03-01 \(currency 'GBP'\) — this database reports in CNY: load fx_rates for GBP first, or create a new database with --currency GBP$/,
    );
  });

  test('the reporting currency is set when the database is created, and a load that disagrees is refused', async () => {
    const gbp = writeTables({ refunds: [refund({ refund_id: 'P1', currency: 'GBP', requested_amount: 12.5, refunded_amount: 12.5 })] });
    await loadFiles(conn, [gbp], { reportingCurrency: 'gbp' });
    const meta = async () => (await queryRows<{ v: string }>(conn, `SELECT value AS v FROM meta WHERE key = 'reporting_currency'`))[0]?.v;
    expect(await meta()).toBe('GBP');
    const [f] = await queryRows<{ a: number }>(conn, `SELECT refunded_amount AS a FROM refund_facts`);
    expect(f.a).toBe(12.5); // no GBP->CNY rate needed
    const err = await loadFiles(conn, [writeTables({ refunds: [refund()] })], { reportingCurrency: 'CNY' }).catch((e: unknown) => e);
    expect((err as LoadError).code).toBe('CURRENCY_MISMATCH');
    expect((err as LoadError).message).toBe(
      'this database reports in GBP (set when it was created); --currency CNY disagrees: drop the option, or load into a new database for CNY',
    );
    // without the option the database's own currency is used: a GBP row needs no rate
    const s = await loadFiles(conn, [writeTables({ refunds: [refund({ refund_id: 'P2', currency: 'GBP' })] })]);
    expect(s.tables[0].loaded).toBe(1);
    expect(await meta()).toBe('GBP');
  });

  test('Windows-1252 / Latin-1 input is told apart from GB18030', async () => {
    const dir = tempDir();
    const csv = toCsv('refunds', [refund({ refund_id: 'L1', reason_text: 'Crème brûlée set arrived broken, £5 postage', product_line: 'küche' })]);
    writeFileSync(join(dir, 'refunds.csv'), iconv.encode(csv, 'windows-1252'));
    expect((await loadFiles(conn, [dir])).tables[0].loaded).toBe(1);
    const [r] = await queryRows<{ reason_text: string; product_line: string }>(conn, `SELECT reason_text, product_line FROM refunds`);
    expect(r).toEqual({ reason_text: 'Crème brûlée set arrived broken, £5 postage', product_line: 'küche' });
    const forced = await loadFiles(conn, [dir], { encoding: 'windows-1252' });
    expect(forced.tables[0].unchanged).toBe(1);
  });

  test("rejects of an importer's file name the user's file and line", async () => {
    const dir = tempDir();
    const rows = [
      refund({ refund_id: 'S1' }),
      refund({ refund_id: 'S2', decision: 'maybe' }),
      refund({ refund_id: 'S1', requested_amount: 50, refunded_amount: 50 }),
    ];
    const csv = toCsv('refunds', rows).trimEnd().split('\n');
    const origin = ['_source_file,_source_line', 'export.csv,10', 'export.csv,14', 'export.csv,20'];
    writeFileSync(join(dir, 'refunds.csv'), csv.map((l, i) => `${l},${origin[i]}`).join('\n') + '\n');
    const s = await loadFiles(conn, [dir]);
    expect(s.tables[0]).toMatchObject({ loaded: 1, rejected: 2 });
    const r = await queryRows<{ file: string; line: number; reason: string }>(conn, `SELECT file, line, reason FROM load_rejects ORDER BY line`);
    expect(r.map((x) => [x.file, x.line])).toEqual([
      ['export.csv', 10],
      ['export.csv', 14],
    ]);
    expect(r[0].reason).toBe('duplicate key in this file: line 20 holds the newer version');
  });

  describe('a file the last load took, byte for byte', () => {
    const rejectRows = (loadId: number) =>
      queryRows(conn, `SELECT table_name, file, line, column_name, value, reason FROM load_rejects WHERE load_id = ${loadId} ORDER BY line, column_name`);

    test('is not read again; the load reports what merging it would, rejects included', async () => {
      const dir = writeTables({
        refunds: [
          refund({ refund_id: 'K1' }),
          refund({ refund_id: 'K2' }),
          refund({ refund_id: 'K2', requested_amount: 90 }),
          refund({ refund_id: 'K3', decision: 'maybe' }),
        ],
        orders: [order(), order()],
      });
      const first = await loadFiles(conn, [dir]);
      expect(first.tables.find((t) => t.table === 'refunds')).toMatchObject({ read: 4, loaded: 2, rejected: 2 });
      const before = await queryRows(conn, 'SELECT * FROM refund_facts ORDER BY refund_id');
      const again = await loadFiles(conn, [dir]);
      // By hand: 4 lines, 2 distinct valid keys now unchanged, the bad line and the older duplicate rejected again.
      expect(again.tables.find((t) => t.table === 'refunds')).toEqual({
        table: 'refunds',
        files: [join(dir, 'refunds.csv')],
        read: 4,
        loaded: 0,
        replaced: 0,
        unchanged: 2,
        rejected: 2,
        sameAsLoad: first.loadId,
      });
      expect(again.tables.find((t) => t.table === 'orders')).toMatchObject({ read: 2, loaded: 0, unchanged: 2, sameAsLoad: first.loadId });
      expect(again.rollups).toBe('unchanged');
      expect(await rejectRows(again.loadId)).toEqual(await rejectRows(first.loadId));
      expect((await rejectRows(again.loadId)).length).toBe(2);
      expect(await queryRows(conn, 'SELECT * FROM refund_facts ORDER BY refund_id')).toEqual(before);
      const [h] = await queryRows<{ files: string; rows_unchanged: number }>(
        conn,
        `SELECT files, rows_unchanged FROM load_history WHERE load_id = ${again.loadId}`,
      );
      expect(h.rows_unchanged).toBe(4);
      expect(JSON.parse(h.files)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ table: 'refunds', encoding: 'auto', size: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
        ]),
      );
    });

    test('is read again when another load committed in between, and puts its rows back', async () => {
      const a = writeTables({ refunds: [refund({ refund_id: 'B1', requested_amount: 10, refunded_amount: 10 })] });
      const b = writeTables({ refunds: [refund({ refund_id: 'B1', requested_amount: 20, refunded_amount: 20 })] });
      await loadFiles(conn, [a]);
      await loadFiles(conn, [b]);
      const third = await loadFiles(conn, [a]);
      expect(third.tables[0].sameAsLoad).toBeUndefined();
      expect(third.tables[0]).toMatchObject({ loaded: 1, replaced: 1 });
      expect(await queryRows(conn, `SELECT requested_amount FROM refund_facts`)).toEqual([{ requested_amount: 10 }]);
    });

    test('is read again when this load brings other fx rates, or reads it with another encoding', async () => {
      const early = refund({
        refund_id: 'F1',
        currency: 'USD',
        requested_amount: 10,
        refunded_amount: 10,
        requested_at: '2024-01-10T00:00:00Z',
        decided_at: '2024-01-11T00:00:00Z',
      });
      const dir = writeTables({ fx_rates: [{ date: '2024-02-01', currency: 'USD', rate_to_reporting: 7 }], refunds: [early, refund({ refund_id: 'F2' })] });
      const first = await loadFiles(conn, [dir]);
      expect(first.tables.find((t) => t.table === 'refunds')).toMatchObject({ loaded: 1, rejected: 1 });
      // The same refunds file beside an fx file with an earlier rate: the refund rejected before now loads.
      writeTables({ fx_rates: [{ date: '2024-01-01', currency: 'USD', rate_to_reporting: 7 }] }, dir);
      const second = await loadFiles(conn, [dir]);
      expect(second.tables.find((t) => t.table === 'refunds')).toMatchObject({ loaded: 1, rejected: 0 });
      expect(second.tables.find((t) => t.table === 'refunds')!.sameAsLoad).toBeUndefined();
      const third = await loadFiles(conn, [dir], { encoding: 'gb18030' });
      expect(third.tables.every((t) => t.sameAsLoad === undefined)).toBe(true);
      expect(third.tables.find((t) => t.table === 'refunds')).toMatchObject({ loaded: 0, unchanged: 2 });
      const fourth = await loadFiles(conn, [dir], { encoding: 'gb18030' });
      expect(fourth.tables.every((t) => t.sameAsLoad === third.loadId)).toBe(true);
    });
  });
});
