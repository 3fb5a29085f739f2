import { Field, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';
import { AlertFormat, AlertKind } from './alert-enums';

@ObjectType({ description: 'What to look for after each committed load (or when, for SCHEDULED_PACK), and where to say so' })
export class AlertRule {
  @Field(() => Int) id!: number;
  @Field() name!: string;
  @Field(() => AlertKind) kind!: AlertKind;
  @Field(() => AlertFormat) format!: AlertFormat;
  @Field({ description: 'http(s) URL or mailto:; for roles that cannot manage rules, only the scheme and host' }) target!: string;
  @NullableFloat() threshold!: number | null;
  @Field({ description: 'The RefundFilter as JSON' }) filter!: string;
  @Field(() => String, { nullable: true, description: 'Cron expression (SCHEDULED_PACK)' }) schedule!: string | null;
  @Field({ description: 'en or zh-CN' }) language!: string;
  @Field({ description: 'Whether a DingTalk signing secret is set (the secret itself is never returned)' }) signed!: boolean;
  @Field() owner!: string;
  @Field() createdAt!: string;
}
