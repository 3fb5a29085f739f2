import { Field, Int, ObjectType } from '@nestjs/graphql';
import { AlertDeliveryStatus } from './alert-enums';

@ObjectType()
export class AlertDeliveryRule {
  @Field(() => Int, { nullable: true, description: 'null once the rule is deleted' }) id!: number | null;
  @Field() name!: string;
}

@ObjectType({ description: 'One message of a rule to its target, with its attempts' })
export class AlertDelivery {
  @Field(() => Int) id!: number;
  @Field(() => AlertDeliveryRule) rule!: AlertDeliveryRule;
  @Field() findingKey!: string;
  @Field(() => AlertDeliveryStatus) status!: AlertDeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field({ description: 'When the last attempt was made (ISO 8601)' }) at!: string;
  @Field(() => String, { nullable: true, description: 'When the next attempt is due (RETRYING)' }) nextAt!: string | null;
  @Field() summary!: string;
  @Field(() => String, { nullable: true }) lastError!: string | null;
}
