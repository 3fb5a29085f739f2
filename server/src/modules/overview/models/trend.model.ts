import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class TrendPoint {
  @Field({ description: 'First day of the period' }) period!: string;
  @Field(() => Int) refunds!: number;
  @Field(() => Int) decided!: number;
  @Field(() => Float, { nullable: true }) approvalRate!: number | null;
  @Field(() => Float, { nullable: true }) rejectionRate!: number | null;
  @Field(() => Float) refundedAmount!: number;
}
