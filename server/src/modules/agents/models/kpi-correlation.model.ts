import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One agent KPI against one customer outcome, across sufficient agents where both are present' })
export class KpiCorrelation {
  @Field() kpi!: string;
  @Field() outcome!: string;
  @Field(() => Int, { description: 'Agents with both values' }) n!: number;
  @Field(() => Float, { nullable: true, description: 'Null when n < 2 or a side is constant' }) pearson!: number | null;
  @Field(() => Float, { nullable: true, description: '95% Fisher-z bound; null when n < 4' }) pearsonLow!: number | null;
  @Field(() => Float, { nullable: true }) pearsonHigh!: number | null;
  @Field(() => Float, { nullable: true, description: 'Pearson on average ranks' }) spearman!: number | null;
}
