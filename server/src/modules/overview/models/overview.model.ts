import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Headline numbers; metrics.md defines each field. Rates are 0..1 and null over an empty set.' })
export class Overview {
  @Field(() => Int) refunds!: number;
  @Field(() => Int) decided!: number;
  @Field(() => Float) refundedAmount!: number;
  @Field(() => Float, { nullable: true }) approvalRate!: number | null;
  @Field(() => Float, { nullable: true }) rejectionRate!: number | null;
  @Field(() => Float, { nullable: true }) partialRate!: number | null;
  @Field(() => Float, { nullable: true }) refundRate!: number | null;
  @Field(() => Int, { nullable: true, description: 'Orders in the range: the refund rate denominator; null without orders data' }) orders!: number | null;
  @Field(() => Float, { nullable: true }) slaMetRate!: number | null;
  @Field(() => Float, { nullable: true }) resolutionHoursMean!: number | null;
  @Field(() => Float, { nullable: true }) resolutionHoursP50!: number | null;
  @Field(() => Float, { nullable: true }) resolutionHoursP90!: number | null;
  @Field(() => Int) overduePending!: number;
  @Field(() => Int) pending!: number;
  @Field(() => Float, { nullable: true }) payoutFailureRate!: number | null;
  @Field(() => Int, { description: 'Refunds with a payout status: the payout failure rate denominator' }) payoutN!: number;
  @Field(() => Float, { nullable: true }) evidenceCompleteRate!: number | null;
  @Field(() => Int) evidenceN!: number;
  @Field(() => Int) reviewGapCount!: number;
  @Field(() => Float, { nullable: true }) csatAvg!: number | null;
  @Field(() => Float, { nullable: true }) csatRate!: number | null;
  @Field(() => Int) csatResponses!: number;
  @Field(() => Float, { nullable: true }) nps!: number | null;
  @Field(() => Int) npsResponses!: number;
  @Field(() => Float, { nullable: true, description: 'Within 30 days of the decision' }) repurchaseRate!: number | null;
  @Field(() => Int) repurchaseEligible!: number;
  @Field(() => Overview, { nullable: true, description: 'The same-length period before filter.from (needs from and to)' })
  previous?: Overview | null;
}
