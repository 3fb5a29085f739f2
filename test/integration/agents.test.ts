import { agent, order, refund, survey, type Row } from '../../etl/src/testing/factory';
import { ok, startTestServer, type TestServer } from '../support/server';
import { mulberry32 } from '@refunds/shared';
import type { IncentiveAlignment, KpiCorrelation } from '../support/api';

/*
 * Agent scorecards, KPI-outcome correlations and incentive alignment. Expected numbers are worked
 * out by hand (small fixture) or recomputed here from the raw rows with plain arithmetic
 * (randomized fixture); nothing below calls the server's statistics code.
 */

const KPIS = ['handled', 'approvalRate', 'rejectionRate', 'resolutionHours', 'escalationRate', 'contactsPerRefund', 'reopenRate', 'refundCostPerCase'] as const;
const OUTCOMES = ['csatAvg', 'nps', 'repurchaseRate'] as const;
type Kpi = (typeof KPIS)[number];
type Outcome = (typeof OUTCOMES)[number];
type Card = {
  agentId: string;
  name: string | null;
  team: string | null;
  insufficient: boolean;
  csatResponses: number;
  npsResponses: number;
  repurchaseEligible: number;
} & Record<Kpi, number> &
  Record<Outcome, number | null>;

const CARD_FIELDS = `agentId name team insufficient handled approvalRate rejectionRate resolutionHours escalationRate contactsPerRefund reopenRate
  refundCostPerCase csatAvg csatResponses nps npsResponses repurchaseRate repurchaseEligible`;
const Q_CARDS = `query($f: RefundFilter, $m: Int) { agentScorecards(filter: $f, minCases: $m) { ${CARD_FIELDS} } }`;
const Q_CORR = `query($f: RefundFilter, $m: Int) { kpiOutcomeCorrelations(filter: $f, minCases: $m) { kpi outcome n pearson pearsonLow pearsonHigh spearman } }`;
const Q_ALIGN = `query($f: RefundFilter, $m: Int, $p: String, $w: [KpiWeightInput!]) {
  incentiveAlignment(filter: $f, minCases: $m, planId: $p, weights: $w) {
    alignment n plan { planId source weights { kpi weight direction } }
    agents { agentId name incentiveScore outcomeScore incentiveRank outcomeRank } } }`;

// ---- independent plain-arithmetic statistics -------------------------------------------------

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function pearsonR(xs: number[], ys: number[]): number | null {
  if (xs.length < 2) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  });
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** Rank 1 = smallest, ties averaged (by counting, not by sorting). */
function ranksAsc(xs: number[]): number[] {
  return xs.map((x) => {
    const below = xs.filter((y) => y < x).length;
    const equal = xs.filter((y) => y === x).length;
    return below + (equal + 1) / 2;
  });
}
const ranksDesc = (xs: number[]) => ranksAsc(xs.map((x) => -x));
const spearmanRho = (xs: number[], ys: number[]) => pearsonR(ranksAsc(xs), ranksAsc(ys));

function fisher(r: number, n: number): [number, number] | null {
  if (n < 4) return null;
  const z = 0.5 * Math.log((1 + r) / (1 - r));
  const se = 1 / Math.sqrt(n - 3);
  return [Math.tanh(z - 1.959964 * se), Math.tanh(z + 1.959964 * se)];
}

/** z with the population sd over the present values; sd 0 -> 0. */
function zPresent(xs: (number | null)[]): (number | null)[] {
  const present = xs.filter((x): x is number => x !== null);
  const m = mean(present);
  const sd = Math.sqrt(present.reduce((a, x) => a + (x - m) ** 2, 0) / present.length);
  return xs.map((x) => (x === null ? null : sd === 0 ? 0 : (x - m) / sd));
}

interface Weight {
  kpi: Kpi;
  weight: number;
  direction: 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';
}

function expectedAlignment(cards: Card[], weights: Weight[]) {
  const suff = cards.filter((c) => !c.insufficient);
  const incentive = suff.map(() => 0);
  for (const w of weights) {
    const z = zPresent(suff.map((c) => c[w.kpi]));
    z.forEach((zi, i) => (incentive[i] += w.weight * (w.direction === 'LOWER_IS_BETTER' ? -1 : 1) * (zi ?? 0)));
  }
  const oz = OUTCOMES.map((o) => zPresent(suff.map((c) => c[o])));
  const outcome = suff.map((_, i) => {
    const present = oz.map((z) => z[i]).filter((z): z is number => z !== null);
    return present.length ? mean(present) : null;
  });
  const idx = suff.map((_, i) => i).filter((i) => outcome[i] !== null);
  const oRanks = ranksDesc(idx.map((i) => outcome[i]!));
  const iRanks = ranksDesc(incentive);
  const agents = new Map(
    suff.map((c, i) => [
      c.agentId,
      { incentiveScore: incentive[i], outcomeScore: outcome[i], incentiveRank: iRanks[i], outcomeRank: idx.includes(i) ? oRanks[idx.indexOf(i)] : null },
    ]),
  );
  return {
    n: idx.length,
    alignment:
      idx.length >= 2
        ? spearmanRho(
            idx.map((i) => incentive[i]),
            idx.map((i) => outcome[i]!),
          )
        : null,
    agents,
  };
}

function expectClose(actual: number | null | undefined, expected: number | null, label: string): void {
  if (expected === null) {
    if (actual !== null) throw new Error(`${label}: expected null, got ${actual}`);
    return;
  }
  if (typeof actual !== 'number' || Math.abs(actual - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
    throw new Error(`${label}: expected ${expected}, got ${actual}`);
  }
}

type AlignmentAnswer = Pick<IncentiveAlignment, 'n' | 'alignment' | 'agents'>;
type CorrelationAnswer = KpiCorrelation;

function checkAlignment(got: AlignmentAnswer, cards: Card[], weights: Weight[]): void {
  const exp = expectedAlignment(cards, weights);
  expect(got.n).toBe(exp.n);
  expectClose(got.alignment, exp.alignment, 'alignment');
  expect(got.agents).toHaveLength(exp.agents.size);
  for (const a of got.agents) {
    const e = exp.agents.get(a.agentId);
    if (!e) throw new Error(`unexpected agent ${a.agentId}`);
    expectClose(a.incentiveScore, e.incentiveScore, `${a.agentId} incentiveScore`);
    expectClose(a.outcomeScore, e.outcomeScore, `${a.agentId} outcomeScore`);
    expectClose(a.incentiveRank, e.incentiveRank, `${a.agentId} incentiveRank`);
    expectClose(a.outcomeRank, e.outcomeRank, `${a.agentId} outcomeRank`);
  }
  // listed by incentive rank
  const ranks = got.agents.map((a: { incentiveRank: number }) => a.incentiveRank);
  expect(ranks).toEqual([...ranks].sort((x: number, y: number) => x - y));
}

function checkCorrelations(got: CorrelationAnswer[], cards: Card[]): void {
  const suff = cards.filter((c) => !c.insufficient);
  expect(got.map((r) => `${r.kpi}/${r.outcome}`)).toEqual(KPIS.flatMap((k) => OUTCOMES.map((o) => `${k}/${o}`)));
  for (const r of got) {
    const pairs = suff.filter((c) => c[r.kpi as Kpi] !== null && c[r.outcome as Outcome] !== null);
    const xs = pairs.map((c) => c[r.kpi as Kpi]);
    const ys = pairs.map((c) => c[r.outcome as Outcome]!);
    const p = pearsonR(xs, ys);
    const ci = p === null ? null : fisher(p, xs.length);
    const label = `${r.kpi}/${r.outcome}`;
    expect(r.n).toBe(xs.length);
    expectClose(r.pearson, p, `${label} pearson`);
    expectClose(r.pearsonLow, ci ? ci[0] : null, `${label} low`);
    expectClose(r.pearsonHigh, ci ? ci[1] : null, `${label} high`);
    expectClose(r.spearman, spearmanRho(xs, ys), `${label} spearman`);
  }
}

async function productToken(s: TestServer): Promise<string> {
  return ok(await s.gql(`mutation { issueApiToken(userName: "pm", role: "product", label: "agents test") { token } }`)).issueApiToken.token;
}

function expectBadInput(r: { errors?: Array<{ message: string; extensions?: { code?: string } }> }, argument: RegExp): void {
  expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(r.errors?.[0].message).toMatch(argument);
}

// ---- small fixture, worked out by hand ---------------------------------------------------------

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const T0 = Date.parse('2024-03-01T00:00:00Z');

interface Spec {
  agent: string | null;
  decision: 'approved' | 'partial' | 'rejected' | 'pending';
  hours: number;
  contacts: number;
  esc?: boolean;
  reopen?: boolean;
  req?: number;
  paid?: number;
  csat?: number[];
  nps?: number[];
  /** An order by the same customer 5 days after the decision. */
  rebuy?: boolean;
  /** The refunded order itself placed 2 days after the decision (must not count as repurchase). */
  ownOrderAfter?: boolean;
  requestedAt?: number;
  channel?: string;
}

function build(specs: Spec[]): { refunds: Row[]; orders: Row[]; surveys: Row[] } {
  const refunds: Row[] = [];
  const orders: Row[] = [];
  const surveys: Row[] = [];
  specs.forEach((s, i) => {
    const id = `SR${i + 1}`;
    const req = s.requestedAt ?? T0;
    const decided = s.decision === 'pending' ? null : req + s.hours * HOUR;
    const requested = s.req ?? 100;
    const refunded = s.decision === 'pending' ? null : s.decision === 'rejected' ? 0 : (s.paid ?? requested);
    refunds.push(
      refund({
        refund_id: id,
        order_id: `SO${i + 1}`,
        customer_id: `SC${i + 1}`,
        agent_id: s.agent,
        channel: s.channel ?? 'web',
        requested_at: iso(req),
        decided_at: decided === null ? null : iso(decided),
        decision: s.decision,
        requested_amount: requested,
        refunded_amount: refunded,
        contacts: s.contacts,
        escalated: s.esc ?? false,
        reopened: s.reopen ?? false,
      }),
    );
    orders.push(order({ order_id: `SO${i + 1}`, customer_id: `SC${i + 1}`, ordered_at: iso(s.ownOrderAfter && decided ? decided + 2 * DAY : req - 10 * DAY) }));
    if (s.rebuy && decided) orders.push(order({ order_id: `SO${i + 1}-again`, customer_id: `SC${i + 1}`, ordered_at: iso(decided + 5 * DAY) }));
    for (const score of s.csat ?? []) surveys.push(survey({ refund_id: id, customer_id: `SC${i + 1}`, kind: 'csat', score }));
    for (const score of s.nps ?? []) surveys.push(survey({ refund_id: id, customer_id: `SC${i + 1}`, kind: 'nps', score }));
  });
  // The horizon: the latest ordered_at of all orders.
  orders.push(order({ order_id: 'HORIZON', customer_id: 'CH', ordered_at: '2024-12-31T00:00:00Z' }));
  return { refunds, orders, surveys };
}

const SMALL: Spec[] = [
  { agent: 'A1', decision: 'approved', hours: 10, contacts: 1, csat: [5], nps: [10], rebuy: true },
  { agent: 'A1', decision: 'approved', hours: 20, contacts: 1, csat: [5], nps: [9], rebuy: true },
  { agent: 'A1', decision: 'approved', hours: 30, contacts: 1, csat: [4] },
  { agent: 'A1', decision: 'rejected', hours: 40, contacts: 1, esc: true, csat: [2] },
  { agent: 'A1', decision: 'pending', hours: 0, contacts: 9, csat: [1], nps: [0] }, // not handled: pending
  { agent: 'A2', decision: 'approved', hours: 48, contacts: 2, csat: [3], rebuy: true },
  { agent: 'A2', decision: 'rejected', hours: 60, contacts: 3, esc: true, reopen: true, csat: [1], nps: [0] },
  { agent: 'A2', decision: 'rejected', hours: 24, contacts: 1, esc: true, csat: [2], nps: [7] },
  { agent: 'A2', decision: 'partial', hours: 12, contacts: 2, req: 100, paid: 50 },
  { agent: 'A3', decision: 'approved', hours: 6, contacts: 0, req: 100, csat: [5], nps: [10], rebuy: true },
  { agent: 'A3', decision: 'approved', hours: 6, contacts: 0, req: 200, csat: [5], nps: [10], rebuy: true },
  { agent: 'A3', decision: 'approved', hours: 12, contacts: 0, req: 300, reopen: true, csat: [5], nps: [6], rebuy: true },
  { agent: 'A4', decision: 'approved', hours: 24, contacts: 1, nps: [9], ownOrderAfter: true },
  { agent: 'A4', decision: 'approved', hours: 24, contacts: 2 },
  { agent: 'A4', decision: 'approved', hours: 24, contacts: 3 },
  { agent: 'A4', decision: 'approved', hours: 24, contacts: 4 },
  // decided 2024-12-11: + 30 days is after the horizon (2024-12-31) -> not eligible for repurchase
  { agent: 'A4', decision: 'rejected', hours: 24, contacts: 5, requestedAt: Date.parse('2024-12-10T00:00:00Z') },
  { agent: 'A5', decision: 'approved', hours: 24, contacts: 1, channel: 'app' },
  { agent: 'A5', decision: 'approved', hours: 24, contacts: 1, channel: 'app' },
  { agent: null, decision: 'approved', hours: 1, contacts: 7, csat: [1] }, // no agent: in no scorecard
];

const card = (c: Omit<Card, 'name' | 'team'> & { team: string }): Card => ({ ...c, name: `Agent ${c.agentId}` });

/** By hand from SMALL with minCases 3; listed by handled desc, then agentId. */
const SMALL_CARDS: Card[] = [
  // A4: 4 of 5 approved; contacts 1..5; cost (4 x 100 + 0) / 5; one NPS 9; eligible 4 (the December one is censored), none repurchased
  // (its own order after the decision does not count)
  card({
    agentId: 'A4',
    team: 'T2',
    insufficient: false,
    handled: 5,
    approvalRate: 0.8,
    rejectionRate: 0.2,
    resolutionHours: 24,
    escalationRate: 0,
    contactsPerRefund: 3,
    reopenRate: 0,
    refundCostPerCase: 80,
    csatAvg: null,
    csatResponses: 0,
    nps: 100,
    npsResponses: 1,
    repurchaseRate: 0,
    repurchaseEligible: 4,
  }),
  // A1: hours (10+20+30+40)/4; csat (5+5+4+2)/4; nps 10, 9 -> 2 promoters of 2; 2 of 4 repurchased; the pending one is ignored
  card({
    agentId: 'A1',
    team: 'T1',
    insufficient: false,
    handled: 4,
    approvalRate: 0.75,
    rejectionRate: 0.25,
    resolutionHours: 25,
    escalationRate: 0.25,
    contactsPerRefund: 1,
    reopenRate: 0,
    refundCostPerCase: 75,
    csatAvg: 4,
    csatResponses: 4,
    nps: 100,
    npsResponses: 2,
    repurchaseRate: 0.5,
    repurchaseEligible: 4,
  }),
  // A2: approved + partial = 2 of 4; hours (48+60+24+12)/4 = 36; contacts 8/4; cost (100+0+0+50)/4; csat 6/3; nps 0 (detractor), 7 (passive) -> -50
  card({
    agentId: 'A2',
    team: 'T1',
    insufficient: false,
    handled: 4,
    approvalRate: 0.5,
    rejectionRate: 0.5,
    resolutionHours: 36,
    escalationRate: 0.5,
    contactsPerRefund: 2,
    reopenRate: 0.25,
    refundCostPerCase: 37.5,
    csatAvg: 2,
    csatResponses: 3,
    nps: -50,
    npsResponses: 2,
    repurchaseRate: 0.25,
    repurchaseEligible: 4,
  }),
  // A3: hours (6+6+12)/3; cost 600/3; nps 10, 10, 6 -> 100 x (2 - 1) / 3
  card({
    agentId: 'A3',
    team: 'T2',
    insufficient: false,
    handled: 3,
    approvalRate: 1,
    rejectionRate: 0,
    resolutionHours: 8,
    escalationRate: 0,
    contactsPerRefund: 0,
    reopenRate: 1 / 3,
    refundCostPerCase: 200,
    csatAvg: 5,
    csatResponses: 3,
    nps: 100 / 3,
    npsResponses: 3,
    repurchaseRate: 1,
    repurchaseEligible: 3,
  }),
  // A5: 2 < minCases 3
  card({
    agentId: 'A5',
    team: 'T2',
    insufficient: true,
    handled: 2,
    approvalRate: 1,
    rejectionRate: 0,
    resolutionHours: 24,
    escalationRate: 0,
    contactsPerRefund: 1,
    reopenRate: 0,
    refundCostPerCase: 100,
    csatAvg: null,
    csatResponses: 0,
    nps: null,
    npsResponses: 0,
    repurchaseRate: 0,
    repurchaseEligible: 2,
  }),
];

function expectCards(got: Card[], expected: Card[]): void {
  expect(got.map((c) => c.agentId)).toEqual(expected.map((c) => c.agentId));
  got.forEach((g, i) => {
    const e = expected[i];
    expect({ agentId: g.agentId, name: g.name, team: g.team, insufficient: g.insufficient }).toEqual({
      agentId: e.agentId,
      name: e.name,
      team: e.team,
      insufficient: e.insufficient,
    });
    for (const k of [...KPIS, ...OUTCOMES, 'csatResponses', 'npsResponses', 'repurchaseEligible'] as const) expectClose(g[k], e[k], `${e.agentId}.${k}`);
  });
}

describe('agents: small fixture by hand', () => {
  let s: TestServer;
  beforeAll(async () => {
    const { refunds, orders, surveys } = build(SMALL);
    s = await startTestServer({
      agents: [
        agent({ agent_id: 'A1', name: 'Agent A1', team: 'T1' }),
        agent({ agent_id: 'A2', name: 'Agent A2', team: 'T1' }),
        agent({ agent_id: 'A3', name: 'Agent A3', team: 'T2' }),
        agent({ agent_id: 'A4', name: 'Agent A4', team: 'T2' }),
        agent({ agent_id: 'A5', name: 'Agent A5', team: 'T2' }),
      ],
      refunds,
      orders,
      surveys,
      incentive_plans: [
        {
          plan_id: 'P1',
          effective_from: '2024-01-01',
          effective_to: '2024-05-31',
          team: null,
          kpi: 'rejectionRate',
          weight: 0.5,
          direction: 'higher_is_better',
        },
        {
          plan_id: 'P1',
          effective_from: '2024-01-01',
          effective_to: '2024-05-31',
          team: null,
          kpi: 'resolutionHours',
          weight: 0.5,
          direction: 'lower_is_better',
        },
        { plan_id: 'P2', effective_from: '2024-06-01', effective_to: null, team: null, kpi: 'approvalRate', weight: 1, direction: 'higher_is_better' },
      ],
    });
  });
  afterAll(() => s.close());

  test('scorecards match the hand computation', async () => {
    expectCards(ok(await s.gql(Q_CARDS, { m: 3 })).agentScorecards, SMALL_CARDS);
  });

  test('default minCases 30 flags every agent insufficient; correlations and alignment then have no agents', async () => {
    const cards: Card[] = ok(await s.gql(Q_CARDS)).agentScorecards;
    expect(cards.every((c) => c.insufficient)).toBe(true);
    const corr = ok(await s.gql(Q_CORR)).kpiOutcomeCorrelations;
    expect(corr).toHaveLength(24);
    expect(corr.every((r: { n: number; pearson: number | null }) => r.n === 0 && r.pearson === null)).toBe(true);
    const al = ok(await s.gql(Q_ALIGN)).incentiveAlignment;
    expect(al).toMatchObject({ n: 0, alignment: null, agents: [] });
  });

  test('filters narrow the refunds: team T1, channel app', async () => {
    expectCards(
      ok(await s.gql(Q_CARDS, { m: 3, f: { teams: ['T1'] } })).agentScorecards,
      SMALL_CARDS.filter((c) => c.team === 'T1'),
    );
    const app: Card[] = ok(await s.gql(Q_CARDS, { m: 1, f: { channels: ['app'] } })).agentScorecards;
    expect(app.map((c) => [c.agentId, c.handled, c.insufficient])).toEqual([['A5', 2, false]]);
    // Only the December refund of A4 is requested from 2024-12-01: handled 1, not eligible for repurchase
    const dec: Card[] = ok(await s.gql(Q_CARDS, { m: 1, f: { from: '2024-12-01' } })).agentScorecards;
    expect(dec.map((c) => [c.agentId, c.handled, c.rejectionRate, c.repurchaseEligible, c.repurchaseRate])).toEqual([['A4', 1, 1, 0, null]]);
  });

  test('correlations over the four sufficient agents', async () => {
    const corr = ok(await s.gql(Q_CORR, { m: 3 })).kpiOutcomeCorrelations;
    checkCorrelations(corr, SMALL_CARDS);
    // By hand: csatAvg is missing for A4 -> n = 3 and no interval; nps and repurchase have all 4
    const ar = corr.find((r: { kpi: string; outcome: string }) => r.kpi === 'approvalRate' && r.outcome === 'repurchaseRate');
    expect(ar.n).toBe(4);
    // approvalRate (.8, .75, .5, 1) vs repurchase (0, .5, .25, 1): means .7625 and .4375
    // sxy = .0375*-.4375 + -.0125*.0625 + -.2625*-.1875 + .2375*.5625 = .165625; sxx = .126875; syy = .546875
    expect(ar.pearson).toBeCloseTo(0.165625 / Math.sqrt(0.126875 * 0.546875), 12);
    // ranks (3, 2, 1, 4) vs (1, 3, 2, 4): rho = 1 - 6 * (4 + 1 + 1 + 0) / (4 * 15) = 0.4
    expect(ar.spearman).toBeCloseTo(0.4, 12);
    const hc = corr.find((r: { kpi: string; outcome: string }) => r.kpi === 'handled' && r.outcome === 'csatAvg');
    expect(hc).toMatchObject({ n: 3, pearsonLow: null, pearsonHigh: null });
  });

  test('alignment with what-if weights', async () => {
    const weights: Weight[] = [{ kpi: 'approvalRate', weight: 1, direction: 'HIGHER_IS_BETTER' }];
    const al = ok(await s.gql(Q_ALIGN, { m: 3, w: weights })).incentiveAlignment;
    checkAlignment(al, SMALL_CARDS, weights);
    // approval 1 (A3) > .8 (A4) > .75 (A1) > .5 (A2)
    expect(al.agents.map((a: { agentId: string; incentiveRank: number }) => [a.agentId, a.incentiveRank])).toEqual([
      ['A3', 1],
      ['A4', 2],
      ['A1', 3],
      ['A2', 4],
    ]);
    expect(al.plan).toEqual({ planId: null, source: 'weights', weights });
  });

  test('alignment with a stored plan (lower_is_better flips the sign)', async () => {
    const al = ok(await s.gql(Q_ALIGN, { m: 3, p: 'P1' })).incentiveAlignment;
    const weights: Weight[] = [
      { kpi: 'rejectionRate', weight: 0.5, direction: 'HIGHER_IS_BETTER' },
      { kpi: 'resolutionHours', weight: 0.5, direction: 'LOWER_IS_BETTER' },
    ];
    expect(al.plan).toEqual({ planId: 'P1', source: 'planId', weights });
    checkAlignment(al, SMALL_CARDS, weights);
    // By hand for A3: rejection 0 -> z = (0 - .2375) / sd(.2, .25, .5, 0); hours 8 -> flipped z of (24, 25, 36, 8)
    const sdRej = Math.sqrt(((0.2 - 0.2375) ** 2 + (0.25 - 0.2375) ** 2 + (0.5 - 0.2375) ** 2 + 0.2375 ** 2) / 4);
    const sdHours = Math.sqrt(((24 - 23.25) ** 2 + (25 - 23.25) ** 2 + (36 - 23.25) ** 2 + (8 - 23.25) ** 2) / 4);
    const a3 = al.agents.find((a: { agentId: string }) => a.agentId === 'A3');
    expect(a3.incentiveScore).toBeCloseTo(0.5 * (-0.2375 / sdRej) - 0.5 * ((8 - 23.25) / sdHours), 12);
  });

  test('without planId or weights: the plan in effect at the end of the filter range', async () => {
    const latest = ok(await s.gql(Q_ALIGN, { m: 3 })).incentiveAlignment.plan;
    expect(latest).toMatchObject({ planId: 'P2', source: 'inEffect' });
    // to is exclusive: the last day of [.., 2024-06-01) is 05-31, before P2 starts
    const before = ok(await s.gql(Q_ALIGN, { m: 1, f: { from: '2024-01-01', to: '2024-06-01' } })).incentiveAlignment.plan;
    expect(before).toMatchObject({ planId: 'P1', source: 'inEffect' });
    const after = ok(await s.gql(Q_ALIGN, { m: 1, f: { from: '2024-01-01', to: '2024-06-02' } })).incentiveAlignment.plan;
    expect(after).toMatchObject({ planId: 'P2', source: 'inEffect' });
    // every plan starts after the range: the earliest one
    const early = ok(await s.gql(Q_ALIGN, { m: 1, f: { to: '2023-06-01' } })).incentiveAlignment.plan;
    expect(early).toMatchObject({ planId: 'P1', source: 'inEffect' });
  });

  test('weights win over planId, which is echoed', async () => {
    const weights: Weight[] = [{ kpi: 'handled', weight: 2, direction: 'LOWER_IS_BETTER' }];
    const al = ok(await s.gql(Q_ALIGN, { m: 3, p: 'P1', w: weights })).incentiveAlignment;
    expect(al.plan).toEqual({ planId: 'P1', source: 'weights', weights });
    checkAlignment(al, SMALL_CARDS, weights);
  });

  test('incentivePlans lists the plans with their weights', async () => {
    const plans = ok(await s.gql(`{ incentivePlans { planId effectiveFrom effectiveTo team weights { kpi weight direction } } }`)).incentivePlans;
    expect(plans).toEqual([
      {
        planId: 'P1',
        effectiveFrom: '2024-01-01',
        effectiveTo: '2024-05-31',
        team: null,
        weights: [
          { kpi: 'rejectionRate', weight: 0.5, direction: 'HIGHER_IS_BETTER' },
          { kpi: 'resolutionHours', weight: 0.5, direction: 'LOWER_IS_BETTER' },
        ],
      },
      {
        planId: 'P2',
        effectiveFrom: '2024-06-01',
        effectiveTo: null,
        team: null,
        weights: [{ kpi: 'approvalRate', weight: 1, direction: 'HIGHER_IS_BETTER' }],
      },
    ]);
  });

  test('the product role sees agents as ranks only', async () => {
    const token = await productToken(s);
    const cards: Card[] = ok(await s.gql(Q_CARDS, { m: 3 }, token)).agentScorecards;
    expect(cards.map((c) => [c.agentId, c.name, c.team, c.handled])).toEqual([
      ['rank-1', null, null, 5],
      ['rank-2', null, null, 4],
      ['rank-3', null, null, 4],
      ['rank-4', null, null, 3],
      ['rank-5', null, null, 2],
    ]);
    expectClose(cards[2].refundCostPerCase, 37.5, 'rank-3 (A2) cost');
    const al = ok(await s.gql(Q_ALIGN, { m: 3, w: [{ kpi: 'approvalRate', weight: 1, direction: 'HIGHER_IS_BETTER' }] }, token)).incentiveAlignment;
    // A3, A4, A1, A2 by incentive rank -> their scorecard ranks 4, 1, 2, 3
    expect(al.agents.map((a: { agentId: string; name: string | null }) => [a.agentId, a.name])).toEqual([
      ['rank-4', null],
      ['rank-1', null],
      ['rank-2', null],
      ['rank-3', null],
    ]);
    const json = JSON.stringify([cards, al]);
    for (const id of ['A1', 'A2', 'A3', 'A4', 'A5']) expect(json).not.toContain(`"${id}"`);
    const r = await s.gql(Q_CARDS, { m: 3, f: { agentIds: ['A1'] } }, token);
    expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  test('bad arguments give BAD_USER_INPUT naming the argument', async () => {
    expectBadInput(await s.gql(Q_ALIGN, { p: 'NOPE' }), /planId/);
    expectBadInput(await s.gql(Q_ALIGN, { w: [{ kpi: 'csatAvg', weight: 1, direction: 'HIGHER_IS_BETTER' }] }), /weights.*csatAvg/);
    expectBadInput(await s.gql(Q_ALIGN, { w: [{ kpi: 'speed', weight: 1, direction: 'HIGHER_IS_BETTER' }] }), /weights.*speed/);
    expectBadInput(await s.gql(Q_ALIGN, { w: [{ kpi: 'handled', weight: 0, direction: 'HIGHER_IS_BETTER' }] }), /weights.*handled/);
    expectBadInput(await s.gql(Q_ALIGN, { w: [{ kpi: 'handled', weight: -1, direction: 'HIGHER_IS_BETTER' }] }), /weights/);
    expectBadInput(
      await s.gql(Q_ALIGN, {
        w: [
          { kpi: 'handled', weight: 1, direction: 'HIGHER_IS_BETTER' },
          { kpi: 'handled', weight: 1, direction: 'LOWER_IS_BETTER' },
        ],
      }),
      /weights.*twice/,
    );
    expectBadInput(await s.gql(Q_ALIGN, { w: [] }), /weights/);
    expectBadInput(await s.gql(Q_ALIGN, { p: 'NOPE', w: [{ kpi: 'handled', weight: 1, direction: 'HIGHER_IS_BETTER' }] }), /planId/);
    for (const q of [Q_CARDS, Q_CORR, Q_ALIGN]) {
      expectBadInput(await s.gql(q, { m: 0 }), /minCases/);
      expectBadInput(await s.gql(q, { m: 100_001 }), /minCases/);
      expectBadInput(await s.gql(q, { f: { from: '2024-05-01', to: '2024-04-01' } }), /from/);
    }
    const dir = await s.gql(Q_ALIGN, { w: [{ kpi: 'handled', weight: 1, direction: 'higher_is_better' }] });
    expect(dir.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('without a token: UNAUTHENTICATED', async () => {
    const r = await s.gql(Q_CARDS, {}, null);
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

// ---- randomized fixture against an independent computation -------------------------------------

interface RawRefund {
  refund_id: string;
  order_id: string;
  customer_id: string;
  agent_id: string | null;
  channel: string;
  requested: number;
  decided: number | null;
  decision: string;
  requested_amount: number;
  refunded_amount: number | null;
  contacts: number;
  escalated: boolean;
  reopened: boolean;
}
interface RawOrder {
  order_id: string;
  customer_id: string;
  t: number;
}
interface RawSurvey {
  refund_id: string | null;
  kind: 'csat' | 'nps';
  score: number;
}

function randomWorld(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const agents = Array.from({ length: 14 }, (_, i) => ({
    agent_id: `X${String(i + 1).padStart(2, '0')}`,
    name: `Random ${i + 1}`,
    team: i % 3 === 0 ? 'North' : 'South',
  }));
  const start = Date.parse('2024-01-01T00:00:00Z');
  const refunds: RawRefund[] = [];
  const orders: RawOrder[] = [];
  const surveys: RawSurvey[] = [];
  let n = 0;
  agents.forEach((a, ai) => {
    // agent-level leanings so KPIs and outcomes correlate a little
    const strict = rnd();
    const count = ai === 13 ? 4 : 15 + Math.floor(rnd() * 40);
    for (let k = 0; k < count + 3; k++) {
      n++;
      const customer = rnd() < 0.15 && n > 5 ? `RC${1 + Math.floor(rnd() * (n - 1))}` : `RC${n}`;
      const requested = start + Math.floor(rnd() * 300) * DAY + Math.floor(rnd() * 86_400) * 1000;
      const agentId = k >= count ? null : a.agent_id;
      const u = rnd();
      const decision = u < 0.05 ? 'pending' : u < 0.08 ? 'withdrawn' : rnd() < strict * 0.6 ? 'rejected' : rnd() < 0.15 ? 'partial' : 'approved';
      const decided = decision === 'pending' ? null : requested + Math.floor(rnd() * 120 * 3600) * 1000;
      const amount = Math.round(rnd() * 100_000) / 100;
      const refunded =
        decision === 'pending'
          ? null
          : decision === 'rejected'
            ? 0
            : decision === 'partial'
              ? Math.round(amount * rnd() * 100) / 100
              : decision === 'withdrawn'
                ? rnd() < 0.5
                  ? null
                  : 0
                : amount;
      const r: RawRefund = {
        refund_id: `RR${n}`,
        order_id: `RO${n}`,
        customer_id: customer,
        agent_id: agentId,
        channel: pick(['web', 'app', 'phone']),
        requested,
        decided,
        decision,
        requested_amount: amount,
        refunded_amount: refunded,
        contacts: Math.floor(rnd() * 6),
        escalated: rnd() < 0.1 + strict * 0.1,
        reopened: rnd() < 0.08,
      };
      refunds.push(r);
      orders.push({ order_id: r.order_id, customer_id: customer, t: requested - Math.floor(rnd() * 20 + 1) * DAY });
      if (decided !== null) {
        const v = rnd();
        // exactly at the decision (not after), exactly at + 30 days (counts), inside, outside
        const offset =
          v < 0.05
            ? 0
            : v < 0.1
              ? 30 * DAY
              : v < 0.45 * (1.3 - strict)
                ? Math.floor(rnd() * 29 * DAY) + 1000
                : v < 0.7
                  ? 31 * DAY + Math.floor(rnd() * 60 * DAY)
                  : null;
        if (offset !== null) orders.push({ order_id: `RO${n}-b`, customer_id: customer, t: decided + offset });
      }
      if (rnd() < 0.55)
        surveys.push({
          refund_id: r.refund_id,
          kind: 'csat',
          score: Math.min(5, Math.max(1, Math.round(1 + rnd() * 4 - strict * 1.5 + (decision === 'rejected' ? -1 : 0.5)))),
        });
      if (rnd() < 0.1) surveys.push({ refund_id: r.refund_id, kind: 'csat', score: 1 + Math.floor(rnd() * 5) });
      if (rnd() < 0.35) surveys.push({ refund_id: r.refund_id, kind: 'nps', score: Math.floor(rnd() * 11) });
    }
  });
  surveys.push({ refund_id: null, kind: 'csat', score: 1 });
  return { agents, refunds, orders, surveys };
}

type World = ReturnType<typeof randomWorld>;

interface Filter {
  from?: string;
  to?: string;
  channels?: string[];
}

function independentCards(w: World, minCases: number, f: Filter = {}): Card[] {
  const W = 30 * DAY;
  const horizon = Math.max(...w.orders.map((o) => o.t));
  const from = f.from ? Date.parse(`${f.from}T00:00:00Z`) : -Infinity;
  const to = f.to ? Date.parse(`${f.to}T00:00:00Z`) : Infinity;
  const cards: Card[] = [];
  for (const a of w.agents) {
    const rs = w.refunds.filter(
      (r) =>
        r.agent_id === a.agent_id &&
        ['approved', 'partial', 'rejected'].includes(r.decision) &&
        r.requested >= from &&
        r.requested < to &&
        (!f.channels || f.channels.includes(r.channel)),
    );
    if (rs.length === 0) continue;
    const ids = new Set(rs.map((r) => r.refund_id));
    const csat = w.surveys.filter((s) => s.kind === 'csat' && s.refund_id !== null && ids.has(s.refund_id)).map((s) => s.score);
    const nps = w.surveys.filter((s) => s.kind === 'nps' && s.refund_id !== null && ids.has(s.refund_id)).map((s) => s.score);
    const eligible = rs.filter((r) => r.decided! + W <= horizon);
    const repurchased = eligible.filter((r) =>
      w.orders.some((o) => o.customer_id === r.customer_id && o.order_id !== r.order_id && o.t > r.decided! && o.t <= r.decided! + W),
    );
    const h = rs.length;
    cards.push({
      agentId: a.agent_id,
      name: a.name,
      team: a.team,
      insufficient: h < minCases,
      handled: h,
      approvalRate: rs.filter((r) => r.decision !== 'rejected').length / h,
      rejectionRate: rs.filter((r) => r.decision === 'rejected').length / h,
      resolutionHours: rs.reduce((s, r) => s + (r.decided! - r.requested) / HOUR, 0) / h,
      escalationRate: rs.filter((r) => r.escalated).length / h,
      contactsPerRefund: rs.reduce((s, r) => s + r.contacts, 0) / h,
      reopenRate: rs.filter((r) => r.reopened).length / h,
      refundCostPerCase: rs.reduce((s, r) => s + (r.refunded_amount ?? 0), 0) / h,
      csatAvg: csat.length ? csat.reduce((x, y) => x + y, 0) / csat.length : null,
      csatResponses: csat.length,
      nps: nps.length ? (100 * (nps.filter((x) => x >= 9).length - nps.filter((x) => x <= 6).length)) / nps.length : null,
      npsResponses: nps.length,
      repurchaseRate: eligible.length ? repurchased.length / eligible.length : null,
      repurchaseEligible: eligible.length,
    });
  }
  return cards.sort((x, y) => y.handled - x.handled || (x.agentId < y.agentId ? -1 : 1));
}

describe('agents: randomized fixture against an independent computation', () => {
  const world = randomWorld(20240917);
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      agents: world.agents.map((a) => agent(a)),
      refunds: world.refunds.map((r) =>
        refund({
          ...r,
          requested: undefined,
          decided: undefined,
          requested_at: iso(r.requested),
          decided_at: r.decided === null ? null : iso(r.decided),
          // keep the refund's own row shape: booleans as true/false
        }),
      ),
      orders: world.orders.map((o) => order({ order_id: o.order_id, customer_id: o.customer_id, ordered_at: iso(o.t), amount: 50 })),
      surveys: world.surveys.map((x, i) => survey({ survey_id: `RS${i}`, refund_id: x.refund_id, customer_id: 'RCX', kind: x.kind, score: x.score })),
    });
  });
  afterAll(() => s.close());

  const filters: Array<[string, Filter, number]> = [
    ['no filter', {}, 20],
    ['channels and time range', { channels: ['web', 'app'], from: '2024-03-01', to: '2024-09-01' }, 8],
  ];

  test.each(filters)('scorecards, correlations and alignment: %s', async (_label, f, minCases) => {
    const expected = independentCards(world, minCases, f);
    expect(expected.filter((c) => !c.insufficient).length).toBeGreaterThanOrEqual(8);
    expect(expected.some((c) => c.insufficient)).toBe(true);
    const cards: Card[] = ok(await s.gql(Q_CARDS, { m: minCases, f })).agentScorecards;
    expectCards(cards, expected);

    checkCorrelations(ok(await s.gql(Q_CORR, { m: minCases, f })).kpiOutcomeCorrelations, expected);

    const weights: Weight[] = [
      { kpi: 'rejectionRate', weight: 0.5, direction: 'HIGHER_IS_BETTER' },
      { kpi: 'refundCostPerCase', weight: 0.3, direction: 'LOWER_IS_BETTER' },
      { kpi: 'resolutionHours', weight: 0.2, direction: 'LOWER_IS_BETTER' },
      { kpi: 'escalationRate', weight: 1.5, direction: 'LOWER_IS_BETTER' },
    ];
    checkAlignment(ok(await s.gql(Q_ALIGN, { m: minCases, f, w: weights })).incentiveAlignment, expected, weights);
  });

  test('product role: the same numbers under rank labels', async () => {
    const token = await productToken(s);
    const admin: Card[] = ok(await s.gql(Q_CARDS, { m: 20 })).agentScorecards;
    const product: Card[] = ok(await s.gql(Q_CARDS, { m: 20 }, token)).agentScorecards;
    expect(product.map((c) => c.agentId)).toEqual(admin.map((_, i) => `rank-${i + 1}`));
    expect(product.map((c) => ({ ...c, agentId: null }))).toEqual(admin.map((c) => ({ ...c, agentId: null, name: null, team: null })));
  });

  test('no incentive plans loaded and no weights: BAD_USER_INPUT', async () => {
    expectBadInput(await s.gql(Q_ALIGN, { m: 20 }), /planId/);
    expect(ok(await s.gql(`{ incentivePlans { planId } }`)).incentivePlans).toEqual([]);
  });
});
