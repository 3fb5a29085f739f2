import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';

@ObjectType({ description: 'Headline numbers; metrics.md defines each field. Rates are 0..1 and null over an empty set.' })
export class Overview {
  @Field(() => Int) refunds!: number;
  @Field(() => Int) decided!: number;
  @Field(() => Float) refundedAmount!: number;
  @NullableFloat() approvalRate!: number | null;
  @NullableFloat() rejectionRate!: number | null;
  @NullableFloat() partialRate!: number | null;
  @NullableFloat() refundRate!: number | null;
  @Field(() => Int, { nullable: true, description: 'Orders in the range: the refund rate denominator; null without orders data' }) orders!: number | null;
  @NullableFloat() slaMetRate!: number | null;
  @NullableFloat() resolutionHoursMean!: number | null;
  @NullableFloat() resolutionHoursP50!: number | null;
  @NullableFloat() resolutionHoursP90!: number | null;
  @Field(() => Int) overduePending!: number;
  @Field(() => Int) pending!: number;
  @NullableFloat() payoutFailureRate!: number | null;
  @Field(() => Int, { description: 'Refunds with a payout status: the payout failure rate denominator' }) payoutN!: number;
  @NullableFloat() evidenceCompleteRate!: number | null;
  @Field(() => Int) evidenceN!: number;
  @Field(() => Int) reviewGapCount!: number;
  @NullableFloat() csatAvg!: number | null;
  @NullableFloat() csatRate!: number | null;
  @Field(() => Int) csatResponses!: number;
  @NullableFloat() nps!: number | null;
  @Field(() => Int) npsResponses!: number;
  @NullableFloat({ description: 'Within 30 days of the decision' }) repurchaseRate!: number | null;
  @Field(() => Int) repurchaseEligible!: number;
  @Field(() => Overview, { nullable: true, description: 'The same-length period before filter.from (needs from and to)' })
  previous?: Overview | null;
}
