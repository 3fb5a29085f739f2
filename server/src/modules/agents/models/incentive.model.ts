import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';
import type { Direction } from '@refunds/shared';
import { DateScalar } from '../../../common/graphql/date.scalar';
import { DirectionEnum } from '../direction.enum';

@ObjectType({ description: 'One KPI of an incentive plan' })
export class KpiWeight {
  @Field() kpi!: string;
  @Field(() => Float) weight!: number;
  @Field(() => DirectionEnum) direction!: Direction;
}

@ObjectType({ description: 'An incentive plan of the incentive_plans table (its rows grouped by plan_id)' })
export class IncentivePlan {
  @Field() planId!: string;
  @Field(() => DateScalar, { description: 'Earliest effective_from of the plan rows' }) effectiveFrom!: string;
  @Field(() => DateScalar, { nullable: true, description: 'Latest effective_to; null when any row is open-ended' }) effectiveTo!: string | null;
  @Field(() => String, { nullable: true, description: 'Null = all teams (or rows disagree)' }) team!: string | null;
  @Field(() => [KpiWeight]) weights!: KpiWeight[];
}

@ObjectType({ description: 'The plan an alignment was computed with, so a what-if editor can start from it' })
export class AlignmentPlan {
  @Field(() => String, { nullable: true, description: 'The plan id asked for or picked by default; null for weights-only' }) planId!: string | null;
  @Field({
    description: '`planId` (the plan asked for), `weights` (weights in the query), or `inEffect` (default: the plan in effect at the end of the filter range)',
  })
  source!: 'planId' | 'weights' | 'inEffect';
  @Field(() => [KpiWeight]) weights!: KpiWeight[];
}

@ObjectType()
export class AgentAlignment {
  @Field({ description: 'The agent id; `rank-<n>` for roles that may not see agents' }) agentId!: string;
  @Field(() => String, { nullable: true }) name!: string | null;
  @Field(() => Float, { description: 'sum of weight x z(kpi), sign flipped for lower_is_better' }) incentiveScore!: number;
  @NullableFloat({ description: 'Mean of the present z(csatAvg), z(nps), z(repurchaseRate); null when none is present' }) outcomeScore!: number | null;
  @Field(() => Float, { description: '1 = highest incentive score among sufficient agents; ties share the average rank' }) incentiveRank!: number;
  @NullableFloat({ description: '1 = highest outcome score among agents with one; ties averaged' }) outcomeRank!: number | null;
}

@ObjectType({ description: 'Does the incentive plan pay for good customer outcomes? (metrics.md, Incentive alignment)' })
export class IncentiveAlignment {
  @NullableFloat({ description: 'Spearman rho of incentive score vs outcome score, -1..1; null when n < 2 or a side is constant' })
  alignment!: number | null;
  @Field(() => Int, { description: 'Sufficient agents with both scores' }) n!: number;
  @Field(() => AlignmentPlan) plan!: AlignmentPlan;
  @Field(() => [AgentAlignment], { description: 'Sufficient agents, by incentive rank' }) agents!: AgentAlignment[];
}
