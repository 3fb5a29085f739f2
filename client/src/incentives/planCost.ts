import type { AlignedAgent } from './whatif';

export interface PlanRejections {
  /** agents the plan ranks in its top quarter (incentive rank <= ceil(n / 4)) */
  agents: number;
  /** refunds those agents rejected: handled x rejection rate, per agent */
  rejected: number;
}

/**
 * The rejected refunds of the agents a plan rewards most: what "the current plan's rejections"
 * means on the Incentives page. Ranks are 1 = highest incentive score; agents without a rank
 * (insufficient cases) are left out.
 */
export function planRejections(
  ranked: readonly AlignedAgent[],
  cards: ReadonlyArray<{ agentId: string; handled: number | null; rejectionRate: number | null }>,
): PlanRejections {
  const withRank = ranked.filter((a) => a.incentiveRank !== null);
  const cut = Math.ceil(withRank.length / 4);
  const top = new Set(withRank.filter((a) => (a.incentiveRank ?? Infinity) <= cut).map((a) => a.agentId));
  let rejected = 0;
  for (const c of cards) if (top.has(c.agentId)) rejected += Math.round((c.handled ?? 0) * (c.rejectionRate ?? 0));
  return { agents: top.size, rejected };
}
