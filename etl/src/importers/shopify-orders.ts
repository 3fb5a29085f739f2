/**
 * shopify-orders: Shopify admin "Export orders" CSV -> orders.csv + refunds.csv.
 *
 * What the export looks like: one row per line item. The first row of an order carries the
 * order columns (Email, Financial Status, Total, ...); further line items of the same order
 * are "continuation rows" with the same Name and the order columns blank. Header names moved
 * between Shopify versions ("Cancelled at" / "Canceled at", "Lineitem sku" / "Lineitem SKU"),
 * so columns are matched case-insensitively and by alias. Several files (Shopify splits big
 * exports) may be passed; an order found in two files is taken from the first.
 *
 * Required columns: Name (or Id), Email, Financial Status, Created at, Total.
 * Optional: Currency, Paid at, Cancelled at, Cancel reason, Notes, Refunded Amount, Source,
 * Discount Code, Lineitem sku, Lineitem name.
 *
 * orders.csv (every order, whatever its status: the contract's base for refund rate and
 * repurchase; voided and pending orders were still placed, so they are kept):
 * - order_id = Name ("#1001"), else Id. Name is the number customers, Stripe metadata and
 *   helpdesk tickets quote, so it is the key that joins the sources.
 * - customer_id = "email:" + first 16 hex of sha256(trimmed, lower-cased e-mail): stable,
 *   pseudonymous (no PII is stored) and the same id the helpdesk importer gives the same
 *   address, so one customer is one customer across systems (reconciliation.md). An order without e-mail (POS walk-in, guest) gets
 *   "shopify:guest-<order_id>": one pseudo-customer per order, never one shared "guest" that
 *   would fake repurchases.
 * - ordered_at = Created at (Shopify writes "2025-02-02 11:01:00 +0800"; converted to UTC).
 * - amount = Total (what the customer paid incl. shipping and tax: the figure a full refund
 *   returns); currency = Currency upper-cased, else the reporting currency (warned).
 * - channel from Source: web -> web, pos -> store, iphone/android -> app,
 *   shopify_draft_order -> draft_order (created by staff in the admin: phone/B2B/manual
 *   orders; Shopify does not record which), empty -> web, anything else (sales-channel app
 *   ids) lower-cased as is.
 * - campaign = Discount Code (the promotion the order was bought in), else null.
 *
 * src_shop_orders.csv: every order with its order key, product, status and refunded amount, for
 * reconciliation (etl/src/reconcile): a refunded order adds to the refunds the helpdesk and the
 * payment provider have for it, and is a refund of its own only when they have none. The
 * shop-only refund is the refunds row below.
 *
 * refunds (orders whose Financial Status is refunded or partially_refunded; voided orders
 * are not refunds: the payment was never captured, no money came back):
 * - refund_id = "shopify:" + order_id (one refund per order: the export aggregates refunds).
 * - decision: refunded -> approved, partially_refunded -> partial. Declined refund requests
 *   never reach Shopify, so this source has no rejected rows (see what is left in the report).
 * - requested_amount = Total (the customer is taken to ask for the order back; the export has
 *   no requested figure), refunded_amount = "Refunded Amount" when the column exists and is
 *   filled (for a fully refunded order: and not 0), else Total for refunded and null (warned)
 *   for partially_refunded.
 * - requested_at = decided_at = Cancelled at when set, else Paid at, else Created at. The
 *   orders export has no refund timestamp; Paid at is the earliest moment a refund could be
 *   asked for, so resolution time from this source is 0 and time-based metrics should prefer
 *   helpdesk or Stripe data. paid_at stays null (unknown).
 * - payout_status = succeeded (Shopify only sets refunded / partially_refunded once the refund
 *   transaction succeeded), payout_method = original_payment (Shopify refunds to the original
 *   payment method).
 * - reason_code = Cancel reason when such a column exists (customer -> customer_request,
 *   fraud -> fraudulent, inventory -> out_of_stock, declined -> payment_declined, others as
 *   is), else "unknown". Notes is free text typed by the customer at checkout or by staff,
 *   never a code, so it goes to reason_text only.
 * - channel = the order's channel (see above), not a fixed "web": a POS sale is refunded at
 *   the store, and using one vocabulary for orders and refunds keeps refund rate per channel
 *   meaningful.
 * - product_id = first line item's SKU; product_line = first line item's name without its
 *   variant suffix ("Ceramic Mug - White" -> "Ceramic Mug"). The export has no product type /
 *   category, Vendor is the brand (one value for a single-brand shop) and the full name is a
 *   variant, so the base product name is the closest to a category. For multi-item orders the
 *   export does not say which item was refunded; the first is used.
 * - agent_id, contacts, escalated, reopened: not in the export, left empty (loader defaults).
 */
import { type Cell, type ImportContext, type Row, type Tables, emptyToNull, parseDecimal, parseTimestamp, toCode, withSource } from './common';
import { cell, readCsvTable } from './csv';
import { emailCustomerId, orderKey } from '../reconcile/keys';

const FORMAT = 'shopify-orders';

interface ShopifyOrder {
  orderId: string;
  where: string;
  /** the user's file and line of the order row, for rejects */
  source: { file: string; line: number | undefined };
  header: {
    email: string;
    financialStatus: string;
    createdAt: string;
    paidAt: string;
    cancelledAt: string;
    cancelReason: string;
    notes: string;
    total: string;
    currency: string;
    refundedAmount: string | null; // null: column absent
    source: string;
    discountCode: string;
  } | null;
  items: Array<{ sku: string; name: string }>;
}

const SOURCE_CHANNEL: Record<string, string> = {
  web: 'web',
  online_store: 'web',
  pos: 'store',
  iphone: 'app',
  android: 'app',
  shopify_draft_order: 'draft_order',
};

const CANCEL_REASON_CODE: Record<string, string> = {
  customer: 'customer_request',
  fraud: 'fraudulent',
  inventory: 'out_of_stock',
  declined: 'payment_declined',
};

function channelFromSource(source: string): string {
  const s = toCode(source);
  if (s === '') return 'web';
  return SOURCE_CHANNEL[s] ?? s;
}

/** "Ceramic Mug - White" -> "Ceramic Mug" (Shopify writes "Product - Variant"). */
export function productLineOf(lineItemName: string): string | null {
  const name = lineItemName.trim();
  if (name === '') return null;
  const cut = name.lastIndexOf(' - ');
  return cut > 0 ? name.slice(0, cut).trim() : name;
}

export async function convertShopifyOrders(files: string[], ctx: ImportContext): Promise<Tables> {
  const { warnings } = ctx;
  const orders = new Map<string, ShopifyOrder>();

  for (const file of files) {
    const t = await readCsvTable(file, FORMAT);
    if (t.encoding !== 'utf-8') warnings.add(`${FORMAT}: ${t.name} decoded as ${t.encoding}`);
    const c = {
      name: t.col('Name'),
      id: t.col('Id'),
      email: t.require('Email'),
      financial: t.require('Financial Status'),
      createdAt: t.require('Created at'),
      total: t.require('Total'),
      paidAt: t.col('Paid at'),
      currency: t.col('Currency'),
      cancelledAt: t.col('Cancelled at', 'Canceled at'),
      cancelReason: t.col('Cancel reason', 'Cancelled reason', 'Canceled reason', 'Cancellation reason'),
      notes: t.col('Notes', 'Note'),
      refunded: t.col('Refunded Amount', 'Total Refunded', 'Refunded'),
      source: t.col('Source'),
      discount: t.col('Discount Code', 'Discount Codes'),
      sku: t.col('Lineitem sku', 'Lineitem sku code', 'Lineitem variant sku'),
      itemName: t.col('Lineitem name', 'Lineitem title'),
    };
    if (c.name < 0 && c.id < 0) throw t.missing('Name');
    if (c.currency < 0) warnings.add(`${FORMAT}: ${t.name} has no Currency column; amounts taken as ${ctx.reportingCurrency}`);

    t.rows.forEach((row, r) => {
      const orderId = cell(row, c.name) || cell(row, c.id);
      if (orderId === '') {
        warnings.add(`${FORMAT}: row without Name or Id skipped`, t.where(r));
        return;
      }
      const isOrderRow = [c.financial, c.email, c.total].some((i) => cell(row, i) !== '');
      let order = orders.get(orderId);
      if (!order) {
        order = { orderId, where: t.where(r), source: { file: t.file, line: t.lines[r] }, header: null, items: [] };
        orders.set(orderId, order);
      }
      if (isOrderRow) {
        if (order.header) {
          warnings.add(`${FORMAT}: order repeated (in another file or twice); first occurrence kept`, `${orderId} at ${t.where(r)}`);
          return;
        }
        order.header = {
          email: cell(row, c.email),
          financialStatus: cell(row, c.financial),
          createdAt: cell(row, c.createdAt),
          paidAt: cell(row, c.paidAt),
          cancelledAt: cell(row, c.cancelledAt),
          cancelReason: cell(row, c.cancelReason),
          notes: cell(row, c.notes),
          total: cell(row, c.total),
          currency: cell(row, c.currency),
          refundedAmount: c.refunded >= 0 ? cell(row, c.refunded) : null,
          source: cell(row, c.source),
          discountCode: cell(row, c.discount),
        };
        order.where = t.where(r);
        order.source = { file: t.file, line: t.lines[r] };
      }
      const sku = cell(row, c.sku);
      const itemName = cell(row, c.itemName);
      if (sku !== '' || itemName !== '') order.items.push({ sku, name: itemName });
    });
  }

  const orderRows: Row<'orders'>[] = [];
  const refundRows: Row<'refunds'>[] = [];
  const shopOrders: Array<Record<string, Cell>> = [];

  /** `parse(raw)`, or the text as written (with a warning) when it cannot be read. */
  const readOrKeep =
    (parse: (raw: string) => Cell | undefined) =>
    (raw: string, what: string, where: string): Cell => {
      const v = parse(raw);
      if (v !== undefined) return v;
      warnings.add(`${FORMAT}: unreadable ${what} kept as written`, where);
      return raw;
    };
  const ts = readOrKeep(parseTimestamp);
  const money = readOrKeep(parseDecimal);

  for (const order of orders.values()) {
    const h = order.header;
    if (!h) {
      warnings.add(`${FORMAT}: line-item rows without their order row skipped`, `${order.orderId} at ${order.where}`);
      continue;
    }
    const customerId = h.email !== '' ? emailCustomerId(h.email) : `shopify:guest-${order.orderId}`;
    const channel = channelFromSource(h.source);
    const currency = h.currency !== '' ? h.currency.toUpperCase() : ctx.reportingCurrency;
    const total = money(h.total, 'Total', order.where);
    const campaign = emptyToNull(h.discountCode);
    const orderedAt = ts(h.createdAt, 'Created at', order.where);

    const orderRow: Row<'orders'> = { order_id: order.orderId, customer_id: customerId, ordered_at: orderedAt, amount: total, currency, channel, campaign };
    orderRows.push(orderRow);

    const status = toCode(h.financialStatus);
    const first = order.items[0];
    const reasonRaw = toCode(h.cancelReason);
    // the order as the shop reports it (the columns are written in the table's order)
    const shop: Record<string, Cell> = {
      ...orderRow,
      order_key: orderKey(order.orderId),
      source: 'shopify',
      product_id: emptyToNull(first?.sku),
      product_line: first ? productLineOf(first.name) : null,
      financial_status: emptyToNull(status),
      refunded_amount: h.refundedAmount === null || h.refundedAmount === '' ? null : money(h.refundedAmount, 'Refunded Amount', order.where),
      refund_at: null,
      reason_code: reasonRaw === '' ? null : (CANCEL_REASON_CODE[reasonRaw] ?? reasonRaw),
      reason_text: emptyToNull(h.notes),
    };
    shopOrders.push(withSource(shop, order.source.file, order.source.line));
    if (status !== 'refunded' && status !== 'partially_refunded') continue;
    const decision = status === 'refunded' ? 'approved' : 'partial';

    let refunded: Cell = null;
    const refundedRaw = h.refundedAmount === null ? '' : h.refundedAmount;
    const refundedParsed = refundedRaw === '' ? null : money(refundedRaw, 'Refunded Amount', order.where);
    if (refundedParsed !== null && !(decision === 'approved' && Number(refundedParsed) === 0)) {
      refunded = refundedParsed;
    } else if (decision === 'approved') {
      refunded = total;
    } else {
      warnings.add(`${FORMAT}: partially refunded order without "Refunded Amount"; refunded_amount left empty`, order.orderId);
    }

    const when = h.cancelledAt || h.paidAt || h.createdAt;
    const at = ts(when, 'refund date', order.where);
    // the shop-only refund (reconciliation.md) is built from these, as this importer dates and sizes it
    shop.refund_at = at;
    shop.refunded_amount = refunded;

    refundRows.push({
      refund_id: `shopify:${order.orderId}`,
      order_id: order.orderId,
      customer_id: customerId,
      agent_id: null,
      channel,
      product_id: emptyToNull(first?.sku),
      product_line: first ? productLineOf(first.name) : null,
      reason_code: reasonRaw === '' ? 'unknown' : (CANCEL_REASON_CODE[reasonRaw] ?? reasonRaw),
      reason_text: emptyToNull(h.notes),
      requested_at: at,
      decided_at: at,
      paid_at: null,
      decision,
      requested_amount: total,
      refunded_amount: refunded,
      currency,
      payout_method: 'original_payment',
      payout_status: 'succeeded',
      campaign,
    });
  }

  return { orders: orderRows, refunds: refundRows, sources: { src_shop_orders: shopOrders } };
}
