/*
 * The statistics behind agent scorecards, KPI x outcome correlations and incentive alignment, with
 * no I/O (agents.service.ts reads the rows and applies role labels; the choices are documented there).
 */
import { AGENT_KPIS, averageRanks, fisherCi, isAgentKpi, OUTCOMES, pearson, spearman, zScores, type Direction } from '@refunds/shared';
import { denominatorOf, metricValue } from '../../common/semantic/metric-query';
import { SCORECARD_METRICS, type AgentTally } from './agents.repository';
import type { AgentScorecard } from './models/agent-scorecard.model';
import type { AgentAlignment, IncentiveAlignment, KpiWeight } from './models/incentive.model';
import type { KpiCorrelation } from './models/kpi-correlation.model';

/**
 * z-scores (population sd) over the present values only; a missing value stays missing and does
 * not shift the mean or sd of the others. All zeros when the present values are constant.
 */
export function zScoresPresent(xs: readonly (number | null)[]): (number | null)[] {
  const present: number[] = [];
  for (const x of xs) if (x !== null) present.push(x);
  const z = zScores(present);
  let k = 0;
  return xs.map((x) => (x === null ? null : z[k++]));
}

/** 1 = highest value; tied values share the average of the ranks they span. */
export function ranksDescending(xs: readonly number[]): number[] {
  return averageRanks(xs.map((x) => -x));
}

export function meanOf(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * One agent's scorecard from its measure rows (real id, name and team; the service relabels them per
 * role): each KPI and outcome as the catalog computes it from its measures.
 */
export function scorecardOf({ agent_id, name, team, rows }: AgentTally, minCases: number): AgentScorecard {
  const v = (metric: (typeof SCORECARD_METRICS)[number]) => metricValue(metric, rows);
  const handled = v('handled') ?? 0;
  return {
    agentId: agent_id,
    name,
    team,
    insufficient: handled < minCases,
    handled,
    approvalRate: v('approvalRate'),
    rejectionRate: v('rejectionRate'),
    resolutionHours: v('resolutionHours'),
    escalationRate: v('escalationRate'),
    contactsPerRefund: v('contactsPerRefund'),
    reopenRate: v('reopenRate'),
    refundCostPerCase: v('refundCostPerCase'),
    csatAvg: v('csatAvg'),
    csatResponses: denominatorOf('csatAvg', rows),
    nps: v('nps'),
    npsResponses: denominatorOf('nps', rows),
    repurchaseRate: v('repurchaseRate'),
    repurchaseEligible: denominatorOf('repurchaseRate', rows),
  };
}

/** Every AGENT_KPIS x OUTCOMES pair over the agents where both values are present. */
export function correlationsOf(sufficient: readonly AgentScorecard[]): KpiCorrelation[] {
  const out: KpiCorrelation[] = [];
  for (const kpi of AGENT_KPIS) {
    for (const outcome of OUTCOMES) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (const c of sufficient) {
        const x = c[kpi];
        const y = c[outcome];
        if (x !== null && y !== null) {
          xs.push(x);
          ys.push(y);
        }
      }
      const r = pearson(xs, ys);
      const ci = r === null ? null : fisherCi(r, xs.length);
      out.push({ kpi, outcome, n: xs.length, pearson: r, pearsonLow: ci?.low ?? null, pearsonHigh: ci?.high ?? null, spearman: spearman(xs, ys) });
    }
  }
  return out;
}

function sign(d: Direction): 1 | -1 {
  switch (d) {
    case 'HIGHER_IS_BETTER':
      return 1;
    case 'LOWER_IS_BETTER':
      return -1;
  }
}

/**
 * Incentive score (weighted z-scores of the plan's KPIs, sign by direction) against outcome score
 * (mean z-score of the outcomes present) over the sufficient agents, and Spearman's rho between them.
 */
export function alignmentOf(
  agents: readonly AgentScorecard[],
  weights: readonly KpiWeight[],
  label: (agentId: string) => { agentId: string; name: string | null },
): Omit<IncentiveAlignment, 'plan'> {
  const incentive = agents.map(() => 0);
  for (const w of weights) {
    if (!isAgentKpi(w.kpi)) continue; // plans are validated on load and in the resolver
    const kpi = w.kpi;
    const z = zScoresPresent(agents.map((c) => c[kpi]));
    const s = sign(w.direction);
    z.forEach((zi, i) => (incentive[i] += w.weight * s * (zi ?? 0)));
  }

  const outcomeZ = OUTCOMES.map((o) => zScoresPresent(agents.map((c) => c[o])));
  const outcome = agents.map((_, i) => meanOf(outcomeZ.map((z) => z[i]).filter((z): z is number => z !== null)));

  const withOutcome = agents.map((_, i) => i).filter((i) => outcome[i] !== null);
  const incentiveRank = ranksDescending(incentive);
  const outcomeRanks = ranksDescending(withOutcome.map((i) => outcome[i]!));
  const outcomeRank = new Map(withOutcome.map((i, k) => [i, outcomeRanks[k]]));
  const alignment = spearman(
    withOutcome.map((i) => incentive[i]),
    withOutcome.map((i) => outcome[i]!),
  );

  const rows: Array<AgentAlignment & { order: number }> = agents.map((c, i) => {
    const l = label(c.agentId);
    return {
      agentId: l.agentId,
      name: l.name,
      incentiveScore: incentive[i],
      outcomeScore: outcome[i],
      incentiveRank: incentiveRank[i],
      outcomeRank: outcomeRank.get(i) ?? null,
      order: i,
    };
  });
  rows.sort((a, b) => a.incentiveRank - b.incentiveRank || a.order - b.order);
  return { alignment, n: withOutcome.length, agents: rows.map(({ order: _order, ...r }) => r) };
}
