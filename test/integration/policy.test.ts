import { order, refund, survey, type Row } from '../../etl/src/testing/factory';
import { ok, startTestServer, type GqlResult, type TestServer } from '../support/server';
import { mulberry32 } from '@refunds/shared';
import type { PolicyImpact } from '../support/api';

/*
 * Policy impact and policy changes. The small fixture is worked out by hand (Welch values from
 * scipy.stats.ttest_ind(equal_var=False) and t.ppf); the randomized fixture is recomputed here from
 * the raw rows with plain arithmetic and a numerically integrated t distribution, not the server's
 * statistics code.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const Z = 1.959964;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const at = (s: string) => Date.parse(s);

const METRIC_FIELDS = 'metric pre post preN postN delta low high pValue outOfScopeDelta diffInDiff outOfScopePre outOfScopePost outOfScopePreN outOfScopePostN';
const Q_IMPACT = `query($c: String!, $w: Int) { policyImpact(changeId: $c, windowDays: $w) {
  changeId effectiveAt title windowDays scopeChannel scopeProductLine source metrics { ${METRIC_FIELDS} } } }`;
const Q_CHANGES = `{ policyChanges { changeId effectiveAt title description scopeChannel scopeProductLine source } }`;
const M_UPSERT = `mutation($i: PolicyChangeInput!) { upsertPolicyChange(input: $i) { changeId effectiveAt title description scopeChannel scopeProductLine source } }`;
const M_DELETE = `mutation($c: String!) { deletePolicyChange(changeId: $c) }`;
const METRICS = ['approvalRate', 'rejectionRate', 'slaMetRate', 'csatRate', 'repurchaseRate', 'resolutionHours', 'csatAvg'] as const;
type MetricName = (typeof METRICS)[number];

type Metric = PolicyImpact['metrics'][number];

// ---- independent statistics ----------------------------------------------------------------------

/** erfc for x >= 0: Taylor series of erf below 2.5, continued fraction above. */
function erfc(x: number): number {
  if (x < 2.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = x;
  for (let k = 300; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}
const twoSidedNormal = (z: number) => erfc(Math.abs(z) / Math.SQRT2);

/** ln Γ by Stirling's series after shifting x above 10. */
function lnGamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift += Math.log(x);
    x += 1;
  }
  const x2 = x * x;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.5 * Math.log(2 * Math.PI) +
    1 / (12 * x) -
    1 / (360 * x * x2) +
    1 / (1260 * x * x2 * x2) -
    1 / (1680 * x * x2 * x2 * x2) -
    shift
  );
}

/** ∫0^t of the Student t density (Simpson's rule). */
function tMass(t: number, df: number): number {
  const c = Math.exp(lnGamma((df + 1) / 2) - lnGamma(df / 2)) / Math.sqrt(df * Math.PI);
  const f = (x: number) => c * Math.pow(1 + (x * x) / df, -(df + 1) / 2);
  const n = 4000;
  const h = t / n;
  let s = f(0) + f(t);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (s * h) / 3;
}
const tTwoSided = (t: number, df: number) => 1 - 2 * tMass(Math.abs(t), df);
function tQuantile975(df: number): number {
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (tMass(mid, df) < 0.475) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

interface Test {
  pre: number | null;
  post: number | null;
  preN: number;
  postN: number;
  delta: number | null;
  low: number | null;
  high: number | null;
  pValue: number | null;
}

function proportions(x1: number, n1: number, x2: number, n2: number): Test {
  const p1 = n1 ? x1 / n1 : null;
  const p2 = n2 ? x2 / n2 : null;
  const base = { pre: p1, post: p2, preN: n1, postN: n2, delta: p1 !== null && p2 !== null ? p2 - p1 : null };
  if (p1 === null || p2 === null) return { ...base, low: null, high: null, pValue: null };
  const d = p2 - p1;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  if (se === 0) return { ...base, low: d, high: d, pValue: d === 0 ? 1 : 0 };
  return { ...base, low: d - Z * se, high: d + Z * se, pValue: twoSidedNormal(d / se) };
}

function welchOf(a: number[], b: number[]): Test {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const m1 = a.length ? mean(a) : null;
  const m2 = b.length ? mean(b) : null;
  const base = { pre: m1, post: m2, preN: a.length, postN: b.length, delta: m1 !== null && m2 !== null ? m2 - m1 : null };
  if (a.length < 2 || b.length < 2) return { ...base, low: null, high: null, pValue: null };
  const v1 = a.reduce((s, x) => s + (x - m1!) ** 2, 0) / (a.length - 1) / a.length;
  const v2 = b.reduce((s, x) => s + (x - m2!) ** 2, 0) / (b.length - 1) / b.length;
  const d = m2! - m1!;
  if (v1 + v2 === 0) return { ...base, low: d, high: d, pValue: d === 0 ? 1 : 0 };
  const se = Math.sqrt(v1 + v2);
  const df = (v1 + v2) ** 2 / ((v1 * v1) / (a.length - 1) + (v2 * v2) / (b.length - 1));
  const q = tQuantile975(df);
  return { ...base, low: d - q * se, high: d + q * se, pValue: tTwoSided(d / se, df) };
}

function expectNum(actual: number | null | undefined, expected: number | null, label: string, tol = 1e-9): void {
  if (expected === null) {
    if (actual !== null) throw new Error(`${label}: expected null, got ${actual}`);
    return;
  }
  if (typeof actual !== 'number' || Math.abs(actual - expected) > tol * Math.max(1, Math.abs(expected)))
    throw new Error(`${label}: expected ${expected}, got ${actual}`);
}

const byName = (metrics: Metric[]) => new Map(metrics.map((m) => [m.metric, m]));

function expectBadInput(r: GqlResult, argument: RegExp): void {
  expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  expect(r.errors?.[0].message).toMatch(argument);
}

// ---- small fixture, worked out by hand -----------------------------------------------------------

interface Spec {
  id: string;
  requested: string;
  decision: 'approved' | 'rejected' | 'pending';
  hours: number;
  channel: string;
  productLine?: string | null;
  csat?: number[];
  rebuy?: boolean;
}

/** T = 2024-03-01T00:00Z; with W = 10: pre [02-20, 03-01), post [03-01, 03-11). */
const SMALL: Spec[] = [
  // in scope of PC1 (channel app), pre
  { id: 'P1', requested: '2024-02-20T00:00:00Z', decision: 'approved', hours: 10, channel: 'app', csat: [5], rebuy: true },
  { id: 'P2', requested: '2024-02-22T00:00:00Z', decision: 'approved', hours: 20, channel: 'app', productLine: 'toys', csat: [3] },
  { id: 'P3', requested: '2024-02-25T00:00:00Z', decision: 'approved', hours: 30, channel: 'app' },
  { id: 'P4', requested: '2024-02-28T00:00:00Z', decision: 'rejected', hours: 60, channel: 'app' },
  { id: 'P5', requested: '2024-02-27T00:00:00Z', decision: 'pending', hours: 0, channel: 'app', csat: [1] },
  // in scope, post
  { id: 'Q1', requested: '2024-03-01T00:00:00Z', decision: 'approved', hours: 50, channel: 'app', csat: [1], rebuy: true },
  { id: 'Q2', requested: '2024-03-02T00:00:00Z', decision: 'approved', hours: 50, channel: 'app', productLine: 'toys', csat: [2] },
  { id: 'Q3', requested: '2024-03-03T00:00:00Z', decision: 'rejected', hours: 10, channel: 'app', csat: [4], rebuy: true },
  { id: 'Q4', requested: '2024-03-05T00:00:00Z', decision: 'rejected', hours: 10, channel: 'app' },
  // decided 03-11T19:59: + 30 days is after the horizon 04-05 -> not eligible for repurchase
  { id: 'Q5', requested: '2024-03-10T23:59:59Z', decision: 'rejected', hours: 20, channel: 'app' },
  // just outside both windows
  { id: 'X1', requested: '2024-02-19T23:59:59Z', decision: 'approved', hours: 1, channel: 'app' },
  { id: 'X2', requested: '2024-03-11T00:00:00Z', decision: 'rejected', hours: 1, channel: 'app' },
  // out of scope (web); W2 has no product line (out of scope of the product-line change PC3)
  { id: 'W1', requested: '2024-02-21T00:00:00Z', decision: 'approved', hours: 5, channel: 'web', csat: [4] },
  { id: 'W2', requested: '2024-02-23T00:00:00Z', decision: 'approved', hours: 5, channel: 'web', productLine: null },
  { id: 'W3', requested: '2024-03-04T00:00:00Z', decision: 'approved', hours: 5, channel: 'web', csat: [2] },
  // decided 03-06T05:00: + 30 days is after the horizon -> not eligible
  { id: 'W4', requested: '2024-03-06T00:00:00Z', decision: 'rejected', hours: 5, channel: 'web' },
];

function build(specs: Spec[]): { refunds: Row[]; orders: Row[]; surveys: Row[] } {
  const refunds: Row[] = [];
  const orders: Row[] = [];
  const surveys: Row[] = [];
  for (const s of specs) {
    const req = at(s.requested);
    const decided = s.decision === 'pending' ? null : req + s.hours * HOUR;
    refunds.push(
      refund({
        refund_id: s.id,
        order_id: `O-${s.id}`,
        customer_id: `C-${s.id}`,
        channel: s.channel,
        product_line: s.productLine === undefined ? 'electronics' : s.productLine,
        requested_at: iso(req),
        decided_at: decided === null ? null : iso(decided),
        decision: s.decision,
        requested_amount: 100,
        refunded_amount: s.decision === 'pending' ? null : s.decision === 'rejected' ? 0 : 100,
      }),
    );
    orders.push(order({ order_id: `O-${s.id}`, customer_id: `C-${s.id}`, ordered_at: iso(req - 5 * DAY) }));
    if (s.rebuy && decided !== null) orders.push(order({ order_id: `O-${s.id}-again`, customer_id: `C-${s.id}`, ordered_at: iso(decided + 5 * DAY) }));
    for (const score of s.csat ?? []) surveys.push(survey({ refund_id: s.id, customer_id: `C-${s.id}`, kind: 'csat', score }));
  }
  orders.push(order({ order_id: 'HORIZON', customer_id: 'CH', ordered_at: '2024-04-05T00:00:00Z' }));
  return { refunds, orders, surveys };
}

describe('policy impact: small fixture by hand', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      ...build(SMALL),
      policy_changes: [
        {
          change_id: 'PC1',
          effective_at: '2024-03-01T00:00:00Z',
          title: 'Photos on app',
          description: 'App requests need photos',
          scope_channel: 'app',
          scope_product_line: null,
        },
        { change_id: 'PC2', effective_at: '2024-03-01T00:00:00Z', title: 'Everywhere', description: null, scope_channel: null, scope_product_line: null },
        {
          change_id: 'PC3',
          effective_at: '2024-03-01T00:00:00Z',
          title: 'Toys inspection',
          description: null,
          scope_channel: null,
          scope_product_line: 'toys',
        },
        { change_id: 'PC0', effective_at: '2024-01-15T12:30:00Z', title: 'Earlier', description: null, scope_channel: null, scope_product_line: null },
      ],
    });
  });
  afterAll(() => s.close());

  test('PC1 (channel app), W = 10: in scope, out of scope and the difference in differences', async () => {
    const r = ok(await s.gql(Q_IMPACT, { c: 'PC1', w: 10 })).policyImpact;
    expect(r).toMatchObject({
      changeId: 'PC1',
      effectiveAt: '2024-03-01T00:00:00.000Z',
      title: 'Photos on app',
      windowDays: 10,
      scopeChannel: 'app',
      scopeProductLine: null,
      source: 'data',
    });
    expect(r.metrics.map((m: Metric) => m.metric)).toEqual(METRICS);
    const m = byName(r.metrics);
    // [metric, in-scope (x1, n1, x2, n2), out-of-scope (x1, n1, x2, n2)]
    const props: Array<[MetricName, number[], number[]]> = [
      // pre P1-P4: 3 approved of 4 decided (P5 pending); post Q1-Q5: 2 of 5. web: 2 of 2, then 1 of 2
      ['approvalRate', [3, 4, 2, 5], [2, 2, 1, 2]],
      ['rejectionRate', [1, 4, 3, 5], [0, 2, 1, 2]],
      // <= 48 h: pre 10, 20, 30 (not 60); post 10, 10, 20 (not 50, 50); web all 5 h
      ['slaMetRate', [3, 4, 3, 5], [2, 2, 2, 2]],
      // CSAT >= 4 per response: pre 5, 3 (P5 is pending but its survey counts: 1 -> 3 responses); post 1, 2, 4; web 4 | 2
      ['csatRate', [1, 3, 1, 3], [1, 1, 0, 1]],
      // eligible: decided + 30 d <= 04-05; pre P1-P4 (P1 repurchased), post Q1-Q4 (Q1, Q3), web W1, W2 | W3
      ['repurchaseRate', [1, 4, 2, 4], [0, 2, 0, 1]],
    ];
    for (const [name, inside, outside] of props) {
      const e = proportions(inside[0], inside[1], inside[2], inside[3]);
      const o = proportions(outside[0], outside[1], outside[2], outside[3]);
      const g = m.get(name)!;
      for (const k of ['pre', 'post', 'preN', 'postN', 'delta', 'low', 'high', 'pValue'] as const) expectNum(g[k], e[k], `${name}.${k}`);
      expectNum(g.outOfScopeDelta, o.delta, `${name}.outOfScopeDelta`);
      expectNum(g.diffInDiff, e.delta! - o.delta!, `${name}.diffInDiff`);
    }
    expect(m.get('approvalRate')!.delta).toBeCloseTo(-0.35, 12);
    expect(m.get('approvalRate')!.diffInDiff).toBeCloseTo(0.15, 12);
    // approval: se = sqrt(.75 x .25 / 4 + .4 x .6 / 5) = sqrt(.094875)
    expect(m.get('approvalRate')!.low).toBeCloseTo(-0.35 - Z * Math.sqrt(0.094875), 12);

    // Welch: hours pre (10, 20, 30, 60), post (50, 50, 10, 10, 20); web 5, 5 | 5, 5
    const rh = m.get('resolutionHours')!;
    expect(rh).toMatchObject({ pre: 30, post: 28, preN: 4, postN: 5, delta: -2, outOfScopeDelta: 0, diffInDiff: -2 });
    expectNum(rh.low, -36.155110395264565, 'hours low', 1e-7);
    expectNum(rh.high, 32.155110395264565, 'hours high', 1e-7);
    expectNum(rh.pValue, 0.8920691334373293, 'hours p', 1e-7);
    // CSAT responses pre (5, 3, 1), post (1, 2, 4); web 4 | 2 (n = 1: no test, but a delta)
    const ca = m.get('csatAvg')!;
    expect(ca).toMatchObject({ pre: 3, postN: 3, preN: 3, outOfScopeDelta: -2 });
    expectNum(ca.post, 7 / 3, 'csat post');
    expectNum(ca.delta, 7 / 3 - 3, 'csat delta');
    expectNum(ca.diffInDiff, 7 / 3 - 3 + 2, 'csat did');
    const welchCsat = welchOf([5, 3, 1], [1, 2, 4]);
    expectNum(ca.low, welchCsat.low, 'csat low', 1e-7);
    expectNum(ca.pValue, welchCsat.pValue, 'csat p', 1e-7);
  });

  test('the independent t distribution here agrees with scipy', () => {
    // scipy: ttest_ind([1, 2, 4], [5, 3], equal_var=False) -> delta -5/3, CI (-6.5377, 3.2044), p 0.31831
    const w = welchOf([5, 3], [1, 2, 4]);
    expectNum(w.low, -6.537709183393819, 'low', 1e-7);
    expectNum(w.high, 3.204375850060486, 'high', 1e-7);
    expectNum(w.pValue, 0.3183109432202562, 'p', 1e-7);
  });

  test('an unscoped change has no out-of-scope numbers', async () => {
    const m = byName(ok(await s.gql(Q_IMPACT, { c: 'PC2', w: 10 })).policyImpact.metrics);
    // pre: P1-P4 + W1, W2 -> 5 approved of 6; post: Q1-Q5 + W3, W4 -> 3 of 7
    expect(m.get('approvalRate')).toMatchObject({ preN: 6, postN: 7, outOfScopeDelta: null, diffInDiff: null, outOfScopePreN: null });
    expectNum(m.get('approvalRate')!.delta, 3 / 7 - 5 / 6, 'delta');
    for (const x of m.values()) expect([x.outOfScopeDelta, x.diffInDiff]).toEqual([null, null]);
  });

  test('a product-line scope: refunds without a product line are out of scope; n < 2 gives no Welch test', async () => {
    const m = byName(ok(await s.gql(Q_IMPACT, { c: 'PC3', w: 10 })).policyImpact.metrics);
    // in scope: P2 (pre, 20 h) and Q2 (post, 50 h); out of scope: the other 4 + 2 decided pre (W2 included), 5 + 2 post
    expect(m.get('approvalRate')).toMatchObject({ pre: 1, post: 1, preN: 1, postN: 1, delta: 0, outOfScopePreN: 5, outOfScopePostN: 6 });
    expect(m.get('resolutionHours')).toMatchObject({ pre: 20, post: 50, delta: 30, low: null, high: null, pValue: null });
    // out of scope approval: pre 4 of 5 (P1, P3, W1, W2 approved; P4 rejected), post 2 of 6 (Q1, W3)
    expectNum(m.get('approvalRate')!.outOfScopeDelta, 2 / 6 - 4 / 5, 'out delta');
    expectNum(m.get('approvalRate')!.diffInDiff, 0 - (2 / 6 - 4 / 5), 'did');
  });

  test('the default window is 90 days', async () => {
    const r = ok(await s.gql(Q_IMPACT, { c: 'PC1' })).policyImpact;
    expect(r.windowDays).toBe(90);
    // X1 and X2 now fall inside: pre 4 of 5 decided approved, post 2 of 6
    expect(byName(r.metrics).get('approvalRate')).toMatchObject({ preN: 5, postN: 6 });
  });

  test('policyChanges lists loaded changes by effectiveAt', async () => {
    const list = ok(await s.gql(Q_CHANGES)).policyChanges;
    expect(list.map((c: { changeId: string }) => c.changeId)).toEqual(['PC0', 'PC1', 'PC2', 'PC3']);
    expect(list[0]).toEqual({
      changeId: 'PC0',
      effectiveAt: '2024-01-15T12:30:00.000Z',
      title: 'Earlier',
      description: null,
      scopeChannel: null,
      scopeProductLine: null,
      source: 'data',
    });
  });

  test('app-entered changes: add, override by changeId, delete; roles', async () => {
    // +08:00 offset: the same instant as PC1; the channel is lower-cased like loaded data
    const added = ok(
      await s.gql(M_UPSERT, { i: { changeId: 'APP1', effectiveAt: '2024-03-01T08:00:00+08:00', title: ' Photos again ', scopeChannel: 'APP' } }),
    ).upsertPolicyChange;
    expect(added).toEqual({
      changeId: 'APP1',
      effectiveAt: '2024-03-01T00:00:00.000Z',
      title: 'Photos again',
      description: null,
      scopeChannel: 'app',
      scopeProductLine: null,
      source: 'app',
    });
    const a = ok(await s.gql(Q_IMPACT, { c: 'APP1', w: 10 })).policyImpact;
    const p = ok(await s.gql(Q_IMPACT, { c: 'PC1', w: 10 })).policyImpact;
    expect(a.metrics).toEqual(p.metrics);
    expect(a.source).toBe('app');

    // override the unscoped PC2 with a web-only version
    ok(await s.gql(M_UPSERT, { i: { changeId: 'PC2', effectiveAt: '2024-03-01', title: 'Web only', description: 'app override', scopeChannel: 'web' } }));
    const over = ok(await s.gql(Q_IMPACT, { c: 'PC2', w: 10 })).policyImpact;
    expect(over).toMatchObject({ scopeChannel: 'web', title: 'Web only', source: 'app' });
    // web in scope: approval 2 of 2 then 1 of 2; app out of scope: 3 of 4, then 2 of 5
    const ap = byName(over.metrics).get('approvalRate')!;
    expectNum(ap.delta, -0.5, 'override delta');
    expectNum(ap.outOfScopeDelta, -0.35, 'override out delta');
    const list = ok(await s.gql(Q_CHANGES)).policyChanges;
    expect(list.filter((c: { changeId: string }) => c.changeId === 'PC2')).toEqual([
      {
        changeId: 'PC2',
        effectiveAt: '2024-03-01T00:00:00.000Z',
        title: 'Web only',
        description: 'app override',
        scopeChannel: 'web',
        scopeProductLine: null,
        source: 'app',
      },
    ]);
    expect(list.map((c: { changeId: string }) => c.changeId)).toEqual(['PC0', 'APP1', 'PC1', 'PC2', 'PC3']);

    // roles: analyst and product may not write; executive may
    const token = async (role: string) =>
      ok(await s.gql(`mutation { issueApiToken(userName: "u-${role}", role: "${role}", label: "policy") { token } }`)).issueApiToken.token;
    for (const role of ['analyst', 'product']) {
      const r = await s.gql(M_DELETE, { c: 'PC2' }, await token(role));
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(ok(await s.gql(Q_CHANGES, {}, await token(role))).policyChanges).toHaveLength(5);
    }
    const exec = await token('executive');
    expect(ok(await s.gql(M_DELETE, { c: 'PC2' }, exec)).deletePolicyChange).toBe(true);
    expect(ok(await s.gql(M_DELETE, { c: 'APP1' })).deletePolicyChange).toBe(true);
    // the loaded PC2 shows again; deleting a loaded-only or unknown id is refused
    const back = ok(await s.gql(Q_CHANGES)).policyChanges;
    expect(back.find((c: { changeId: string }) => c.changeId === 'PC2')).toMatchObject({ source: 'data', scopeChannel: null, title: 'Everywhere' });
    expectBadInput(await s.gql(M_DELETE, { c: 'PC2' }), /changeId/);
    expectBadInput(await s.gql(Q_IMPACT, { c: 'APP1' }), /changeId/);
  });

  test('bad arguments give BAD_USER_INPUT naming the argument', async () => {
    expectBadInput(await s.gql(Q_IMPACT, { c: 'PC1', w: 0 }), /windowDays/);
    expectBadInput(await s.gql(Q_IMPACT, { c: 'PC1', w: 731 }), /windowDays/);
    expectBadInput(await s.gql(Q_IMPACT, { c: 'PC1', w: -5 }), /windowDays/);
    expect(ok(await s.gql(Q_IMPACT, { c: 'PC1', w: 730 })).policyImpact.windowDays).toBe(730);
    expect(ok(await s.gql(Q_IMPACT, { c: 'PC1', w: 1 })).policyImpact.windowDays).toBe(1);
    expectBadInput(await s.gql(Q_IMPACT, { c: 'NOPE' }), /changeId/);
    expectBadInput(await s.gql(Q_IMPACT, { c: '' }), /changeId/);
    const base = { changeId: 'B1', effectiveAt: '2024-03-01T00:00:00Z', title: 'ok' };
    for (const effectiveAt of ['2024-02-30', 'yesterday', '2024-03-01T25:00:00Z', '2024-13-01', '']) {
      expectBadInput(await s.gql(M_UPSERT, { i: { ...base, effectiveAt } }), /effectiveAt/);
    }
    expectBadInput(await s.gql(M_UPSERT, { i: { ...base, title: '  ' } }), /title/);
    expectBadInput(await s.gql(M_UPSERT, { i: { ...base, title: 'x'.repeat(301) } }), /title/);
    expectBadInput(await s.gql(M_UPSERT, { i: { ...base, changeId: 'x'.repeat(101) } }), /changeId/);
    expectBadInput(await s.gql(M_UPSERT, { i: { ...base, description: 'x'.repeat(4001) } }), /description/);
    expectBadInput(await s.gql(M_DELETE, { c: 'NOPE' }), /changeId/);
    expect(ok(await s.gql(Q_CHANGES)).policyChanges.some((c: { changeId: string }) => c.changeId === 'B1')).toBe(false);
  });

  test('without a token: UNAUTHENTICATED', async () => {
    const r = await s.gql(Q_IMPACT, { c: 'PC1' }, null);
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

// ---- randomized fixture against an independent computation ---------------------------------------

interface RawRefund {
  id: string;
  order: string;
  customer: string;
  channel: string;
  productLine: string | null;
  requested: number;
  decided: number | null;
  decision: string;
}

const T = at('2024-06-15T06:00:00Z');
const CHANGES = [
  { change_id: 'RC-APP', effective_at: iso(T), title: 'app', description: null, scope_channel: 'app', scope_product_line: null },
  { change_id: 'RC-TOYS', effective_at: iso(T), title: 'toys', description: null, scope_channel: null, scope_product_line: 'toys' },
  { change_id: 'RC-BOTH', effective_at: iso(T), title: 'app toys', description: null, scope_channel: 'app', scope_product_line: 'toys' },
  { change_id: 'RC-ALL', effective_at: iso(T), title: 'all', description: null, scope_channel: null, scope_product_line: null },
];

function randomWorld(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const refunds: RawRefund[] = [];
  const orders: Array<{ order: string; customer: string; t: number }> = [];
  const surveys: Array<{ refund: string; score: number }> = [];
  for (let i = 1; i <= 1600; i++) {
    const requested = T - 130 * DAY + Math.floor(rnd() * 260 * 86_400) * 1000;
    const channel = pick(['app', 'web', 'phone']);
    const productLine = pick(['toys', 'home', 'toys', null]);
    const after = requested >= T;
    const u = rnd();
    const decision =
      u < 0.05 ? 'pending' : u < 0.08 ? 'withdrawn' : rnd() < (after && channel === 'app' ? 0.45 : 0.2) ? 'rejected' : rnd() < 0.1 ? 'partial' : 'approved';
    const decided = decision === 'pending' ? null : requested + Math.floor(rnd() * (after && productLine === 'toys' ? 100 : 60) * 3600) * 1000;
    const customer = `K${rnd() < 0.1 ? 1 + Math.floor(rnd() * i) : i}`;
    const r: RawRefund = { id: `RX${i}`, order: `OX${i}`, customer, channel, productLine, requested, decided, decision };
    refunds.push(r);
    orders.push({ order: r.order, customer, t: requested - Math.floor(1 + rnd() * 30) * DAY });
    if (decided !== null && rnd() < 0.4) orders.push({ order: `OX${i}-b`, customer, t: decided + Math.floor(rnd() * 45 * 86_400) * 1000 });
    const k = rnd() < 0.5 ? 1 : rnd() < 0.15 ? 2 : 0;
    for (let j = 0; j < k; j++)
      surveys.push({ refund: r.id, score: Math.min(5, Math.max(1, Math.round(1 + rnd() * 4 + (decision === 'rejected' ? -1 : 0.3)))) });
  }
  // horizon 100 days after T: later decisions are censored for repurchase
  orders.push({ order: 'OX-H', customer: 'KH', t: T + 100 * DAY });
  return { refunds, orders, surveys };
}

type World = ReturnType<typeof randomWorld>;

function independentImpact(
  w: World,
  change: (typeof CHANGES)[number],
  windowDays: number,
): Map<MetricName, Test & { outOfScopeDelta: number | null; diffInDiff: number | null }> {
  const W = windowDays * DAY;
  const RW = 30 * DAY;
  const horizon = Math.max(...w.orders.map((o) => o.t));
  const decidedSet = ['approved', 'partial', 'rejected'];
  const inScope = (r: RawRefund) =>
    (change.scope_channel === null || r.channel === change.scope_channel) &&
    (change.scope_product_line === null || r.productLine === change.scope_product_line);
  const scoped = change.scope_channel !== null || change.scope_product_line !== null;
  const groups = (side: boolean) => {
    const pick = (lo: number, hi: number) => w.refunds.filter((r) => r.requested >= lo && r.requested < hi && inScope(r) === side);
    return [pick(T - W, T), pick(T, T + W)];
  };
  const csatOf = (rs: RawRefund[]) => {
    const ids = new Set(rs.map((r) => r.id));
    return w.surveys.filter((s) => ids.has(s.refund)).map((s) => s.score);
  };
  const repurchased = (r: RawRefund) => w.orders.some((o) => o.customer === r.customer && o.order !== r.order && o.t > r.decided! && o.t <= r.decided! + RW);
  const compute = (side: boolean): Map<MetricName, Test> => {
    const [pre, post] = groups(side);
    const dec = (rs: RawRefund[]) => rs.filter((r) => decidedSet.includes(r.decision));
    const count = (rs: RawRefund[], f: (r: RawRefund) => boolean) => rs.filter(f).length;
    const hours = (rs: RawRefund[]) => dec(rs).map((r) => (r.decided! - r.requested) / HOUR);
    const elig = (rs: RawRefund[]) => dec(rs).filter((r) => r.decided! + RW <= horizon);
    const prop = (f: (rs: RawRefund[]) => [number, number]) => {
      const [x1, n1] = f(pre);
      const [x2, n2] = f(post);
      return proportions(x1, n1, x2, n2);
    };
    return new Map<MetricName, Test>([
      ['approvalRate', prop((rs) => [count(dec(rs), (r) => r.decision !== 'rejected'), dec(rs).length])],
      ['rejectionRate', prop((rs) => [count(dec(rs), (r) => r.decision === 'rejected'), dec(rs).length])],
      ['slaMetRate', prop((rs) => [hours(rs).filter((h) => h <= 48).length, dec(rs).length])],
      ['csatRate', prop((rs) => [csatOf(rs).filter((x) => x >= 4).length, csatOf(rs).length])],
      ['repurchaseRate', prop((rs) => [elig(rs).filter(repurchased).length, elig(rs).length])],
      ['resolutionHours', welchOf(hours(pre), hours(post))],
      ['csatAvg', welchOf(csatOf(pre), csatOf(post))],
    ]);
  };
  const inside = compute(true);
  const outside = scoped ? compute(false) : null;
  return new Map(
    METRICS.map((m) => {
      const e = inside.get(m)!;
      const od = outside ? outside.get(m)!.delta : null;
      return [m, { ...e, outOfScopeDelta: od, diffInDiff: e.delta !== null && od !== null ? e.delta - od : null }];
    }),
  );
}

describe('policy impact: randomized fixture against an independent computation', () => {
  const world = randomWorld(7_654_321);
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({
      refunds: world.refunds.map((r) =>
        refund({
          refund_id: r.id,
          order_id: r.order,
          customer_id: r.customer,
          channel: r.channel,
          product_line: r.productLine,
          requested_at: iso(r.requested),
          decided_at: r.decided === null ? null : iso(r.decided),
          decision: r.decision,
          requested_amount: 100,
          refunded_amount: r.decision === 'pending' ? null : r.decision === 'rejected' ? 0 : r.decision === 'partial' ? 40 : 100,
        }),
      ),
      orders: world.orders.map((o) => order({ order_id: o.order, customer_id: o.customer, ordered_at: iso(o.t) })),
      surveys: world.surveys.map((x, i) => survey({ survey_id: `SX${i}`, refund_id: x.refund, customer_id: 'KS', kind: 'csat', score: x.score })),
      policy_changes: CHANGES,
    });
  });
  afterAll(() => s.close());

  const cases: Array<[string, number]> = CHANGES.flatMap((c) => [30, 90, 200].map((w): [string, number] => [c.change_id, w]));
  test.each(cases)('%s, W = %d', async (changeId, windowDays) => {
    const change = CHANGES.find((c) => c.change_id === changeId)!;
    const expected = independentImpact(world, change, windowDays);
    const got: Metric[] = ok(await s.gql(Q_IMPACT, { c: changeId, w: windowDays })).policyImpact.metrics;
    expect(got.map((m) => m.metric)).toEqual(METRICS);
    for (const g of got) {
      const e = expected.get(g.metric as MetricName)!;
      expect([g.preN, g.postN]).toEqual([e.preN, e.postN]);
      for (const k of ['pre', 'post', 'delta', 'outOfScopeDelta', 'diffInDiff'] as const) expectNum(g[k], e[k], `${g.metric}.${k}`);
      for (const k of ['low', 'high', 'pValue'] as const) expectNum(g[k], e[k], `${g.metric}.${k}`, 1e-7);
    }
    // the fixture is big enough that every test is defined
    for (const g of got) expect(g.pValue).not.toBeNull();
  });
});
