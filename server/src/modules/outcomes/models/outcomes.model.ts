import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class ExperienceGroup {
  @Field(() => String, { nullable: true, description: 'Group key; null for refunds without a value (e.g. no agent)' }) key!: string | null;
  @Field(() => Float, { nullable: true }) csatAvg!: number | null;
  @Field(() => Float, { nullable: true }) csatRate!: number | null;
  @Field(() => Int) csatResponses!: number;
  @Field(() => Float, { nullable: true }) nps!: number | null;
  @Field(() => Int) npsResponses!: number;
  @Field(() => Int, { description: 'Refunds in the group' }) refunds!: number;
}

@ObjectType()
export class RepurchaseGroup {
  @Field(() => String, { nullable: true }) key!: string | null;
  @Field(() => Int) eligible!: number;
  @Field(() => Int) repurchased!: number;
  @Field(() => Float, { nullable: true }) repurchaseRate!: number | null;
  @Field(() => Float, { nullable: true }) repurchaseRevenue!: number | null;
}

@ObjectType({ description: 'Short-term saving of rejections vs the long-term revenue gap: an association, not a proven cause' })
export class RejectionEconomics {
  @Field(() => Float) savings!: number;
  @Field(() => Float, { nullable: true }) revenueGap!: number | null;
  @Field(() => Float, { nullable: true }) net!: number | null;
  @Field(() => Int) rejectedCount!: number;
  @Field(() => Int) eligible!: number;
  @Field(() => Float, { nullable: true }) approvedRepurchaseRevenue!: number | null;
  @Field(() => Float, { nullable: true }) rejectedRepurchaseRevenue!: number | null;
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
  @Field(() => Float, { nullable: true, description: 'Mean window revenue, rejected minus approved (null when unmatched)' }) revenueDiff!: number | null;
  @Field(() => Float, { nullable: true, description: 'Repurchase rate, rejected minus approved (null when unmatched)' }) rateDiff!: number | null;
  @Field(() => Float, { nullable: true, description: "This stratum's share of att: n_t / N_t x revenueDiff" }) contribution!: number | null;
}

@ObjectType({ description: 'metrics.md "What a rejection costs": the matched (like-with-like) estimate beside the naive gap' })
export class RejectionEffect {
  @Field(() => Float, { nullable: true }) att!: number | null;
  @Field(() => Float, { nullable: true }) attLow!: number | null;
  @Field(() => Float, { nullable: true }) attHigh!: number | null;
  @Field(() => Float, { nullable: true }) rateAtt!: number | null;
  @Field(() => Float, { nullable: true }) rateLow!: number | null;
  @Field(() => Float, { nullable: true }) rateHigh!: number | null;
  @Field(() => Float, { nullable: true }) naiveGap!: number | null;
  @Field(() => Float, { nullable: true }) rateNaiveGap!: number | null;
  @Field(() => Int, { nullable: true }) matchedRejected!: number | null;
  @Field(() => Int, { nullable: true }) matchedStrata!: number | null;
  @Field(() => Float, { nullable: true }) coverage!: number | null;
  @Field(() => Float, { nullable: true }) lostRevenue!: number | null;
  @Field(() => Float, { nullable: true }) savings!: number | null;
  @Field(() => Float, { nullable: true }) net!: number | null;
  @Field(() => Int, { description: 'Eligible rejected refunds (matched or not)' }) eligibleRejected!: number;
  @Field(() => Int) windowDays!: number;
  @Field(() => [RejectionStratum], { description: 'Every stratum with an eligible rejected refund, largest contribution first' })
  strata!: RejectionStratum[];
}
