import { refund } from '../../etl/src/testing/factory';
import { ok, startTestServer, type TestServer } from '../support/server';

describe('refunds drill-down', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      refunds: [
        refund({
          refund_id: 'R1',
          customer_id: 'C1',
          decision: 'rejected',
          refunded_amount: 0,
          requested_amount: 40,
          reason_code: 'defective',
          requested_at: '2024-03-04T10:00:00Z',
          decided_at: '2024-03-05T10:00:00Z',
        }),
        refund({
          refund_id: 'R2',
          customer_id: 'C2',
          decision: 'rejected',
          refunded_amount: 0,
          requested_amount: 400,
          reason_code: 'changed_mind',
          requested_at: '2024-03-11T10:00:00Z',
          decided_at: '2024-03-12T10:00:00Z',
        }),
        refund({
          refund_id: 'R3',
          customer_id: 'C3',
          decision: 'approved',
          requested_amount: 60,
          refunded_amount: 60,
          reason_code: 'damaged',
          requested_at: '2024-03-05T10:00:00Z',
          decided_at: '2024-03-06T10:00:00Z',
        }),
        refund({
          refund_id: 'R4',
          customer_id: 'C4',
          product_id: 'P2',
          product_line: 'home',
          decision: 'approved',
          requested_amount: 30,
          refunded_amount: 25.5,
          reason_code: 'defective',
          requested_at: '2024-03-06T10:00:00Z',
          decided_at: '2024-03-07T10:00:00Z',
        }),
        refund({
          refund_id: 'R5',
          customer_id: 'C5',
          product_id: 'P2',
          product_line: 'home',
          decision: 'partial',
          requested_amount: 80,
          refunded_amount: 20,
          reason_code: 'defective',
          requested_at: '2024-03-07T10:00:00Z',
          decided_at: '2024-03-08T10:00:00Z',
        }),
        refund({
          refund_id: 'R6',
          customer_id: 'C6',
          product_id: 'P3',
          product_line: 'toys',
          decision: 'pending',
          requested_amount: 10,
          refunded_amount: null,
          decided_at: null,
          reason_code: 'size',
          requested_at: '2024-04-01T10:00:00Z',
        }),
      ],
    });
  });
  afterAll(() => s.close());

  const Q = `query($f: RefundFilter, $d: RefundDrill, $sort: String!, $dir: String!, $limit: Int!, $offset: Int!) {
    refunds(filter: $f, drill: $d, sortBy: $sort, sortDir: $dir, limit: $limit, offset: $offset) { total rows { refundId customerId decision requestedAmount reasonFamily } } }`;
  const page = async (vars: Record<string, unknown>) => ok(await s.gql(Q, { sort: 'requestedAmount', dir: 'desc', limit: 50, offset: 0, ...vars })).refunds;

  test('a segment drills down to exactly the refunds behind it', async () => {
    expect((await page({ d: { decisions: ['rejected'] } })).rows.map((r: { refundId: string }) => r.refundId)).toEqual(['R2', 'R1']);
    expect((await page({ d: { reasonFamilies: ['defect'] } })).total).toBe(4);
    expect((await page({ d: { periodStart: '2024-03-04', grain: 'WEEK' } })).rows.map((r: { refundId: string }) => r.refundId).sort()).toEqual([
      'R1',
      'R3',
      'R4',
      'R5',
    ]);
    expect((await page({ d: { amountBand: '[50,200)' } })).rows.map((r: { refundId: string }) => r.refundId)).toEqual(['R5', 'R3']);
  });

  test('paging and sorting', async () => {
    const p = await page({ sort: 'requestedAmount', dir: 'asc', limit: 1, offset: 3 });
    expect(p.total).toBe(6);
    expect(p.rows.map((r: { refundId: string }) => r.refundId)).toEqual(['R3']);
    // Past the last page: no rows, and the total still counts the drill's selection, not the whole filter.
    const past = await page({ d: { decisions: ['rejected'] }, limit: 10, offset: 10 });
    expect(past).toEqual({ total: 2, rows: [] });
    const bad = await s.gql(Q, { sort: 'customer_id; DROP', dir: 'asc', limit: 1, offset: 0 });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/sortBy/);
  });

  test('customer ids: real for admin, pseudonyms for every other role', async () => {
    expect((await page({})).rows.map((r: { customerId: string }) => r.customerId).sort()).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    const exec = ok(await s.gql(`mutation { issueApiToken(userName: "eve", role: "executive") { token } }`)).issueApiToken.token;
    const r = ok(await s.gql(Q, { sort: 'requestedAmount', dir: 'desc', limit: 50, offset: 0 }, exec)).refunds;
    for (const row of r.rows) expect(row.customerId).toMatch(/^anon-[0-9a-f]{10}$/);
  });

  test('refundBreakdown: exact counts per product and per reason code, largest first', async () => {
    const BQ = `query($f: RefundFilter, $d: RefundDrill, $by: BreakdownBy!, $n: Int) {
      refundBreakdown(filter: $f, drill: $d, by: $by, limit: $n) { total groups { key detail refunds refundedAmount } } }`;
    // R1, R2, R3 have the factory's product P1 (electronics); R4, R5 are P2 (home); R6 is P3 (toys).
    const all = ok(await s.gql(BQ, { by: 'PRODUCT' })).refundBreakdown;
    expect(all).toEqual({
      total: 6,
      groups: [
        { key: 'P1', detail: 'electronics', refunds: 3, refundedAmount: 60 },
        { key: 'P2', detail: 'home', refunds: 2, refundedAmount: 45.5 },
        { key: 'P3', detail: 'toys', refunds: 1, refundedAmount: 0 },
      ],
    });
    // The top 1 product, total still over every selected refund.
    expect(ok(await s.gql(BQ, { by: 'PRODUCT', n: 1 })).refundBreakdown).toEqual({
      total: 6,
      groups: [{ key: 'P1', detail: 'electronics', refunds: 3, refundedAmount: 60 }],
    });
    // Reasons of one product, with a filter on top: defect family in March.
    const p2 = ok(await s.gql(BQ, { by: 'REASON_CODE', d: { productIds: ['P2', 'P1'] }, f: { reasonCodes: ['defective', 'damaged'] } })).refundBreakdown;
    expect(p2).toEqual({
      total: 4,
      groups: [
        { key: 'defective', detail: 'defect', refunds: 3, refundedAmount: 45.5 },
        { key: 'damaged', detail: 'defect', refunds: 1, refundedAmount: 60 },
      ],
    });
    expect(ok(await s.gql(BQ, { by: 'PRODUCT', f: { channels: ['fax'] } })).refundBreakdown).toEqual({ total: 0, groups: [] });
    const bad = await s.gql(BQ, { by: 'PRODUCT', n: 0 });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/limit/);
  });
});
