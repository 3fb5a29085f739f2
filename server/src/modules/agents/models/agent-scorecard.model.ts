import { Field, Int, ObjectType } from '@nestjs/graphql';
import { NullableFloat } from '../../../common/graphql/fields';

@ObjectType({ description: 'One agent over the decided refunds with that agent_id (metrics.md, Agent scorecards). Rates are 0..1, null over an empty set.' })
export class AgentScorecard {
  @Field({ description: 'The agent id; `rank-<n>` (n = position by handled desc) for roles that may not see agents' }) agentId!: string;
  @Field(() => String, { nullable: true, description: 'Null when unknown in the agents table or hidden for the role' }) name!: string | null;
  @Field(() => String, { nullable: true }) team!: string | null;
  @Field({ description: 'handled < minCases: shown, but left out of correlations and alignment' }) insufficient!: boolean;
  @Field(() => Int, { description: 'Decided refunds with this agent_id' }) handled!: number;
  @NullableFloat() approvalRate!: number | null;
  @NullableFloat() rejectionRate!: number | null;
  @NullableFloat({ description: 'Mean hours from requested_at to decided_at' }) resolutionHours!: number | null;
  @NullableFloat() escalationRate!: number | null;
  @NullableFloat() contactsPerRefund!: number | null;
  @NullableFloat() reopenRate!: number | null;
  @NullableFloat({ description: 'sum(refunded_amount) / handled, reporting currency' }) refundCostPerCase!: number | null;
  @NullableFloat() csatAvg!: number | null;
  @Field(() => Int, { description: 'CSAT responses linked to the handled refunds: the csatAvg n' }) csatResponses!: number;
  @NullableFloat() nps!: number | null;
  @Field(() => Int, { description: 'NPS responses: the nps n' }) npsResponses!: number;
  @NullableFloat({ description: 'Repurchase within 30 days of the decision, censored at the orders horizon' }) repurchaseRate!: number | null;
  @Field(() => Int, { description: 'Handled refunds with a full 30-day window: the repurchaseRate n' }) repurchaseEligible!: number;
}
