import { planRejections } from './planCost';

describe('planRejections', () => {
  it("counts the rejected refunds of the plan's top quarter (worked by hand)", () => {
    const ranked = [
      { agentId: 'a', incentiveScore: 2, outcomeScore: 0, incentiveRank: 1, outcomeRank: 3 },
      { agentId: 'b', incentiveScore: 1, outcomeScore: 0, incentiveRank: 2, outcomeRank: 2 },
      { agentId: 'c', incentiveScore: 0, outcomeScore: 0, incentiveRank: 3, outcomeRank: 1 },
      { agentId: 'd', incentiveScore: -1, outcomeScore: 0, incentiveRank: 4, outcomeRank: 4 },
      { agentId: 'e', incentiveScore: -2, outcomeScore: 0, incentiveRank: 5, outcomeRank: 5 },
      { agentId: 'x', incentiveScore: null, outcomeScore: null, incentiveRank: null, outcomeRank: null },
    ];
    const cards = [
      { agentId: 'a', handled: 40, rejectionRate: 0.25 }, // 10
      { agentId: 'b', handled: 30, rejectionRate: 0.1 }, // 3
      { agentId: 'c', handled: 50, rejectionRate: 0.5 }, // not top: rank 3 > ceil(5 / 4) = 2
      { agentId: 'x', handled: 99, rejectionRate: 1 }, // insufficient, no rank
    ];
    expect(planRejections(ranked, cards)).toEqual({ agents: 2, rejected: 13 });
  });

  it('is empty without ranked agents', () => {
    expect(planRejections([], [{ agentId: 'a', handled: 10, rejectionRate: 1 }])).toEqual({ agents: 0, rejected: 0 });
  });
});
