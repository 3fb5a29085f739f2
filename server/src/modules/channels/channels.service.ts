import { Injectable } from '@nestjs/common';
import { chiSquareIndependence, type RefundFilter } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { ChannelsRepository } from './channels.repository';
import type { ChannelCohort, ChannelConsistency } from './models/channels.model';

/** Guards the >= comparison against binary rounding (0.65 - 0.5 is 0.15000000000000002, 0.6 - 0.45 is 0.1499...). */
const EPS = 1e-12;

@Injectable()
export class ChannelsService {
  constructor(private readonly repo: ChannelsRepository) {}

  async consistency(f: RefundFilter, minCases: number, gapThreshold: number): Promise<ChannelConsistency> {
    if (!Number.isInteger(minCases) || minCases < 1 || minCases > 1_000_000) throw badInput('minCases', 'must be a whole number 1..1000000');
    if (!Number.isFinite(gapThreshold) || gapThreshold < 0 || gapThreshold > 1) throw badInput('gapThreshold', 'must be 0..1');
    const rows = await this.repo.eligibleCells(f, minCases);
    const cohorts = new Map<string, { reasonCode: string; productLine: string | null; amountBand: string; cells: typeof rows }>();
    for (const r of rows) {
      const key = JSON.stringify([r.reason_code, r.product_line, r.amount_band]);
      let c = cohorts.get(key);
      if (!c) cohorts.set(key, (c = { reasonCode: r.reason_code, productLine: r.product_line, amountBand: r.amount_band, cells: [] }));
      c.cells.push(r);
    }
    let comparableN = 0;
    let inconsistentN = 0;
    const out: ChannelCohort[] = [];
    for (const c of cohorts.values()) {
      const rates = c.cells.map((x) => x.approved / x.n);
      const gap = Math.max(...rates) - Math.min(...rates);
      const inconsistent = gap + EPS >= gapThreshold;
      const n = c.cells.reduce((a, x) => a + x.n, 0);
      comparableN += n;
      if (inconsistent) inconsistentN += n;
      const chi = chiSquareIndependence(c.cells.map((x) => [x.approved, x.n - x.approved]));
      out.push({
        reasonCode: c.reasonCode,
        productLine: c.productLine,
        amountBand: c.amountBand,
        gap,
        pValue: chi?.pValue ?? null,
        inconsistent,
        channels: c.cells.map((x) => ({ channel: x.channel, n: x.n, approvalRate: x.approved / x.n })),
      });
    }
    out.sort((a, b) => Number(b.inconsistent) - Number(a.inconsistent) || b.gap - a.gap);
    return {
      inconsistencyRate: comparableN > 0 ? inconsistentN / comparableN : null,
      comparableCohorts: out.length,
      inconsistentCohorts: out.filter((c) => c.inconsistent).length,
      n: comparableN,
      cohorts: out,
    };
  }
}
