import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { DuckDBConnection } from '@duckdb/node-api';
import { connect, loadFiles, openDatabase, queryRows, rebuildRollups, runSql } from '@refunds/etl';
import { agent, order, refund, survey, tempDir, writeTables, type Row } from '../../etl/src/testing/factory';

/*
 * Property: after any sequence of incremental loads (new refunds, new orders that change earlier
 * refunds' repurchase facts and move the latest-order cut-off, later refunds that move the
 * overdue cut-off, replaced refunds and orders, surveys, new agents), the rollups the loads kept
 * up to date equal a full rebuild from the same facts, table by table and row by row.
 */

const TABLES = [
  'refund_daily',
  'agent_daily',
  'cohort_daily',
  'order_daily',
  'product_weekly',
  'defect_weekly',
  'product_lines',
  'defect_line_weekly',
  ...(['refund', 'agent', 'cohort'] as const).flatMap((t) => [`${t}_weekly`, `${t}_monthly`, `${t}_yearly`] as const),
] as const;
const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString().replace('.000Z', 'Z');

const CUSTOMERS = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
const CHANNELS = ['web', 'app', 'phone'];
const LINES = ['electronics', 'apparel', null];
const REASONS = ['defective', 'changed_mind', 'late_delivery'];
const CAMPAIGNS = [null, '618'];
const AGENTS = ['A1', 'A2', 'A3', 'A4', 'A5'];
const PRODUCTS = ['P1', 'P2', null];

interface RefundSpec {
  customer: string;
  /** hours after T0; the data spans about five months, so the 30/90-day windows and the 48 h SLA cut through it */
  requested: number;
  lag: number;
  decision: 'approved' | 'partial' | 'rejected' | 'pending' | 'withdrawn';
  channel: string;
  line: string | null;
  reason: string;
  campaign: string | null;
  agent: string;
  product: string | null;
  amount: number;
  fraction: number;
  payout: 'succeeded' | 'failed' | null;
  contacts: number;
  escalated: boolean;
}
const refundSpec: fc.Arbitrary<RefundSpec> = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  requested: fc.integer({ min: 0, max: 150 * 24 }),
  lag: fc.integer({ min: 0, max: 20 * 24 }),
  decision: fc.constantFrom('approved', 'partial', 'rejected', 'pending', 'withdrawn'),
  channel: fc.constantFrom(...CHANNELS),
  line: fc.constantFrom(...LINES),
  reason: fc.constantFrom(...REASONS),
  campaign: fc.constantFrom(...CAMPAIGNS),
  agent: fc.constantFrom(...AGENTS),
  product: fc.constantFrom(...PRODUCTS),
  amount: fc.constantFrom(20, 80, 300, 1500),
  fraction: fc.constantFrom(0.25, 0.5),
  payout: fc.constantFrom('succeeded', 'failed', null),
  contacts: fc.integer({ min: 0, max: 4 }),
  escalated: fc.boolean(),
});

interface OrderSpec {
  customer: string;
  ordered: number;
  amount: number;
  channel: string;
  campaign: string | null;
}
const orderSpec: fc.Arbitrary<OrderSpec> = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  ordered: fc.integer({ min: -30 * 24, max: 170 * 24 }),
  amount: fc.constantFrom(15, 60, 250),
  channel: fc.constantFrom(...CHANNELS),
  campaign: fc.constantFrom(...CAMPAIGNS),
});

type Op =
  | { kind: 'refund'; r: RefundSpec }
  | { kind: 'order'; o: OrderSpec }
  | { kind: 'replaceRefund'; pick: number; r: RefundSpec }
  | { kind: 'replaceOrder'; pick: number; o: OrderSpec }
  | { kind: 'survey'; pick: number; csat: boolean; score: number }
  | { kind: 'agent'; id: string; team: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: refundSpec.map((r): Op => ({ kind: 'refund', r })) },
  { weight: 4, arbitrary: orderSpec.map((o): Op => ({ kind: 'order', o })) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), refundSpec).map(([pick, r]): Op => ({ kind: 'replaceRefund', pick, r })) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), orderSpec).map(([pick, o]): Op => ({ kind: 'replaceOrder', pick, o })) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 5 })).map(([pick, csat, score]): Op => ({ kind: 'survey', pick, csat, score })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('A4', 'A5'), fc.constantFrom('North', 'South')).map(([id, team]): Op => ({ kind: 'agent', id, team })) },
);

/** Turns specs into rows, remembering the ids so later increments can replace them. */
class World {
  refunds: Row[] = [];
  orders: Row[] = [];
  private n = 0;

  refundRow(s: RefundSpec, id = `R${++this.n}`): Row {
    const decided = s.decision === 'pending' ? null : at(s.requested + s.lag);
    const refunded = s.decision === 'approved' ? s.amount : s.decision === 'partial' ? s.amount * s.fraction : s.decision === 'rejected' ? 0 : null;
    // Each refund has its own order; it is the customer's order the refund is about.
    const orderId = `RO-${id}`;
    return refund({
      refund_id: id,
      order_id: orderId,
      customer_id: s.customer,
      agent_id: s.agent,
      channel: s.channel,
      product_id: s.product,
      product_line: s.line,
      reason_code: s.reason,
      requested_at: at(s.requested),
      decided_at: decided,
      decision: s.decision,
      requested_amount: s.amount,
      refunded_amount: s.decision === 'withdrawn' ? null : refunded,
      payout_status: s.decision === 'pending' ? null : s.payout,
      contacts: s.contacts,
      escalated: s.escalated,
      reviewer_id: s.amount >= 1000 && s.escalated ? 'A2' : null,
      campaign: s.campaign,
    });
  }

  orderRow(o: OrderSpec, id = `O${++this.n}`): Row {
    return order({
      order_id: id,
      customer_id: o.customer,
      ordered_at: at(o.ordered),
      amount: o.amount,
      currency: 'CNY',
      channel: o.channel,
      campaign: o.campaign,
    });
  }

  /** The rows of one increment (within a file, the last row of a key wins, so each key once). */
  increment(ops: readonly Op[]): Partial<Record<'refunds' | 'orders' | 'surveys' | 'agents', Row[]>> {
    const refunds = new Map<string, Row>();
    const orders = new Map<string, Row>();
    const surveys: Row[] = [];
    const agents = new Map<string, Row>();
    for (const o of ops) {
      switch (o.kind) {
        case 'refund': {
          const r = this.refundRow(o.r);
          refunds.set(String(r.refund_id), r);
          // The refund's own order, placed before the request.
          const ro = this.orderRow(
            { customer: o.r.customer, ordered: o.r.requested - 24 * 5, amount: o.r.amount, channel: o.r.channel, campaign: null },
            String(r.order_id),
          );
          orders.set(String(ro.order_id), ro);
          break;
        }
        case 'order': {
          const r = this.orderRow(o.o);
          orders.set(String(r.order_id), r);
          break;
        }
        case 'replaceRefund': {
          if (!this.refunds.length) break;
          const old = this.refunds[o.pick % this.refunds.length];
          // Same refund and order; the customer stays (the order is the customer's).
          const r: Row = { ...this.refundRow({ ...o.r, customer: String(old.customer_id) }, String(old.refund_id)), order_id: old.order_id };
          refunds.set(String(old.refund_id), r);
          break;
        }
        case 'replaceOrder': {
          if (!this.orders.length) break;
          const old = this.orders[o.pick % this.orders.length];
          const r = this.orderRow({ ...o.o, customer: String(old.customer_id) }, String(old.order_id));
          orders.set(String(r.order_id), r);
          break;
        }
        case 'survey': {
          if (!this.refunds.length) break;
          const r = this.refunds[o.pick % this.refunds.length];
          surveys.push(
            survey({
              survey_id: `S${++this.n}`,
              refund_id: r.refund_id,
              customer_id: r.customer_id,
              kind: o.csat ? 'csat' : 'nps',
              score: o.csat ? o.score : o.score * 2,
              responded_at: String(r.requested_at),
            }),
          );
          break;
        }
        case 'agent':
          agents.set(o.id, agent({ agent_id: o.id, name: `Agent ${o.id}`, team: o.team }));
          break;
      }
    }
    const upsert = (list: Row[], rows: Map<string, Row>, key: string) => {
      for (const r of rows.values()) {
        const i = list.findIndex((x) => x[key] === r[key]);
        if (i >= 0) list[i] = r;
        else list.push(r);
      }
    };
    upsert(this.refunds, refunds, 'refund_id');
    upsert(this.orders, orders, 'order_id');
    const out: Partial<Record<'refunds' | 'orders' | 'surveys' | 'agents', Row[]>> = {};
    if (refunds.size) out.refunds = [...refunds.values()];
    if (orders.size) out.orders = [...orders.values()];
    if (surveys.length) out.surveys = surveys;
    if (agents.size) out.agents = [...agents.values()];
    return out;
  }
}

const plain = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

async function snapshot(conn: DuckDBConnection): Promise<Record<string, Array<Record<string, unknown>>>> {
  const out: Record<string, Array<Record<string, unknown>>> = {};
  for (const t of TABLES) {
    const rows = await queryRows(conn, `SELECT * FROM ${t} ORDER BY ALL`);
    out[t] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
  }
  return out;
}

/** Differences between two snapshots: counts exact, sums of doubles to 1e-9 relative (added in another order). */
function differences(a: Record<string, Array<Record<string, unknown>>>, b: Record<string, Array<Record<string, unknown>>>): string[] {
  const out: string[] = [];
  for (const t of TABLES) {
    if (a[t].length !== b[t].length) {
      out.push(`${t}: ${a[t].length} rows incrementally vs ${b[t].length} rebuilt`);
      continue;
    }
    a[t].forEach((row, i) => {
      for (const [k, v] of Object.entries(row)) {
        const w = b[t][i][k];
        const ok =
          typeof v === 'number' && typeof w === 'number'
            ? Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(v), Math.abs(w))
            : JSON.stringify(v) === JSON.stringify(w);
        if (!ok) out.push(`${t}[${i}].${k}: ${JSON.stringify(v)} incrementally vs ${JSON.stringify(w)} rebuilt`);
      }
    });
  }
  return out;
}

describe('incrementally maintained rollups', () => {
  const work = tempDir('refunds-rollup-inc-');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  async function check(
    base: readonly Op[],
    increments: ReadonlyArray<readonly Op[]>,
    run: number,
    after?: (increment: number, conn: DuckDBConnection) => Promise<void>,
  ): Promise<void> {
    const dbPath = join(work, `run-${run}.duckdb`);
    const inst = await openDatabase(dbPath);
    const conn = await connect(inst);
    try {
      const world = new World();
      const baseRows = world.increment(base);
      // Every table has rows from the start, so later loads are increments, not first loads.
      baseRows.agents = [agent({ agent_id: 'A1', team: 'North' }), agent({ agent_id: 'A2', team: 'South' }), agent({ agent_id: 'A3', team: 'North' })];
      baseRows.orders = [...(baseRows.orders ?? []), world.orderRow({ customer: 'C1', ordered: 0, amount: 10, channel: 'web', campaign: null })];
      world.orders.push(baseRows.orders[baseRows.orders.length - 1]);
      baseRows.surveys = [survey({ survey_id: 'S0', refund_id: null, customer_id: 'C1', kind: 'nps', score: 9, responded_at: at(0) })];
      const first = await loadFiles(conn, [writeTables(baseRows, mkdtempSync(join(work, 'base-')))]);
      expect(first.rollups).toBe('full');
      for (const [i, ops] of increments.entries()) {
        const rows = world.increment(ops);
        if (!Object.keys(rows).length) continue;
        const s = await loadFiles(conn, [writeTables(rows, mkdtempSync(join(work, `inc-${i}-`)))]);
        expect(s.outcome).toBe('committed');
        expect(s.tables.reduce((a, t) => a + t.rejected, 0)).toBe(0);
        expect(s.rollups).toBe('incremental');
        const kept = await snapshot(conn);
        await runSql(conn, 'BEGIN TRANSACTION');
        await rebuildRollups(conn);
        const rebuilt = await snapshot(conn);
        await runSql(conn, 'ROLLBACK');
        expect({ increment: i, diffs: differences(kept, rebuilt) }).toEqual({ increment: i, diffs: [] });
        const [{ facts, rolled }] = await queryRows<{ facts: number; rolled: number }>(
          conn,
          `SELECT (SELECT count(*) FROM refund_facts) AS facts, (SELECT coalesce(sum(n), 0) FROM refund_daily) AS rolled`,
        );
        expect(rolled).toBe(facts);
        await after?.(i, conn);
      }
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  }

  test('equal a full rebuild after every increment, for random sequences', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(refundSpec, { minLength: 3, maxLength: 12 }),
        fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
        (base, incs) =>
          check(
            base.map((r) => ({ kind: 'refund', r })),
            incs,
            run++,
          ),
      ),
      { numRuns: 12 },
    );
  }, 300_000);

  test('a later order and a later refund move the cut-offs, and rows far from the new data change', async () => {
    // By hand: one refund, then orders far later than it (the repurchase horizon moves past it),
    // then a much later refund (the overdue cut-off moves past it).
    const r: RefundSpec = {
      customer: 'C1',
      requested: 10 * 24,
      lag: 24,
      decision: 'rejected',
      channel: 'web',
      line: 'apparel',
      reason: 'defective',
      campaign: null,
      agent: 'A1',
      product: 'P1',
      amount: 80,
      fraction: 0.5,
      payout: null,
      contacts: 1,
      escalated: false,
    };
    await check(
      [{ kind: 'refund', r }],
      [
        [{ kind: 'order', o: { customer: 'C2', ordered: 11 * 24 + 40 * 24, amount: 60, channel: 'app', campaign: null } }],
        [{ kind: 'order', o: { customer: 'C2', ordered: 11 * 24 + 60 * 24, amount: 60, channel: 'app', campaign: null } }],
        [{ kind: 'refund', r: { ...r, customer: 'C3', requested: 100 * 24, decision: 'pending' } }],
      ],
      1000,
      async (i, conn) => {
        // R1 (the base refund, requested on day 10, decided on day 11). Repurchase horizon = latest
        // order - 30 days: day -25 at the base load (R1 not eligible), day 21 after the first order
        // and day 41 after the second (eligible). Overdue cut-off = latest request - 48 h: R1 is the
        // latest request until the pending refund of day 100 arrives.
        const [r1] = await queryRows<{ rep: number; overdue: number }>(
          conn,
          `SELECT sum(rep_eligible) AS rep, sum(overdue) AS overdue FROM refund_daily WHERE day = DATE '2025-01-11'`,
        );
        expect(r1).toEqual({ rep: 1, overdue: i === 2 ? 1 : 0 });
        const [late] = await queryRows<{ n: number; overdue: number }>(
          conn,
          `SELECT coalesce(sum(n), 0) AS n, coalesce(sum(overdue), 0) AS overdue FROM refund_daily WHERE day = DATE '2025-04-11'`,
        );
        expect(late).toEqual(i === 2 ? { n: 1, overdue: 0 } : { n: 0, overdue: 0 });
      },
    );
  }, 60_000);
});
