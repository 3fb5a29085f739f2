import type { AgentTally } from './agents.repository';
import type { AgentScorecard } from './models/agent-scorecard.model';
import { alignmentOf, correlationsOf, ranksDescending, scorecardOf, zScoresPresent } from './scoring';

/** An agent's totals, written as people count them; `tally` turns them into measure rows per decision. */
interface Totals {
  agent_id: string;
  name: string | null;
  team: string | null;
  handled: number;
  approved_or_partial: number;
  rejected: number;
  res_mean: number | null;
  escalated: number;
  contacts_mean: number | null;
  reopened: number;
  refunded_sum: number;
  csat_n: number;
  csat_sum: number;
  nps_n: number;
  nps_pro: number;
  nps_det: number;
  rep_eligible: number;
  rep_yes: number;
}

const tally = (over: Partial<Totals>): AgentTally => {
  const t: Totals = {
    agent_id: 'A1',
    name: 'Ann',
    team: 'Wuhan',
    handled: 10,
    approved_or_partial: 7,
    rejected: 3,
    res_mean: 12.5,
    escalated: 2,
    contacts_mean: 1.4,
    reopened: 1,
    refunded_sum: 2500,
    csat_n: 4,
    csat_sum: 14,
    nps_n: 5,
    nps_pro: 3,
    nps_det: 1,
    rep_eligible: 8,
    rep_yes: 2,
    ...over,
  };
  // Every total but the decision counts sits on the approved row: the metrics add the decided rows.
  const approved = {
    decision: 'approved',
    n: t.approved_or_partial,
    res_sum: (t.res_mean ?? 0) * t.handled,
    res_n: t.res_mean === null ? 0 : t.handled,
    escalated: t.escalated,
    contacts_sum: (t.contacts_mean ?? 0) * t.handled,
    reopened: t.reopened,
    refunded_amount: t.refunded_sum,
    csat_n: t.csat_n,
    csat_sum: t.csat_sum,
    nps_n: t.nps_n,
    nps_pro: t.nps_pro,
    nps_det: t.nps_det,
    rep_eligible: t.rep_eligible,
    rep_yes: t.rep_yes,
  };
  return { agent_id: t.agent_id, name: t.name, team: t.team, rows: [approved, { decision: 'rejected', n: t.rejected }] };
};

/** A scorecard with every KPI and outcome missing unless given. */
const card = (agentId: string, over: Partial<AgentScorecard>): AgentScorecard => ({
  ...scorecardOf(
    tally({
      agent_id: agentId,
      name: null,
      team: null,
      handled: 50,
      approved_or_partial: 50,
      rejected: 0,
      res_mean: null,
      contacts_mean: null,
      csat_n: 0,
      nps_n: 0,
      rep_eligible: 0,
    }),
    30,
  ),
  approvalRate: null,
  rejectionRate: null,
  escalationRate: null,
  reopenRate: null,
  refundCostPerCase: null,
  ...over,
});

describe('scorecardOf', () => {
  test('rates over handled refunds, CSAT per response, NPS from promoters and detractors', () => {
    const c = scorecardOf(tally({}), 30);
    expect(c).toEqual({
      agentId: 'A1',
      name: 'Ann',
      team: 'Wuhan',
      insufficient: true, // 10 < 30
      handled: 10,
      approvalRate: 0.7,
      rejectionRate: 0.3,
      resolutionHours: 12.5,
      escalationRate: 0.2,
      contactsPerRefund: 1.4,
      reopenRate: 0.1,
      refundCostPerCase: 250,
      csatAvg: 3.5,
      csatResponses: 4,
      nps: 40, // 100 * (3 - 1) / 5
      npsResponses: 5,
      repurchaseRate: 0.25,
      repurchaseEligible: 8,
    });
    expect(scorecardOf(tally({}), 10).insufficient).toBe(false);
  });

  test('an empty denominator gives null, never 0', () => {
    const c = scorecardOf(tally({ csat_n: 0, csat_sum: 0, nps_n: 0, nps_pro: 0, nps_det: 0, rep_eligible: 0, rep_yes: 0 }), 1);
    expect([c.csatAvg, c.nps, c.repurchaseRate]).toEqual([null, null, null]);
  });
});

describe('zScoresPresent and ranksDescending', () => {
  test('missing values stay missing and do not move the others', () => {
    // present 0.1, 0.2, 0.3: mean 0.2, population sd sqrt(0.02 / 3)
    const z = zScoresPresent([0.1, null, 0.2, 0.3]);
    expect(z[1]).toBeNull();
    expect(z[0]).toBeCloseTo(-Math.sqrt(1.5), 12);
    expect(z[2]).toBeCloseTo(0, 12);
    expect(z[3]).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(zScoresPresent([4, 4, null])).toEqual([0, 0, null]);
  });

  test('1 is the highest; ties share the average rank', () => {
    expect(ranksDescending([1.2, 0, -1.2, 0])).toEqual([1, 2.5, 4, 2.5]);
  });
});

describe('correlationsOf', () => {
  const agents = [
    card('A1', { rejectionRate: 0.1, csatAvg: 4, escalationRate: 1, nps: 1 }),
    card('A2', { rejectionRate: 0.2, csatAvg: 3, escalationRate: 2, nps: 3 }),
    card('A3', { rejectionRate: 0.3, csatAvg: 2, escalationRate: 3, nps: 2 }),
    card('A4', { rejectionRate: 0.4, csatAvg: 1, escalationRate: 4, nps: 4 }),
    card('A5', { rejectionRate: null, csatAvg: 5, escalationRate: null, nps: null }),
  ];
  const rows = correlationsOf(agents);
  const get = (kpi: string, outcome: string) => rows.find((r) => r.kpi === kpi && r.outcome === outcome)!;

  test('one row per KPI x outcome, in catalog order', () => {
    expect(rows).toHaveLength(8 * 3);
    expect(rows.slice(0, 3).map((r) => `${r.kpi}/${r.outcome}`)).toEqual(['handled/csatAvg', 'handled/nps', 'handled/repurchaseRate']);
  });

  test('a perfect negative relation: r = rho = -1 with the point interval', () => {
    // A5 lacks the KPI, so n = 4
    expect(get('rejectionRate', 'csatAvg')).toEqual({
      kpi: 'rejectionRate',
      outcome: 'csatAvg',
      n: 4,
      pearson: -1,
      pearsonLow: -1,
      pearsonHigh: -1,
      spearman: -1,
    });
  });

  test('x = 1..4, y = 1,3,2,4: r = 4 / 5 = 0.8, Fisher interval tanh(atanh(0.8) -+ 1.959964 / sqrt(1))', () => {
    const c = get('escalationRate', 'nps');
    expect(c.n).toBe(4);
    expect(c.pearson).toBeCloseTo(0.8, 12);
    expect(c.spearman).toBeCloseTo(0.8, 12);
    expect(c.pearsonLow).toBeCloseTo(-0.6969534532496907, 12);
    expect(c.pearsonHigh).toBeCloseTo(0.9956002506023262, 12);
  });

  test('a constant side (handled is 50 for everyone) has no correlation', () => {
    expect(get('handled', 'csatAvg')).toMatchObject({ n: 5, pearson: null, pearsonLow: null, pearsonHigh: null, spearman: null });
  });
});

describe('alignmentOf', () => {
  // Plan: rejection rate, lower is better. rejectionRate 0.25, 0.5, 0.75 -> z = -1.2247, 0, 1.2247 (exactly 0:
  // binary fractions, so A2 ties with A4 for real), so the
  // incentive scores are 1.2247, 0, -1.2247; A4 has no rejection rate (z counts as 0, incentive 0).
  // Outcome: csatAvg 3, 5, 4 -> z = -1.2247, 1.2247, 0 (nps and repurchase missing); A4 has no outcome.
  const agents = [
    card('A1', { rejectionRate: 0.25, csatAvg: 3 }),
    card('A2', { rejectionRate: 0.5, csatAvg: 5 }),
    card('A3', { rejectionRate: 0.75, csatAvg: 4 }),
    card('A4', { rejectionRate: null, csatAvg: null }),
  ];
  const r = alignmentOf(agents, [{ kpi: 'rejectionRate', weight: 1, direction: 'LOWER_IS_BETTER' }], (id) => ({ agentId: id, name: `name ${id}` }));

  test('scores, ranks (ties averaged) and rho over the agents with an outcome', () => {
    // incentive ranks 1, 2.5, 4, 2.5; outcome ranks of A1..A3: 3, 1, 2;
    // rho over A1..A3: ranks (1,2,3) vs (3,1,2): 1 - 6 * (4 + 1 + 1) / (3 * 8) = -0.5
    expect(r.n).toBe(3);
    expect(r.alignment).toBeCloseTo(-0.5, 12);
    expect(r.agents.map((a) => [a.agentId, a.incentiveRank, a.outcomeRank])).toEqual([
      ['A1', 1, 3],
      ['A2', 2.5, 1],
      ['A4', 2.5, null],
      ['A3', 4, 2],
    ]);
    const a1 = r.agents[0];
    expect(a1.name).toBe('name A1');
    expect(a1.incentiveScore).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(a1.outcomeScore).toBeCloseTo(-Math.sqrt(1.5), 12);
    expect(r.agents[2].outcomeScore).toBeNull();
  });

  test('weights scale the score and HIGHER_IS_BETTER flips it', () => {
    const h = alignmentOf(agents, [{ kpi: 'rejectionRate', weight: 2, direction: 'HIGHER_IS_BETTER' }], (id) => ({ agentId: id, name: null }));
    expect(h.agents[0].agentId).toBe('A3');
    expect(h.agents[0].incentiveScore).toBeCloseTo(2 * Math.sqrt(1.5), 12);
    expect(h.alignment).toBeCloseTo(0.5, 12);
  });
});
