import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DECISIONS, REASON_FAMILIES, type RefundFilter } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { isValidDate } from '../../common/graphql/date.scalar';
import { CAN, type Principal } from '../auth/auth.types';
import type { BreakdownBy, RefundBreakdown, RefundPage, RefundSources } from './models/records.model';
import { BANDS, RecordsRepository, type DrillSpec, type RecordRow } from './records.repository';

/** Sortable fields of the drill-down table -> fact columns. */
export const SORTS: Record<string, string> = {
  requestedAt: 'requested_at',
  decidedAt: 'decided_at',
  requestedAmount: 'requested_amount',
  refundedAmount: 'refunded_amount',
  resolutionHours: 'resolution_hours',
  channel: 'channel',
  decision: 'decision',
  reasonCode: 'reason_code',
  productId: 'product_id',
};

@Injectable()
export class RecordsService {
  /** Per-process salt: pseudonyms cannot be reversed by hashing guessed ids. */
  private readonly salt = randomBytes(16).toString('hex');

  constructor(private readonly repo: RecordsRepository) {}

  async page(f: RefundFilter, drill: DrillSpec, sortBy: string, sortDir: string, limit: number, offset: number, who: Principal): Promise<RefundPage> {
    const col = Object.hasOwn(SORTS, sortBy) ? SORTS[sortBy] : undefined;
    if (!col) throw badInput('sortBy', `must be one of ${Object.keys(SORTS).join(', ')}`);
    if (sortDir !== 'asc' && sortDir !== 'desc') throw badInput('sortDir', 'must be asc or desc');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput('limit', 'must be 1..500');
    if (!Number.isInteger(offset) || offset < 0 || offset > 10_000_000) throw badInput('offset', 'must be 0..10000000');
    validateDrill(drill);
    const rows = await this.repo.page(f, drill, col, sortDir === 'desc', limit, offset, CAN.seeCustomerIds(who.role) ? null : this.salt);
    const names = CAN.seeAgentNames(who.role);
    // Past the last page there is no row to carry the window count: count the same selection.
    const total = rows.length ? rows[0].total : offset > 0 ? await this.repo.count(f, drill) : 0;
    return {
      total,
      rows: rows.map((r) => ({
        refundId: r.refund_id,
        orderId: r.order_id,
        customerId: r.customer_ref,
        agentId: names ? r.agent_id : null,
        agentName: names ? r.agent_name : null,
        channel: r.channel,
        productId: r.product_id,
        productLine: r.product_line,
        reasonCode: r.reason_code,
        reasonFamily: r.reason_family,
        requestedAt: r.requested_at,
        decidedAt: r.decided_at,
        decision: r.decision,
        requestedAmount: r.requested_amount,
        refundedAmount: r.refunded_amount,
        resolutionHours: r.resolution_hours,
        customerType: r.customer_type,
        campaign: r.campaign,
        sources: sourcesOf(r),
      })),
    };
  }

  async breakdown(f: RefundFilter, drill: DrillSpec, by: BreakdownBy, limit: number): Promise<RefundBreakdown> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput('limit', 'must be 1..500');
    validateDrill(drill);
    const rows = await this.repo.breakdown(f, drill, BREAKDOWN_COLUMN[by], limit);
    return {
      total: rows[0]?.total ?? 0,
      groups: rows.map((r) => ({ key: r.key, detail: r.detail, refunds: r.refunds, refundedAmount: r.refunded_amount })),
    };
  }
}

/** Where a reconciled refund came from (null for a refund loaded from a canonical file). */
function sourcesOf(r: RecordRow): RefundSources | null {
  if (r.lineage === null) return null;
  const lineage = JSON.parse(r.lineage) as Record<string, string | null>;
  return {
    ticketId: r.ticket_id,
    paymentIds: r.payment_ids ? r.payment_ids.split(',') : [],
    shopOrderId: r.shop_order_id,
    fields: Object.entries(lineage)
      .filter((e): e is [string, string] => e[1] !== null)
      .map(([field, source]) => ({ field, source })),
  };
}

const BREAKDOWN_COLUMN = { PRODUCT: 'product_id', REASON_CODE: 'reason_code' } as const satisfies Record<BreakdownBy, string>;

function validateDrill(drill: DrillSpec): void {
  for (const d of drill.decisions ?? [])
    if (!(DECISIONS as readonly string[]).includes(d)) throw badInput('drill.decisions', `unknown decision "${d.slice(0, 40)}"`);
  for (const d of drill.reasonFamilies ?? [])
    if (!(REASON_FAMILIES as readonly string[]).includes(d)) throw badInput('drill.reasonFamilies', `unknown family "${d.slice(0, 40)}"`);
  for (const d of drill.customerTypes ?? []) if (d !== 'new' && d !== 'returning') throw badInput('drill.customerTypes', 'new or returning');
  if (drill.amountBand && !BANDS.has(drill.amountBand)) throw badInput('drill.amountBand', `one of ${[...BANDS.keys()].join(', ')}`);
  if (drill.periodStart && !isValidDate(drill.periodStart)) throw badInput('drill.periodStart', 'YYYY-MM-DD');
  if ((drill.productIds?.length ?? 0) > 500) throw badInput('drill.productIds', 'at most 500');
}
