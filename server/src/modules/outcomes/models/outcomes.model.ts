import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';

@ObjectType()
export class ExperienceGroup {
  @Field(() => String, { nullable: true, description: 'Group key; null for refunds without a value (e.g. no agent)' }) key!: string | null;
  @NullableFloat() csatAvg!: number | null;
  @NullableFloat() csatRate!: number | null;
  @Field(() => Int) csatResponses!: number;
  @NullableFloat() nps!: number | null;
  @Field(() => Int) npsResponses!: number;
  @Field(() => Int, { description: 'Refunds in the group' }) refunds!: number;
}

@ObjectType()
export class RepurchaseGroup {
  @Field(() => String, { nullable: true }) key!: string | null;
  @Field(() => Int) eligible!: number;
  @Field(() => Int) repurchased!: number;
  @NullableFloat() repurchaseRate!: number | null;
  @NullableFloat() repurchaseRevenue!: number | null;
}

@ObjectType({ description: 'Short-term saving of rejections vs the long-term revenue gap: an association, not a proven cause' })
export class RejectionEconomics {
  @Field(() => Float) savings!: number;
  @NullableFloat() revenueGap!: number | null;
  @NullableFloat() net!: number | null;
  @Field(() => Int) rejectedCount!: number;
  @Field(() => Int) eligible!: number;
  @NullableFloat() approvedRepurchaseRevenue!: number | null;
  @NullableFloat() rejectedRepurchaseRevenue!: number | null;
  @Field(() => Int) windowDays!: number;
  @Field() caveat!: string;
}

@ObjectType({ description: 'One stratum of the matched comparison (reason x product line x amount band x new/returning)' })
export class RejectionStratum {
  @Field() reasonCode!: string;
  @Field(() => String, { nullable: true }) productLine!: string | null;
  @Field() amountBand!: string;
  @Field() customerType!: string;
  @Field(() => Int) rejected!: number;
  @Field(() => Int) approved!: number;
  @NullableFloat({ description: 'Mean window revenue, rejected minus approved (null when unmatched)' }) revenueDiff!: number | null;
  @NullableFloat({ description: 'Repurchase rate, rejected minus approved (null when unmatched)' }) rateDiff!: number | null;
  @NullableFloat({ description: "This stratum's share of att: n_t / N_t x revenueDiff" }) contribution!: number | null;
}

@ObjectType({ description: 'metrics.md "What a rejection costs": the matched (like-with-like) estimate beside the naive gap' })
export class RejectionEffect {
  @NullableFloat() att!: number | null;
  @NullableFloat() attLow!: number | null;
  @NullableFloat() attHigh!: number | null;
  @NullableFloat() rateAtt!: number | null;
  @NullableFloat() rateLow!: number | null;
  @NullableFloat() rateHigh!: number | null;
  @NullableFloat() naiveGap!: number | null;
  @NullableFloat() rateNaiveGap!: number | null;
  @Field(() => Int, { nullable: true }) matchedRejected!: number | null;
  @Field(() => Int, { nullable: true }) matchedStrata!: number | null;
  @NullableFloat() coverage!: number | null;
  @NullableFloat() lostRevenue!: number | null;
  @NullableFloat() savings!: number | null;
  @NullableFloat() net!: number | null;
  @Field(() => Int, { description: 'Eligible rejected refunds (matched or not)' }) eligibleRejected!: number;
  @Field(() => Int) windowDays!: number;
  @Field(() => [RejectionStratum], { description: 'Every stratum with an eligible rejected refund, largest contribution first' })
  strata!: RejectionStratum[];
}
