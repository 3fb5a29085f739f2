import { Field, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';

@ObjectType({ description: 'A policy change: from the loaded policy_changes table or entered in the app (which overrides by changeId)' })
export class PolicyChange {
  @Field() changeId!: string;
  @Field({ description: 'ISO 8601 timestamp, UTC' }) effectiveAt!: string;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true, description: 'Null = every channel' }) scopeChannel!: string | null;
  @Field(() => String, { nullable: true, description: 'Null = every product line' }) scopeProductLine!: string | null;
  @Field({ description: '`data` (loaded file) or `app` (entered in the app)' }) source!: 'data' | 'app';
}

@ObjectType({ description: 'Pre vs post one metric; delta = post - pre with a 95% CI and two-sided p-value' })
export class PolicyImpactMetric {
  @Field({ description: 'approvalRate, rejectionRate, slaMetRate, csatRate, repurchaseRate (two proportions) or resolutionHours, csatAvg (Welch)' })
  metric!: string;
  @NullableFloat() pre!: number | null;
  @NullableFloat() post!: number | null;
  @Field(() => Int, { description: 'Decided refunds; CSAT responses for csat*; eligible refunds for repurchaseRate' }) preN!: number;
  @Field(() => Int) postN!: number;
  @NullableFloat() delta!: number | null;
  @NullableFloat() low!: number | null;
  @NullableFloat() high!: number | null;
  @NullableFloat() pValue!: number | null;
  @NullableFloat({ description: 'The same delta over refunds outside the scope; null for an unscoped change' }) outOfScopeDelta!: number | null;
  @NullableFloat({ description: 'delta - outOfScopeDelta' }) diffInDiff!: number | null;
  @NullableFloat() outOfScopePre!: number | null;
  @NullableFloat() outOfScopePost!: number | null;
  @Field(() => Int, { nullable: true }) outOfScopePreN!: number | null;
  @Field(() => Int, { nullable: true }) outOfScopePostN!: number | null;
}

@ObjectType({ description: 'Refund metrics in the window before vs after a policy change (metrics.md, Policy impact)' })
export class PolicyImpact {
  @Field() changeId!: string;
  @Field({ description: 'ISO 8601 timestamp, UTC' }) effectiveAt!: string;
  @Field(() => String, { nullable: true }) title!: string | null;
  @Field(() => Int) windowDays!: number;
  @Field(() => String, { nullable: true }) scopeChannel!: string | null;
  @Field(() => String, { nullable: true }) scopeProductLine!: string | null;
  @Field() source!: 'data' | 'app';
  @Field(() => [PolicyImpactMetric]) metrics!: PolicyImpactMetric[];
}
