import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';

@ObjectType()
export class TrendPoint {
  @Field({ description: 'First day of the period' }) period!: string;
  @Field(() => Int) refunds!: number;
  @Field(() => Int) decided!: number;
  @NullableFloat() approvalRate!: number | null;
  @NullableFloat() rejectionRate!: number | null;
  @Field(() => Float) refundedAmount!: number;
}
