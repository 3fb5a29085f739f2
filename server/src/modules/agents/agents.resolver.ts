import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { FilterArg } from '../../common/graphql/args';
import { AGENT_KPIS, DEFAULTS, isAgentKpi, type RefundFilter } from '@refunds/shared';
import { AppError, badInput } from '../../common/errors';
import { RefundFilterInput } from '../../common/graphql/refund-filter.input';
import { validateFilter } from '../../common/semantic/filter';
import { CAN, type Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { AgentsService } from './agents.service';
import { KpiWeightInput } from './dto/kpi-weight.input';
import { AgentScorecard } from './models/agent-scorecard.model';
import { IncentiveAlignment, IncentivePlan, type KpiWeight } from './models/incentive.model';
import { KpiCorrelation } from './models/kpi-correlation.model';

export const MAX_MIN_CASES = 100_000;
const MAX_ID_LENGTH = 200;

export function validateMinCases(minCases: number): number {
  if (!Number.isInteger(minCases) || minCases < 1 || minCases > MAX_MIN_CASES)
    throw badInput('minCases', `must be an integer 1..${MAX_MIN_CASES}, got ${minCases}`);
  return minCases;
}

export function validateWeights(weights: readonly KpiWeightInput[] | null | undefined): KpiWeight[] | null {
  if (weights === null || weights === undefined) return null;
  if (weights.length === 0) throw badInput('weights', 'give at least one KPI (or leave weights out to use a plan)');
  const seen = new Set<string>();
  return weights.map((w) => {
    if (!isAgentKpi(w.kpi)) throw badInput('weights', `unknown kpi "${w.kpi.slice(0, 100)}" (one of ${AGENT_KPIS.join(', ')})`);
    if (seen.has(w.kpi)) throw badInput('weights', `kpi "${w.kpi}" is given twice`);
    seen.add(w.kpi);
    if (!Number.isFinite(w.weight) || w.weight <= 0) throw badInput('weights', `the weight of kpi "${w.kpi}" must be a finite number > 0, got ${w.weight}`);
    return { kpi: w.kpi, weight: w.weight, direction: w.direction };
  });
}

/** A role that sees agents only as ranks could re-identify them by filtering on one agent id. */
function agentFilterFor(filter: RefundFilterInput | null, p: Principal): RefundFilter {
  const f = validateFilter(filter);
  if (!CAN.seeAgentNames(p.role) && f.agentIds?.length)
    throw new AppError('FORBIDDEN', `The ${p.role} role sees agents anonymously and may not filter by agent id`, 'filter.agentIds');
  return f;
}

const minCasesArg = {
  type: () => Int,
  defaultValue: DEFAULTS.agentMinCases,
  description: 'Agents with fewer decided refunds are flagged insufficient',
} as const;

@Resolver()
export class AgentsResolver {
  constructor(private readonly service: AgentsService) {}

  @Query(() => [AgentScorecard], { description: 'Per-agent KPIs and customer outcomes, busiest agent first' })
  agentScorecards(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('minCases', minCasesArg) minCases: number,
    @CurrentPrincipal() p: Principal,
  ): Promise<AgentScorecard[]> {
    return this.service.scorecards(agentFilterFor(filter, p), validateMinCases(minCases), p.role);
  }

  @Query(() => [KpiCorrelation], { description: 'Every agent KPI against every outcome, across sufficient agents' })
  kpiOutcomeCorrelations(@FilterArg() filter: RefundFilterInput | null, @Args('minCases', minCasesArg) minCases: number): Promise<KpiCorrelation[]> {
    return this.service.correlations(validateFilter(filter), validateMinCases(minCases));
  }

  @Query(() => IncentiveAlignment, { description: 'How well a plan (planId, weights, or the plan in effect) rewards good customer outcomes' })
  incentiveAlignment(
    @FilterArg() filter: RefundFilterInput | null,
    @Args('planId', { type: () => String, nullable: true }) planId: string | null,
    @Args('weights', { type: () => [KpiWeightInput], nullable: true, description: 'A what-if plan; wins over planId' }) weights: KpiWeightInput[] | null,
    @Args('minCases', minCasesArg) minCases: number,
    @CurrentPrincipal() p: Principal,
  ): Promise<IncentiveAlignment> {
    if (planId !== null && planId !== undefined && (planId.length === 0 || planId.length > MAX_ID_LENGTH))
      throw badInput('planId', `must be 1..${MAX_ID_LENGTH} characters`);
    return this.service.alignment(agentFilterFor(filter, p), validateMinCases(minCases), { planId: planId ?? null, weights: validateWeights(weights) }, p.role);
  }

  @Query(() => [IncentivePlan], { description: 'The incentive plans of the loaded data, by effectiveFrom' })
  incentivePlans(): Promise<IncentivePlan[]> {
    return this.service.plans();
  }
}
