import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { FilterArg, GrainArg } from '../../common/graphql/args';
import { DEFAULTS } from '@refunds/shared';
import { DimensionEnum, GrainEnum } from '../../common/graphql/enums';
import { RefundFilterInput } from '../../common/graphql/refund-filter.input';
import { validateFilter } from '../../common/semantic/filter';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ExperienceGroup, RejectionEconomics, RejectionEffect, RepurchaseGroup } from './models/outcomes.model';
import { OutcomesService } from './outcomes.service';

@Resolver()
export class OutcomesResolver {
  constructor(private readonly service: OutcomesService) {}

  @Query(() => [ExperienceGroup], { description: 'CSAT and NPS of surveys linked to refunds, by a refund dimension' })
  customerExperience(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('groupBy', { type: () => DimensionEnum, defaultValue: DimensionEnum.DECISION }) groupBy: DimensionEnum,
    @GrainArg('Period length when groupBy is PERIOD') grain: GrainEnum,
    @CurrentPrincipal() who: Principal,
  ): Promise<ExperienceGroup[]> {
    return this.service.experience(validateFilter(filter), groupBy, grain, who);
  }

  @Query(() => [RepurchaseGroup], { description: 'Repurchase within windowDays of the decision (censored at the data horizon)' })
  repurchaseAfterRefund(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('windowDays', { type: () => Int, defaultValue: DEFAULTS.repurchaseWindowDays }) windowDays: number,
    @Args('groupBy', { type: () => DimensionEnum, defaultValue: DimensionEnum.DECISION }) groupBy: DimensionEnum,
    @GrainArg('Period length when groupBy is PERIOD') grain: GrainEnum,
    @CurrentPrincipal() who: Principal,
  ): Promise<RepurchaseGroup[]> {
    return this.service.repurchase(validateFilter(filter), windowDays, groupBy, grain, who);
  }

  @Query(() => RejectionEconomics)
  rejectionEconomics(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('windowDays', { type: () => Int, defaultValue: DEFAULTS.economicsWindowDays }) windowDays: number,
  ): Promise<RejectionEconomics> {
    return this.service.economics(validateFilter(filter), windowDays);
  }

  @Query(() => RejectionEffect, { description: 'What a rejection costs, matched like with like (metrics.md), beside the naive gap' })
  rejectionEffect(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('windowDays', { type: () => Int, defaultValue: DEFAULTS.economicsWindowDays }) windowDays: number,
  ): Promise<RejectionEffect> {
    return this.service.effect(validateFilter(filter), windowDays);
  }
}
