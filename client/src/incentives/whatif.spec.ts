import { decodeWeights, encodeWeights, rankByScore, rankMoves, sameWeights, type AlignedAgent, type AgentInfo } from './whatif';

const agent = (agentId: string, score: number | null, rank: number | null, outcomeRank: number | null = null): AlignedAgent => ({
  agentId,
  incentiveScore: score,
  outcomeScore: null,
  incentiveRank: rank,
  outcomeRank,
});

describe('what-if rank moves', () => {
  const info: AgentInfo[] = [
    { agentId: 'A', name: 'Ann', team: 'T1', insufficient: false },
    { agentId: 'B', name: 'Bo', team: 'T1', insufficient: false },
    { agentId: 'C', name: 'Cy', team: 'T2', insufficient: false },
    { agentId: 'Z', name: 'Zed', team: 'T2', insufficient: true },
  ];

  test('moves are current rank minus proposed rank, sorted by the proposed rank', () => {
    const current = [agent('A', 2, 1, 3), agent('B', 1, 2, 1), agent('C', 0, 3, 2)];
    const proposed = [agent('A', -1, 3), agent('B', 3, 1), agent('C', 1, 2)];
    const rows = rankMoves(current, proposed, info);
    expect(rows.map((r) => [r.agentId, r.currentRank, r.proposedRank, r.move])).toEqual([
      ['B', 2, 1, 1],
      ['C', 3, 2, 1],
      ['A', 1, 3, -2],
      ['Z', null, null, null],
    ]);
    expect(rows[0]).toMatchObject({ name: 'Bo', outcomeRank: 1 });
  });

  test('insufficient agents are listed last and never ranked, even if the server sent them', () => {
    const current = [agent('A', 1, 1), agent('Z', 5, null)];
    const rows = rankMoves(current, null, info);
    expect(rows.find((r) => r.agentId === 'Z')).toBeUndefined();
    const withZ = rankMoves([agent('A', 1, 1)], null, info);
    expect(withZ[withZ.length - 1]).toMatchObject({ agentId: 'Z', insufficient: true, currentRank: null, move: null });
  });

  test('ranks from scores when the server gives none; ties share a rank', () => {
    const r = rankByScore(
      new Map([
        ['a', 1],
        ['b', 3],
        ['c', 3],
        ['d', null],
      ]),
    );
    expect(Object.fromEntries(r)).toEqual({ b: 1, c: 1, a: 3 });
    const rows = rankMoves([agent('A', 5, null), agent('B', 7, null)], [agent('A', 9, null), agent('B', 7, null)], info);
    expect(rows.slice(0, 2).map((x) => [x.agentId, x.move])).toEqual([
      ['A', 1],
      ['B', -1],
    ]);
  });

  test('weights survive the query string', () => {
    const ws = [
      { kpi: 'handled', weight: 0.5, direction: 'HIGHER_IS_BETTER' as const },
      { kpi: 'resolutionHours', weight: 0.25, direction: 'LOWER_IS_BETTER' as const },
    ];
    const s = encodeWeights(ws);
    expect(s).toBe('handled:0.5:H,resolutionHours:0.25:L');
    expect(decodeWeights(s)).toEqual(ws);
    expect(decodeWeights('bogus:1:H,handled:-1:H')).toBeNull();
    expect(sameWeights(ws, [...ws].reverse())).toBe(true);
  });
});
