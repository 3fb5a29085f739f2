import { AGENT_KPIS } from '@refunds/shared';
import type * as G from '../common/generated/graphql';

export type Weight = G.IncentivePlansQuery['incentivePlans'][number]['weights'][number];

export interface AlignedAgent {
  agentId: string;
  incentiveScore: number | null;
  outcomeScore: number | null;
  incentiveRank: number | null;
  outcomeRank: number | null;
}

export interface AgentInfo {
  agentId: string;
  name: string | null;
  team: string | null;
  insufficient: boolean;
}

export interface RankMove {
  agentId: string;
  name: string | null;
  team: string | null;
  insufficient: boolean;
  currentRank: number | null;
  proposedRank: number | null;
  /** Places gained under the proposal (positive: moves up toward rank 1); null when either is unranked. */
  move: number | null;
  outcomeRank: number | null;
}

/** `kpi:weight:H|L` joined by commas, for the query string. */
export function encodeWeights(ws: readonly Weight[]): string {
  return ws
    .filter((w) => w.weight > 0)
    .map((w) => `${w.kpi}:${+w.weight.toFixed(4)}:${w.direction === 'LOWER_IS_BETTER' ? 'L' : 'H'}`)
    .join(',');
}

export function decodeWeights(s: string | null): Weight[] | null {
  if (!s) return null;
  const out: Weight[] = [];
  for (const part of s.split(',')) {
    const [kpi, w, d] = part.split(':');
    const weight = Number(w);
    if (!(AGENT_KPIS as readonly string[]).includes(kpi) || !Number.isFinite(weight) || weight <= 0) continue;
    if (out.some((x) => x.kpi === kpi)) continue;
    out.push({ kpi, weight, direction: d === 'L' ? 'LOWER_IS_BETTER' : 'HIGHER_IS_BETTER' });
  }
  return out.length ? out : null;
}

export function sameWeights(a: readonly Weight[], b: readonly Weight[]): boolean {
  return encodeWeights([...a].sort((x, y) => x.kpi.localeCompare(y.kpi))) === encodeWeights([...b].sort((x, y) => x.kpi.localeCompare(y.kpi)));
}

/** Ranks 1..n by score, highest first; ties share the best rank (competition ranking). Nulls are unranked. */
export function rankByScore(scores: ReadonlyMap<string, number | null>): Map<string, number> {
  const ranked = [...scores].filter((e): e is [string, number] => e[1] !== null && Number.isFinite(e[1])).sort((a, b) => b[1] - a[1]);
  const out = new Map<string, number>();
  ranked.forEach(([id, s], i) => {
    const prev = ranked[i - 1];
    out.set(id, prev && prev[1] === s ? out.get(prev[0])! : i + 1);
  });
  return out;
}

function ranksOf(agents: readonly AlignedAgent[]): Map<string, number> {
  if (agents.every((a) => a.incentiveRank !== null)) return new Map(agents.map((a) => [a.agentId, a.incentiveRank as number]));
  return rankByScore(new Map(agents.map((a) => [a.agentId, a.incentiveScore])));
}

/**
 * Joins the current and proposed alignments: every sufficient agent with both ranks and the move;
 * insufficient agents (from the scorecards) follow, never ranked. Sorted by the proposed rank.
 */
export function rankMoves(current: readonly AlignedAgent[], proposed: readonly AlignedAgent[] | null, info: readonly AgentInfo[]): RankMove[] {
  const cur = ranksOf(current);
  const prop = proposed ? ranksOf(proposed) : null;
  const byId = new Map(info.map((a) => [a.agentId, a]));
  const outcome = new Map(current.map((a) => [a.agentId, a.outcomeRank]));
  const ids = new Set([...current.map((a) => a.agentId), ...(proposed ?? []).map((a) => a.agentId)]);
  const rows: RankMove[] = [];
  for (const id of ids) {
    const a = byId.get(id);
    if (a?.insufficient) continue;
    const c = cur.get(id) ?? null;
    const p = prop ? (prop.get(id) ?? null) : null;
    rows.push({
      agentId: id,
      name: a?.name ?? null,
      team: a?.team ?? null,
      insufficient: false,
      currentRank: c,
      proposedRank: p,
      move: c !== null && p !== null ? c - p : null,
      outcomeRank: outcome.get(id) ?? null,
    });
  }
  const key = (r: RankMove) => r.proposedRank ?? r.currentRank ?? Number.MAX_SAFE_INTEGER;
  rows.sort((x, y) => key(x) - key(y) || x.agentId.localeCompare(y.agentId));
  for (const a of info) {
    if (!a.insufficient || ids.has(a.agentId)) continue;
    rows.push({ agentId: a.agentId, name: a.name, team: a.team, insufficient: true, currentRank: null, proposedRank: null, move: null, outcomeRank: null });
  }
  return rows;
}
