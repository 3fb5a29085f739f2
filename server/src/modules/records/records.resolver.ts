import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { FilterArg } from '../../common/graphql/args';
import { RefundFilterInput } from '../../common/graphql/refund-filter.input';
import { validateFilter } from '../../common/semantic/filter';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { BreakdownByEnum, RefundBreakdown, RefundDrill, RefundPage } from './models/records.model';
import { RecordsService } from './records.service';

@Resolver()
export class RecordsResolver {
  constructor(private readonly service: RecordsService) {}

  @Query(() => RefundPage, { description: 'The refunds behind a chart segment, paged and sorted' })
  refunds(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('drill', { type: () => RefundDrill, nullable: true }) drill: RefundDrill | null,
    @Args('sortBy', { defaultValue: 'requestedAt' }) sortBy: string,
    @Args('sortDir', { defaultValue: 'desc' }) sortDir: string,
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
    @CurrentPrincipal() who: Principal,
  ): Promise<RefundPage> {
    return this.service.page(validateFilter(filter), drill ?? {}, sortBy, sortDir, limit, offset, who);
  }

  @Query(() => RefundBreakdown, { description: 'Refunds per product or reason code behind a selection (exact counts, top groups)' })
  refundBreakdown(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('drill', { type: () => RefundDrill, nullable: true }) drill: RefundDrill | null,
    @Args('by', { type: () => BreakdownByEnum }) by: BreakdownByEnum,
    @Args('limit', { type: () => Int, defaultValue: 15 }) limit: number,
  ): Promise<RefundBreakdown> {
    return this.service.breakdown(validateFilter(filter), drill ?? {}, by, limit);
  }
}
