/**
 * Cross-check of the GraphQL API against the independent reference implementation in
 * test/reference (written from /work/shared/spec/metrics.md and data-contract.md only).
 *
 * A generated data set (seed 11, 6000 refunds) plus hand-made edge rows (all requested in 2026,
 * after the generated refunds, so `from: 2026-01-01` isolates them) is loaded through the real
 * loader into the real server; every query is recomputed by the reference from the raw CSV files
 * and compared field by field: counts exactly, numbers to 9 decimals (|diff| < 5e-10, the
 * toBeCloseTo(x, 9) rule) or, for large amounts, to 12 significant digits (a double sum of a few
 * thousand amounts cannot be exact to 1e-9 absolute), nulls exactly. Each test collects all field
 * differences of one query x filter and asserts the list is empty, so a failure names every field.
 *
 * Requires the built ETL and server:
 *   cd /work/main && npx tsc -p etl/tsconfig.build.json && npx tsc -p server/tsconfig.build.json
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../../etl/src/generate/generate';
import { ok, startTestServer, type TestServer } from '../support/server';
import { append, EDGE_FX, EDGE_ORDERS, EDGE_REFUNDS, EDGE_SURVEYS, REFUND_COLUMNS } from '../support/edge-rows';
import {
  AMOUNT_BANDS,
  channelConsistency,
  chiSquareSurvival,
  poissonUpperTail,
  customerExperience,
  dimensionKey,
  filterRefunds,
  loadDataset,
  overview,
  reasonTrends,
  refundSpikes,
  refundTrend,
  rejectionEconomics,
  rejectionEffect,
  repurchaseAfterRefund,
  repurchaseOutcome,
  spikeCandidates,
  type DimensionName,
  type GrainName,
  type RefDataset,
  type RefTrendPoint,
  type RefundFilter,
} from '../reference/metrics';

// ---------------------------------------------------------------------------------------------
// Comparison helpers

interface Diff {
  path: string;
  api: unknown;
  ref: unknown;
}

class Comparer {
  readonly diffs: Diff[] = [];

  private add(path: string, api: unknown, ref: unknown): void {
    this.diffs.push({ path, api, ref });
  }

  /** A number (or null): null must match null; else toBeCloseTo(ref, 9), or 12 significant digits for large values. */
  num(path: string, api: unknown, ref: number | null): void {
    if (ref === null || api === null || api === undefined) {
      if (!(ref === null && api === null)) this.add(path, api, ref);
      return;
    }
    if (typeof api !== 'number') {
      this.add(path, api, ref);
      return;
    }
    const d = Math.abs(api - ref);
    if (d < 5e-10 || d <= 1e-12 * Math.max(Math.abs(api), Math.abs(ref))) return;
    this.add(path, api, ref);
  }

  /** Exact equality (counts, strings, booleans, null). */
  eq(path: string, api: unknown, ref: unknown): void {
    if (api !== ref) this.add(path, api, ref);
  }

  /** Compares two keyed collections: keys must match, then `each` compares the pairs. */
  keyed<A, R>(path: string, api: readonly A[], ref: readonly R[], keyA: (a: A) => string, keyR: (r: R) => string, each: (p: string, a: A, r: R) => void): void {
    const am = new Map<string, A>();
    for (const a of api) {
      const k = keyA(a);
      if (am.has(k)) this.add(`${path}[${k}]`, 'duplicate key in API', null);
      am.set(k, a);
    }
    const rm = new Map(ref.map((r) => [keyR(r), r] as const));
    for (const [k, r] of rm) {
      const a = am.get(k);
      if (a === undefined) this.add(`${path}[${k}]`, 'missing in API', r);
      else each(`${path}[${k}]`, a, r);
    }
    for (const [k, a] of am) if (!rm.has(k)) this.add(`${path}[${k}]`, a, 'missing in reference');
  }
}

function expectNoDiffs(c: Comparer): void {
  expect(c.diffs).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Edge rows appended to the generated CSV files: test/support/edge-rows.ts (the ClickHouse cross-check loads them too)

/** The hand-made RX rows: requested in 2026 on these channels (the RY rows use store / marketplace). */
const EDGE: RefundFilter = { from: '2026-01-01', channels: ['web', 'app', 'chat', 'phone'] };

// ---------------------------------------------------------------------------------------------
// Queries

const FILTERS: ReadonlyArray<{ name: string; f: RefundFilter }> = [
  { name: 'unfiltered', f: {} },
  { name: 'Q1 2025, app + chat', f: { from: '2025-01-01', to: '2025-04-01', channels: ['app', 'chat'] } },
  { name: 'team Shanghai', f: { teams: ['Shanghai'] } },
  { name: 'electronics x defect reasons', f: { productLines: ['electronics'], reasonCodes: ['defective', 'quality_defect', 'damaged'] } },
  { name: 'campaign 618', f: { campaigns: ['618'] } },
  { name: 'agents A03, A17, A33 in 2024-H2', f: { agentIds: ['A03', 'A17', 'A33'], from: '2024-07-01', to: '2025-01-01' } },
  { name: 'edge rows (2026)', f: { from: '2026-01-01' } },
  { name: 'mid-week range (spike weeks by Monday)', f: { from: '2025-02-05', to: '2025-02-12' } },
  { name: 'range without data', f: { from: '2030-01-01', to: '2030-02-01' } },
  {
    name: 'reason + campaign + team, 2025',
    f: { reasonCodes: ['changed_mind', 'size'], campaigns: ['singles_day', '618'], teams: ['Wuhan', 'Chengdu'], from: '2025-01-01', to: '2026-01-01' },
  },
];

const OVERVIEW_Q = `query($f: RefundFilter) { overview(filter: $f) { refunds decided refundedAmount approvalRate rejectionRate partialRate
  orders refundRate slaMetRate overduePending payoutFailureRate evidenceCompleteRate reviewGapCount csatAvg csatRate nps
  repurchaseRate repurchaseEligible resolutionHoursMean resolutionHoursP50 resolutionHoursP90 } }`;
const TRENDS_Q = `query($f: RefundFilter, $g: Grain) { reasonTrends(filter: $f, grain: $g) { period reasonCode reasonFamily refunds refundedAmount share } }`;
const SPIKES_Q = `query($f: RefundFilter, $m: Int, $a: Float) { refundSpikes(filter: $f, minCount: $m, alpha: $a) { productId productLine week count expected ratio pValue topReasonCode } }`;
const CONSISTENCY_Q = `query($f: RefundFilter, $m: Int, $g: Float) { channelConsistency(filter: $f, minCases: $m, gapThreshold: $g) { inconsistencyRate comparableCohorts inconsistentCohorts
  cohorts { reasonCode productLine amountBand gap pValue inconsistent channels { channel n approvalRate } } } }`;
const EXPERIENCE_Q = `query($f: RefundFilter, $d: Dimension, $gr: Grain) { customerExperience(filter: $f, groupBy: $d, grain: $gr) { key csatAvg csatRate csatResponses nps npsResponses } }`;
const REPURCHASE_Q = `query($f: RefundFilter, $w: Int, $d: Dimension, $gr: Grain) { repurchaseAfterRefund(filter: $f, windowDays: $w, groupBy: $d, grain: $gr) { key eligible repurchased repurchaseRate repurchaseRevenue } }`;
const REFUND_TREND_Q = `query($f: RefundFilter, $g: Grain) { refundTrend(filter: $f, grain: $g) { period refunds decided approvalRate rejectionRate refundedAmount } }`;
const ECONOMICS_Q = `query($f: RefundFilter, $w: Int) { rejectionEconomics(filter: $f, windowDays: $w) { savings revenueGap net rejectedCount eligible
  approvedRepurchaseRevenue rejectedRepurchaseRevenue } }`;

const EFFECT_Q = `query($f: RefundFilter, $w: Int) { rejectionEffect(filter: $f, windowDays: $w) { att attLow attHigh rateAtt rateLow rateHigh
  naiveGap rateNaiveGap matchedRejected matchedStrata coverage lostRevenue savings net } }`;

type Num = number | null;
interface ApiOverview {
  refunds: number;
  decided: number;
  refundedAmount: number;
  approvalRate: Num;
  rejectionRate: Num;
  partialRate: Num;
  orders: number | null;
  refundRate: Num;
  slaMetRate: Num;
  overduePending: number;
  payoutFailureRate: Num;
  evidenceCompleteRate: Num;
  reviewGapCount: number;
  csatAvg: Num;
  csatRate: Num;
  nps: Num;
  repurchaseRate: Num;
  repurchaseEligible: number;
  resolutionHoursMean: Num;
  resolutionHoursP50: Num;
  resolutionHoursP90: Num;
}
interface ApiTrend {
  period: string;
  reasonCode: string;
  reasonFamily: string;
  refunds: number;
  refundedAmount: number;
  share: number;
}
interface ApiSpike {
  productId: string;
  productLine: string | null;
  week: string;
  count: number;
  expected: number;
  ratio: number;
  pValue: number;
  topReasonCode: string | null;
}
interface ApiCohort {
  reasonCode: string;
  productLine: string | null;
  amountBand: string;
  gap: number;
  pValue: Num;
  inconsistent: boolean;
  channels: Array<{ channel: string; n: number; approvalRate: Num }>;
}
interface ApiConsistency {
  inconsistencyRate: Num;
  comparableCohorts: number;
  inconsistentCohorts: number;
  cohorts: ApiCohort[];
}
interface ApiExperience {
  key: string | null;
  csatAvg: Num;
  csatRate: Num;
  csatResponses: number;
  nps: Num;
  npsResponses: number;
}
interface ApiRepurchase {
  key: string | null;
  eligible: number;
  repurchased: number;
  repurchaseRate: Num;
  repurchaseRevenue: Num;
}
interface ApiEconomics {
  savings: number;
  revenueGap: Num;
  net: Num;
  rejectedCount: number;
  eligible: number;
  approvedRepurchaseRevenue: Num;
  rejectedRepurchaseRevenue: Num;
}

/** Resolution-time statistics (not part of the reference module's overview: percentile definition is ours). */
function resolutionStats(ds: RefDataset, f: RefundFilter): { mean: Num; p50: Num; p90: Num } {
  // metrics.md: mean, median (p50) and p90 of hours requested_at -> decided_at over decided refunds.
  // Reading: continuous quantile with linear interpolation between order statistics (h[(n-1)q]).
  const hours = filterRefunds(ds, f)
    .filter((r) => (r.decision === 'approved' || r.decision === 'partial' || r.decision === 'rejected') && r.decidedAt !== null)
    .map((r) => ((r.decidedAt as number) - r.requestedAt) / 3_600_000)
    .sort((a, b) => a - b);
  if (hours.length === 0) return { mean: null, p50: null, p90: null };
  const q = (p: number): number => {
    const pos = (hours.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return hours[lo] + (hours[hi] - hours[lo]) * (pos - lo);
  };
  return { mean: hours.reduce((a, b) => a + b, 0) / hours.length, p50: q(0.5), p90: q(0.9) };
}

const bandLabel = (i: number): string => {
  const b = AMOUNT_BANDS[i];
  return `[${b.lo},${b.hi === null ? 'inf' : b.hi})`;
};

// ---------------------------------------------------------------------------------------------

describe('cross-check: API vs independent reference (seed 11, 6000 refunds + edge rows)', () => {
  let dir: string;
  let ds: RefDataset;
  let s: TestServer;
  const usdRate = (date: string): number => {
    const line = readFileSync(join(dir, 'fx_rates.csv'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${date},USD,`));
    if (!line) throw new Error(`no USD rate on ${date}`);
    return Number(line.split(',')[2]);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'refunds-crosscheck-'));
    // CROSSCHECK_SEED / CROSSCHECK_REFUNDS explore other data sets (the hand-made checks assume the defaults)
    await generateDataset({ out: dir, refunds: Number(process.env.CROSSCHECK_REFUNDS ?? 6000), seed: Number(process.env.CROSSCHECK_SEED ?? 11) });
    // agents.csv with a UTF-8 BOM and CRLF line ends (both allowed by the data contract)
    const agentsPath = join(dir, 'agents.csv');
    writeFileSync(agentsPath, `\ufeff${readFileSync(agentsPath, 'utf8').replace(/\r?\n/g, '\r\n')}`);
    append(dir, 'fx_rates', EDGE_FX);
    append(dir, 'orders', EDGE_ORDERS);
    append(dir, 'refunds', EDGE_REFUNDS);
    append(dir, 'surveys', EDGE_SURVEYS);
    expect(readFileSync(join(dir, 'refunds.csv'), 'utf8').startsWith(REFUND_COLUMNS)).toBe(true);
    ds = loadDataset(dir);
    s = await startTestServer(dir);
  }, 300_000);

  afterAll(async () => {
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // -------------------------------------------------------------------------------------------
  describe('the reference handles the edge rows as worked out by hand', () => {
    test('loading: normalisation, fx, rejects', () => {
      const byId = new Map(ds.refunds.map((r) => [r.refundId, r] as const));
      expect(ds.refunds.length).toBe(6000 + 9 + 10 + 2);
      expect(ds.rejects.map((r) => `${r.table}:${r.column}`).sort()).toEqual(
        ['refunds:currency', 'refunds:decided_at', 'refunds:decision', 'refunds:refunded_amount'].sort(),
      );
      const rx01 = byId.get('RX01');
      expect(rx01?.channel).toBe('web');
      expect(rx01?.reasonCode).toBe('quality_defect');
      expect(rx01?.currency).toBe('USD');
      expect(rx01?.evidenceComplete).toBe(true);
      expect(Number(rx01?.requestedAmount) / 1e12).toBeCloseTo(150 * usdRate('2026-01-05'), 9);
      expect(byId.get('RX05')?.reasonCode).toBe('changed_mind');
      // RX04: 2026-02-01T07:30+08:00 = 2026-01-31T23:30Z -> EUR 7.90
      expect(Number(byId.get('RX04')?.requestedAmount) / 1e12).toBeCloseTo(790, 9);
      expect(Number(byId.get('RX04')?.refundedAmount) / 1e12).toBeCloseTo(316, 9);
      expect(new Date(ds.asOf as number).toISOString()).toBe('2026-02-05T00:00:00.000Z');
      expect(new Date(ds.horizon as number).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    });

    test('overview of the edge window', () => {
      const o = overview(ds, EDGE);
      expect(o.refunds).toBe(9);
      expect(o.decided).toBe(6);
      expect(o.approvalRate).toBeCloseTo(5 / 6, 12);
      expect(o.rejectionRate).toBeCloseTo(1 / 6, 12);
      expect(o.partialRate).toBeCloseTo(2 / 6, 12);
      expect(o.refundedAmount).toBeCloseTo(150 * usdRate('2026-01-05') + 316 + 1000 + 1200 + 999.99, 9);
      expect(o.slaMetRate).toBeCloseTo(5 / 6, 12);
      expect(o.overduePending).toBe(1);
      expect(o.payoutFailureRate).toBeCloseTo(1 / 3, 12);
      expect(o.evidenceCompleteRate).toBeCloseTo(5 / 8, 12);
      expect(o.reviewGapCount).toBe(2);
      expect(o.csatAvg).toBeCloseTo(11 / 3, 12);
      expect(o.csatRate).toBeCloseTo(2 / 3, 12);
      expect(o.nps).toBeCloseTo(100 / 3, 12);
      expect(o.repurchaseEligible).toBe(5);
      expect(o.repurchaseRate).toBeCloseTo(2 / 5, 12);
    });

    test('repurchase windows and customer types of the edge rows', () => {
      const byId = new Map(ds.refunds.map((r) => [r.refundId, r] as const));
      const out = (id: string, w: number) => {
        const o = repurchaseOutcome(ds, byId.get(id) as NonNullable<ReturnType<typeof byId.get>>, w);
        return { eligible: o.eligible, repurchased: o.repurchased, revenue: Number(o.revenue) / 1e12 };
      };
      expect(out('RX01', 30)).toEqual({ eligible: true, repurchased: true, revenue: 100 });
      expect(out('RX05', 30)).toEqual({ eligible: true, repurchased: true, revenue: 200 });
      expect(out('RX06', 30)).toEqual({ eligible: true, repurchased: false, revenue: 0 });
      expect(out('RX06', 45).repurchased).toBe(true);
      expect(out('RX06', 45).revenue).toBeCloseTo(50 * usdRate('2026-02-07'), 9);
      expect(out('RX04', 30).eligible).toBe(false);
      const types = ['RX01', 'RX02', 'RX03', 'RX09', 'RX04', 'RX05', 'RX06', 'RX07', 'RX08'].map((id) =>
        dimensionKey(ds, byId.get(id) as NonNullable<ReturnType<typeof byId.get>>, 'CUSTOMER_TYPE'),
      );
      expect(types).toEqual(['new', 'returning', 'new', 'new', 'new', 'returning', 'new', 'new', 'new']);
      const econ = rejectionEconomics(ds, EDGE, 30);
      expect(econ.eligible).toBe(5);
      expect(econ.rejectedCount).toBe(1);
      expect(econ.savings).toBeCloseTo(300, 9);
      expect(econ.revenueGap).toBeCloseTo(100 / 3 - 200, 9);
      expect(econ.net).toBeCloseTo(300 - (100 / 3 - 200), 9);
    });

    test('rejectionEffect is matched on the generated data (so the filter comparisons compare numbers, not nulls)', () => {
      const r = rejectionEffect(ds, {}, 90);
      expect(r.matchedRejected).toBeGreaterThan(30);
      expect(r.matchedStrata).toBeGreaterThan(5);
    });

    test('reference statistics: Poisson tail and chi-square (values from mpmath, 50 digits)', () => {
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
      expect(rel(poissonUpperTail(13, 0.5), 1.2329271630612981e-14)).toBeLessThan(1e-12);
      expect(rel(poissonUpperTail(14, 2), 2.930569637115347e-8)).toBeLessThan(1e-12);
      expect(rel(poissonUpperTail(3, 4.25), 0.7962889094871044)).toBeLessThan(1e-12);
      expect(rel(poissonUpperTail(40, 20), 5.3202025112462175e-5)).toBeLessThan(1e-12);
      expect(poissonUpperTail(3, 0.5)).toBeCloseTo(1 - Math.exp(-0.5) * 1.625, 15);
      expect(rel(chiSquareSurvival(3.9, 3), 0.27246675831798844)).toBeLessThan(1e-12);
      expect(rel(chiSquareSurvival(12, 1), 0.0005320055051392497)).toBeLessThan(1e-12);
      expect(rel(chiSquareSurvival(0.3, 4), 0.9898141728888165)).toBeLessThan(1e-12);
      expect(spikeCandidates(ds, {}, 5, 0.001).length).toBeGreaterThan(100);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('hand-computed API values on the edge window (from 2026-01-01, channels web/app/chat/phone)', () => {
    const f = EDGE;
    test('overview', async () => {
      const o = ok(await s.gql<{ overview: ApiOverview }>(OVERVIEW_Q, { f })).overview;
      const c = new Comparer();
      c.eq('refunds', o.refunds, 9);
      c.eq('decided', o.decided, 6);
      c.num('refundedAmount', o.refundedAmount, 150 * usdRate('2026-01-05') + 316 + 1000 + 1200 + 999.99);
      c.num('approvalRate', o.approvalRate, 5 / 6);
      c.num('slaMetRate', o.slaMetRate, 5 / 6);
      c.eq('overduePending', o.overduePending, 1);
      c.num('payoutFailureRate', o.payoutFailureRate, 1 / 3);
      c.num('evidenceCompleteRate', o.evidenceCompleteRate, 5 / 8);
      c.eq('reviewGapCount', o.reviewGapCount, 2);
      c.num('csatAvg', o.csatAvg, 11 / 3);
      c.num('nps', o.nps, 100 / 3);
      c.eq('repurchaseEligible', o.repurchaseEligible, 5);
      c.num('repurchaseRate', o.repurchaseRate, 2 / 5);
      expectNoDiffs(c);
    });

    test('reason trends by month (UTC month and fx date of an offset timestamp)', async () => {
      const rows = ok(await s.gql<{ reasonTrends: ApiTrend[] }>(TRENDS_Q, { f, g: 'MONTH' })).reasonTrends;
      const got = rows.map((r) => `${r.period} ${r.reasonCode} ${r.refunds} ${r.refundedAmount.toFixed(2)}`).sort();
      expect(got).toEqual(
        [
          `2026-01-01 quality_defect 1 ${(150 * usdRate('2026-01-05')).toFixed(2)}`,
          '2026-01-01 damaged 1 316.00',
          '2026-01-01 changed_mind 1 0.00',
          '2026-01-01 defective 1 1000.00',
          '2026-01-01 other 1 1200.00',
          '2026-01-01 wrong_item 1 999.99',
          '2026-02-01 late_delivery 1 0.00',
          '2026-02-01 changed_mind 1 0.00',
          '2026-02-01 size 1 0.00',
        ].sort(),
      );
    });

    test('repurchase by decision, 30 and 45 days', async () => {
      const r30 = ok(await s.gql<{ repurchaseAfterRefund: ApiRepurchase[] }>(REPURCHASE_Q, { f, w: 30, d: 'DECISION' })).repurchaseAfterRefund;
      const r45 = ok(await s.gql<{ repurchaseAfterRefund: ApiRepurchase[] }>(REPURCHASE_Q, { f, w: 45, d: 'DECISION' })).repurchaseAfterRefund;
      const c = new Comparer();
      const get = (rows: ApiRepurchase[], k: string) => rows.find((r) => r.key === k);
      c.eq('30.approved.eligible', get(r30, 'approved')?.eligible, 3);
      c.eq('30.approved.repurchased', get(r30, 'approved')?.repurchased, 1);
      c.num('30.approved.revenue', get(r30, 'approved')?.repurchaseRevenue ?? null, 100 / 3);
      c.eq('30.rejected.repurchased', get(r30, 'rejected')?.repurchased, 1);
      c.num('30.rejected.revenue', get(r30, 'rejected')?.repurchaseRevenue ?? null, 200);
      c.eq('30.partial.eligible', get(r30, 'partial')?.eligible, 1);
      c.eq('45.approved.repurchased', get(r45, 'approved')?.repurchased, 2);
      c.num('45.approved.revenue', get(r45, 'approved')?.repurchaseRevenue ?? null, (100 + 50 * usdRate('2026-02-07')) / 3);
      expectNoDiffs(c);
    });

    test('customer types and rejection economics', async () => {
      const ex = ok(await s.gql<{ customerExperience: ApiExperience[] }>(EXPERIENCE_Q, { f, d: 'CUSTOMER_TYPE' })).customerExperience;
      const c = new Comparer();
      // surveys: new = RX01 (csat 5, nps 6), RX06 (csat 4), RX04 (nps 9); returning = RX05 (csat 2, nps 10)
      const nw = ex.find((g) => g.key === 'new');
      const ret = ex.find((g) => g.key === 'returning');
      c.num('new.csatAvg', nw?.csatAvg ?? null, 4.5);
      c.eq('new.npsResponses', nw?.npsResponses, 2);
      c.num('returning.csatAvg', ret?.csatAvg ?? null, 2);
      c.num('returning.nps', ret?.nps ?? null, 100);
      const e = ok(await s.gql<{ rejectionEconomics: ApiEconomics }>(ECONOMICS_Q, { f, w: 30 })).rejectionEconomics;
      c.eq('econ.eligible', e.eligible, 5);
      c.eq('econ.rejectedCount', e.rejectedCount, 1);
      c.num('econ.savings', e.savings, 300);
      c.num('econ.revenueGap', e.revenueGap, 100 / 3 - 200);
      c.num('econ.net', e.net, 300 - (100 / 3 - 200));
      expectNoDiffs(c);
    });

    test('email rows: unknown agent, 3-decimal amount, own order inside the window', async () => {
      const f2 = { from: '2026-01-01', channels: ['email'] };
      const o = ok(await s.gql<{ overview: ApiOverview }>(OVERVIEW_Q, { f: f2 })).overview;
      const c = new Comparer();
      c.eq('refunds', o.refunds, 2);
      c.num('refundedAmount', o.refundedAmount, 12.345);
      c.eq('repurchaseEligible', o.repurchaseEligible, 2);
      c.num('repurchaseRate', o.repurchaseRate, 1 / 2);
      c.num('csatAvg', o.csatAvg, 3);
      const team = ok(await s.gql<{ customerExperience: ApiExperience[] }>(EXPERIENCE_Q, { f: f2, d: 'TEAM' })).customerExperience;
      c.num('team[null].csatAvg', team.find((g) => g.key === null)?.csatAvg ?? null, 3);
      const rep = ok(await s.gql<{ repurchaseAfterRefund: ApiRepurchase[] }>(REPURCHASE_Q, { f: f2, w: 30, d: 'CUSTOMER_TYPE' })).repurchaseAfterRefund;
      c.eq('returning.repurchased', rep.find((g) => g.key === 'returning')?.repurchased, 1);
      c.num('returning.revenue', rep.find((g) => g.key === 'returning')?.repurchaseRevenue ?? null, 40);
      c.eq('new.eligible', rep.find((g) => g.key === 'new')?.eligible, 1);
      expectNoDiffs(c);
    });

    test('from == to is an empty range, not a bad argument (api-contract: only "from after to" is BAD_USER_INPUT)', async () => {
      const r = await s.gql<{ overview: ApiOverview }>(OVERVIEW_Q, { f: { from: '2025-05-01', to: '2025-05-01' } });
      expect(r.errors ?? []).toEqual([]);
      expect(r.data?.overview.refunds).toBe(0);
      expect(r.data?.overview.approvalRate).toBeNull();
    });

    test('rejected rows: the loader rejects exactly the rows the reference rejects', async () => {
      const q = `{ loadRejects(limit: 100) { table line column value } }`;
      const api = ok(await s.gql<{ loadRejects: Array<{ table: string; line: number; column: string; value: string | null }> }>(q)).loadRejects;
      // the contract allows a line or a record number: accept either
      const c = new Comparer();
      c.keyed(
        'reject',
        api,
        ds.rejects,
        (a) => `${a.table}|${a.column}|${a.value}`,
        (r) => `${r.table}|${r.column}|${r.value}`,
        (p, a, r) => {
          if (a.line !== r.line && a.line !== r.recordNo) c.eq(`${p}.line`, a.line, `${r.line} (line) or ${r.recordNo} (record)`);
        },
      );
      expectNoDiffs(c);
    });

    test('schema defaults (grain WEEK, minCount 5, alpha 0.001, minCases 20, gap 0.15, DECISION, W 30 / 90)', async () => {
      const f0: RefundFilter = { from: '2025-01-01', to: '2025-07-01' };
      const q = `query($f: RefundFilter) {
        reasonTrends(filter: $f) { period reasonCode refunds }
        refundSpikes(filter: $f) { productId week }
        channelConsistency(filter: $f) { comparableCohorts inconsistentCohorts inconsistencyRate }
        customerExperience(filter: $f) { key csatResponses }
        repurchaseAfterRefund(filter: $f) { key eligible repurchased }
        rejectionEconomics(filter: $f) { eligible savings } }`;
      const a = ok(
        await s.gql<{
          reasonTrends: Array<{ period: string; reasonCode: string; refunds: number }>;
          refundSpikes: Array<{ productId: string; week: string }>;
          channelConsistency: { comparableCohorts: number; inconsistentCohorts: number; inconsistencyRate: Num };
          customerExperience: Array<{ key: string | null; csatResponses: number }>;
          repurchaseAfterRefund: Array<{ key: string | null; eligible: number; repurchased: number }>;
          rejectionEconomics: { eligible: number; savings: number };
        }>(q, { f: f0 }),
      );
      const c = new Comparer();
      const rt = reasonTrends(ds, f0, 'WEEK');
      c.eq('reasonTrends.length', a.reasonTrends.length, rt.length);
      c.eq(
        'reasonTrends.refunds',
        a.reasonTrends.reduce((x, y) => x + y.refunds, 0),
        rt.reduce((x, y) => x + y.refunds, 0),
      );
      c.eq('reasonTrends.periods', [...new Set(a.reasonTrends.map((x) => x.period))].sort().join(), [...new Set(rt.map((x) => x.period))].sort().join());
      c.eq(
        'refundSpikes',
        a.refundSpikes
          .map((x) => `${x.productId}|${x.week}`)
          .sort()
          .join(),
        refundSpikes(ds, f0)
          .map((x) => `${x.productId}|${x.week}`)
          .sort()
          .join(),
      );
      const cc = channelConsistency(ds, f0);
      c.eq('channelConsistency.comparable', a.channelConsistency.comparableCohorts, cc.comparableCohorts);
      c.eq('channelConsistency.inconsistent', a.channelConsistency.inconsistentCohorts, cc.inconsistentCohorts);
      c.num('channelConsistency.rate', a.channelConsistency.inconsistencyRate, cc.inconsistencyRate);
      const ex = customerExperience(ds, f0, 'DECISION').filter((g) => g.csatResponses + g.npsResponses > 0);
      c.eq(
        'customerExperience.keys',
        a.customerExperience
          .filter((g) => g.csatResponses > 0)
          .map((g) => g.key)
          .sort()
          .join(),
        ex
          .filter((g) => g.csatResponses > 0)
          .map((g) => g.key)
          .sort()
          .join(),
      );
      const rp = repurchaseAfterRefund(ds, f0, 30, 'DECISION');
      for (const g of rp) {
        const x = a.repurchaseAfterRefund.find((y) => y.key === g.key);
        c.eq(`repurchase[${g.key}].eligible`, x?.eligible, g.eligible);
        c.eq(`repurchase[${g.key}].repurchased`, x?.repurchased, g.repurchased);
      }
      const re = rejectionEconomics(ds, f0, 90);
      c.eq('rejectionEconomics.eligible', a.rejectionEconomics.eligible, re.eligible);
      c.num('rejectionEconomics.savings', a.rejectionEconomics.savings, re.savings);
      expectNoDiffs(c);
    });

    test('channel consistency on the store / marketplace fixture (minCases 2)', async () => {
      const a = ok(
        await s.gql<{ channelConsistency: ApiConsistency }>(CONSISTENCY_Q, { f: { from: '2026-01-01', channels: ['store', 'marketplace'] }, m: 2, g: 0.15 }),
      ).channelConsistency;
      const c = new Comparer();
      c.num('inconsistencyRate', a.inconsistencyRate, 6 / 10);
      c.eq('comparableCohorts', a.comparableCohorts, 2);
      c.eq('inconsistentCohorts', a.inconsistentCohorts, 1);
      const band1 = a.cohorts.find((x) => x.amountBand === '[50,200)');
      c.num('band1.gap', band1?.gap ?? null, 0.5);
      // 2x2 table store (2 yes, 2 no), marketplace (2, 0): chi-square 1.5, df 1 -> erfc(sqrt(0.75))
      c.num('band1.pValue', band1?.pValue ?? null, 0.22067136191984682);
      c.eq('band1.store.n', band1?.channels.find((x) => x.channel === 'store')?.n, 4);
      const band0 = a.cohorts.find((x) => x.amountBand === '[0,50)');
      c.num('band0.gap', band0?.gap ?? null, 0);
      c.eq('band0.inconsistent', band0?.inconsistent, false);
      expectNoDiffs(c);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe.each(FILTERS)('filter: $name', ({ f }) => {
    test('overview', async () => {
      const a = ok(await s.gql<{ overview: ApiOverview }>(OVERVIEW_Q, { f })).overview;
      const r = overview(ds, f);
      const c = new Comparer();
      for (const k of ['refunds', 'decided', 'orders', 'overduePending', 'reviewGapCount', 'repurchaseEligible'] as const) c.eq(k, a[k], r[k]);
      for (const k of [
        'refundedAmount',
        'approvalRate',
        'rejectionRate',
        'partialRate',
        'refundRate',
        'slaMetRate',
        'payoutFailureRate',
        'evidenceCompleteRate',
        'csatAvg',
        'csatRate',
        'nps',
        'repurchaseRate',
      ] as const) {
        c.num(k, a[k], r[k]);
      }
      const rh = resolutionStats(ds, f);
      c.num('resolutionHoursMean', a.resolutionHoursMean, rh.mean);
      c.num('resolutionHoursP50', a.resolutionHoursP50, rh.p50);
      c.num('resolutionHoursP90', a.resolutionHoursP90, rh.p90);
      expectNoDiffs(c);
    });

    test.each<GrainName>(['WEEK', 'MONTH', 'DAY', 'QUARTER'])('reasonTrends %s', async (grain) => {
      const a = ok(await s.gql<{ reasonTrends: ApiTrend[] }>(TRENDS_Q, { f, g: grain })).reasonTrends;
      const r = reasonTrends(ds, f, grain);
      const c = new Comparer();
      c.keyed(
        'trend',
        a,
        r,
        (x) => `${x.period}|${x.reasonCode}`,
        (x) => `${x.period}|${x.reasonCode}`,
        (p, x, y) => {
          c.eq(`${p}.reasonFamily`, x.reasonFamily, y.reasonFamily);
          c.eq(`${p}.refunds`, x.refunds, y.refunds);
          c.num(`${p}.refundedAmount`, x.refundedAmount, y.refundedAmount);
          c.num(`${p}.share`, x.share, y.share);
        },
      );
      expectNoDiffs(c);
    });

    test.each<GrainName>(['WEEK', 'QUARTER'])('refundTrend %s (beyond the contract)', async (grain) => {
      const a = ok(await s.gql<{ refundTrend: RefTrendPoint[] }>(REFUND_TREND_Q, { f, g: grain })).refundTrend;
      const r = refundTrend(ds, f, grain);
      const c = new Comparer();
      c.keyed(
        'trend',
        a,
        r,
        (x) => x.period,
        (y) => y.period,
        (p, x, y) => {
          c.eq(`${p}.refunds`, x.refunds, y.refunds);
          c.eq(`${p}.decided`, x.decided, y.decided);
          c.num(`${p}.approvalRate`, x.approvalRate, y.approvalRate);
          c.num(`${p}.rejectionRate`, x.rejectionRate, y.rejectionRate);
          c.num(`${p}.refundedAmount`, x.refundedAmount, y.refundedAmount);
        },
      );
      expectNoDiffs(c);
    });

    test.each([
      { minCount: 5, alpha: 0.001 },
      { minCount: 2, alpha: 0.2 },
    ])('refundSpikes minCount=$minCount alpha=$alpha', async ({ minCount, alpha }) => {
      const a = ok(await s.gql<{ refundSpikes: ApiSpike[] }>(SPIKES_Q, { f, m: minCount, a: alpha })).refundSpikes;
      const r = refundSpikes(ds, f, minCount, alpha);
      const c = new Comparer();
      c.keyed(
        'spike',
        a,
        r,
        (x) => `${x.productId}|${x.week}`,
        (x) => `${x.productId}|${x.week}`,
        (p, x, y) => {
          c.eq(`${p}.productLine`, x.productLine, y.productLine);
          c.eq(`${p}.count`, x.count, y.count);
          c.num(`${p}.expected`, x.expected, y.expected);
          c.num(`${p}.ratio`, x.ratio, y.ratio);
          c.num(`${p}.pValue`, x.pValue, y.pValue);
          c.eq(`${p}.topReasonCode`, x.topReasonCode, y.topReasonCode);
        },
      );
      expectNoDiffs(c);
    });

    test.each([90, 30, 45])('rejectionEffect windowDays=%d', async (w) => {
      const a = ok(await s.gql<{ rejectionEffect: Record<string, Num> }>(EFFECT_Q, { f, w })).rejectionEffect;
      const r = rejectionEffect(ds, f, w);
      const c = new Comparer();
      for (const k of ['matchedRejected', 'matchedStrata'] as const) c.eq(k, a[k], r[k]);
      for (const k of [
        'att',
        'attLow',
        'attHigh',
        'rateAtt',
        'rateLow',
        'rateHigh',
        'naiveGap',
        'rateNaiveGap',
        'coverage',
        'lostRevenue',
        'savings',
        'net',
      ] as const)
        c.num(k, a[k], r[k]);
      expectNoDiffs(c);
    });

    test.each([
      { minCases: 20, gapThreshold: 0.15 },
      { minCases: 5, gapThreshold: 0.1 },
    ])('channelConsistency minCases=$minCases gapThreshold=$gapThreshold', async ({ minCases, gapThreshold }) => {
      const a = ok(await s.gql<{ channelConsistency: ApiConsistency }>(CONSISTENCY_Q, { f, m: minCases, g: gapThreshold })).channelConsistency;
      const r = channelConsistency(ds, f, minCases, gapThreshold);
      const c = new Comparer();
      c.num('inconsistencyRate', a.inconsistencyRate, r.inconsistencyRate);
      c.eq('comparableCohorts', a.comparableCohorts, r.comparableCohorts);
      c.eq('inconsistentCohorts', a.inconsistentCohorts, r.inconsistentCohorts);
      c.keyed(
        'cohort',
        a.cohorts,
        r.cohorts,
        (x) => `${x.reasonCode}|${x.productLine}|${x.amountBand}`,
        (y) => `${y.reasonCode}|${y.productLine}|${bandLabel(y.band)}`,
        (p, x, y) => {
          c.num(`${p}.gap`, x.gap, y.gap);
          c.num(`${p}.pValue`, x.pValue, y.pValue);
          c.eq(`${p}.inconsistent`, x.inconsistent, y.inconsistent);
          c.keyed(
            `${p}.channels`,
            x.channels,
            y.channels,
            (u) => u.channel,
            (v) => v.channel,
            (q, u, v) => {
              c.eq(`${q}.n`, u.n, v.n);
              c.num(`${q}.approvalRate`, u.approvalRate, v.approvalRate);
            },
          );
        },
      );
      expectNoDiffs(c);
    });

    test.each<[DimensionName, GrainName | undefined]>([
      ['DECISION', undefined],
      ['CHANNEL', undefined],
      ['CUSTOMER_TYPE', undefined],
      ['PRODUCT_LINE', undefined],
      ['REASON_CODE', undefined],
      ['AGENT', undefined],
      ['TEAM', undefined],
      ['CAMPAIGN', undefined],
      ['PERIOD', 'MONTH'],
      ['PERIOD', 'WEEK'],
    ])('customerExperience by %s %s', async (dim, grain) => {
      const a = ok(await s.gql<{ customerExperience: ApiExperience[] }>(EXPERIENCE_Q, { f, d: dim, gr: grain })).customerExperience;
      // groups without any response carry no information; the API may list them (with null rates) or not
      const r = customerExperience(ds, f, dim, grain);
      const apiKeys = new Set(a.map((x) => x.key));
      const ref = r.filter((g) => g.csatResponses + g.npsResponses > 0 || apiKeys.has(g.key));
      const c = new Comparer();
      c.keyed(
        'group',
        a,
        ref,
        (x) => String(x.key),
        (y) => String(y.key),
        (p, x, y) => {
          c.num(`${p}.csatAvg`, x.csatAvg, y.csatAvg);
          c.num(`${p}.csatRate`, x.csatRate, y.csatRate);
          c.eq(`${p}.csatResponses`, x.csatResponses, y.csatResponses);
          c.num(`${p}.nps`, x.nps, y.nps);
          c.eq(`${p}.npsResponses`, x.npsResponses, y.npsResponses);
        },
      );
      expectNoDiffs(c);
    });

    test.each<[number, DimensionName, GrainName | undefined]>([
      [30, 'DECISION', undefined],
      [45, 'DECISION', undefined],
      [30, 'CUSTOMER_TYPE', undefined],
      [30, 'AGENT', undefined],
      [30, 'CAMPAIGN', undefined],
      [30, 'PRODUCT_LINE', undefined],
      [60, 'PERIOD', 'QUARTER'],
      [1, 'DECISION', undefined],
      [730, 'DECISION', undefined],
    ])('repurchaseAfterRefund W=%i by %s %s', async (w, dim, grain) => {
      const a = ok(await s.gql<{ repurchaseAfterRefund: ApiRepurchase[] }>(REPURCHASE_Q, { f, w, d: dim, gr: grain })).repurchaseAfterRefund;
      const r = repurchaseAfterRefund(ds, f, w, dim, grain);
      // a group without any eligible refund has nothing to report: the API may list it (empty) or not
      const c = new Comparer();
      const apiKeys = new Set(a.map((x) => x.key));
      c.keyed(
        'group',
        a.filter((x) => !(x.eligible === 0 && !r.some((y) => y.key === x.key))),
        r.filter((y) => y.eligible > 0 || apiKeys.has(y.key)),
        (x) => String(x.key),
        (y) => String(y.key),
        (p, x, y) => {
          c.eq(`${p}.eligible`, x.eligible, y.eligible);
          c.eq(`${p}.repurchased`, x.repurchased, y.repurchased);
          c.num(`${p}.repurchaseRate`, x.repurchaseRate, y.repurchaseRate);
          c.num(`${p}.repurchaseRevenue`, x.repurchaseRevenue, y.repurchaseRevenue);
        },
      );
      expectNoDiffs(c);
    });

    test.each([90, 45])('rejectionEconomics W=%i', async (w) => {
      const a = ok(await s.gql<{ rejectionEconomics: ApiEconomics }>(ECONOMICS_Q, { f, w })).rejectionEconomics;
      const r = rejectionEconomics(ds, f, w);
      const c = new Comparer();
      c.num('savings', a.savings, r.savings);
      c.num('revenueGap', a.revenueGap, r.revenueGap);
      c.num('net', a.net, r.net);
      c.eq('rejectedCount', a.rejectedCount, r.rejectedCount);
      c.eq('eligible', a.eligible, r.eligible);
      c.num('approvedRepurchaseRevenue', a.approvedRepurchaseRevenue, r.approvedRevenue);
      c.num('rejectedRepurchaseRevenue', a.rejectedRepurchaseRevenue, r.rejectedRevenue);
      expectNoDiffs(c);
    });
  });
});
