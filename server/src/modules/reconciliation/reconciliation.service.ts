import { Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { CONFLICT_KINDS } from '@refunds/warehouse';
import type { Reconciliation } from './models/reconciliation.model';
import { ReconciliationRepository } from './reconciliation.repository';

@Injectable()
export class ReconciliationService {
  constructor(private readonly repo: ReconciliationRepository) {}

  async reconciliation(f: RefundFilter): Promise<Reconciliation> {
    const empty = !f.from && !f.to && !Object.values(f).some((v) => Array.isArray(v) && v.length > 0);
    const [sources, conflicts] = await Promise.all([this.repo.sources(f), this.repo.conflicts(f, empty)]);
    return {
      sources,
      conflicts: conflicts.map((c) => ({ kind: c.kind, refundId: c.refund_id, orderId: c.order_id, detail: c.detail })),
      counts: CONFLICT_KINDS.map((kind) => ({ kind, count: conflicts.filter((c) => c.kind === kind).length })),
    };
  }
}
