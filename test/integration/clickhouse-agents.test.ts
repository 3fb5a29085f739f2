import { join } from 'node:path';
import { DEFAULTS, type Grain, type RefundFilter, type Role } from '@refunds/shared';
import { compileClickHouse } from '@refunds/engine-clickhouse';
import { PORT_POINTS, portPoints } from '../../shared/engine-clickhouse/src/port-points.testing';
import type { Principal } from '../../server/src/modules/auth/auth.types';
import { runServices, type RunSpec, type ServiceCall } from '../support/run-services';
import { copyToChdb, describeOnReference, type Reference } from '../support/clickhouse-reference';

/**
 * agents, records, catalog and reconciliation on ClickHouse: every service method their resolvers call,
 * on the reference cross-check's data (seed 11 and the edge rows), on DuckDB with and without rollups,
 * on the two-shard 18.16 cluster and on current ClickHouse (chdb): the same answers, number by number
 * (doubles to 1e-9 relative), the same rows in the same order on every page.
 */
const DB = 'refunds';
const GRAINS: readonly Grain[] = ['DAY', 'WEEK', 'MONTH', 'QUARTER'];
const SORTS = ['requestedAt', 'decidedAt', 'requestedAmount', 'refundedAmount', 'resolutionHours', 'channel', 'decision', 'reasonCode', 'productId'];
const who = (role: Role): Principal => ({ userId: 1, name: role, role, tokenId: null, via: 'bearer' });

interface Labelled extends ServiceCall {
  label: string;
}

const call = (label: string, module: string, method: string, ...args: unknown[]): Labelled => ({ label, module, method, args });

/** Monday / first of month / first of quarter of a YYYY-MM-DD day. */
function periodOf(day: string, grain: Grain): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (grain === 'WEEK') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (grain === 'MONTH' || grain === 'QUARTER') d.setUTCDate(1);
  if (grain === 'QUARTER') d.setUTCMonth(d.getUTCMonth() - (d.getUTCMonth() % 3));
  return d.toISOString().slice(0, 10);
}

function buildCalls(ref: Reference): { filters: RefundFilter[]; calls: Labelled[] } {
  const { top, span } = ref;
  const filters: RefundFilter[] = [
    {},
    { from: span.mid, to: span.late },
    { channels: [top.channel, "o'brien\\"] },
    { from: span.mid, reasonCodes: [top.reason_code], campaigns: [top.campaign] },
    { teams: [top.team] },
    { from: '2000-01-01', to: '9999-12-31' },
    { from: '1990-01-01', to: '1990-02-01' },
  ];
  const calls: Labelled[] = [
    call('plans', 'agents', 'plans'),
    call('options admin', 'catalog', 'options', who('admin')),
    call('options product', 'catalog', 'options', who('product')),
  ];
  const weights = [
    { kpi: 'rejectionRate', weight: 2, direction: 'LOWER_IS_BETTER' },
    { kpi: 'handled', weight: 0.5, direction: 'HIGHER_IS_BETTER' },
    { kpi: 'resolutionHours', weight: 1.25, direction: 'LOWER_IS_BETTER' },
  ];
  filters.forEach((f, i) => {
    const fl = `filter ${i}`;
    for (const minCases of [DEFAULTS.agentMinCases, 1]) {
      calls.push(call(`${fl} scorecards admin ${minCases}`, 'agents', 'scorecards', f, minCases, 'admin'));
      calls.push(call(`${fl} correlations ${minCases}`, 'agents', 'correlations', f, minCases));
      calls.push(call(`${fl} alignment in effect ${minCases}`, 'agents', 'alignment', f, minCases, { planId: null, weights: null }, 'executive'));
    }
    calls.push(call(`${fl} alignment named plan`, 'agents', 'alignment', f, 3, { planId: top.plan_id, weights: null }, 'analyst'));
    calls.push(call(`${fl} scorecards product`, 'agents', 'scorecards', f, 1, 'product'));
    calls.push(call(`${fl} alignment what-if product`, 'agents', 'alignment', f, 5, { planId: null, weights }, 'product'));
    calls.push(call(`${fl} alignment what-if`, 'agents', 'alignment', f, 5, { planId: null, weights }, 'admin'));
    calls.push(call(`${fl} reconciliation`, 'reconciliation', 'reconciliation', f));
    calls.push(call(`${fl} page`, 'records', 'page', f, {}, 'requestedAt', 'desc', 50, 0, who('admin')));
    calls.push(call(`${fl} page 2 executive`, 'records', 'page', f, {}, 'requestedAt', 'desc', 50, 50, who('executive')));
    calls.push(call(`${fl} page past the end`, 'records', 'page', f, {}, 'decision', 'asc', 10, 9_000_000, who('admin')));
    for (const by of ['PRODUCT', 'REASON_CODE']) calls.push(call(`${fl} breakdown ${by}`, 'records', 'breakdown', f, {}, by, 15));
  });
  // Every sort column both ways, pages with ties across their edges, on two filters.
  for (const i of [0, 2])
    for (const sortBy of SORTS)
      for (const dir of ['asc', 'desc']) {
        calls.push(call(`filter ${i} sort ${sortBy} ${dir}`, 'records', 'page', filters[i], {}, sortBy, dir, 37, 0, who('admin')));
        calls.push(call(`filter ${i} sort ${sortBy} ${dir} p3`, 'records', 'page', filters[i], {}, sortBy, dir, 37, 74, who('admin')));
      }
  const drills = [
    { decisions: ['rejected', 'partial'] },
    { reasonFamilies: ['defect'], customerTypes: ['new'] },
    { productIds: [top.product_id, "o'brien\\"] },
    { amountBand: '[50,200)' },
    { amountBand: '[1000,inf)', decisions: ['approved'] },
    ...GRAINS.map((grain) => ({ grain, periodStart: periodOf(span.mid, grain) })),
    { periodStart: span.mid, grain: 'DAY' },
    { periodStart: periodOf(span.mid, 'WEEK') },
  ];
  drills.forEach((drill, j) =>
    [0, 3].forEach((i) => {
      calls.push(call(`filter ${i} drill ${j} page`, 'records', 'page', filters[i], drill, 'requestedAmount', 'desc', 25, 5, who('product')));
      calls.push(call(`filter ${i} drill ${j} breakdown`, 'records', 'breakdown', filters[i], drill, 'PRODUCT', 10));
      calls.push(call(`filter ${i} drill ${j} breakdown reason`, 'records', 'breakdown', filters[i], drill, 'REASON_CODE', 500));
    }),
  );
  return { filters, calls };
}

const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));

/** Differences between two answers, path by path (doubles to 1e-9 relative). */
function differences(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length > 20) return;
  if (typeof a === 'number' && typeof b === 'number') {
    if (!close(a, b)) out.push(`${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: ${a.length} items vs ${b.length}`);
    else a.forEach((x, i) => differences(x, b[i], `${path}[${i}]`, out));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

interface PageAnswer {
  total: number;
  rows: Array<{ customerId: string; refundId: string } & Record<string, unknown>>;
}

/**
 * Pseudonyms are salted per process, so runs differ: each becomes the number of its first appearance in
 * the run, which keeps which rows share a customer. The real ids must not appear.
 */
function unsalt(calls: readonly Labelled[], answers: unknown[]): unknown[] {
  const seen = new Map<string, string>();
  return answers.map((a, i) => {
    const c = calls[i];
    if (c.method !== 'page' || (c.args[6] as Principal).role === 'admin') return a;
    const page = a as PageAnswer;
    return {
      ...page,
      rows: page.rows.map((r) => {
        expect(r.customerId).toMatch(/^anon-[0-9a-f]{10}$/);
        if (!seen.has(r.customerId)) seen.set(r.customerId, `customer #${seen.size}`);
        return { ...r, customerId: seen.get(r.customerId) };
      }),
    };
  });
}

function run(spec: RunSpec, calls: readonly Labelled[]): { version: string | null; answers: unknown[] } {
  const { version, answers } = runServices(spec, calls);
  return { version, answers: unsalt(calls, answers) };
}

function compare(got: unknown[], want: unknown[], calls: readonly Labelled[]): void {
  expect(got).toHaveLength(calls.length);
  const diff: string[] = [];
  calls.forEach((c, i) => {
    const out: string[] = [];
    differences(got[i], want[i], c.label, out);
    diff.push(...out.slice(0, 5));
  });
  expect(diff.slice(0, 40)).toEqual([]);
}

describeOnReference('agents, records, catalog and reconciliation on ClickHouse', DB, ({ cluster, ref }) => {
  let calls: Labelled[];
  let expected: unknown[];

  beforeAll(() => {
    calls = buildCalls(ref()).calls;
    expected = run({ engine: 'duckdb', file: ref().duckFile }, calls).answers;
  }, 300_000);

  const answer = <T>(label: string): T => expected[calls.findIndex((c) => c.label === label)] as T;

  test('DuckDB answers are not empty, and its rollups give the same answers as refund_facts', () => {
    const cards = answer<Array<{ agentId: string; handled: number; insufficient: boolean; name: string | null }>>('filter 0 scorecards admin 1');
    expect(cards.length).toBeGreaterThan(5);
    expect(cards.filter((c) => !c.insufficient).length).toBeGreaterThan(3);
    expect(cards.some((c) => c.name !== null)).toBe(true);
    expect(answer<Array<{ agentId: string }>>('filter 0 scorecards product')[0].agentId).toBe('rank-1');
    expect(answer<Array<{ pearson: number | null }>>('filter 0 correlations 1').some((c) => c.pearson !== null)).toBe(true);
    expect(answer<{ plan: { source: string }; alignment: number | null }>('filter 0 alignment what-if').plan.source).toBe('weights');
    expect(answer<unknown[]>('plans').length).toBeGreaterThan(0);
    expect(answer<{ plan: { source: string; planId: string } }>('filter 0 alignment named plan').plan).toMatchObject({
      source: 'planId',
      planId: ref().top.plan_id,
    });
    const page = answer<PageAnswer>('filter 0 page');
    expect(page.rows).toHaveLength(50);
    expect(page.total).toBeGreaterThan(6000);
    expect(answer<PageAnswer>('filter 0 page past the end')).toEqual({ total: page.total, rows: [] });
    expect(answer<PageAnswer>('filter 0 drill 5 page').total).toBeGreaterThan(0); // WEEK of mid
    expect(answer<{ groups: unknown[] }>('filter 0 breakdown PRODUCT').groups).toHaveLength(15);
    const options = answer<{ channels: string[]; agents: unknown[]; minDate: string }>('options admin');
    expect(options.channels.length).toBeGreaterThan(1);
    expect(options.agents.length).toBeGreaterThan(5);
    expect(answer<{ agents: unknown[] }>('options product').agents).toEqual([]);
    expect(answer<{ sources: unknown[] }>('filter 0 reconciliation').sources).toEqual([
      { source: 'files', role: 'files', records: page.total, refunds: page.total },
    ]);
    compare(run({ engine: 'duckdb', file: ref().duckFile, rollups: true }, calls).answers, expected, calls);
  });

  test('the comparison sees a difference past 1e-9 relative, a missing row and a changed string', () => {
    const found = (a: unknown, b: unknown) => {
      const out: string[] = [];
      differences(a, b, 'x', out);
      return out.length;
    };
    expect([found({ v: 1 + 1e-7 }, { v: 1 }), found([1, 2], [1]), found({ s: 'a' }, { s: 'b' }), found({ v: 1e6 + 1e-4 }, { v: 1e6 })]).toEqual([1, 1, 1, 0]);
  });

  test('the dialect points these modules added give the hand-worked values on 18.16 (chdb: the dialect spec)', async () => {
    const body = await cluster().query(0, `${compileClickHouse(portPoints())} FORMAT JSONEachRow`);
    // 18.16 quotes 64-bit integers in JSON.
    const rows = body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => ({ ...r, g: Number(r.g), first_ms: Number(r.first_ms), last_ms: Number(r.last_ms) }))).toEqual(PORT_POINTS);
  });

  test('the two-shard 18.16 cluster gives DuckDB answers, call by call', () => {
    compare(run({ engine: 'clickhouse', url: cluster().url(DB) }, calls).answers, expected, calls);
  });

  test('the same statements run on current ClickHouse (chdb) and give DuckDB answers', async () => {
    const path = join(ref().dir, 'chdb');
    const tables = ['orders', 'refund_facts', 'agents', 'incentive_plans', 'src_tickets', 'src_payments', 'src_shop_orders'];
    const { version } = await copyToChdb(cluster(), DB, path, tables);
    const current = run({ engine: 'chdb', path, database: DB, version }, calls);
    expect(Number(current.version?.split('.')[0])).toBeGreaterThanOrEqual(24);
    compare(current.answers, expected, calls);
  });
});
