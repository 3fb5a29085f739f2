import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';

@ObjectType()
export class CohortChannel {
  @Field() channel!: string;
  @Field(() => Int, { description: 'Decided refunds of this channel in the cohort' }) n!: number;
  @NullableFloat() approvalRate!: number | null;
}

@ObjectType({ description: 'Comparable cases: same reason code, product line and amount band' })
export class ChannelCohort {
  @Field() reasonCode!: string;
  @Field(() => String, { nullable: true }) productLine!: string | null;
  @Field({ description: '[0,50), [50,200), [200,1000) or [1000,inf) of requested_amount' }) amountBand!: string;
  @Field(() => Float) gap!: number;
  @NullableFloat({ description: 'Chi-square test of decision (approved+partial vs rejected) by channel' }) pValue!: number | null;
  @Field() inconsistent!: boolean;
  @Field(() => [CohortChannel], { description: 'Eligible channels (>= minCases decided refunds)' }) channels!: CohortChannel[];
}

@ObjectType()
export class ChannelConsistency {
  @NullableFloat() inconsistencyRate!: number | null;
  @Field(() => Int) comparableCohorts!: number;
  @Field(() => Int) inconsistentCohorts!: number;
  @Field(() => Int, { description: 'Decided refunds of eligible channels in comparable cohorts (the rate denominator)' }) n!: number;
  @Field(() => [ChannelCohort], { description: 'Comparable cohorts, inconsistent first, then by gap' }) cohorts!: ChannelCohort[];
}
