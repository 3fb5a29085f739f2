import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { IdArg } from '../../common/graphql/args';
import { Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.types';
import { ClientAddress, CurrentPrincipal } from '../auth/current-principal.decorator';
import { AlertsService } from './alerts.service';
import { AlertRuleInput } from './dto/alert-rule.input';
import { AlertDelivery } from './models/alert-delivery.model';
import { AlertRule } from './models/alert-rule.model';
import { AlertStatus } from './models/alert-status.model';

@Resolver()
export class AlertsResolver {
  constructor(private readonly service: AlertsService) {}

  @Query(() => [AlertRule])
  alertRules(@CurrentPrincipal() who: Principal): Promise<AlertRule[]> {
    return this.service.list(who);
  }

  @Query(() => [AlertDelivery], { description: 'The delivery log, newest first' })
  alertDeliveries(@Args('limit', { type: () => Int, defaultValue: 200 }) limit: number): Promise<AlertDelivery[]> {
    return this.service.deliveries(limit);
  }

  @Query(() => AlertStatus)
  alertStatus(): Promise<AlertStatus> {
    return this.service.status();
  }

  @Roles('admin', 'executive')
  @Mutation(() => AlertRule)
  createAlertRule(@Args('input') input: AlertRuleInput, @CurrentPrincipal() who: Principal, @ClientAddress() address: string): Promise<AlertRule> {
    return this.service.create(input, who, address);
  }

  @Roles('admin', 'executive')
  @Mutation(() => AlertRule, { description: 'Replaces the rule; it starts again from the data as it is (findings already there are not sent)' })
  updateAlertRule(
    @IdArg() id: number,
    @Args('input') input: AlertRuleInput,
    @CurrentPrincipal() who: Principal,
    @ClientAddress() address: string,
  ): Promise<AlertRule> {
    return this.service.update(id, input, who, address);
  }

  @Roles('admin', 'executive')
  @Mutation(() => Boolean)
  deleteAlertRule(@IdArg() id: number, @CurrentPrincipal() who: Principal, @ClientAddress() address: string): Promise<boolean> {
    return this.service.remove(id, who, address);
  }
}
