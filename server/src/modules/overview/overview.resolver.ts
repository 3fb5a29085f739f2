import { Args, Info, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { RefundFilterInput } from '../../common/graphql/refund-filter.input';
import { validateFilter } from '../../common/semantic/filter';
import { Overview } from './models/overview.model';
import { TrendPoint } from './models/trend.model';
import { GrainEnum } from '../../common/graphql/enums';
import { OverviewService } from './overview.service';

@Resolver(() => Overview)
export class OverviewResolver {
  constructor(private readonly service: OverviewService) {}

  @Query(() => Overview, { description: 'Headline numbers for the filter, with the previous period when asked for' })
  async overview(@Args('filter', { type: () => RefundFilterInput, nullable: true }) filter: RefundFilterInput | null, @Info() info: GraphQLResolveInfo): Promise<Overview> {
    const wantsPrevious = info.fieldNodes.some((n) => n.selectionSet?.selections.some((s) => s.kind === 'Field' && s.name.value === 'previous'));
    return this.service.overview(validateFilter(filter), wantsPrevious);
  }

  @Query(() => [TrendPoint], { description: 'Refunds and decision rates per period' })
  refundTrend(
    @Args('filter', { type: () => RefundFilterInput, nullable: true }) filter: RefundFilterInput | null,
    @Args('grain', { type: () => GrainEnum, defaultValue: GrainEnum.WEEK }) grain: GrainEnum,
  ): Promise<TrendPoint[]> {
    return this.service.trend(validateFilter(filter), grain);
  }
}
