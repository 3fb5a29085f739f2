import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertExport, ImportError, TABLE_COLUMNS } from './index';
import { emailCustomerId } from '../reconcile/keys';
import { parseCsv } from './csv';
import { productLineOf } from './shopify-orders';
import { specFixtures } from '../testing/fixtures';
import { convertAndRead } from '../testing/importers';

const SAMPLE = specFixtures('shopify', 'orders_export.csv');
const FIX = join(__dirname, '__fixtures__');

const convert = (paths: string[]) => convertAndRead('shopify-orders', paths, ['orders', 'refunds'], { alone: true });

describe('shopify-orders on the sample export', () => {
  let r: Awaited<ReturnType<typeof convert>>;
  beforeAll(async () => {
    r = await convert([SAMPLE]);
  });

  it('writes one order per Name (continuation rows folded) and one refund per refunded order', () => {
    // 51 data rows, 11 of them continuation rows of #1004 #1005 #1008 #1022 #1025 #1029 #1031 #1034 #1037 #1038 #1040
    expect(r.result.counts).toEqual({ orders: 40, refunds: 8 });
    expect(r.orders.map((o) => o.order_id)).toEqual(Array.from({ length: 40 }, (_, i) => `#${1001 + i}`));
    expect(r.result.warnings).toEqual([]);
  });

  it('writes exactly the contract headers', async () => {
    const [ordersHeader] = parseCsv(await readFile(join(r.out, 'orders.csv'), 'utf8')).records;
    const [refundsHeader] = parseCsv(await readFile(join(r.out, 'refunds.csv'), 'utf8')).records;
    expect(ordersHeader).toEqual([...TABLE_COLUMNS.orders]);
    expect(refundsHeader).toEqual([...TABLE_COLUMNS.refunds]);
  });

  it('maps refunded -> approved and partially_refunded -> partial with the Refunded Amount', () => {
    const byDecision = (d: string) => r.refunds.filter((x) => x.decision === d).map((x) => x.order_id);
    expect(byDecision('approved')).toEqual(['#1002', '#1009', '#1019', '#1025']);
    expect(byDecision('partial')).toEqual(['#1016', '#1023', '#1028', '#1031']);
    // 35 + 35 + 35 + 397 + 12.50 + 29 + 164.50 + 109.50
    const refunded = r.refunds.reduce((s, x) => s + Number(x.refunded_amount), 0);
    expect(refunded).toBeCloseTo(817.5, 10);
    const requested = r.refunds.reduce((s, x) => s + Number(x.requested_amount), 0);
    expect(requested).toBeCloseTo(1231, 10);
  });

  it('sums order totals and converts "+0800" times to UTC', () => {
    expect(r.orders.reduce((s, o) => s + Number(o.amount), 0)).toBeCloseTo(8831, 10);
    const first = r.orders[0];
    expect(first).toMatchObject({ order_id: '#1001', ordered_at: '2025-02-02T03:01:00Z', amount: '35.00', currency: 'CNY', channel: 'web' });
  });

  it('keeps no e-mail and gives the same customer the same pseudonymous id', () => {
    const o1001 = r.orders.find((o) => o.order_id === '#1001');
    const o1018 = r.orders.find((o) => o.order_id === '#1018');
    expect(o1001?.customer_id).toBe(emailCustomerId('customer1@example.com'));
    expect(o1018?.customer_id).toBe(o1001?.customer_id);
    expect(JSON.stringify([r.orders, r.refunds])).not.toContain('@');
  });

  it('maps Source to channels and the first line item to product fields', () => {
    const channels = new Map<string, number>();
    for (const o of r.orders) channels.set(o.channel ?? '', (channels.get(o.channel ?? '') ?? 0) + 1);
    expect(Object.fromEntries(channels)).toEqual({ web: 7, store: 20, draft_order: 13 });
    const r1025 = r.refunds.find((x) => x.order_id === '#1025');
    expect(r1025).toMatchObject({
      refund_id: 'shopify:#1025',
      channel: 'store',
      product_id: 'THR-GRY',
      product_line: 'Linen Throw',
      reason_code: 'unknown',
      requested_at: '2025-08-26T07:25:00Z', // Paid at: the export has no refund date
      decided_at: '2025-08-26T07:25:00Z',
      payout_status: 'succeeded',
      agent_id: '',
    });
  });

  it('does not treat voided or pending orders as refunds', () => {
    const refunded = new Set(r.refunds.map((x) => x.order_id));
    for (const id of ['#1004', '#1022', '#1026', '#1039', '#1029']) expect(refunded.has(id)).toBe(false);
  });
});

describe('shopify-orders edge cases', () => {
  it('accepts headers of another Shopify version (Canceled at, Lineitem SKU) and folds continuation rows', async () => {
    const { result, orders, refunds } = await convert([join(FIX, 'shopify-new-headers.csv')]);
    expect(result.counts).toEqual({ orders: 4, refunds: 2 });
    const o2001 = orders.find((o) => o.order_id === '#2001');
    expect(o2001).toMatchObject({ amount: '120.50', currency: 'USD', campaign: 'SPRING10', ordered_at: '2025-04-01T01:55:00Z' });
    const r2001 = refunds.find((x) => x.order_id === '#2001');
    expect(r2001).toMatchObject({
      decision: 'approved',
      refunded_amount: '120.50', // Refunded Amount blank -> Total for a full refund
      requested_at: '2025-04-03T04:00:00Z', // Canceled at
      product_id: 'LMP-BR-L',
      product_line: 'Desk Lamp, Brass',
      reason_text: 'Arrived broken, customer sent "photos"',
      campaign: 'SPRING10',
    });
    const r2002 = refunds.find((x) => x.order_id === '#2002');
    expect(r2002).toMatchObject({ decision: 'partial', refunded_amount: '30.00', channel: 'store' });
    // the same e-mail in another case is the same customer
    expect(r2002?.customer_id).toBe(o2001?.customer_id);
    // no e-mail: one pseudo-customer per order
    expect(orders.find((o) => o.order_id === '#2003')).toMatchObject({ customer_id: 'shopify:guest-#2003', channel: 'app' });
    expect(orders.find((o) => o.order_id === '#2004')).toMatchObject({ channel: 'draft_order', amount: '50.00' });
  });

  it('names the missing column and the file', async () => {
    const out = await mkdtemp(join(tmpdir(), 'shopify-spec-'));
    const p = convertExport('shopify-orders', [join(FIX, 'shopify-missing-status.csv')], out);
    await expect(p).rejects.toBeInstanceOf(ImportError);
    await expect(p).rejects.toMatchObject({
      code: 'MISSING_COLUMN',
      message: 'shopify-orders: shopify-missing-status.csv lacks column "Financial Status"',
    });
  });

  it('takes the base product name as product line', () => {
    expect(productLineOf('Ceramic Mug - White')).toBe('Ceramic Mug');
    expect(productLineOf('Notebook A5')).toBe('Notebook A5');
    expect(productLineOf('')).toBeNull();
  });
});
