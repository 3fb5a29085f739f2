import { Args, Float, Int, Query, Resolver } from '@nestjs/graphql';
import { FilterArg, GrainArg } from '../../common/graphql/args';
import { DEFAULTS } from '@refunds/shared';
import { GrainEnum } from '../../common/graphql/enums';
import { RefundFilterInput } from '../../common/graphql/refund-filter.input';
import { validateFilter } from '../../common/semantic/filter';
import { ReasonTrendPoint, RefundSpike } from './models/reasons.model';
import { ReasonsService } from './reasons.service';

@Resolver()
export class ReasonsResolver {
  constructor(private readonly service: ReasonsService) {}

  @Query(() => [ReasonTrendPoint], { description: 'Refunds per period and reason code, with the reason family and share of the period' })
  reasonTrends(@FilterArg() filter: RefundFilterInput | null, @GrainArg() grain: GrainEnum): Promise<ReasonTrendPoint[]> {
    return this.service.trends(validateFilter(filter), grain);
  }

  @Query(() => [RefundSpike], { description: 'Defect-driven refund spikes by product and week, most significant first' })
  refundSpikes(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('minCount', { type: () => Int, defaultValue: DEFAULTS.spikeMinCount }) minCount: number,
    @Args('alpha', { type: () => Float, defaultValue: DEFAULTS.spikeAlpha }) alpha: number,
  ): Promise<RefundSpike[]> {
    return this.service.spikes(validateFilter(filter), minCount, alpha);
  }
}
