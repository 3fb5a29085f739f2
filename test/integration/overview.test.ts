import { agent, order, refund, survey } from '../../etl/src/testing/factory';
import { ok, startTestServer, type TestServer } from '../support/server';

/**
 * A small fixture whose overview is worked out by hand below. as-of = latest requested_at =
 * 2024-03-10T00:00Z; horizon = latest ordered_at = 2024-05-01.
 */
describe('overview', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      agents: [agent({ agent_id: 'A1', team: 'T1' }), agent({ agent_id: 'A2', team: 'T2' })],
      refunds: [
        // R1 approved in 24h by A1, reviewed by A1 itself (review gap: 1200 >= 1000 and reviewer = agent)
        refund({
          refund_id: 'R1',
          order_id: 'O1',
          customer_id: 'C1',
          agent_id: 'A1',
          reviewer_id: 'A1',
          channel: 'web',
          requested_at: '2024-03-01T00:00:00Z',
          decided_at: '2024-03-02T00:00:00Z',
          decision: 'approved',
          requested_amount: 1200,
          refunded_amount: 1200,
          payout_status: 'succeeded',
          evidence_complete: true,
        }),
        // R2 rejected after 72h (SLA missed) by A2
        refund({
          refund_id: 'R2',
          order_id: 'O2',
          customer_id: 'C2',
          agent_id: 'A2',
          channel: 'chat',
          requested_at: '2024-03-01T00:00:00Z',
          decided_at: '2024-03-04T00:00:00Z',
          decision: 'rejected',
          requested_amount: 80,
          refunded_amount: 0,
          evidence_complete: false,
        }),
        // R3 partial in 10h, payout failed
        refund({
          refund_id: 'R3',
          order_id: 'O3',
          customer_id: 'C1',
          agent_id: 'A1',
          channel: 'web',
          requested_at: '2024-03-05T00:00:00Z',
          decided_at: '2024-03-05T10:00:00Z',
          decision: 'partial',
          requested_amount: 300,
          refunded_amount: 100,
          payout_status: 'failed',
          evidence_complete: null,
        }),
        // R4 pending since 03-06: 03-06 + 48h = 03-08 < as-of 03-10 -> overdue
        refund({
          refund_id: 'R4',
          order_id: 'O4',
          customer_id: 'C3',
          agent_id: null,
          channel: 'web',
          requested_at: '2024-03-06T00:00:00Z',
          decided_at: null,
          decision: 'pending',
          requested_amount: 50,
          refunded_amount: null,
        }),
        // R5 withdrawn, latest request: sets as-of
        refund({
          refund_id: 'R5',
          order_id: 'O5',
          customer_id: 'C4',
          agent_id: null,
          channel: 'chat',
          requested_at: '2024-03-10T00:00:00Z',
          decided_at: null,
          decision: 'withdrawn',
          requested_amount: 20,
          refunded_amount: null,
        }),
      ],
      orders: [
        order({ order_id: 'O1', customer_id: 'C1', ordered_at: '2024-02-01T00:00:00Z', amount: 1200 }),
        order({ order_id: 'O2', customer_id: 'C2', ordered_at: '2024-02-02T00:00:00Z', amount: 80, channel: 'chat' }),
        order({ order_id: 'O3', customer_id: 'C1', ordered_at: '2024-02-03T00:00:00Z', amount: 300 }),
        order({ order_id: 'O4', customer_id: 'C3', ordered_at: '2024-03-01T00:00:00Z', amount: 50 }),
        order({ order_id: 'O5', customer_id: 'C4', ordered_at: '2024-03-02T00:00:00Z', amount: 20, channel: 'chat' }),
        // C1 buys again 2024-03-20: within 30 days of R1 (03-02) and of R3 (03-05)
        order({ order_id: 'O6', customer_id: 'C1', ordered_at: '2024-03-20T00:00:00Z', amount: 500 }),
        order({ order_id: 'O7', customer_id: 'C9', ordered_at: '2024-05-01T00:00:00Z', amount: 10 }),
      ],
      surveys: [
        survey({ refund_id: 'R1', customer_id: 'C1', kind: 'csat', score: 5 }),
        survey({ refund_id: 'R2', customer_id: 'C2', kind: 'csat', score: 2 }),
        survey({ refund_id: 'R3', customer_id: 'C1', kind: 'csat', score: 4 }),
        survey({ refund_id: 'R1', customer_id: 'C1', kind: 'nps', score: 10 }),
        survey({ refund_id: 'R2', customer_id: 'C2', kind: 'nps', score: 3 }),
        survey({ refund_id: 'R3', customer_id: 'C1', kind: 'nps', score: 8 }),
        survey({ refund_id: null, customer_id: 'C7', kind: 'csat', score: 1 }),
      ],
    });
  });
  afterAll(() => s.close());

  const Q = `query($f: RefundFilter) { overview(filter: $f) { refunds decided refundedAmount approvalRate rejectionRate partialRate
    refundRate orders slaMetRate overduePending payoutFailureRate evidenceCompleteRate reviewGapCount csatAvg csatRate nps repurchaseRate repurchaseEligible } }`;

  test('unfiltered numbers match the hand computation', async () => {
    const o = ok(await s.gql(Q)).overview;
    expect(o.refunds).toBe(5);
    expect(o.decided).toBe(3);
    expect(o.refundedAmount).toBeCloseTo(1300);
    expect(o.approvalRate).toBeCloseTo(2 / 3);
    expect(o.rejectionRate).toBeCloseTo(1 / 3);
    expect(o.partialRate).toBeCloseTo(1 / 3);
    expect(o.orders).toBe(7);
    expect(o.refundRate).toBeCloseTo(5 / 7);
    expect(o.slaMetRate).toBeCloseTo(2 / 3);
    expect(o.overduePending).toBe(1);
    expect(o.payoutFailureRate).toBeCloseTo(1 / 2);
    // evidence: R1 true, R2 false, R3 null, R4 and R5 true (factory default) -> 3 / 4
    expect(o.evidenceCompleteRate).toBeCloseTo(3 / 4);
    expect(o.reviewGapCount).toBe(1);
    expect(o.csatAvg).toBeCloseTo(11 / 3);
    expect(o.csatRate).toBeCloseTo(2 / 3);
    expect(o.nps).toBeCloseTo(0);
    // eligible: decided_at + 30d <= 2024-05-01 for R1, R2, R3; repurchased: R1 and R3 (O6 on 03-20)
    expect(o.repurchaseEligible).toBe(3);
    expect(o.repurchaseRate).toBeCloseTo(2 / 3);
  });

  test('filters narrow refunds and the order base', async () => {
    const o = ok(await s.gql(Q, { f: { channels: ['chat'], from: '2024-03-01', to: '2024-03-08' } })).overview;
    expect(o.refunds).toBe(1); // R2 (R5 is after `to`)
    expect(o.orders).toBe(1); // chat orders: O2 (02-02, out of range) and O5 (03-02)
    expect(o.refundRate).toBe(1);
  });

  test('team filter uses the agent table', async () => {
    const o = ok(await s.gql(Q, { f: { teams: ['T1'] } })).overview;
    expect(o.refunds).toBe(2);
    expect(o.rejectionRate).toBe(0);
  });

  test('an empty set gives null rates, not 0', async () => {
    const o = ok(await s.gql(Q, { f: { channels: ['store'] } })).overview;
    expect(o.refunds).toBe(0);
    expect(o.approvalRate).toBeNull();
    expect(o.csatAvg).toBeNull();
    expect(o.refundRate).toBeNull();
  });

  test('without a token: UNAUTHENTICATED', async () => {
    const r = await s.gql(Q, {}, null);
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('from after to: BAD_USER_INPUT naming the argument', async () => {
    const r = await s.gql(Q, { f: { from: '2024-04-01', to: '2024-03-01' } });
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toMatch(/from/);
  });
});
