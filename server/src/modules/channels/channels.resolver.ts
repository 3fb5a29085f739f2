import { Args, Float, Int, Query, Resolver } from '@nestjs/graphql';
import { FilterArg } from '../../common/graphql/args';
import { DEFAULTS } from '@refunds/shared';
import { RefundFilterInput } from '../../common/graphql/refund-filter.input';
import { validateFilter } from '../../common/semantic/filter';
import { ChannelsService } from './channels.service';
import { ChannelConsistency } from './models/channels.model';

@Resolver()
export class ChannelsResolver {
  constructor(private readonly service: ChannelsService) {}

  @Query(() => ChannelConsistency, { description: 'Do channels decide comparable cases alike?' })
  channelConsistency(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('minCases', { type: () => Int, defaultValue: DEFAULTS.consistencyMinCases }) minCases: number,
    @Args('gapThreshold', { type: () => Float, defaultValue: DEFAULTS.consistencyGap }) gapThreshold: number,
  ): Promise<ChannelConsistency> {
    return this.service.consistency(validateFilter(filter), minCases, gapThreshold);
  }
}
