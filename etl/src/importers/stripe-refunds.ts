/**
 * stripe-refunds: Stripe refunds -> refunds.csv.
 *
 * Accepted inputs (several files may be passed; a refund id seen twice is kept once):
 * 1. JSON from the API: a list object `{ "object": "list", "data": [refund, ...] }` (what
 *    `GET /v1/refunds` and `stripe refunds list` print), a bare array of refund objects, one
 *    refund object, or JSON Lines (one object a line). Charge objects (`object: "charge"`)
 *    are accepted too: their embedded `refunds.data` are taken, with the charge's customer
 *    and metadata as fallbacks. Amounts here are integers in minor units.
 * 2. Dashboard CSV exports, told apart by their header:
 *    - the Refunds export (columns like `id, Amount, Currency, Created (UTC), Status, Reason,
 *      Charge ID, Payment Intent ID`, metadata as `key (metadata)`) -> same mapping as JSON;
 *    - the Payments export (`id, Created (UTC), Amount, Amount Refunded, Currency, Status,
 *      Customer ID, ...`): each charge with Amount Refunded > 0 becomes one refund
 *      "stripe:<charge id>", approved when fully refunded, partial otherwise, requested_amount
 *      = Amount, dated at "Refunded date (UTC)" when present, else at the charge's creation
 *      (warned: the payments export has no refund date).
 *    Dashboard CSVs show amounts in major units ("19.99"), so CSV amounts are not divided.
 *
 * Mapping (JSON and Refunds CSV):
 * - refund_id = id ("re_...").
 * - amount: minor units -> major: / 100, except zero-decimal currencies (JPY, KRW, VND, ...:
 *   as is) and three-decimal ones (BHD, JOD, KWD, OMR, TND: / 1000), per Stripe's currency
 *   list. requested_amount = refunded_amount = amount: a Stripe refund exists only once the
 *   merchant granted that amount; whether it covered the whole charge is not on the refund
 *   object, so the decision is approved, never partial.
 * - status: succeeded -> approved, payout_status succeeded, paid_at = created (Stripe sends the
 *   refund when it is created and has no separate completion time);
 *   pending / requires_action -> approved with payout_status pending: the decision was made
 *   (the refund object exists), only the money is on its way, so it counts as decided;
 *   failed -> approved with payout_status failed: the merchant approved it and the payout
 *   failed, which is what payoutFailureRate measures. `failure_reason` is a bank/card code,
 *   not the customer's words, so it is not put in reason_text; it is summarised in the
 *   warnings instead;
 *   canceled -> withdrawn, refunded_amount 0, payout_status null (no money moved).
 * - requested_at = decided_at = created (unix seconds -> UTC); Stripe has no request time.
 * - order_id = metadata.order_id (how shops link a refund to their order number), else
 *   payment_intent, else charge.
 * - customer_id = metadata.customer_id, else the customer (on the refund or an expanded
 *   charge), else "stripe:" + charge id (one pseudo-customer per charge).
 * - agent_id = metadata.agent / metadata.agent_id (who issued it); channel = metadata.channel
 *   else "web" (card payments taken online); product_id / product_line / campaign from
 *   metadata of the same name when present.
 * - reason_code: metadata.reason_code wins; else duplicate -> duplicate_charge (the billing
 *   family), fraudulent -> fraudulent, requested_by_customer -> requested_by_customer (Stripe
 *   does not say why the customer asked; mapping it to changed_mind would invent a reason;
 *   add it to a family in the reason-family configuration if wanted),
 *   expired_uncaptured_charge -> as is, null -> unspecified.
 * - reason_text = metadata.reason_text / metadata.comment when present.
 * - currency upper-cased ("cny" -> "CNY"); payout_method = original_payment (Stripe refunds go
 *   back to the payment method charged).
 */
import * as path from 'node:path';
import {
  type Cell,
  type ImportContext,
  type Row,
  type Tables,
  ImportError,
  Warnings,
  emptyToNull,
  fromUnixSeconds,
  isRecord,
  jsonString,
  minorToDecimal,
  parseDecimal,
  parseTimestamp,
  toCode,
} from './common';
import { type CsvTable, cell, csvTableFromText, isJsonText, parseJsonText, readText } from './csv';
import { orderKey } from '../reconcile/keys';

const FORMAT = 'stripe-refunds';

/** The fields of a refund we use, whatever the input shape. */
interface StripeRefund {
  id: string;
  /** decimal string in major units, or undefined when unreadable */
  amount: string | undefined;
  amountRaw: string;
  currency: string;
  /** ISO timestamp or undefined when unreadable */
  created: string | undefined;
  createdRaw: string;
  status: string;
  reason: string | null;
  failureReason: string | null;
  charge: string | null;
  paymentIntent: string | null;
  customer: string | null;
  metadata: Record<string, string>;
  where: string;
}

const REASON_CODE: Record<string, string> = {
  duplicate: 'duplicate_charge',
  fraudulent: 'fraudulent',
  requested_by_customer: 'requested_by_customer',
  expired_uncaptured_charge: 'expired_uncaptured_charge',
};

function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim();
  if (isRecord(value)) return jsonString(value['id']);
  return null;
}

function metadataOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    const s = jsonString(v);
    if (s !== null) out[k.trim().toLowerCase()] = s;
  }
  return out;
}

function refundFromJson(obj: Record<string, unknown>, where: string, parent: Record<string, unknown> | null): StripeRefund | string {
  const id = jsonString(obj['id']);
  if (id === null) return 'refund object without "id" skipped';
  const currency = jsonString(obj['currency']) ?? (parent ? jsonString(parent['currency']) : null);
  if (currency === null) return 'refund object without "currency" skipped';
  const amountValue = obj['amount'];
  const amountRaw = typeof amountValue === 'number' || typeof amountValue === 'string' ? String(amountValue) : '';
  if (amountRaw === '') return 'refund object without "amount" skipped';
  const createdValue = obj['created'];
  const createdRaw = typeof createdValue === 'number' || typeof createdValue === 'string' ? String(createdValue) : '';
  const created =
    typeof createdValue === 'number'
      ? fromUnixSeconds(createdValue)
      : /^\d+$/.test(createdRaw)
        ? fromUnixSeconds(Number(createdRaw))
        : (parseTimestamp(createdRaw) ?? undefined);
  const charge = obj['charge'];
  const parentMeta = parent ? metadataOf(parent['metadata']) : {};
  const chargeMeta = isRecord(charge) ? metadataOf(charge['metadata']) : {};
  return {
    id,
    amount: minorToDecimal(amountRaw, currency),
    amountRaw,
    currency,
    created,
    createdRaw,
    status: (jsonString(obj['status']) ?? 'succeeded').toLowerCase(),
    reason: jsonString(obj['reason']),
    failureReason: jsonString(obj['failure_reason']),
    charge: idOf(charge) ?? (parent ? idOf(parent['id']) : null),
    paymentIntent: idOf(obj['payment_intent']) ?? (parent ? idOf(parent['payment_intent']) : null),
    customer: idOf(obj['customer']) ?? (isRecord(charge) ? idOf(charge['customer']) : null) ?? (parent ? idOf(parent['customer']) : null),
    metadata: { ...parentMeta, ...chargeMeta, ...metadataOf(obj['metadata']) },
    where,
  };
}

function collectJson(value: unknown, file: string, out: StripeRefund[], warnings: Warnings): void {
  const name = path.basename(file);
  const items: unknown[] = Array.isArray(value)
    ? value
    : isRecord(value) && Array.isArray(value['data'])
      ? value['data']
      : isRecord(value) && Array.isArray(value['refunds'])
        ? value['refunds']
        : [value];
  items.forEach((item, i) => {
    const where = `${name} record ${i + 1}`;
    if (!isRecord(item)) {
      warnings.add(`${FORMAT}: non-object record skipped`, where);
      return;
    }
    const kind = jsonString(item['object']);
    if (kind === 'charge' || kind === 'payment_intent') {
      const refunds = item['refunds'];
      const list = isRecord(refunds) && Array.isArray(refunds['data']) ? refunds['data'] : Array.isArray(refunds) ? refunds : [];
      list.forEach((r, j) => {
        if (!isRecord(r)) return;
        const got = refundFromJson(r, `${where}.refunds[${j}]`, item);
        if (typeof got === 'string') warnings.add(`${FORMAT}: ${got}`, `${where}.refunds[${j}]`);
        else out.push(got);
      });
      return;
    }
    if (kind !== null && kind !== 'refund') {
      warnings.add(`${FORMAT}: object "${kind}" is not a refund; skipped`, where);
      return;
    }
    const got = refundFromJson(item, where, null);
    if (typeof got === 'string') warnings.add(`${FORMAT}: ${got}`, where);
    else out.push(got);
  });
}

/** The order number a refund's metadata gives (reconciliation.md: metadata.order_id, else metadata.order_number). */
function orderRefOf(meta: Record<string, string>): string | null {
  return meta['order_id'] ?? meta['order_number'] ?? null;
}

/** Metadata columns of dashboard exports: "order_id (metadata)". */
function csvMetadata(t: CsvTable, row: string[]): Record<string, string> {
  const meta: Record<string, string> = {};
  t.header.forEach((h, i) => {
    const m = /^(.*)\s+\(metadata\)$/i.exec(h.trim());
    if (m && m[1]) {
      const v = cell(row, i);
      if (v !== '') meta[m[1].trim().toLowerCase()] = v;
    }
  });
  // a bare order_id / customer_id / agent column also counts
  for (const key of ['order_id', 'order_number', 'customer_id', 'agent', 'agent_id', 'channel']) {
    const i = t.col(key);
    if (i >= 0 && meta[key] === undefined && cell(row, i) !== '') meta[key] = cell(row, i);
  }
  return meta;
}

function csvCreated(raw: string): string | undefined {
  if (/^\d{9,11}$/.test(raw)) return fromUnixSeconds(Number(raw));
  return parseTimestamp(raw) ?? undefined;
}

function collectRefundsCsv(t: CsvTable, out: StripeRefund[]): void {
  const c = {
    id: t.require('id', 'Refund ID'),
    amount: t.require('Amount'),
    currency: t.require('Currency'),
    created: t.require('Created (UTC)', 'Created date (UTC)', 'Created', 'Created at'),
    status: t.col('Status'),
    reason: t.col('Reason'),
    failure: t.col('Failure Reason', 'failure_reason'),
    charge: t.col('Charge ID', 'Charge', 'Source ID', 'Payment ID'),
    pi: t.col('Payment Intent ID', 'PaymentIntent ID', 'payment_intent'),
    customer: t.col('Customer ID', 'customer'),
  };
  t.rows.forEach((row, r) => {
    const id = cell(row, c.id);
    if (id === '') return;
    const amountRaw = cell(row, c.amount);
    const createdRaw = cell(row, c.created);
    out.push({
      id,
      amount: parseDecimal(amountRaw) ?? undefined,
      amountRaw,
      currency: cell(row, c.currency),
      created: csvCreated(createdRaw),
      createdRaw,
      status: (cell(row, c.status) || 'succeeded').toLowerCase(),
      reason: emptyToNull(cell(row, c.reason)),
      failureReason: emptyToNull(cell(row, c.failure)),
      charge: emptyToNull(cell(row, c.charge)),
      paymentIntent: emptyToNull(cell(row, c.pi)),
      customer: emptyToNull(cell(row, c.customer)),
      metadata: csvMetadata(t, row),
      where: t.where(r),
    });
  });
}

/** Payments export: refunds derived from "Amount Refunded". */
function paymentsCsvToRefunds(t: CsvTable, warnings: Warnings): Row<'refunds'>[] {
  const c = {
    id: t.require('id'),
    amount: t.require('Amount'),
    refunded: t.require('Amount Refunded'),
    currency: t.require('Currency'),
    created: t.require('Created (UTC)', 'Created date (UTC)', 'Created'),
    refundedAt: t.col('Refunded date (UTC)', 'Refunded at (UTC)', 'Refunded at', 'Refund date (UTC)'),
    pi: t.col('PaymentIntent ID', 'Payment Intent ID'),
    customer: t.col('Customer ID'),
  };
  const rows: Row<'refunds'>[] = [];
  t.rows.forEach((row, r) => {
    const refunded = parseDecimal(cell(row, c.refunded));
    if (refunded === null || refunded === undefined || Number(refunded) <= 0) return;
    const chargeId = cell(row, c.id);
    const amount = parseDecimal(cell(row, c.amount));
    const meta = csvMetadata(t, row);
    let atRaw = cell(row, c.refundedAt);
    if (atRaw === '') {
      atRaw = cell(row, c.created);
      warnings.add(`${FORMAT}: payments export has no refund date; refund dated at the charge's creation`, t.where(r));
    }
    const at = csvCreated(atRaw);
    if (at === undefined) warnings.add(`${FORMAT}: unreadable date kept as written`, t.where(r));
    const full = amount !== null && amount !== undefined && Number(refunded) >= Number(amount);
    const chargeIdOrNull = emptyToNull(chargeId);
    rows.push(
      withMetaOrder(
        {
          refund_id: `stripe:${chargeId}`,
          order_id: orderRefOf(meta) ?? emptyToNull(cell(row, c.pi)) ?? chargeIdOrNull,
          customer_id: meta['customer_id'] ?? emptyToNull(cell(row, c.customer)) ?? `stripe:${chargeId}`,
          agent_id: meta['agent'] ?? meta['agent_id'] ?? null,
          channel: meta['channel'] ?? 'web',
          product_id: meta['product_id'] ?? meta['sku'] ?? null,
          product_line: meta['product_line'] ?? null,
          reason_code: meta['reason_code'] ?? 'unspecified',
          reason_text: meta['reason_text'] ?? null,
          requested_at: at ?? atRaw,
          decided_at: at ?? atRaw,
          paid_at: at ?? atRaw,
          decision: full ? 'approved' : 'partial',
          requested_amount: amount ?? cell(row, c.amount),
          refunded_amount: refunded,
          currency: cell(row, c.currency),
          payout_method: 'original_payment',
          payout_status: 'succeeded',
          campaign: meta['campaign'] ?? null,
        },
        meta,
      ),
    );
  });
  return rows;
}

function refundRow(r: StripeRefund, warnings: Warnings): Row<'refunds'> | null {
  const meta = r.metadata;
  if (r.amount === undefined) warnings.add(`${FORMAT}: amount is not a whole number of minor units; kept as written`, r.where);
  if (r.created === undefined) warnings.add(`${FORMAT}: unreadable "created" kept as written`, r.where);
  const amount: Cell = r.amount ?? r.amountRaw;
  const created: Cell = r.created ?? r.createdRaw;

  let decision: string;
  let payoutStatus: Cell;
  let refunded: Cell = amount;
  let paidAt: Cell = null;
  switch (r.status) {
    case 'succeeded':
      decision = 'approved';
      payoutStatus = 'succeeded';
      paidAt = created;
      break;
    case 'pending':
    case 'requires_action':
      decision = 'approved';
      payoutStatus = 'pending';
      break;
    case 'failed':
      decision = 'approved';
      payoutStatus = 'failed';
      warnings.add(`${FORMAT}: failed refunds (failure_reason not stored; payout_status = failed)`, `${r.id}: ${r.failureReason ?? 'no reason'}`);
      break;
    case 'canceled':
    case 'cancelled':
      decision = 'withdrawn';
      payoutStatus = null;
      refunded = '0';
      break;
    default:
      warnings.add(`${FORMAT}: unknown refund status; row skipped`, `${r.id}: ${r.status}`);
      return null;
  }

  const reason = r.reason === null ? 'unspecified' : (REASON_CODE[toCode(r.reason)] ?? toCode(r.reason));
  return withMetaOrder(
    {
      refund_id: r.id,
      order_id: orderRefOf(meta) ?? r.paymentIntent ?? r.charge,
      customer_id: meta['customer_id'] ?? r.customer ?? (r.charge !== null ? `stripe:${r.charge}` : `stripe:${r.id}`),
      agent_id: meta['agent'] ?? meta['agent_id'] ?? null,
      channel: meta['channel'] ?? 'web',
      product_id: meta['product_id'] ?? meta['sku'] ?? null,
      product_line: meta['product_line'] ?? null,
      reason_code: meta['reason_code'] ?? reason,
      reason_text: meta['reason_text'] ?? meta['comment'] ?? null,
      requested_at: created,
      decided_at: created,
      paid_at: paidAt,
      decision,
      requested_amount: amount,
      refunded_amount: refunded,
      currency: r.currency.toUpperCase(),
      payout_method: 'original_payment',
      payout_status: payoutStatus,
      campaign: meta['campaign'] ?? null,
    },
    meta,
  );
}

export async function convertStripeRefunds(files: string[], ctx: ImportContext): Promise<Tables> {
  const { warnings } = ctx;
  const refunds: StripeRefund[] = [];
  const rows: Row<'refunds'>[] = [];

  for (const file of files) {
    const { text } = await readText(file, FORMAT);
    if (isJsonText(file, text, true)) {
      const before = refunds.length;
      collectJson(parseJsonText(file, FORMAT, text, true), file, refunds, warnings);
      const trimmed = text.trimStart();
      if (refunds.length === before && trimmed !== '' && trimmed !== '[]') {
        throw new ImportError('BAD_FILE', `${FORMAT}: ${path.basename(file)} holds no Stripe refund objects`);
      }
      continue;
    }
    const t = csvTableFromText(file, FORMAT, text);
    if (t.has('Amount Refunded')) rows.push(...paymentsCsvToRefunds(t, warnings));
    else collectRefundsCsv(t, refunds);
  }

  const seen = new Set<string>();
  for (const r of refunds) {
    if (seen.has(r.id)) {
      warnings.add(`${FORMAT}: refund listed twice; first kept`, r.id);
      continue;
    }
    seen.add(r.id);
    const row = refundRow(r, warnings);
    if (row) rows.push(row);
  }
  return { refunds: rows, sources: { src_payments: rows.map(paymentRecord) } };
}

/**
 * The payment record of a refund row (reconciliation.md): its status back from decision and
 * payout status, its amount (the granted amount, also for canceled ones), and for the payments
 * export the charge amount as the order total.
 */
const metaOrder = new WeakMap<Row<'refunds'>, string | null>();

/** Remembers which order number of a refund row came from its metadata. */
function withMetaOrder(row: Row<'refunds'>, meta: Record<string, string>): Row<'refunds'> {
  metaOrder.set(row, orderRefOf(meta));
  return row;
}

function paymentRecord(row: Row<'refunds'>): Record<string, Cell> {
  // Only an order number the shop put in the metadata names an order; a payment intent or charge id
  // (the refund's order_id fallback) would match no ticket and no shop order.
  const orderRef = row.order_id !== undefined && row.order_id !== null && row.order_id === metaOrder.get(row) ? row.order_id : null;
  const status =
    row.decision === 'withdrawn' ? 'canceled' : row.payout_status === 'failed' ? 'failed' : row.payout_status === 'pending' ? 'pending' : 'succeeded';
  const fromPaymentsExport = row.refund_id?.startsWith('stripe:') === true;
  return {
    payment_id: row.refund_id ?? null,
    source: 'stripe',
    order_ref: orderRef,
    order_key: orderKey(orderRef),
    customer_id: row.customer_id ?? null,
    created_at: row.requested_at ?? null,
    status,
    amount: status === 'succeeded' ? (row.refunded_amount ?? row.requested_amount ?? null) : (row.requested_amount ?? null),
    currency: row.currency ?? null,
    order_amount: fromPaymentsExport ? (row.requested_amount ?? null) : null,
    agent_id: row.agent_id ?? null,
    channel: row.channel ?? null,
    product_id: row.product_id ?? null,
    product_line: row.product_line ?? null,
    reason_code: row.reason_code ?? null,
    reason_text: row.reason_text ?? null,
    campaign: row.campaign ?? null,
  };
}
