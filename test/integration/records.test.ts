import { refund } from '../../etl/src/testing/factory';
import { ok, startTestServer, type TestServer } from '../support/server';

describe('refunds drill-down', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      refunds: [
        refund({ refund_id: 'R1', customer_id: 'C1', decision: 'rejected', refunded_amount: 0, requested_amount: 40, reason_code: 'defective', requested_at: '2024-03-04T10:00:00Z', decided_at: '2024-03-05T10:00:00Z' }),
        refund({ refund_id: 'R2', customer_id: 'C2', decision: 'rejected', refunded_amount: 0, requested_amount: 400, reason_code: 'changed_mind', requested_at: '2024-03-11T10:00:00Z', decided_at: '2024-03-12T10:00:00Z' }),
        refund({ refund_id: 'R3', customer_id: 'C3', decision: 'approved', requested_amount: 60, refunded_amount: 60, reason_code: 'damaged', requested_at: '2024-03-05T10:00:00Z', decided_at: '2024-03-06T10:00:00Z' }),
      ],
    });
  });
  afterAll(() => s.close());

  const Q = `query($f: RefundFilter, $d: RefundDrill, $sort: String!, $dir: String!, $limit: Int!, $offset: Int!) {
    refunds(filter: $f, drill: $d, sortBy: $sort, sortDir: $dir, limit: $limit, offset: $offset) { total rows { refundId customerId decision requestedAmount reasonFamily } } }`;
  const page = async (vars: Record<string, unknown>) => ok(await s.gql(Q, { sort: 'requestedAmount', dir: 'desc', limit: 50, offset: 0, ...vars })).refunds;

  test('a segment drills down to exactly the refunds behind it', async () => {
    expect((await page({ d: { decisions: ['rejected'] } })).rows.map((r: { refundId: string }) => r.refundId)).toEqual(['R2', 'R1']);
    expect((await page({ d: { reasonFamilies: ['defect'] } })).total).toBe(2);
    expect((await page({ d: { periodStart: '2024-03-04', grain: 'WEEK' } })).rows.map((r: { refundId: string }) => r.refundId).sort()).toEqual(['R1', 'R3']);
    expect((await page({ d: { amountBand: '[50,200)' } })).rows.map((r: { refundId: string }) => r.refundId)).toEqual(['R3']);
  });

  test('paging and sorting', async () => {
    const p = await page({ sort: 'requestedAmount', dir: 'asc', limit: 1, offset: 1 });
    expect(p.total).toBe(3);
    expect(p.rows.map((r: { refundId: string }) => r.refundId)).toEqual(['R3']);
    const bad = await s.gql(Q, { sort: 'customer_id; DROP', dir: 'asc', limit: 1, offset: 0 });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].message).toMatch(/sortBy/);
  });

  test('customer ids: real for admin, pseudonyms for every other role', async () => {
    expect((await page({})).rows.map((r: { customerId: string }) => r.customerId).sort()).toEqual(['C1', 'C2', 'C3']);
    const exec = ok(await s.gql(`mutation { issueApiToken(userName: "eve", role: "executive") { token } }`)).issueApiToken.token;
    const r = ok(await s.gql(Q, { sort: 'requestedAmount', dir: 'desc', limit: 50, offset: 0 }, exec)).refunds;
    for (const row of r.rows) expect(row.customerId).toMatch(/^anon-[0-9a-f]{10}$/);
  });
});
