/*
 * Agent scorecards, KPI vs outcome correlation and incentive alignment (metrics.md). Choices the
 * spec leaves open (the metric catalog repeats them):
 * - Scorecards list every agent_id with at least one decided refund passing the filter; refunds
 *   without agent_id are left out. name/team come from the agents table (null if it lacks the id).
 * - refundCostPerCase: a null refunded_amount adds 0 to the sum; the denominator is handled.
 * - csatAvg and nps are per survey response linked by refund_id (not a mean of per-refund means).
 * - repurchaseRate uses W = 30 days with censoring; horizon = latest ordered_at of all orders
 *   (not narrowed by the filter); null when no handled refund is eligible.
 * - Order: handled desc, then agentId. For roles that may not see agents (product) the agentId is
 *   `rank-<n>`, n = 1-based position in that order over every agent the filter returns (insufficient
 *   ones included), and name/team are null; alignment uses the same labels.
 * - Correlations: one row per AGENT_KPIS x OUTCOMES pair in catalog order. pearson/spearman are null
 *   when n < 2 or a side is constant; the CI is null when n < 4 or pearson is null; |r| = 1 gives
 *   the point interval [r, r].
 * - Alignment: z(kpi) over all sufficient agents (a missing KPI value counts as z = 0); z(outcome)
 *   over the sufficient agents where that outcome is present. An agent with no outcome at all has a
 *   null outcome score and rank and is left out of rho; n counts agents with both scores.
 *   incentiveRank is over all sufficient agents, outcomeRank over those with an outcome score;
 *   1 = highest score, ties share the average rank (so ranks can be x.5). alignment is null when
 *   n < 2 or a score is constant.
 * - Plan: `weights` win over `planId` when both are given (a what-if edited from a plan); planId is
 *   still checked and echoed. Weights are used as given (not normalised); each must be finite > 0,
 *   each kpi one of AGENT_KPIS, at most once. With neither: the plan whose effective_from is the
 *   latest on or before the filter's last day (to - 1 day; without `to`, the latest plan); when
 *   every plan starts after the range, the earliest plan; ties by plan_id. effective_to and a plan's
 *   team do not affect the choice, and a team plan does not narrow the agents (use filter.teams).
 */
import { Injectable } from '@nestjs/common';
import { AGENT_KPIS, isAgentKpi, type RefundFilter, type Role } from '@refunds/shared';
import { badInput } from '../../common/errors';
import { CAN } from '../auth/auth.types';
import { AgentsRepository, type PlanRow } from './agents.repository';
import { directionOf } from './direction.enum';
import type { AgentScorecard } from './models/agent-scorecard.model';
import type { AlignmentPlan, IncentiveAlignment, IncentivePlan, KpiWeight } from './models/incentive.model';
import type { KpiCorrelation } from './models/kpi-correlation.model';
import { alignmentOf, correlationsOf, scorecardOf } from './scoring';

export interface PlanChoice {
  planId: string | null;
  /** Already validated by the resolver. */
  weights: KpiWeight[] | null;
}

const byHandledThenId = (a: AgentScorecard, b: AgentScorecard): number => b.handled - a.handled || (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);

@Injectable()
export class AgentsService {
  constructor(private readonly repo: AgentsRepository) {}

  /** Scorecards with real ids, in rank order (handled desc, agentId); each KPI as the catalog computes it. */
  private async cards(f: RefundFilter, minCases: number): Promise<AgentScorecard[]> {
    return (await this.repo.tallies(f)).map((t) => scorecardOf(t, minCases)).sort(byHandledThenId);
  }

  /** Real id -> what the role may see. `cards` must be in rank order. */
  private labels(cards: readonly AgentScorecard[], role: Role): Map<string, { agentId: string; name: string | null; team: string | null }> {
    const hide = !CAN.seeAgentNames(role);
    return new Map(
      cards.map((c, i) => [c.agentId, hide ? { agentId: `rank-${i + 1}`, name: null, team: null } : { agentId: c.agentId, name: c.name, team: c.team }]),
    );
  }

  async scorecards(f: RefundFilter, minCases: number, role: Role): Promise<AgentScorecard[]> {
    const cards = await this.cards(f, minCases);
    const labels = this.labels(cards, role);
    return cards.map((c) => ({ ...c, ...labels.get(c.agentId)! }));
  }

  async correlations(f: RefundFilter, minCases: number): Promise<KpiCorrelation[]> {
    return correlationsOf((await this.cards(f, minCases)).filter((c) => !c.insufficient));
  }

  async plans(): Promise<IncentivePlan[]> {
    return groupPlans(await this.repo.planRows());
  }

  private async resolvePlan(f: RefundFilter, choice: PlanChoice): Promise<AlignmentPlan> {
    const needPlans = choice.planId !== null || choice.weights === null;
    const plans = needPlans ? await this.plans() : [];
    let named: IncentivePlan | null = null;
    if (choice.planId !== null) {
      named = plans.find((p) => p.planId === choice.planId) ?? null;
      if (!named) throw badInput('planId', `no incentive plan "${choice.planId}" (known: ${plans.map((p) => p.planId).join(', ') || 'none loaded'})`);
    }
    if (choice.weights !== null) return { planId: choice.planId, source: 'weights', weights: choice.weights };
    if (named) return { planId: named.planId, source: 'planId', weights: named.weights };
    const inEffect = planInEffect(plans, f.to ?? null);
    if (!inEffect) throw badInput('planId', 'no incentive plans are loaded: give planId or weights');
    return { planId: inEffect.planId, source: 'inEffect', weights: inEffect.weights };
  }

  async alignment(f: RefundFilter, minCases: number, choice: PlanChoice, role: Role): Promise<IncentiveAlignment> {
    const [plan, cards] = await Promise.all([this.resolvePlan(f, choice), this.cards(f, minCases)]);
    const labels = this.labels(cards, role);
    return {
      ...alignmentOf(
        cards.filter((c) => !c.insufficient),
        plan.weights,
        (agentId) => labels.get(agentId)!,
      ),
      plan,
    };
  }
}

/** incentive_plans rows -> plans; rows arrive ordered by plan_id, kpi. */
export function groupPlans(rows: readonly PlanRow[]): IncentivePlan[] {
  const byId = new Map<string, PlanRow[]>();
  for (const r of rows) {
    const list = byId.get(r.plan_id);
    if (list) list.push(r);
    else byId.set(r.plan_id, [r]);
  }
  const plans: IncentivePlan[] = [];
  for (const [planId, list] of byId) {
    const weights: KpiWeight[] = [];
    for (const r of list) {
      const direction = directionOf(r.direction);
      if (direction && isAgentKpi(r.kpi)) weights.push({ kpi: r.kpi, weight: r.weight, direction });
    }
    const teams = new Set(list.map((r) => r.team));
    plans.push({
      planId,
      effectiveFrom: list.reduce((m, r) => (r.effective_from < m ? r.effective_from : m), list[0].effective_from),
      effectiveTo: list.some((r) => r.effective_to === null) ? null : list.reduce((m, r) => (r.effective_to! > m ? r.effective_to! : m), list[0].effective_to!),
      team: teams.size === 1 ? list[0].team : null,
      weights: AGENT_KPIS.flatMap((k) => weights.filter((w) => w.kpi === k)),
    });
  }
  return plans.sort((a, b) =>
    a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : a.planId < b.planId ? -1 : a.planId > b.planId ? 1 : 0,
  );
}

/**
 * The plan in effect on the filter's last day (`to` is exclusive, so to - 1 day): the latest
 * effective_from on or before it; without `to` the latest plan; when all start later, the earliest.
 * `plans` are sorted by effectiveFrom, planId.
 */
export function planInEffect(plans: readonly IncentivePlan[], to: string | null): IncentivePlan | null {
  if (plans.length === 0) return null;
  if (to === null) return latestStart(plans);
  const lastDay = new Date(Date.parse(`${to}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const started = plans.filter((p) => p.effectiveFrom <= lastDay);
  return started.length ? latestStart(started) : plans[0];
}

/** Latest effectiveFrom; among plans starting that day, the first plan_id. */
function latestStart(sorted: readonly IncentivePlan[]): IncentivePlan {
  const last = sorted[sorted.length - 1].effectiveFrom;
  return sorted.find((p) => p.effectiveFrom === last)!;
}
