import { Info, Query, Resolver } from '@nestjs/graphql';
import { FilterArg, GrainArg } from '../../common/graphql/args';
import type { GraphQLResolveInfo, SelectionNode } from 'graphql';
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
  async overview(@FilterArg() filter: RefundFilterInput | null, @Info() info: GraphQLResolveInfo): Promise<Overview> {
    const asked = new Set<string>();
    // Field names asked for here and under `previous`, through fragments too.
    const collect = (sel: readonly SelectionNode[] | undefined, depth: number): void => {
      for (const s of sel ?? []) {
        if (s.kind === 'Field') {
          asked.add(s.name.value);
          if (s.name.value === 'previous' && depth === 0) collect(s.selectionSet?.selections, 1);
        } else if (s.kind === 'InlineFragment') collect(s.selectionSet.selections, depth);
        else collect(info.fragments[s.name.value]?.selectionSet.selections, depth);
      }
    };
    for (const n of info.fieldNodes) collect(n.selectionSet?.selections, 0);
    return this.service.overview(validateFilter(filter), asked.has('previous'), asked.has('resolutionHoursP50') || asked.has('resolutionHoursP90'));
  }

  @Query(() => [TrendPoint], { description: 'Refunds and decision rates per period' })
  refundTrend(@FilterArg() filter: RefundFilterInput | null, @GrainArg() grain: GrainEnum): Promise<TrendPoint[]> {
    return this.service.trend(validateFilter(filter), grain);
  }
}
