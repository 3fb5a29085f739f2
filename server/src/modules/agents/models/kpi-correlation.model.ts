import { Field, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';

@ObjectType({ description: 'One agent KPI against one customer outcome, across sufficient agents where both are present' })
export class KpiCorrelation {
  @Field() kpi!: string;
  @Field() outcome!: string;
  @Field(() => Int, { description: 'Agents with both values' }) n!: number;
  @NullableFloat({ description: 'Null when n < 2 or a side is constant' }) pearson!: number | null;
  @NullableFloat({ description: '95% Fisher-z bound; null when n < 4' }) pearsonLow!: number | null;
  @NullableFloat() pearsonHigh!: number | null;
  @NullableFloat({ description: 'Pearson on average ranks' }) spearman!: number | null;
}
