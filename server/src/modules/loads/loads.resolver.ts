import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { LoadRecord, RejectedRow } from './models/load.model';
import { LoadsService } from './loads.service';

@Resolver()
export class LoadsResolver {
  constructor(private readonly loads: LoadsService) {}

  @Query(() => [LoadRecord], { description: 'Load history, newest first' })
  loadHistory(@Args('limit', { type: () => Int, defaultValue: 50 }) limit: number): Promise<LoadRecord[]> {
    return this.loads.history(limit);
  }

  @Query(() => [RejectedRow], { description: 'Rejected rows of a load (default: the latest load with rejects)' })
  loadRejects(
    @Args('loadId', { type: () => Int, nullable: true }) loadId: number | null,
    @Args('limit', { type: () => Int, defaultValue: 200 }) limit: number,
    @Args('offset', { type: () => Int, defaultValue: 0 }) offset: number,
  ): Promise<RejectedRow[]> {
    return this.loads.rejects(loadId ?? null, limit, offset);
  }
}
