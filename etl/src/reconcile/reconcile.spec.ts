import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { connect, queryRows, runSql } from '@refunds/engine-duckdb';
import { loadFiles } from '../load/load';
import { ensureSchema } from '../load/schema';
import { tempDir, writeTables } from '../testing/factory';
import { day, payment, shopOrder, ticket } from '../testing/sources';
import { emailCustomerId, orderKey } from './keys';
import { reconcileSqlFile, reconcileStatements, WRITTEN_OUT } from './reconcile';

const SQL_FILE = join(__dirname, 'reconcile.sql');

describe('keys', () => {
  it('normalises order numbers: trimmed, one leading #, lower-cased', () => {
    expect(['#1002', '1002', ' #1002 ', '#1002\t'].map(orderKey)).toEqual(['1002', '1002', '1002', '1002']);
    expect(orderKey('SO-77A')).toBe('so-77a');
    expect(orderKey('##5')).toBe('#5');
    expect(orderKey('  ')).toBeNull();
    expect(orderKey(null)).toBeNull();
  });

  it('gives one customer id to one e-mail whatever its case and spaces, and never stores the address', () => {
    const id = emailCustomerId('Customer1@Example.com ');
    expect(id).toBe(emailCustomerId('customer1@example.com'));
    expect(id).toMatch(/^email:[0-9a-f]{16}$/);
    expect(id).not.toContain('example');
  });
});

describe('reconcile.sql', () => {
  it('is the SQL the code runs, checked in for review', () => {
    const text = reconcileSqlFile();
    if (process.env.UPDATE_SQL) writeFileSync(SQL_FILE, text);
    expect(readFileSync(SQL_FILE, 'utf8')).toBe(text);
    // the statements it only names are the ones reconcile.ts holds word for word
    const source = readFileSync(join(__dirname, 'reconcile.ts'), 'utf8');
    expect(WRITTEN_OUT.size).toBe(5);
    for (const q of WRITTEN_OUT) expect(source).toContain(q);
  });

  it('every statement plans on DuckDB (EXPLAIN), on an empty warehouse', async () => {
    const inst = await DuckDBInstance.create(':memory:');
    const conn = await connect(inst);
    try {
      await ensureSchema(conn);
      for (const q of reconcileStatements()) {
        const select = q.replace(/^CREATE OR REPLACE TEMP TABLE \w+ AS\s*/, '');
        const plan = await queryRows<{ explain_value: string }>(conn, `EXPLAIN ${select}`);
        expect(plan.length).toBeGreaterThan(0);
        await runSql(conn, q); // the next statement reads this one's table
      }
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });
});

/**
 * The rules of reconciliation.md on a hand-made shop (days of 2025; payments at noon):
 * - #A1: ticket T1 (day 0, approved), payments P1 30 (day 2) and P2 10 (day 10) -> T1, 40 of 100:
 *   partial. P3 5 on day 45 is more than 30 days after T1: a refund of its own, paid without a ticket.
 * - #B2: T2 (day 5, pending) and T3 (day 20, approved); P4 50 (day 21) goes to the latest, T3. The
 *   shop does not have #B2: two UNKNOWN_ORDER.
 * - #C3: P5 (day 30 noon) comes before its ticket T4 (day 31 06:00, at most 1 day later): T4's. Times
 *   are made coherent: decided and paid no earlier than requested.
 * - #D4: refunded in the shop only: a refund of its own, as the shop importer makes it.
 * - #E5: T5 rejected, P6 failed: approved with a payout failure (no money moved, no mismatch).
 * - #F6: T6 pending, P7 canceled only: withdrawn.
 * - #G7: T7 rejected, yet P8 12.00 succeeded; the shop says 10.00 of 30: partial, DECISION_MISMATCH
 *   and AMOUNT_MISMATCH.
 * - #H8: T8 approved on day 60, no payment, the latest payment (P9, day 80) more than 7 days later:
 *   APPROVED_NOT_PAID; the shop says 0 refunded (its one refund), so 0.
 * - #I9: P9 1.00 without a ticket; the shop order has no refunded amount: no mismatch.
 */
describe('the rules on a hand-made shop', () => {
  let rows: Map<string, Record<string, unknown>>;
  let conflicts: string[];

  beforeAll(async () => {
    const dir = writeTables({
      src_tickets: [
        ticket('T1', '#A1', 0, 'approved'),
        ticket('T2', 'B2', 5, 'pending'),
        ticket('T3', ' #B2 ', 20, 'approved'),
        ticket('T4', '#C3', 31, 'approved', { requested_at: day(31, 6), decided_at: day(31, 8) }),
        ticket('T5', '#E5', 40, 'rejected'),
        ticket('T6', '#F6', 50, 'pending'),
        ticket('T7', '#G7', 55, 'rejected'),
        ticket('T8', '#H8', 60, 'approved'),
      ],
      src_payments: [
        payment('P1', 'A1', 2, 'succeeded', 30),
        payment('P2', '#A1', 10, 'succeeded', 10),
        payment('P3', '#A1', 45, 'succeeded', 5),
        payment('P4', 'B2', 21, 'succeeded', 50),
        payment('P5', 'c3', 30, 'succeeded', 20),
        payment('P6', 'E5', 41, 'failed', 25),
        payment('P7', 'F6', 51, 'canceled', 15),
        payment('P8', 'G7', 56, 'succeeded', 12),
        payment('P9', 'I9', 80, 'succeeded', 1),
      ],
      src_shop_orders: [
        shopOrder('#A1', 100, 'partially_refunded', 45),
        shopOrder('#C3', 20, 'refunded', 20),
        shopOrder('#D4', 60, 'refunded', 60),
        shopOrder('#E5', 25, 'paid', null),
        shopOrder('#F6', 15, 'paid', null),
        shopOrder('#G7', 30, 'partially_refunded', 10),
        shopOrder('#H8', 70, 'paid', 0),
        shopOrder('#I9', 10, 'paid', null),
      ],
    });
    const inst = await DuckDBInstance.create(join(tempDir('reconcile-'), 'r.duckdb'));
    const conn = await connect(inst);
    try {
      const s = await loadFiles(conn, [dir]);
      expect(s.tables.find((t) => t.table === 'refunds')).toMatchObject({ read: 11, loaded: 11, rejected: 0 });
      const refunds = await queryRows<Record<string, unknown>>(
        conn,
        `SELECT refund_id, order_id, customer_id, channel, decision, requested_amount, refunded_amount, payout_status, requested_at, decided_at, paid_at
         FROM refunds ORDER BY refund_id`,
      );
      rows = new Map(refunds.map((r) => [String(r.refund_id), r]));
      conflicts = (
        await queryRows<{ c: string }>(conn, `SELECT kind || ' ' || refund_id || ' ' || order_id AS c FROM reconciliation_conflicts ORDER BY 1`)
      ).map((r) => r.c);
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });

  it('makes 11 refunds: 8 tickets, 2 payments without a ticket, 1 shop-only order', () => {
    expect([...rows.keys()]).toEqual(['P3', 'P9', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'shopify:#D4'].sort());
  });

  it('adds up the payments of a ticket and holds them against the order total', () => {
    expect(rows.get('T1')).toMatchObject({
      order_id: '#A1',
      customer_id: 'email:#A1',
      decision: 'partial',
      requested_amount: 100,
      refunded_amount: 40,
      payout_status: 'succeeded',
    });
    expect(rows.get('T1')?.paid_at).toEqual(new Date(day(10, 12)));
    expect(rows.get('P3')).toMatchObject({ order_id: '#A1', decision: 'partial', refunded_amount: 5, channel: 'web' });
  });

  it('gives a payment to the latest ticket of its window', () => {
    expect(rows.get('T3')).toMatchObject({ decision: 'approved', refunded_amount: 50, order_id: '#B2' });
    expect(rows.get('T2')).toMatchObject({ decision: 'pending', refunded_amount: null, decided_at: null, payout_status: null });
  });

  it('takes a payment made up to a day before its ticket, with coherent times', () => {
    const t4 = rows.get('T4')!;
    expect(t4).toMatchObject({ decision: 'approved', refunded_amount: 20, requested_amount: 20 });
    expect(t4.requested_at).toEqual(new Date(day(31, 6)));
    expect(t4.decided_at).toEqual(new Date(day(31, 6)));
    expect(t4.paid_at).toEqual(new Date(day(31, 6)));
  });

  it('keeps a shop-only refund as the shop importer makes it', () => {
    expect(rows.get('shopify:#D4')).toMatchObject({ decision: 'approved', refunded_amount: 60, requested_amount: 60, payout_status: 'succeeded' });
    expect(rows.get('shopify:#D4')?.requested_at).toEqual(new Date(day(3)));
  });

  it('reads failed-only payments as an approval whose payout failed, canceled-only as withdrawn', () => {
    expect(rows.get('T5')).toMatchObject({ decision: 'approved', refunded_amount: 0, payout_status: 'failed' });
    expect(rows.get('T6')).toMatchObject({ decision: 'withdrawn', refunded_amount: 0, payout_status: null });
  });

  it('lets succeeded payments decide over a rejecting ticket, and lists the disagreement', () => {
    expect(rows.get('T7')).toMatchObject({ decision: 'partial', refunded_amount: 12 });
    expect(rows.get('T8')).toMatchObject({ decision: 'approved', refunded_amount: 0 });
  });

  it('lists exactly the conflicts of the rules', () => {
    expect(conflicts).toEqual([
      'AMOUNT_MISMATCH T7 #G7',
      'APPROVED_NOT_PAID T8 #H8',
      'DECISION_MISMATCH T7 #G7',
      'PAID_WITHOUT_TICKET P3 #A1',
      'PAID_WITHOUT_TICKET P9 #I9',
      'UNKNOWN_ORDER T2 B2',
      'UNKNOWN_ORDER T3 #B2',
    ]);
  });
});
