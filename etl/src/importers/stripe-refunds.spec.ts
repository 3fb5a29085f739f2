import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specFixtures } from '../testing/fixtures';
import { convertAndRead } from '../testing/importers';

const SAMPLE = specFixtures('stripe', 'refunds.json');
const FIX = join(__dirname, '__fixtures__');

const convert = (paths: string[], reportingCurrency?: string) => convertAndRead('stripe-refunds', paths, ['refunds'], { reportingCurrency, alone: true });

describe('stripe-refunds on the sample list', () => {
  let r: Awaited<ReturnType<typeof convert>>;
  beforeAll(async () => {
    r = await convert([SAMPLE]);
  });

  it('writes all 30 refunds with decisions and payout statuses from status', () => {
    expect(r.result.counts).toEqual({ refunds: 30 });
    const count = (pred: (x: Record<string, string>) => boolean) => r.refunds.filter(pred).length;
    // 25 succeeded, 2 failed (re_...0003, re_...0017), 2 pending (0004, 0020), 1 canceled (0030)
    expect(count((x) => x.payout_status === 'succeeded')).toBe(25);
    expect(count((x) => x.payout_status === 'failed')).toBe(2);
    expect(count((x) => x.payout_status === 'pending')).toBe(2);
    expect(count((x) => x.decision === 'approved')).toBe(29);
    expect(r.refunds.filter((x) => x.decision === 'withdrawn').map((x) => x.refund_id)).toEqual(['re_3Example0030']);
    expect(r.refunds.filter((x) => x.payout_status === 'failed').map((x) => x.refund_id)).toEqual(['re_3Example0003', 're_3Example0017']);
  });

  it('divides minor units by 100 and upper-cases the currency', () => {
    const sum = (cur: string, col: string) => r.refunds.filter((x) => x.currency === cur).reduce((s, x) => s + Number(x[col]), 0);
    // requested: cny 137994 minor units, usd 70898; refunded: cny minus the canceled 4500
    expect(sum('CNY', 'requested_amount')).toBeCloseTo(1379.94, 10);
    expect(sum('USD', 'requested_amount')).toBeCloseTo(708.98, 10);
    expect(sum('CNY', 'refunded_amount')).toBeCloseTo(1334.94, 10);
    expect(r.refunds.map((x) => x.currency).sort()).toEqual([...Array(22).fill('CNY'), ...Array(8).fill('USD')]);
    expect(r.result.warnings.some((w) => w.includes('USD (8)') && w.includes('fx_rates'))).toBe(true);
  });

  it('maps one refund field by field', () => {
    expect(r.refunds.find((x) => x.refund_id === 're_3Example0002')).toMatchObject({
      order_id: '#1002', // metadata.order_id
      customer_id: 'stripe:ch_3Example0002',
      agent_id: 'agent2',
      channel: 'web',
      reason_code: 'duplicate_charge',
      requested_at: '2025-01-07T00:00:00Z',
      decided_at: '2025-01-07T00:00:00Z',
      paid_at: '2025-01-07T00:00:00Z',
      requested_amount: '19.99',
      refunded_amount: '19.99',
      currency: 'USD',
      payout_method: 'original_payment',
    });
    const reasons = new Map<string, number>();
    for (const x of r.refunds) reasons.set(x.reason_code ?? '', (reasons.get(x.reason_code ?? '') ?? 0) + 1);
    expect(Object.fromEntries(reasons)).toEqual({ unspecified: 12, requested_by_customer: 7, fraudulent: 6, duplicate_charge: 5 });
  });

  it('keeps failure reasons out of the data but reports them', () => {
    expect(r.refunds.find((x) => x.refund_id === 're_3Example0003')?.reason_text).toBe('');
    expect(r.result.warnings.join('\n')).toContain('re_3Example0003: expired_or_canceled_card');
  });

  it('gives a pending refund no paid_at and a canceled one 0 refunded', () => {
    expect(r.refunds.find((x) => x.refund_id === 're_3Example0004')).toMatchObject({ decision: 'approved', payout_status: 'pending', paid_at: '' });
    expect(r.refunds.find((x) => x.refund_id === 're_3Example0030')).toMatchObject({ refunded_amount: '0', payout_status: '', requested_amount: '45.00' });
  });
});

describe('stripe-refunds edge cases', () => {
  it('handles zero- and three-decimal currencies, arrays, expanded charges, duplicates and charge objects', async () => {
    const { result, refunds } = await convert([join(FIX, 'stripe-minor-units.json')], 'USD');
    expect(result.counts).toEqual({ refunds: 5 });
    const by = (id: string) => refunds.find((x) => x.refund_id === id);
    expect(by('re_jpy')).toMatchObject({ requested_amount: '1500', currency: 'JPY', order_id: 'pi_jpy', reason_code: 'requested_by_customer' });
    expect(by('re_krw')).toMatchObject({
      requested_amount: '25000',
      currency: 'KRW',
      order_id: 'ch_krw', // no metadata.order_id, no payment_intent
      customer_id: 'cus_local_7',
      channel: 'app',
      payout_status: 'pending',
    });
    expect(by('re_kwd')).toMatchObject({ requested_amount: '12.345', order_id: 'A-17', payout_status: 'failed', reason_code: 'duplicate_charge' });
    expect(by('re_usd')).toMatchObject({
      requested_amount: '0.05',
      decision: 'withdrawn',
      customer_id: 'cus_123',
      agent_id: 'ops-3',
      reason_code: 'fraudulent',
    });
    expect(by('re_eur')).toMatchObject({ requested_amount: '19.99', currency: 'EUR', order_id: '#77', customer_id: 'cus_9' });
    expect(result.warnings.join('\n')).toContain('refund listed twice; first kept: 1 row (re_usd)');
  });

  it('derives refunds from a dashboard payments export (major units)', async () => {
    const { result, refunds } = await convert([join(FIX, 'stripe-payments-export.csv')]);
    expect(result.counts).toEqual({ refunds: 2 });
    expect(refunds[0]).toMatchObject({
      refund_id: 'stripe:ch_A',
      order_id: '#5001',
      customer_id: 'cus_A',
      decision: 'approved',
      requested_amount: '1250.00',
      refunded_amount: '1250.00',
      currency: 'USD',
      requested_at: '2025-05-01T10:00:00Z',
    });
    expect(refunds[1]).toMatchObject({ refund_id: 'stripe:ch_B', order_id: 'ch_B', customer_id: 'stripe:ch_B', decision: 'partial', refunded_amount: '15.00' });
    expect(result.warnings.join('\n')).toContain('payments export has no refund date');
  });

  it('reads a refunds CSV with metadata columns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stripe-spec-'));
    const file = join(dir, 'refunds.csv');
    await writeFile(
      file,
      'id,Amount,Currency,Created (UTC),Status,Reason,Charge ID,Payment Intent ID,order_id (metadata)\n' +
        're_1,12.30,eur,2025-06-01 08:00,succeeded,requested_by_customer,ch_1,pi_1,#42\n',
    );
    const { refunds } = await convert([file]);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ refund_id: 're_1', requested_amount: '12.30', currency: 'EUR', order_id: '#42', requested_at: '2025-06-01T08:00:00Z' });
  });

  it('rejects JSON that holds no refunds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stripe-spec-'));
    const file = join(dir, 'x.json');
    await writeFile(file, '{"object":"list","data":[{"object":"customer","id":"cus_1"}]}');
    await expect(convert([file])).rejects.toMatchObject({ code: 'BAD_FILE', message: expect.stringContaining('x.json holds no Stripe refund objects') });
  });
});
