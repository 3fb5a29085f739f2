import { Field, InputType } from '@nestjs/graphql';
import type { RefundFilter } from '@refunds/shared';
import { DateScalar } from './date.scalar';

@InputType('RefundFilter', { description: 'Narrows refunds; every metric honours every filter that applies to it.' })
export class RefundFilterInput implements RefundFilter {
  @Field(() => DateScalar, { nullable: true, description: 'requested_at on or after this day (inclusive)' })
  from?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'requested_at before this day (exclusive)' })
  to?: string | null;
  @Field(() => [String], { nullable: true })
  channels?: string[] | null;
  @Field(() => [String], { nullable: true })
  productLines?: string[] | null;
  @Field(() => [String], { nullable: true })
  reasonCodes?: string[] | null;
  @Field(() => [String], { nullable: true })
  agentIds?: string[] | null;
  @Field(() => [String], { nullable: true })
  teams?: string[] | null;
  @Field(() => [String], { nullable: true })
  campaigns?: string[] | null;
}
