import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class ReasonTrendPoint {
  @Field({ description: 'First day of the period, YYYY-MM-DD' }) period!: string;
  @Field() reasonCode!: string;
  @Field() reasonFamily!: string;
  @Field(() => Int) refunds!: number;
  @Field(() => Float) refundedAmount!: number;
  @Field(() => Float, { description: 'refunds / all refunds of the period (after the filter)' }) share!: number;
}

@ObjectType({ description: 'A product-week whose defect-family refunds are improbably many (Poisson upper tail)' })
export class RefundSpike {
  @Field() productId!: string;
  @Field(() => String, { nullable: true }) productLine!: string | null;
  @Field({ description: 'Monday of the ISO week, YYYY-MM-DD' }) week!: string;
  @Field(() => Int) count!: number;
  @Field(() => Float) expected!: number;
  @Field(() => Float) ratio!: number;
  @Field(() => Float) pValue!: number;
  @Field(() => String, { nullable: true }) topReasonCode!: string | null;
  @Field(() => [Int], { description: 'Weekly defect counts of the 12 weeks up to and including this one (sparkline)' }) history!: number[];
}
