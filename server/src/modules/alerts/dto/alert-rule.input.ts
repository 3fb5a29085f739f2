import { Field, Float, InputType } from '@nestjs/graphql';
import { RefundFilterInput } from '../../../common/graphql/refund-filter.input';
import { AlertFormat, AlertKind } from '../models/alert-enums';

@InputType()
export class AlertRuleInput {
  @Field() name!: string;
  @Field(() => AlertKind) kind!: AlertKind;
  @Field(() => AlertFormat, { defaultValue: AlertFormat.JSON }) format!: AlertFormat;
  @Field() target!: string;
  @Field(() => Float, { nullable: true, description: 'Rates 0..1; alignment -1..1; none for REFUND_SPIKE and SCHEDULED_PACK' }) threshold?: number | null;
  @Field(() => RefundFilterInput, { nullable: true }) filter?: RefundFilterInput | null;
  @Field(() => String, { nullable: true, description: 'Cron expression, for SCHEDULED_PACK only' }) schedule?: string | null;
  @Field(() => String, { nullable: true, description: 'en (default) or zh-CN: the language of the messages' }) language?: string | null;
  @Field(() => String, { nullable: true, description: 'DingTalk signing secret (SEC...), optional; DINGTALK only' }) secret?: string | null;
}
