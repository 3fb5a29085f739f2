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
