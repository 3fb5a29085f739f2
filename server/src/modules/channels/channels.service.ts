import { Injectable } from '@nestjs/common';
import type { RefundFilter } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { ChannelsRepository } from './channels.repository';
import { consistencyOf } from './consistency';
import type { ChannelConsistency } from './models/channels.model';

@Injectable()
export class ChannelsService {
  constructor(private readonly repo: ChannelsRepository) {}

  async consistency(f: RefundFilter, minCases: number, gapThreshold: number): Promise<ChannelConsistency> {
    if (!Number.isInteger(minCases) || minCases < 1 || minCases > 1_000_000) throw badInput('minCases', 'must be a whole number 1..1000000');
    if (!Number.isFinite(gapThreshold) || gapThreshold < 0 || gapThreshold > 1) throw badInput('gapThreshold', 'must be 0..1');
    return consistencyOf(await this.repo.eligibleCells(f, minCases), gapThreshold);
  }
}
