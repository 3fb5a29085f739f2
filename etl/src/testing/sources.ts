import type { Row } from './factory';

/** Source-record factories for reconciliation tests: a day number becomes a timestamp in 2025. */
export const day = (d: number, hour = 0): string => new Date(Date.UTC(2025, 0, 1) + d * 86_400_000 + hour * 3_600_000).toISOString();

export function ticket(id: string, order: string, createdDay: number, decision: string, extra: Row = {}): Row {
  const decided = decision === 'pending' ? null : day(createdDay, 8);
  return {
    refund_id: id,
    ticket_id: id,
    source: 'zendesk',
    order_id: order,
    order_ref: order,
    order_key: order.trim().replace(/^#/, '').toLowerCase(),
    customer_id: `email:${order}`,
    agent_id: 'agent-1',
    channel: 'chat',
    reason_code: 'quality_defect',
    requested_at: day(createdDay),
    decided_at: decided,
    decision,
    requested_amount: '0',
    refunded_amount: decision === 'rejected' || decision === 'withdrawn' ? '0' : null,
    currency: 'CNY',
    ...extra,
  };
}

export function payment(id: string, order: string, createdDay: number, status: string, amount: number, extra: Row = {}): Row {
  return {
    payment_id: id,
    source: 'stripe',
    order_ref: order,
    order_key: order.trim().replace(/^#/, '').toLowerCase(),
    customer_id: `stripe:${id}`,
    created_at: day(createdDay, 12),
    status,
    amount: String(amount),
    currency: 'CNY',
    channel: 'web',
    reason_code: 'requested_by_customer',
    ...extra,
  };
}

export function shopOrder(order: string, total: number, status: string, refunded: number | null, extra: Row = {}): Row {
  return {
    order_key: order.trim().replace(/^#/, '').toLowerCase(),
    order_id: order,
    source: 'shopify',
    customer_id: `email:${order}`,
    ordered_at: day(-10),
    amount: String(total),
    currency: 'CNY',
    channel: 'web',
    product_id: `SKU-${order}`,
    product_line: 'Mugs',
    financial_status: status,
    refunded_amount: refunded === null ? null : String(refunded),
    refund_at: status === 'refunded' || status === 'partially_refunded' ? day(3) : null,
    ...extra,
  };
}
