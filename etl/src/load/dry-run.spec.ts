import { join } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { connect, openDatabase, queryRows } from '@refunds/engine-duckdb';
import { order, refund, tempDir, writeTables } from '../testing/factory';
import { loadFiles } from './load';

let inst: DuckDBInstance;
let conn: DuckDBConnection;

beforeEach(async () => {
  inst = await openDatabase(join(tempDir(), 'dry.duckdb'));
  conn = await connect(inst);
});
afterEach(() => {
  conn.closeSync();
  inst.closeSync();
});

const count = async (table: string) => (await queryRows<{ n: number }>(conn, `SELECT count(*) AS n FROM ${table}`))[0].n;

test('a dry run counts and rejects like a load, then leaves the database as it was', async () => {
  await loadFiles(conn, [writeTables({ orders: [order({ order_id: 'O1' })] })]);
  const dir = writeTables({
    refunds: [refund({ refund_id: 'R1' }), refund({ refund_id: 'R2', decision: 'maybe' }), refund({ refund_id: 'R3', refunded_amount: 150 })],
    orders: [order({ order_id: 'O1', amount: 200 }), order({ order_id: 'O2' })],
  });
  const s = await loadFiles(conn, [dir], { dryRun: true });
  expect(s.outcome).toBe('previewed');
  // refunds: 3 read, R2 (decision) and R3 (refunded > requested) rejected; orders: O1 replaced, O2 new.
  expect(Object.fromEntries(s.tables.map((t) => [t.table, [t.read, t.loaded, t.replaced, t.rejected]]))).toEqual({
    orders: [2, 2, 1, 0],
    refunds: [3, 1, 0, 2],
  });
  expect(s.rejects?.map((r) => [r.table, r.file, r.line, r.column])).toEqual([
    ['refunds', 'refunds.csv', 3, 'decision'],
    ['refunds', 'refunds.csv', 4, 'refunded_amount'],
  ]);
  expect(s.rejects?.[0].reason).toMatch(/must be one of/);
  expect(s.dataVersion).toBe(1);
  expect(await count('refunds')).toBe(0);
  expect(await count('orders')).toBe(1);
  expect(await count('load_rejects')).toBe(0);
  expect(await count('load_history')).toBe(1);
  const [{ amount }] = await queryRows<{ amount: number }>(conn, `SELECT amount FROM orders WHERE order_id = 'O1'`);
  expect(amount).toBe(100);
  // The connection is usable afterwards and the next real load gets the next id.
  const real = await loadFiles(conn, [dir]);
  expect(real.outcome).toBe('committed');
  expect(real.loadId).toBe(2);
  expect(await count('refunds')).toBe(1);
});

test('a dry run that fails records no history row', async () => {
  const dir = writeTables({ refunds: [refund(), refund({ decision: 'maybe' })] });
  await expect(loadFiles(conn, [dir], { dryRun: true, strict: true })).rejects.toThrow(/--strict/);
  expect(await count('load_history')).toBe(0);
});
