/**
 * The rollups (refund_daily, agent_daily, cohort_daily, their weekly and monthly sums, order_daily, product_weekly and the spike tables summed from it) must give exactly
 * the answers refund_facts gives.
 * Two servers on copies of one database, one with REFUNDS_ROLLUPS=off, answer the same queries
 * under filters one of the rollups covers (time, channel, product line, reason, campaign; or time,
 * channel, agent, team) and filters none covers (agent with product line: refund_facts); then again after an incremental load
 * that moves the data-wide cut-offs (latest request, latest order), and after a server upgrade of
 * a database whose rollups are missing. The reference cross-check (test/integration/crosscheck/) compares
 * the default (rollup) path with an independent implementation.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect, loadFiles, openDatabase, queryRows, ROLLUP_SIGNATURE } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { order, refund, survey, tempDir, writeTables } from '../../etl/src/testing/factory';
import { ok, serveDatabase, type TestServer } from '../support/server';
import type { Query } from '../support/api';

type Filter = Record<string, unknown>;

const FILTERS: ReadonlyArray<{ name: string; f: Filter }> = [
  { name: 'unfiltered', f: {} },
  { name: 'a quarter, two channels', f: { from: '2025-04-01', to: '2025-07-01', channels: ['app', 'web'] } },
  { name: 'mid-week range', f: { from: '2025-02-05', to: '2025-02-12' } },
  { name: 'from only', f: { from: '2025-06-15' } },
  { name: 'partial weeks and months at both ends', f: { from: '2025-02-12', to: '2025-05-20', channels: ['app', 'web', 'phone'] } },
  { name: 'to only', f: { to: '2024-09-01' } },
  { name: 'product lines and a range (defect_line_weekly)', f: { productLines: ['electronics', 'apparel'], from: '2025-03-01' } },
  { name: 'product line and reasons', f: { productLines: ['electronics'], reasonCodes: ['defective', 'quality_defect', 'damaged'] } },
  { name: 'campaign', f: { campaigns: ['618', 'singles_day'] } },
  { name: 'upper-case channel, spaced reason', f: { channels: ['PHONE'], reasonCodes: ['Changed Mind'] } },
  { name: 'no match', f: { channels: ['fax'] } },
  { name: 'team (agent rollup)', f: { teams: ['Shanghai'] } },
  { name: 'agents, a channel and a year (agent rollup)', f: { agentIds: ['A03', 'A17', 'A33'], channels: ['chat'], from: '2025-01-01', to: '2026-01-01' } },
  { name: 'team and product line (refund_facts)', f: { teams: ['Shanghai', 'Wuhan'], productLines: ['apparel', 'electronics'] } },
  { name: 'agents and a campaign (refund_facts)', f: { agentIds: ['A03', 'A17'], campaigns: ['618'] } },
];

const GRAINS = ['DAY', 'WEEK', 'MONTH', 'QUARTER'] as const;
const DIMENSIONS = ['DECISION', 'CHANNEL', 'PRODUCT_LINE', 'REASON_CODE', 'AGENT', 'TEAM', 'CAMPAIGN', 'CUSTOMER_TYPE', 'PERIOD'] as const;

const OVERVIEW_Q = `query($f: RefundFilter) { overview(filter: $f) { refunds decided refundedAmount approvalRate rejectionRate partialRate
  orders refundRate slaMetRate overduePending pending payoutFailureRate payoutN evidenceCompleteRate evidenceN reviewGapCount csatAvg csatRate
  csatResponses nps npsResponses repurchaseRate repurchaseEligible resolutionHoursMean resolutionHoursP50 resolutionHoursP90
  previous { refunds decided refundedAmount overduePending repurchaseEligible orders } } }`;
const TREND_Q = `query($f: RefundFilter, $g: Grain) { refundTrend(filter: $f, grain: $g) { period refunds decided approvalRate rejectionRate refundedAmount } }`;
const REASONS_Q = `query($f: RefundFilter, $g: Grain) { reasonTrends(filter: $f, grain: $g) { period reasonCode reasonFamily refunds refundedAmount share } }`;
const CONSISTENCY_Q = `query($f: RefundFilter) { channelConsistency(filter: $f, minCases: 5, gapThreshold: 0.1) { inconsistencyRate comparableCohorts inconsistentCohorts
  cohorts { reasonCode productLine amountBand gap pValue inconsistent channels { channel n approvalRate } } } }`;
const CARD_FIELDS = `agentId name team insufficient handled approvalRate rejectionRate resolutionHours escalationRate contactsPerRefund reopenRate
  refundCostPerCase csatAvg csatResponses nps npsResponses repurchaseRate repurchaseEligible`;
const CARDS_Q = `query($f: RefundFilter) { agentScorecards(filter: $f, minCases: 10) { ${CARD_FIELDS} } }`;
const CORR_Q = `query($f: RefundFilter) { kpiOutcomeCorrelations(filter: $f, minCases: 10) { kpi outcome n pearson pearsonLow pearsonHigh spearman } }`;
const ALIGN_Q = `query($f: RefundFilter, $w: [KpiWeightInput!]) { incentiveAlignment(filter: $f, minCases: 10, weights: $w) {
  alignment n agents { agentId incentiveScore outcomeScore incentiveRank outcomeRank } } }`;
const WEIGHTS = [
  { kpi: 'rejectionRate', weight: 0.5, direction: 'HIGHER_IS_BETTER' },
  { kpi: 'resolutionHours', weight: 0.3, direction: 'LOWER_IS_BETTER' },
  { kpi: 'contactsPerRefund', weight: 0.2, direction: 'LOWER_IS_BETTER' },
];
const SPIKES_Q = `query($f: RefundFilter) { refundSpikes(filter: $f, minCount: 3, alpha: 0.05) { productId productLine week count expected ratio pValue topReasonCode history } }`;
const REPURCHASE_Q = `query($f: RefundFilter, $d: Dimension, $w: Int) { repurchaseAfterRefund(filter: $f, groupBy: $d, windowDays: $w, grain: MONTH) { key eligible repurchased repurchaseRate repurchaseRevenue } }`;
const ECONOMICS_Q = `query($f: RefundFilter, $w: Int) { rejectionEconomics(filter: $f, windowDays: $w) { savings revenueGap net rejectedCount eligible approvedRepurchaseRevenue rejectedRepurchaseRevenue } }`;
const EFFECT_Q = `query($f: RefundFilter, $w: Int) { rejectionEffect(filter: $f, windowDays: $w) { att attLow attHigh rateAtt rateLow rateHigh naiveGap
  rateNaiveGap matchedRejected matchedStrata coverage lostRevenue savings net eligibleRejected
  strata { reasonCode productLine amountBand customerType rejected approved revenueDiff rateDiff contribution } } }`;
const POLICY_Q = `query($c: String!, $w: Int) { policyImpact(changeId: $c, windowDays: $w) { changeId effectiveAt metrics { metric pre post preN postN delta low high pValue outOfScopeDelta diffInDiff } } }`;
const OPTIONS_Q = `{ filterOptions { channels productLines reasonCodes teams campaigns minDate maxDate agents { agentId name team } } }`;
const EXPERIENCE_Q = `query($f: RefundFilter, $d: Dimension) { customerExperience(filter: $f, groupBy: $d, grain: MONTH) { key csatAvg csatRate csatResponses nps npsResponses } }`;

/** Deep equality; numbers equal to 1e-9 relative (sums of doubles in another order). */
function same(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [`${path}: ${a.length} vs ${b.length} items`];
    return a.flatMap((x, i) => same(x, b[i], `${path}[${i}]`));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

async function load(dbPath: string, dir: string): Promise<void> {
  const inst = await openDatabase(dbPath);
  const conn = await connect(inst);
  try {
    await loadFiles(conn, [dir]);
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

async function meta(
  dbPath: string,
): Promise<{ data: string; rollup: string | null; days: number; agentDays: number; cohortDays: number; facts: number; weeksComplete: boolean }> {
  const inst = await openDatabase(dbPath);
  const conn = await connect(inst);
  try {
    const [r] = await queryRows<{
      data: string;
      rollup: string | null;
      days: number;
      agentDays: number;
      cohortDays: number;
      facts: number;
      weeksComplete: boolean;
    }>(
      conn,
      `SELECT (SELECT value FROM meta WHERE key = 'data_version') AS data, (SELECT value FROM meta WHERE key = 'rollup_version') AS rollup,
              (SELECT coalesce(sum(n), 0) FROM refund_daily) AS days, (SELECT coalesce(sum(n), 0) FROM agent_daily) AS "agentDays",
              (SELECT coalesce(sum(n), 0) FROM cohort_daily) AS "cohortDays",
              (SELECT count(*) FROM refund_facts) AS facts,
              (SELECT coalesce(sum(n), 0) FROM product_weekly) = (SELECT count(product_id) FROM refund_facts) AS "weeksComplete"`,
    );
    return r;
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

describe('daily rollups answer exactly as refund_facts', () => {
  const work = tempDir('refunds-rollups-');
  const dbOn = join(work, 'on.duckdb');
  const dbOff = join(work, 'off.duckdb');
  let on: TestServer;
  let off: TestServer;

  async function boot(): Promise<void> {
    on = await serveDatabase(dbOn);
    off = await serveDatabase(dbOff, { REFUNDS_ROLLUPS: 'off' });
  }
  async function halt(): Promise<void> {
    await Promise.all([on?.close(), off?.close()]);
  }

  async function compareAll(): Promise<void> {
    const diffs: string[] = [];
    const both = async (label: string, q: string, vars: Record<string, unknown>) => {
      const [a, b] = await Promise.all([on.gql(q, vars), off.gql(q, vars)]);
      diffs.push(...same(ok(a), ok(b), label));
    };
    await both('filterOptions', OPTIONS_Q, {});
    const changes = ok(await on.gql<Pick<Query, 'policyChanges'>>(`{ policyChanges { changeId effectiveAt } }`)).policyChanges;
    expect(changes.length).toBeGreaterThan(0);
    // Changes effective at midnight UTC answer from refund_daily (sums of squares for the variances).
    expect(changes.some((c) => /T00:00:00(\.0+)?Z$/.test(c.effectiveAt))).toBe(true);
    for (const { changeId } of changes) for (const w of [30, 90]) await both(`policy ${changeId} ${w}`, POLICY_Q, { c: changeId, w });
    for (const { name, f } of FILTERS) {
      await both(`${name} overview`, OVERVIEW_Q, { f });
      await both(`${name} consistency`, CONSISTENCY_Q, { f });
      await both(`${name} spikes`, SPIKES_Q, { f });
      for (const g of GRAINS) {
        await both(`${name} trend ${g}`, TREND_Q, { f, g });
        await both(`${name} reasons ${g}`, REASONS_Q, { f, g });
      }
      for (const d of DIMENSIONS) await both(`${name} experience ${d}`, EXPERIENCE_Q, { f, d });
      for (const d of DIMENSIONS) await both(`${name} repurchase ${d}`, REPURCHASE_Q, { f, d, w: 30 });
      await both(`${name} repurchase 45 days`, REPURCHASE_Q, { f, d: 'DECISION', w: 45 });
      await both(`${name} economics`, ECONOMICS_Q, { f, w: 90 });
      await both(`${name} economics 60 days`, ECONOMICS_Q, { f, w: 60 });
      await both(`${name} rejection effect`, EFFECT_Q, { f, w: 90 });
      await both(`${name} scorecards`, CARDS_Q, { f });
      await both(`${name} correlations`, CORR_Q, { f });
      await both(`${name} alignment`, ALIGN_Q, { f, w: WEIGHTS });
    }
    expect(diffs).toEqual([]);
  }

  beforeAll(async () => {
    const data = join(work, 'data');
    await generateDataset({ out: data, refunds: 5000, seed: 23 });
    await load(dbOn, data);
    copyFileSync(dbOn, dbOff);
    await boot();
  }, 300_000);

  afterAll(async () => {
    await halt();
    rmSync(work, { recursive: true, force: true });
  });

  test('the rollup holds every refund once and matches the data version', async () => {
    await halt();
    const m = await meta(dbOn);
    expect(m.rollup).toBe(`${m.data}:${ROLLUP_SIGNATURE}`);
    expect(m.days).toBe(m.facts);
    expect(m.agentDays).toBe(m.facts);
    expect(m.cohortDays).toBe(m.facts);
    expect(m.weeksComplete).toBe(true);
    expect(m.facts).toBe(5000);
    await boot();
  }, 60_000);

  test('the rollup-backed answers are non-trivial (the filters select data)', async () => {
    const spikes = ok(await on.gql<Pick<Query, 'refundSpikes'>>(SPIKES_Q, { f: {} })).refundSpikes;
    expect(spikes.length).toBeGreaterThan(0);
    const opts = ok(await on.gql<Pick<Query, 'filterOptions'>>(OPTIONS_Q)).filterOptions;
    expect(opts.channels.length).toBeGreaterThan(2);
    expect(opts.campaigns.length).toBeGreaterThan(0);
    const o = ok(await on.gql<Pick<Query, 'overview'>>(OVERVIEW_Q, { f: FILTERS[1].f })).overview;
    expect(o.refunds).toBeGreaterThan(100);
    expect(o.repurchaseEligible).toBeGreaterThan(0);
    const e = ok(await on.gql<Pick<Query, 'rejectionEconomics'>>(ECONOMICS_Q, { f: {}, w: 90 })).rejectionEconomics;
    expect(e.rejectedCount).toBeGreaterThan(0);
    expect(e.revenueGap).not.toBeNull();
  });

  test('same answers for every filter, grain and dimension', compareAll, 120_000);

  test('after an incremental load that moves the latest request and order, still the same', async () => {
    await halt();
    // Later than every generated row, so the overdue as-of time and the repurchase horizon move.
    const inc = writeTables({
      refunds: [
        refund({
          refund_id: 'INC1',
          customer_id: 'CINC',
          order_id: 'OINC1',
          requested_at: '2026-06-01T00:00:00Z',
          decided_at: null,
          decision: 'pending',
          refunded_amount: null,
          channel: 'app',
        }),
        refund({
          refund_id: 'INC2',
          customer_id: 'CINC',
          order_id: 'OINC1',
          requested_at: '2026-05-20T08:00:00Z',
          decided_at: '2026-05-21T08:00:00Z',
          decision: 'rejected',
          refunded_amount: 0,
        }),
      ],
      orders: [
        order({ order_id: 'OINC1', customer_id: 'CINC', ordered_at: '2026-05-01T00:00:00Z' }),
        order({ order_id: 'OINC2', customer_id: 'CINC', ordered_at: '2026-07-30T00:00:00Z', channel: 'app' }),
      ],
      surveys: [survey({ survey_id: 'SINC', refund_id: 'INC2', customer_id: 'CINC', kind: 'nps', score: 3, responded_at: '2026-05-25T00:00:00Z' })],
    });
    await load(dbOn, inc);
    await load(dbOff, inc);
    // A reload of the same files changes nothing but the data version; the rollups stay current.
    await load(dbOn, inc);
    const m = await meta(dbOn);
    expect(m.rollup).toBe(`${m.data}:${ROLLUP_SIGNATURE}`);
    expect(m.days).toBe(5002);
    await boot();
    const o = ok(await on.gql<Pick<Query, 'overview'>>(OVERVIEW_Q, { f: { from: '2026-05-01' } })).overview;
    expect(o).toMatchObject({ refunds: 2, orders: 2 });
    await compareAll();
  }, 180_000);

  test('rollups of an older definition are rebuilt, and missing fact columns filled, when the server starts', async () => {
    await halt();
    const inst = await openDatabase(dbOn);
    const conn = await connect(inst);
    // As an older loader left it: fewer columns, one rollup missing, another signature, and
    // refund_facts without the CSAT sum of squares (policy impact's CSAT variance needs it).
    await conn.run(`ALTER TABLE refund_facts DROP COLUMN csat_sq`);
    await conn.run(`ALTER TABLE refund_daily DROP COLUMN escalated`);
    await conn.run(`DROP TABLE agent_daily`);
    await conn.run(`DELETE FROM order_daily`);
    await conn.run(`UPDATE meta SET value = split_part(value, ':', 1) || ':0123456789ab' WHERE key = 'rollup_version'`);
    conn.closeSync();
    inst.closeSync();
    await boot();
    expect(on.logs()).toContain('building the rollups');
    await compareAll();
    await halt();
    const m = await meta(dbOn);
    expect(m.rollup).toBe(`${m.data}:${ROLLUP_SIGNATURE}`);
    expect(m.days).toBe(m.facts);
    expect(m.agentDays).toBe(m.facts);
    await boot();
  }, 180_000);
});
