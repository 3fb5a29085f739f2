import fc from 'fast-check';
import { connect, openDatabase, queryRows } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, startTestServer, type GqlResult, type TestServer } from '../support/server';
import type { Query } from '../support/api';

/*
 * Hostile input against every argument of every operation: out-of-range numbers, huge lists, long
 * strings, SQL and JSON injection, deep and wide documents, batches. Each must be refused with its
 * code (BAD_USER_INPUT / GRAPHQL_VALIDATION_FAILED) or answered correctly; never an internal error.
 * Afterwards the server is up and the data unchanged.
 */

type Vars = Record<string, unknown>;
type Err = { message: string; extensions?: { code?: string; argument?: string } };
interface Answer {
  status: number;
  body: GqlResult<Record<string, unknown>>;
}

const SQL_INJECTIONS = [
  "'; DROP TABLE refunds; --",
  '" OR 1=1 --',
  "x') UNION SELECT customer_id, refund_id FROM refunds --",
  "' OR '1'='1",
  '1; DELETE FROM refund_facts',
  "web' AND (SELECT count(*) FROM refunds) > 0 --",
  "'||(SELECT current_setting('threads'))||'",
  "read_csv('/etc/passwd')",
  "'); COPY refunds TO '/tmp/stolen.csv'; --",
  "\\'; ATTACH '/tmp/x.db' AS x; --",
  '$1',
  '?',
];
const JSON_INJECTIONS = [
  '{"$ne": null}',
  '{"channels": ["web"]}',
  '"},"role":"admin","x":{"',
  '[1,2,3]',
  'null',
  'true',
  '{"__proto__": {"admin": true}}',
  '${7*7}{{7*7}}#{7*7}',
];
const ODD_STRINGS = [
  '',
  '   ',
  '\u0000',
  'nul\u0000byte',
  '\u202eevil',
  '💥🔥€中文',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '\r\n\t',
  'x'.repeat(201),
  'y'.repeat(10_000),
];
const INJECTIONS = [...SQL_INJECTIONS, ...JSON_INJECTIONS, ...ODD_STRINGS];
/** Names that exist on every plain object: a lookup table indexed with them must still refuse them. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

const LIST_FIELDS = ['channels', 'productLines', 'reasonCodes', 'agentIds', 'teams', 'campaigns'] as const;
type ListField = (typeof LIST_FIELDS)[number];

const OVERVIEW_FIELDS = `refunds decided pending refundedAmount approvalRate rejectionRate partialRate refundRate orders slaMetRate overduePending
  payoutFailureRate evidenceCompleteRate reviewGapCount csatAvg csatRate nps repurchaseRate repurchaseEligible resolutionHoursMean`;

describe('GraphQL probes', () => {
  let s: TestServer;
  let baseline: { overview: unknown; refundTrend: unknown; filterOptions: unknown; loads: number; refundsInDb: number };
  let planId = '';
  let changeId = '';
  /** refunds per single filter value, for every known value of every list field */
  const known = new Map<ListField, Map<string, number>>();

  async function call(query: string, variables?: Vars, token: string | null = ADMIN_TOKEN): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as GqlResult<Record<string, unknown>> };
  }
  async function callRaw(body: string): Promise<Answer & { text: string }> {
    const res = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as GqlResult<Record<string, unknown>>, text };
  }

  async function snapshot() {
    const d = ok(
      await s.gql<Pick<Query, 'overview' | 'refundTrend' | 'filterOptions' | 'loadHistory'>>(
        `{ overview { ${OVERVIEW_FIELDS} } refundTrend(grain: MONTH) { period refunds decided refundedAmount approvalRate }
           filterOptions { channels productLines reasonCodes teams campaigns minDate maxDate agents { agentId } } loadHistory { loadId } }`,
      ),
    );
    return { overview: d.overview, refundTrend: d.refundTrend, filterOptions: d.filterOptions, loads: d.loadHistory.length };
  }

  beforeAll(async () => {
    const dir = tempDir('probes-');
    await generateDataset({ out: dir, refunds: 600, seed: 11 });
    s = await startTestServer(dir);
    const snap = await snapshot();
    const opts = snap.filterOptions as unknown as Record<ListField | 'agents', unknown>;
    const values: Record<ListField, string[]> = {
      channels: opts.channels as string[],
      productLines: opts.productLines as string[],
      reasonCodes: opts.reasonCodes as string[],
      teams: opts.teams as string[],
      campaigns: opts.campaigns as string[],
      agentIds: (opts.agents as Array<{ agentId: string }>).map((a) => a.agentId),
    };
    for (const field of LIST_FIELDS) {
      expect(values[field].length).toBeGreaterThan(0);
      const m = new Map<string, number>();
      for (const v of values[field])
        m.set(
          v,
          ok(await s.gql<Pick<Query, 'overview'>>(`query($f: RefundFilter) { overview(filter: $f) { refunds } }`, { f: { [field]: [v] } })).overview.refunds,
        );
      known.set(field, m);
    }
    planId = ok(await s.gql<Pick<Query, 'incentivePlans'>>(`{ incentivePlans { planId } }`)).incentivePlans[0].planId;
    changeId = ok(await s.gql<Pick<Query, 'policyChanges'>>(`{ policyChanges { changeId } }`)).policyChanges[0].changeId;
    baseline = { ...snap, refundsInDb: 600 };
  }, 120_000);
  afterAll(() => s?.close());

  /** Every answer: no 5xx, no internal error, and each error has a code. */
  function sane(a: Answer, what: string): string[] {
    const bad: string[] = [];
    if (a.status >= 500) bad.push(`${what}: HTTP ${a.status}`);
    for (const e of (a.body.errors ?? []) as Err[]) {
      const code = e.extensions?.code;
      if (!code || code === 'INTERNAL_SERVER_ERROR' || code === 'SERVICE_UNAVAILABLE') bad.push(`${what}: ${code} ${e.message.slice(0, 160)}`);
    }
    return bad;
  }

  type Expected =
    | { ok: true; check?: (data: Record<string, unknown>) => string | null }
    | { code: 'BAD_USER_INPUT' | 'GRAPHQL_VALIDATION_FAILED' | 'GRAPHQL_PARSE_FAILED' | 'FORBIDDEN'; argument?: string };
  const OK: Expected = { ok: true };
  const BAD = (argument?: string): Expected => ({ code: 'BAD_USER_INPUT', argument });
  const INVALID: Expected = { code: 'GRAPHQL_VALIDATION_FAILED' };
  /** Floods past the parser's token limit are refused before validation. */
  const TOO_MANY_TOKENS: Expected = { code: 'GRAPHQL_PARSE_FAILED' };

  /** Compares one answer with what it should be; returns the problems (empty when right). */
  function judge(a: Answer, exp: Expected, what: string): string[] {
    const problems = sane(a, what);
    const errors = (a.body.errors ?? []) as Err[];
    if ('ok' in exp) {
      if (errors.length) problems.push(`${what}: expected an answer, got ${JSON.stringify(errors[0]).slice(0, 200)}`);
      else if (!a.body.data) problems.push(`${what}: no data`);
      else {
        const c = exp.check?.(a.body.data);
        if (c) problems.push(`${what}: ${c}`);
      }
    } else {
      const e = errors[0];
      if (!e) problems.push(`${what}: expected ${exp.code}, got data ${JSON.stringify(a.body.data).slice(0, 120)}`);
      else if (e.extensions?.code !== exp.code) problems.push(`${what}: expected ${exp.code}, got ${e.extensions?.code} ${e.message.slice(0, 120)}`);
      else if (exp.argument && !(e.extensions?.argument ?? '').startsWith(exp.argument) && !e.message.includes(exp.argument))
        problems.push(`${what}: the error does not name ${exp.argument}: ${e.message.slice(0, 120)}`);
      const data = a.body.data;
      if (data && Object.values(data).some((v) => v !== null)) problems.push(`${what}: refused but data ${JSON.stringify(data).slice(0, 80)}`);
    }
    return problems;
  }

  interface Probe {
    what: string;
    query: string;
    vars?: Vars;
    exp: Expected;
  }
  async function runAll(probes: readonly Probe[]): Promise<string[]> {
    const problems: string[] = [];
    for (const p of probes) problems.push(...judge(await call(p.query, p.vars), p.exp, p.what));
    return problems;
  }

  // ---- numbers -------------------------------------------------------------------------------

  interface IntArg {
    field: string;
    arg: string;
    sel: string;
    min: number;
    max: number;
    nullable?: boolean;
  }
  const INT_ARGS: IntArg[] = [
    { field: 'refundSpikes', arg: 'minCount', sel: '{ week }', min: 1, max: 1_000_000 },
    { field: 'channelConsistency', arg: 'minCases', sel: '{ n }', min: 1, max: 1_000_000 },
    { field: 'repurchaseAfterRefund', arg: 'windowDays', sel: '{ key eligible }', min: 1, max: 730 },
    { field: 'rejectionEconomics', arg: 'windowDays', sel: '{ net windowDays }', min: 1, max: 730 },
    { field: 'policyImpact', arg: 'windowDays', sel: '{ windowDays }', min: 1, max: 730 },
    { field: 'agentScorecards', arg: 'minCases', sel: '{ agentId }', min: 1, max: 100_000 },
    { field: 'kpiOutcomeCorrelations', arg: 'minCases', sel: '{ n }', min: 1, max: 100_000 },
    { field: 'incentiveAlignment', arg: 'minCases', sel: '{ n }', min: 1, max: 100_000 },
    { field: 'loadHistory', arg: 'limit', sel: '{ loadId }', min: 1, max: 1000 },
    { field: 'loadRejects', arg: 'limit', sel: '{ line }', min: 1, max: 5000 },
    { field: 'loadRejects', arg: 'offset', sel: '{ line }', min: 0, max: 2 ** 31 - 1 },
    { field: 'loadRejects', arg: 'loadId', sel: '{ line }', min: -(2 ** 31), max: 2 ** 31 - 1, nullable: true },
    { field: 'refunds', arg: 'limit', sel: '{ total }', min: 1, max: 500 },
    { field: 'refunds', arg: 'offset', sel: '{ total }', min: 0, max: 10_000_000 },
  ];
  /** The query with the argument as variable $v, or as a literal. */
  function intQuery(a: IntArg, literal?: string): string {
    const pol = a.field === 'policyImpact';
    const defs = [...(literal === undefined ? [`$v: Int${a.nullable ? '' : '!'}`] : []), ...(pol ? ['$c: String!'] : [])];
    const args = [`${a.arg}: ${literal ?? '$v'}`, ...(pol ? ['changeId: $c'] : [])];
    return `query${defs.length ? `(${defs.join(', ')})` : ''} { ${a.field}(${args.join(', ')}) ${a.sel} }`;
  }
  const varsFor = (a: { field: string }, v: unknown): Vars => (a.field === 'policyImpact' ? { v, c: changeId } : { v });

  test.each(INT_ARGS.map((a) => [`${a.field}(${a.arg})`, a] as const))('%s: hand-picked numbers', async (_name, a) => {
    const in32 = (x: number) => x >= -(2 ** 31) && x <= 2 ** 31 - 1;
    const expFor = (x: number): Expected => (x >= a.min && x <= a.max ? OK : in32(x) ? BAD(a.arg) : BAD());
    const cases: Array<[unknown, Expected]> = [
      ...[a.min, a.max, 0, -1, 1, 730, 731, a.min - 1, a.max + 1, 1e12, -1e12, 2 ** 31, -(2 ** 31) - 1].map((x): [unknown, Expected] => [x, expFor(x)]),
      [2.5, BAD()],
      ['12', BAD()],
      ['NaN', BAD()],
      [true, BAD()],
      [[5], BAD()],
      [{ $gt: 0 }, BAD()],
      ['1; DROP TABLE refunds; --', BAD()],
    ];
    const problems: string[] = [];
    for (const [v, exp] of cases) problems.push(...judge(await call(intQuery(a), varsFor(a, v)), exp, `${a.field}(${a.arg}: ${JSON.stringify(v)})`));
    // as literals in the document: out of 32 bits or not an integer is a validation failure
    for (const lit of ['99999999999', '1e12', '2.5', '"5"', 'null']) {
      const exp: Expected = lit === 'null' && a.nullable ? OK : INVALID;
      problems.push(...judge(await call(intQuery(a, lit), varsFor(a, undefined)), exp, `${a.field}(${a.arg}) literal ${lit}`));
    }
    problems.push(...judge(await call(intQuery(a, String(a.max)), varsFor(a, undefined)), OK, `${a.field}(${a.arg}) literal ${a.max}`));
    expect(problems).toEqual([]);
  });

  test('every integer argument: inside its range answered, outside refused naming it (property)', async () => {
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...INT_ARGS),
        fc.oneof(
          fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          fc.integer({ min: -5, max: 1005 }),
          fc.constantFrom(0, -1, 730, 731, 500, 501, 5000, 5001, 100_000, 100_001, 1_000_000, 1_000_001, 10_000_000, 10_000_001),
        ),
        async (a, v) => {
          const exp = v >= a.min && v <= a.max ? OK : BAD(a.arg);
          const p = judge(await call(intQuery(a), varsFor(a, v)), exp, `${a.field}(${a.arg}: ${v})`);
          problems.push(...p);
          return p.length === 0;
        },
      ),
      { numRuns: 120, seed: 20240301 },
    );
    expect(problems).toEqual([]);
  });

  interface FloatArg {
    field: string;
    arg: string;
    query: string;
    valid: (x: number) => boolean;
  }
  const FLOAT_ARGS: FloatArg[] = [
    { field: 'refundSpikes', arg: 'alpha', query: 'query($v: Float!) { refundSpikes(alpha: $v) { week pValue } }', valid: (x) => x > 0 && x < 1 },
    {
      field: 'channelConsistency',
      arg: 'gapThreshold',
      query: 'query($v: Float!) { channelConsistency(gapThreshold: $v) { n } }',
      valid: (x) => x >= 0 && x <= 1,
    },
    {
      field: 'incentiveAlignment',
      arg: 'weights',
      query: 'query($v: Float!) { incentiveAlignment(weights: [{ kpi: "rejectionRate", weight: $v, direction: LOWER_IS_BETTER }]) { n plan { source } } }',
      valid: (x) => x > 0,
    },
  ];

  test('float arguments: alpha 0/1/NaN-ish, gapThreshold and weights out of range (hand-picked and property)', async () => {
    const problems: string[] = [];
    for (const a of FLOAT_ARGS) {
      for (const v of [0, 1, -0.5, 1.5, 0.5, 1e-300, 1e300, -1e300, Number.MIN_VALUE, 1 - Number.EPSILON]) {
        problems.push(...judge(await call(a.query, { v }), a.valid(v) ? OK : BAD(a.arg), `${a.field}(${a.arg}: ${v})`));
      }
      for (const v of ['NaN', 'Infinity', '-Infinity', '0.5', null, [0.5], { v: 0.5 }])
        problems.push(...judge(await call(a.query, { v }), BAD(), `${a.field}(${a.arg}: ${JSON.stringify(v)})`));
      // JSON has no NaN or Infinity; 1e400 parses to Infinity, which GraphQL refuses
      for (const lit of ['1e400', '-1e400']) {
        const r = await callRaw(`{"query": ${JSON.stringify(a.query)}, "variables": {"v": ${lit}}}`);
        problems.push(...judge(r, BAD(), `${a.field}(${a.arg}: ${lit} in JSON)`));
      }
      const literal = a.query.replace('query($v: Float!) ', '').replace('$v', '1e400');
      const lit = await call(literal);
      if (lit.body.errors?.length) problems.push(...judge(lit, BAD(a.arg), `${a.field}(${a.arg}: literal 1e400)`));
      else problems.push(`${a.field}(${a.arg}: literal 1e400): answered ${JSON.stringify(lit.body.data).slice(0, 80)}`);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FLOAT_ARGS),
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -0.5, max: 1.5, noNaN: true })),
        async (a, v) => {
          const p = judge(await call(a.query, { v }), a.valid(v) ? OK : BAD(a.arg), `${a.field}(${a.arg}: ${v})`);
          problems.push(...p);
          return p.length === 0;
        },
      ),
      { numRuns: 60, seed: 7 },
    );
    expect(problems).toEqual([]);
  });

  // ---- filters -----------------------------------------------------------------------------

  const normalizeLike = (field: ListField, v: string): string[] => {
    // accept both exact matching and the server's user-friendly normalisation of channels / reason codes
    if (field === 'channels') return [v, v.trim().toLowerCase()];
    if (field === 'reasonCodes') return [v, v.trim().toLowerCase().replace(/\s+/g, '_')];
    return [v];
  };
  const expectedRefunds = (field: ListField, values: readonly string[]): number[] => {
    const m = known.get(field)!;
    // one value: exact or normalised hit; several values: the distinct matches summed (each refund has one value)
    const variants = (mode: 0 | 1) =>
      [...new Set(values.map((v) => normalizeLike(field, v)[Math.min(mode, normalizeLike(field, v).length - 1)]))].reduce((acc, v) => acc + (m.get(v) ?? 0), 0);
    return [variants(0), variants(1)];
  };
  const Q_FILTERED = `query($f: RefundFilter) { overview(filter: $f) { refunds } }`;

  test('filter lists: injection and odd strings in every list field are matched literally (0 refunds), never executed', async () => {
    const problems: string[] = [];
    for (const field of LIST_FIELDS) {
      for (const v of INJECTIONS) {
        const exp: Expected =
          v.length > 200
            ? BAD(`filter.${field}`)
            : {
                ok: true,
                check: (d) => {
                  const n = (d.overview as { refunds: number }).refunds;
                  return expectedRefunds(field, [v]).includes(n) ? null : `refunds ${n}, expected ${expectedRefunds(field, [v]).join(' or ')}`;
                },
              };
        problems.push(...judge(await call(Q_FILTERED, { f: { [field]: [v] } }), exp, `filter.${field} = ${JSON.stringify(v).slice(0, 40)}`));
      }
    }
    expect(problems).toEqual([]);
  });

  test('filter shapes: 10k values, 100k characters, nulls, objects, unknown keys, bad dates', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `c${i}`);
    const probes: Probe[] = [
      ...LIST_FIELDS.map((field) => ({ what: `10k ${field}`, query: Q_FILTERED, vars: { f: { [field]: many } }, exp: BAD(`filter.${field}`) })),
      ...LIST_FIELDS.map((field) => ({ what: `500 ${field}`, query: Q_FILTERED, vars: { f: { [field]: many.slice(0, 500) } }, exp: OK })),
      ...LIST_FIELDS.map((field) => ({
        what: `100k-character ${field}`,
        query: Q_FILTERED,
        vars: { f: { [field]: ['z'.repeat(100_000)] } },
        exp: BAD(`filter.${field}`),
      })),
      { what: 'list with null', query: Q_FILTERED, vars: { f: { channels: ['web', null] } }, exp: BAD() },
      { what: 'list with number', query: Q_FILTERED, vars: { f: { channels: [1] } }, exp: BAD() },
      { what: 'list with object', query: Q_FILTERED, vars: { f: { channels: [{ $ne: null }] } }, exp: BAD() },
      { what: 'object instead of list', query: Q_FILTERED, vars: { f: { channels: { $ne: null } } }, exp: BAD() },
      { what: 'unknown filter key', query: Q_FILTERED, vars: { f: { channels: ['web'], customerId: 'C1' } }, exp: BAD() },
      { what: '__proto__ filter key', query: Q_FILTERED, vars: JSON.parse('{"f": {"__proto__": {"channels": ["web"]}}}') as Vars, exp: BAD() },
      { what: 'filter as JSON string', query: Q_FILTERED, vars: { f: '{"channels":["web"]}' }, exp: BAD() },
      { what: 'filter as list', query: Q_FILTERED, vars: { f: [{ channels: ['web'] }] }, exp: BAD() },
      {
        what: 'single string for a list',
        query: Q_FILTERED,
        vars: { f: { channels: 'web' } },
        exp: { ok: true, check: (d) => ((d.overview as { refunds: number }).refunds === known.get('channels')!.get('web') ? null : 'not the web count') },
      },
      { what: 'from after to', query: Q_FILTERED, vars: { f: { from: '2024-05-01', to: '2024-04-01' } }, exp: BAD('filter.from') },
      ...[
        '2024-02-30',
        '2024-13-01',
        '24-01-01',
        '2024-1-1',
        'yesterday',
        '',
        "2024-01-01'; DROP TABLE refunds; --",
        '2024-01-01T00:00:00Z',
        '0000-01-01',
        '+275760-09-13',
        '2024-01-01 OR 1=1',
      ].flatMap((d): Probe[] => [
        { what: `from ${JSON.stringify(d)}`, query: Q_FILTERED, vars: { f: { from: d } }, exp: BAD() },
        { what: `literal to ${JSON.stringify(d)}`, query: `{ overview(filter: { to: ${JSON.stringify(d)} }) { refunds } }`, exp: INVALID },
      ]),
      { what: 'from as number', query: Q_FILTERED, vars: { f: { from: 20240101 } }, exp: BAD() },
      {
        what: 'year 9999 range with previous period',
        query: `query($f: RefundFilter) { overview(filter: $f) { refunds previous { refunds } } }`,
        vars: { f: { from: '2000-01-01', to: '9999-12-31' } },
        exp: OK,
      },
      {
        what: 'year 0100 range with previous period',
        query: `query($f: RefundFilter) { overview(filter: $f) { refunds previous { refunds } } }`,
        vars: { f: { from: '0100-01-01', to: '9999-12-31' } },
        exp: OK,
      },
    ];
    expect(await runAll(probes)).toEqual([]);
  });

  test('every query that takes a filter refuses a bad one the same way (10k channels, bad date, from after to)', async () => {
    const withFilter: Array<[string, string]> = [
      ['overview', '{ refunds }'],
      ['reasonTrends', '{ period }'],
      ['refundTrend', '{ period }'],
      ['refundSpikes', '{ week }'],
      ['channelConsistency', '{ n }'],
      ['customerExperience', '{ key }'],
      ['repurchaseAfterRefund', '{ key }'],
      ['rejectionEconomics', '{ net }'],
      ['agentScorecards', '{ agentId }'],
      ['kpiOutcomeCorrelations', '{ n }'],
      ['incentiveAlignment', '{ n }'],
      ['refunds', '{ total }'],
    ];
    const probes: Probe[] = withFilter.flatMap(([field, sel]): Probe[] => {
      const q = `query($f: RefundFilter) { ${field}(filter: $f) ${sel} }`;
      return [
        { what: `${field} 10k channels`, query: q, vars: { f: { channels: Array.from({ length: 10_000 }, (_, i) => `x${i}`) } }, exp: BAD('filter.channels') },
        { what: `${field} 201-char team`, query: q, vars: { f: { teams: ['t'.repeat(201)] } }, exp: BAD('filter.teams') },
        { what: `${field} from after to`, query: q, vars: { f: { from: '2024-05-01', to: '2024-04-01' } }, exp: BAD('filter.from') },
        { what: `${field} bad date`, query: q, vars: { f: { to: '2024-02-30' } }, exp: BAD() },
        { what: `${field} injection`, query: q, vars: { f: Object.fromEntries(LIST_FIELDS.map((k) => [k, SQL_INJECTIONS])) }, exp: OK },
      ];
    });
    expect(await runAll(probes)).toEqual([]);
  });

  test('random filters: answered with the right count or refused with BAD_USER_INPUT (property)', async () => {
    const str = fc.oneof(
      fc.constantFrom(...INJECTIONS),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ minLength: 195, maxLength: 210 }),
      fc.json({ maxDepth: 2 }),
    );
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LIST_FIELDS),
        fc.array(fc.oneof(str, fc.constantFrom('web', 'app', 'Web ', 'PHONE')), { maxLength: 4 }),
        async (field, values) => {
          const exp: Expected = values.some((v) => v.length > 200)
            ? BAD(`filter.${field}`)
            : {
                ok: true,
                check: (d) => {
                  const n = (d.overview as { refunds: number }).refunds;
                  if (values.length === 0) return n === baselineRefunds() ? null : `empty list gave ${n}`;
                  return expectedRefunds(field, values).includes(n) ? null : `refunds ${n}, expected ${expectedRefunds(field, values).join(' or ')}`;
                },
              };
          const p = judge(await call(Q_FILTERED, { f: { [field]: values } }), exp, `filter.${field} = ${JSON.stringify(values).slice(0, 80)}`);
          problems.push(...p);
          return p.length === 0;
        },
      ),
      { numRuns: 80, seed: 99 },
    );
    expect(problems).toEqual([]);
  });
  const baselineRefunds = () => (baseline.overview as { refunds: number }).refunds;

  // ---- enums, ids and text arguments ----------------------------------------------------------------

  test('enum arguments: unknown values, strings for enums and injection are refused', async () => {
    const probes: Probe[] = [];
    for (const [field, arg, sel] of [
      ['reasonTrends', 'grain', '{ period }'],
      ['refundTrend', 'grain', '{ period }'],
      ['customerExperience', 'groupBy', '{ key }'],
      ['customerExperience', 'grain', '{ key }'],
      ['repurchaseAfterRefund', 'groupBy', '{ key }'],
      ['repurchaseAfterRefund', 'grain', '{ key }'],
    ] as const) {
      const type = arg === 'grain' ? 'Grain' : 'Dimension';
      for (const v of ['YEAR', 'week', 'AGENTS', ...SQL_INJECTIONS.slice(0, 4), '', 7])
        probes.push({ what: `${field}(${arg}: ${JSON.stringify(v)})`, query: `query($v: ${type}!) { ${field}(${arg}: $v) ${sel} }`, vars: { v }, exp: BAD() });
      probes.push({ what: `${field}(${arg}: "WEEK" literal string)`, query: `{ ${field}(${arg}: "WEEK") ${sel} }`, exp: INVALID });
      probes.push({ what: `${field}(${arg}: DROP)`, query: `{ ${field}(${arg}: DROP) ${sel} }`, exp: INVALID });
    }
    for (const dim of ['DECISION', 'CHANNEL', 'PRODUCT_LINE', 'REASON_CODE', 'AGENT', 'TEAM', 'CAMPAIGN', 'CUSTOMER_TYPE', 'PERIOD']) {
      probes.push({ what: `customerExperience(groupBy: ${dim})`, query: `{ customerExperience(groupBy: ${dim}, grain: MONTH) { key refunds } }`, exp: OK });
      probes.push({
        what: `repurchaseAfterRefund(groupBy: ${dim})`,
        query: `{ repurchaseAfterRefund(groupBy: ${dim}, grain: QUARTER, windowDays: 730) { key eligible } }`,
        exp: OK,
      });
    }
    expect(await runAll(probes)).toEqual([]);
  });

  test('planId, weights and changeId: unknown, empty, long and injected values are BAD_USER_INPUT naming the argument', async () => {
    const probes: Probe[] = [
      {
        what: 'known planId',
        query: `query($p: String) { incentiveAlignment(planId: $p) { plan { planId source } } }`,
        vars: { p: planId },
        exp: { ok: true, check: (d) => ((d.incentiveAlignment as { plan: { planId: string } }).plan.planId === planId ? null : 'wrong plan') },
      },
      { what: 'known changeId', query: `query($c: String!) { policyImpact(changeId: $c) { changeId } }`, vars: { c: changeId }, exp: OK },
    ];
    for (const v of [
      ...INJECTIONS,
      ...PROTOTYPE_NAMES,
      `${planId} `,
      ` ${planId}`,
      planId.toLowerCase() === planId ? planId.toUpperCase() : planId.toLowerCase(),
      'p'.repeat(100_000),
    ]) {
      if (v === planId) continue;
      probes.push({
        what: `planId ${JSON.stringify(v).slice(0, 40)}`,
        query: `query($p: String) { incentiveAlignment(planId: $p) { n } }`,
        vars: { p: v },
        exp: BAD('planId'),
      });
    }
    for (const v of [...INJECTIONS, ...PROTOTYPE_NAMES, 'c'.repeat(101)]) {
      if (v === changeId) continue;
      probes.push({
        what: `changeId ${JSON.stringify(v).slice(0, 40)}`,
        query: `query($c: String!) { policyImpact(changeId: $c) { changeId } }`,
        vars: { c: v },
        exp: BAD('changeId'),
      });
    }
    const W = `query($w: [KpiWeightInput!]) { incentiveAlignment(weights: $w) { n plan { source weights { kpi weight } } } }`;
    for (const kpi of [...INJECTIONS, ...PROTOTYPE_NAMES, 'RejectionRate', 'rejectionRate '])
      probes.push({
        what: `weights kpi ${JSON.stringify(kpi).slice(0, 40)}`,
        query: W,
        vars: { w: [{ kpi, weight: 1, direction: 'HIGHER_IS_BETTER' }] },
        exp: BAD('weights'),
      });
    probes.push(
      { what: 'weights []', query: W, vars: { w: [] }, exp: BAD('weights') },
      {
        what: 'weights twice the same kpi',
        query: W,
        vars: {
          w: [
            { kpi: 'handled', weight: 1, direction: 'HIGHER_IS_BETTER' },
            { kpi: 'handled', weight: 2, direction: 'LOWER_IS_BETTER' },
          ],
        },
        exp: BAD('weights'),
      },
      {
        what: 'weights 3k entries',
        query: W,
        vars: { w: Array.from({ length: 3000 }, () => ({ kpi: 'handled', weight: 1, direction: 'HIGHER_IS_BETTER' })) },
        exp: BAD('weights'),
      },
      { what: 'weights direction SIDEWAYS', query: W, vars: { w: [{ kpi: 'handled', weight: 1, direction: 'SIDEWAYS' }] }, exp: BAD() },
      { what: 'weights missing weight', query: W, vars: { w: [{ kpi: 'handled', direction: 'HIGHER_IS_BETTER' }] }, exp: BAD() },
      { what: 'weights extra key', query: W, vars: { w: [{ kpi: 'handled', weight: 1, direction: 'HIGHER_IS_BETTER', sql: 'DROP' }] }, exp: BAD() },
      {
        what: 'weights valid what-if',
        query: W,
        vars: { w: [{ kpi: 'rejectionRate', weight: 2, direction: 'LOWER_IS_BETTER' }] },
        exp: { ok: true, check: (d) => ((d.incentiveAlignment as { plan: { source: string } }).plan.source === 'weights' ? null : 'not the weights') },
      },
    );
    expect(await runAll(probes)).toEqual([]);
  });

  test('refunds drill-down: sortBy, sortDir and every drill field', async () => {
    const R = (args: string) => `query($v: String!) { refunds(${args}) { total rows { refundId } } }`;
    const D = `query($d: RefundDrill) { refunds(drill: $d) { total } }`;
    const total = baselineRefunds();
    const probes: Probe[] = [
      ...['requestedAt', 'decidedAt', 'requestedAmount', 'refundedAmount', 'resolutionHours', 'channel', 'decision', 'reasonCode', 'productId'].map((v) => ({
        what: `sortBy ${v}`,
        query: R('sortBy: $v'),
        vars: { v },
        exp: OK,
      })),
      ...[...INJECTIONS, 'requested_at', 'requestedAt DESC', 'requestedAt; DROP TABLE refunds', 'REQUESTEDAT'].map((v) => ({
        what: `sortBy ${JSON.stringify(v).slice(0, 40)}`,
        query: R('sortBy: $v'),
        vars: { v },
        exp: BAD('sortBy'),
      })),
      ...[...INJECTIONS, 'DESC', 'ascending', 'desc; DROP TABLE refunds'].map((v) => ({
        what: `sortDir ${JSON.stringify(v).slice(0, 40)}`,
        query: R('sortDir: $v'),
        vars: { v },
        exp: BAD('sortDir'),
      })),
      ...['asc', 'desc'].map((v) => ({ what: `sortDir ${v}`, query: R('sortDir: $v'), vars: { v }, exp: OK })),
      ...(['decisions', 'reasonFamilies', 'customerTypes'] as const).flatMap((k) =>
        INJECTIONS.map((v) => ({ what: `drill.${k} ${JSON.stringify(v).slice(0, 30)}`, query: D, vars: { d: { [k]: [v] } }, exp: BAD(`drill.${k}`) })),
      ),
      ...INJECTIONS.filter((v) => v !== '').map((v) => ({
        what: `drill.amountBand ${JSON.stringify(v).slice(0, 30)}`,
        query: D,
        vars: { d: { amountBand: v } },
        exp: BAD('drill.amountBand'),
      })),
      ...INJECTIONS.filter((v) => v.length <= 200).map((v) => ({
        what: `drill.productIds ${JSON.stringify(v).slice(0, 30)}`,
        query: D,
        vars: { d: { productIds: [v] } },
        exp: { ok: true as const, check: (d: Record<string, unknown>) => ((d.refunds as { total: number }).total === 0 ? null : 'matched a product') },
      })),
      { what: 'drill.productIds 10k', query: D, vars: { d: { productIds: Array.from({ length: 10_000 }, (_, i) => `p${i}`) } }, exp: BAD('drill.productIds') },
      ...['2024-02-30', "2024-01-01'--", 'x'].map((v) => ({
        what: `drill.periodStart ${v}`,
        query: D,
        vars: { d: { periodStart: v, grain: 'WEEK' } },
        exp: BAD(),
      })),
      { what: 'drill.grain bad', query: D, vars: { d: { periodStart: '2024-01-01', grain: 'CENTURY' } }, exp: BAD() },
      { what: 'drill unknown key', query: D, vars: { d: { sql: 'DROP' } }, exp: BAD() },
      {
        what: 'every band',
        query: `{ a: refunds(drill: { amountBand: "[0,50)" }) { total } b: refunds(drill: { amountBand: "[50,200)" }) { total } c: refunds(drill: { amountBand: "[200,1000)" }) { total } d: refunds(drill: { amountBand: "[1000,inf)" }) { total } }`,
        exp: {
          ok: true,
          check: (d) => (Object.values(d).reduce((a: number, v) => a + (v as { total: number }).total, 0) === total ? null : 'bands do not add up'),
        },
      },
      {
        what: 'drill all fields valid',
        query: D,
        vars: {
          d: {
            decisions: ['approved', 'rejected'],
            reasonFamilies: ['defect'],
            customerTypes: ['new', 'returning'],
            productIds: [],
            periodStart: '2024-01-01',
            grain: 'MONTH',
            amountBand: '[0,50)',
          },
        },
        exp: OK,
      },
    ];
    expect(await runAll(probes)).toEqual([]);
  });

  test('names from Object.prototype are refused like any other unknown key (sortBy, drill.amountBand, saved filter keys)', async () => {
    const probes: Probe[] = [
      ...PROTOTYPE_NAMES.map((v) => ({ what: `sortBy ${v}`, query: `query($v: String!) { refunds(sortBy: $v) { total } }`, vars: { v }, exp: BAD('sortBy') })),
      ...PROTOTYPE_NAMES.map((v) => ({
        what: `drill.amountBand ${v}`,
        query: `query($v: String!) { refunds(drill: { amountBand: $v }) { total } }`,
        vars: { v },
        exp: BAD('drill.amountBand'),
      })),
      ...PROTOTYPE_NAMES.map((k) => ({
        what: `saveView filter key ${k}`,
        query: `mutation($f: String!) { saveView(name: "proto", page: "/", filter: $f) { id filter } }`,
        vars: { f: JSON.stringify({ [k]: ['web'] }) },
        exp: BAD('filter'),
      })),
    ];
    expect(await runAll(probes)).toEqual([]);
  });

  test('loadRejects and loadHistory with odd ids and pages', async () => {
    const probes: Probe[] = [
      {
        what: 'loadRejects unknown load',
        query: `{ loadRejects(loadId: 2147483647) { line } }`,
        exp: { ok: true, check: (d) => ((d.loadRejects as unknown[]).length === 0 ? null : 'rows for an unknown load') },
      },
      { what: 'loadRejects negative load', query: `{ loadRejects(loadId: -2147483648) { line } }`, exp: OK },
      { what: 'loadRejects last page', query: `{ loadRejects(offset: 2147483647, limit: 5000) { line } }`, exp: OK },
      { what: 'loadRejects loadId string', query: `{ loadRejects(loadId: "1 OR 1=1") { line } }`, exp: INVALID },
      { what: 'loadHistory limit float', query: `{ loadHistory(limit: 1.5) { loadId } }`, exp: INVALID },
    ];
    expect(await runAll(probes)).toEqual([]);
  });

  // ---- mutations ----------------------------------------------------------------------------------

  test('annotations: injected notes are stored verbatim, bad metric/date/length refused', async () => {
    const problems: string[] = [];
    const ADD = `mutation($d: Date!, $m: String, $n: String!) { addAnnotation(date: $d, metric: $m, note: $n) { id note metric date } }`;
    const created: number[] = [];
    for (const note of [...SQL_INJECTIONS, ...JSON_INJECTIONS, '💥🔥€中文', '<script>alert(1)</script>', 'n'.repeat(2000), ' padded  ']) {
      const a = await call(ADD, { d: '2024-03-01', m: 'approvalRate', n: note });
      problems.push(...judge(a, OK, `note ${JSON.stringify(note).slice(0, 30)}`));
      const got = a.body.data?.addAnnotation as { id: number; note: string } | undefined;
      if (got) {
        created.push(got.id);
        if (got.note !== note.trim()) problems.push(`note stored as ${JSON.stringify(got.note).slice(0, 40)}`);
      }
    }
    const listed = ok(await s.gql<Pick<Query, 'annotations'>>(`{ annotations { id note } }`)).annotations;
    for (const id of created) if (!listed.some((x) => x.id === id)) problems.push(`annotation ${id} not listed`);
    const refused: Array<[Vars, string | undefined]> = [
      [{ d: '2024-03-01', m: null, n: '' }, 'note'],
      [{ d: '2024-03-01', m: null, n: '   ' }, 'note'],
      [{ d: '2024-03-01', m: null, n: 'n'.repeat(2001) }, 'note'],
      ...[...SQL_INJECTIONS, ...JSON_INJECTIONS, ...PROTOTYPE_NAMES, 'approvalrate', ''].map((m): [Vars, string] => [{ d: '2024-03-01', m, n: 'x' }, 'metric']),
      [{ d: '2024-02-30', m: null, n: 'x' }, undefined],
      [{ d: "2024-03-01'); DROP TABLE annotations; --", m: null, n: 'x' }, undefined],
    ];
    for (const [vars, arg] of refused) problems.push(...judge(await call(ADD, vars), BAD(arg), `addAnnotation ${JSON.stringify(vars).slice(0, 60)}`));
    for (const id of [0, -1, 2147483647])
      problems.push(...judge(await call(`mutation($id: Int!) { deleteAnnotation(id: $id) }`, { id }), BAD('id'), `deleteAnnotation ${id}`));
    problems.push(...judge(await call(`mutation($id: Int!) { deleteAnnotation(id: $id) }`, { id: '1 OR 1=1' }), BAD(), 'deleteAnnotation string id'));
    for (const id of created) problems.push(...judge(await call(`mutation($id: Int!) { deleteAnnotation(id: $id) }`, { id }), OK, `delete ${id}`));
    expect(ok(await s.gql<Pick<Query, 'annotations'>>(`{ annotations { id } }`)).annotations.length).toBe(listed.length - created.length);
    expect(problems).toEqual([]);
  });

  test('saveView: the filter JSON is parsed strictly; injected values are kept as data', async () => {
    const SAVE = `mutation($n: String!, $p: String!, $f: String!) { saveView(name: $n, page: $p, filter: $f) { id name page filter } }`;
    const problems: string[] = [];
    const created: number[] = [];
    const good: Array<[string, Record<string, unknown>]> = [
      ['{}', {}],
      [JSON.stringify({ channels: SQL_INJECTIONS }), { channels: SQL_INJECTIONS }],
      [JSON.stringify({ from: '2024-01-01', to: '2024-02-01', teams: ['"},"x":{"'] }), { from: '2024-01-01', to: '2024-02-01', teams: ['"},"x":{"'] }],
      [JSON.stringify({ from: null, productLines: [] }), { productLines: [] }],
    ];
    for (const [f, want] of good) {
      const a = await call(SAVE, { n: "'; DROP TABLE saved_views; --", p: '/reasons', f });
      problems.push(...judge(a, OK, `saveView ${f.slice(0, 40)}`));
      const v = a.body.data?.saveView as { id: number; name: string; filter: string } | undefined;
      if (v) {
        created.push(v.id);
        if (v.name !== "'; DROP TABLE saved_views; --") problems.push(`name stored as ${v.name}`);
        const parsed = JSON.parse(v.filter) as Record<string, unknown>;
        // the stored filter is a RefundFilter that the API accepts as is
        const back = await call(Q_FILTERED, { f: parsed });
        problems.push(...judge(back, OK, `stored filter ${v.filter.slice(0, 40)} reused`));
        for (const [k, val] of Object.entries(want)) {
          // kept as data: verbatim, or normalised the way the filter normalises channels and reason codes
          const normalised = Array.isArray(val) ? val.map((x) => normalizeLike(k as ListField, String(x)).at(-1)) : val;
          if (JSON.stringify(parsed[k]) !== JSON.stringify(val) && JSON.stringify(parsed[k]) !== JSON.stringify(normalised))
            problems.push(`filter.${k} stored as ${JSON.stringify(parsed[k])}`);
        }
      }
    }
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const badFilters = [
      '',
      'null',
      '[]',
      '"x"',
      '42',
      "'; DROP TABLE saved_views; --",
      '{"channels": "web"}',
      '{"channels": [1]}',
      '{"channels": [null]}',
      '{"channels": [{"$ne": null}]}',
      '{"channels": ["web"], "evil": 1}',
      '{"__proto__": {"admin": true}}',
      '{"from": "2024-13-01"}',
      '{"from": 20240101}',
      '{"from": "2024-05-01", "to": "2024-04-01"}',
      JSON.stringify({ channels: Array.from({ length: 501 }, (_, i) => `c${i}`) }),
      JSON.stringify({ teams: ['t'.repeat(201)] }),
      `{"channels": ["${'x'.repeat(20_001)}"]}`,
      deep,
      '{"channels": ["web"]',
    ];
    for (const f of badFilters)
      problems.push(...judge(await call(SAVE, { n: 'bad', p: '/', f }), BAD('filter'), `saveView filter ${JSON.stringify(f).slice(0, 50)}`));
    for (const p of ['', '/admin', 'javascript:alert(1)', '//evil.example', '/reasons?x=1', ...SQL_INJECTIONS.slice(0, 3)])
      problems.push(...judge(await call(SAVE, { n: 'bad', p, f: '{}' }), BAD('page'), `saveView page ${p}`));
    for (const n of ['', '   ', 'n'.repeat(201)])
      problems.push(...judge(await call(SAVE, { n, p: '/', f: '{}' }), BAD('name'), `saveView name ${n.slice(0, 10)}`));
    for (const id of created) problems.push(...judge(await call(`mutation($id: Int!) { deleteSavedView(id: $id) }`, { id }), OK, `deleteSavedView ${id}`));
    for (const id of [...created, -1])
      problems.push(...judge(await call(`mutation($id: Int!) { deleteSavedView(id: $id) }`, { id }), BAD('id'), `deleteSavedView again ${id}`));
    expect(problems).toEqual([]);
  });

  test('policy changes: injected ids and text are stored verbatim and usable; bad timestamps and lengths refused', async () => {
    const UP = `mutation($i: PolicyChangeInput!) { upsertPolicyChange(input: $i) { changeId title description effectiveAt scopeChannel source } }`;
    const problems: string[] = [];
    const ids: string[] = [];
    for (const [i, inj] of [...SQL_INJECTIONS, ...JSON_INJECTIONS].entries()) {
      const id = `${inj}`.slice(0, 90) + `#${i}`;
      const a = await call(UP, { i: { changeId: id, title: inj, description: inj, effectiveAt: '2024-06-01T00:00:00+08:00', scopeChannel: null } });
      problems.push(...judge(a, OK, `upsert ${JSON.stringify(id).slice(0, 30)}`));
      const got = a.body.data?.upsertPolicyChange as { changeId: string; title: string; description: string; effectiveAt: string } | undefined;
      if (got) {
        ids.push(got.changeId);
        if (got.changeId !== id.trim() || got.title !== inj.trim() || got.description !== inj.trim() || got.effectiveAt !== '2024-05-31T16:00:00.000Z')
          problems.push(`stored as ${JSON.stringify(got).slice(0, 120)}`);
        problems.push(
          ...judge(
            await call(`query($c: String!) { policyImpact(changeId: $c, windowDays: 30) { changeId } }`, { c: got.changeId }),
            OK,
            `impact of ${JSON.stringify(got.changeId).slice(0, 30)}`,
          ),
        );
      }
    }
    for (const effectiveAt of [
      'yesterday',
      '2024-02-30',
      "2024-01-01'; DROP TABLE policy_changes; --",
      '2024-01-01T25:00:00Z',
      '2024-01-01T00:00:00+15:00',
      '',
      '1e9',
      '+275760-09-13',
    ]) {
      problems.push(...judge(await call(UP, { i: { changeId: 'bad-time', title: 't', effectiveAt } }), BAD('input.effectiveAt'), `effectiveAt ${effectiveAt}`));
    }
    const refused: Array<[Vars, string | undefined]> = [
      [{ changeId: '', title: 't', effectiveAt: '2024-01-01' }, 'changeId'],
      [{ changeId: '   ', title: 't', effectiveAt: '2024-01-01' }, 'changeId'],
      [{ changeId: 'c'.repeat(101), title: 't', effectiveAt: '2024-01-01' }, 'changeId'],
      [{ changeId: 'x', title: '', effectiveAt: '2024-01-01' }, 'input.title'],
      [{ changeId: 'x', title: 't'.repeat(301), effectiveAt: '2024-01-01' }, 'input.title'],
      [{ changeId: 'x', title: 't', description: 'd'.repeat(4001), effectiveAt: '2024-01-01' }, 'input.description'],
      [{ changeId: 'x', title: 't', scopeChannel: 's'.repeat(101), effectiveAt: '2024-01-01' }, 'input.scopeChannel'],
      [{ changeId: 'x', title: 't', effectiveAt: '2024-01-01', source: 'data' }, undefined],
    ];
    for (const [input, arg] of refused) problems.push(...judge(await call(UP, { i: input }), BAD(arg), `upsert ${JSON.stringify(input).slice(0, 60)}`));
    for (const id of ids)
      problems.push(
        ...judge(await call(`mutation($c: String!) { deletePolicyChange(changeId: $c) }`, { c: id }), OK, `delete ${JSON.stringify(id).slice(0, 30)}`),
      );
    for (const c of [...SQL_INJECTIONS, '', 'c'.repeat(101), changeId])
      problems.push(
        ...judge(
          await call(`mutation($c: String!) { deletePolicyChange(changeId: $c) }`, { c }),
          BAD('changeId'),
          `deletePolicyChange ${JSON.stringify(c).slice(0, 30)}`,
        ),
      );
    expect(problems).toEqual([]);
  });

  test('issueApiToken / revokeApiToken: injected names and roles refused, labels kept as data', async () => {
    const ISSUE = `mutation($u: String!, $r: String!, $l: String!) { issueApiToken(userName: $u, role: $r, label: $l) { id token } }`;
    const problems: string[] = [];
    for (const u of [...SQL_INJECTIONS, ...JSON_INJECTIONS, '', 'u'.repeat(101), 'admin\nroot'].filter((x) => !/^[\w .@-]{1,100}$/.test(x)))
      problems.push(...judge(await call(ISSUE, { u, r: 'analyst', l: '' }), BAD('userName'), `userName ${JSON.stringify(u).slice(0, 30)}`));
    for (const r of [...SQL_INJECTIONS, 'ADMIN', 'root', 'superuser', '', ...PROTOTYPE_NAMES])
      problems.push(...judge(await call(ISSUE, { u: 'probe-user', r, l: '' }), BAD('role'), `role ${JSON.stringify(r).slice(0, 30)}`));
    problems.push(...judge(await call(ISSUE, { u: 'probe-user', r: 'analyst', l: 'l'.repeat(201) }), BAD('label'), 'label 201'));
    const a = await call(ISSUE, { u: 'probe-user', r: 'analyst', l: SQL_INJECTIONS[0] });
    problems.push(...judge(a, OK, 'label injection'));
    const t = a.body.data?.issueApiToken as { id: number; token: string } | undefined;
    if (t) {
      const listed = ok(await s.gql<Pick<Query, 'apiTokens'>>(`{ apiTokens { id label role } }`)).apiTokens.find((x) => x.id === t.id);
      if (listed?.label !== SQL_INJECTIONS[0] || listed.role !== 'analyst') problems.push(`token listed as ${JSON.stringify(listed)}`);
      problems.push(...judge(await call(`mutation($id: Int!) { revokeApiToken(id: $id) }`, { id: t.id }), OK, 'revoke'));
    }
    for (const id of [0, -1, 2147483647])
      problems.push(...judge(await call(`mutation($id: Int!) { revokeApiToken(id: $id) }`, { id }), BAD('id'), `revoke ${id}`));
    expect(problems).toEqual([]);
  });

  test('every string argument, random strings and injections: answered or BAD_USER_INPUT, never internal (property)', async () => {
    interface StringArg {
      what: string;
      query: string;
      vars: (v: string) => Vars;
      /** expected for v; undefined = answered or BAD_USER_INPUT both fine */
      exp?: (v: string) => Expected;
    }
    const STRING_ARGS: StringArg[] = [
      {
        what: 'planId',
        query: `query($v: String) { incentiveAlignment(planId: $v) { n } }`,
        vars: (v) => ({ v }),
        exp: (v) => (v === planId ? OK : BAD('planId')),
      },
      {
        what: 'changeId',
        query: `query($v: String!) { policyImpact(changeId: $v) { changeId } }`,
        vars: (v) => ({ v }),
        exp: (v) => (v === changeId ? OK : BAD('changeId')),
      },
      { what: 'sortBy', query: `query($v: String!) { refunds(sortBy: $v) { total } }`, vars: (v) => ({ v }), exp: () => BAD('sortBy') },
      {
        what: 'sortDir',
        query: `query($v: String!) { refunds(sortDir: $v) { total } }`,
        vars: (v) => ({ v }),
        exp: (v) => (v === 'asc' || v === 'desc' ? OK : BAD('sortDir')),
      },
      {
        what: 'drill.decisions',
        query: `query($v: String!) { refunds(drill: { decisions: [$v] }) { total } }`,
        vars: (v) => ({ v }),
        exp: () => BAD('drill.decisions'),
      },
      {
        what: 'drill.reasonFamilies',
        query: `query($v: String!) { refunds(drill: { reasonFamilies: [$v] }) { total } }`,
        vars: (v) => ({ v }),
        exp: () => BAD('drill.reasonFamilies'),
      },
      {
        what: 'drill.customerTypes',
        query: `query($v: String!) { refunds(drill: { customerTypes: [$v] }) { total } }`,
        vars: (v) => ({ v }),
        exp: () => BAD('drill.customerTypes'),
      },
      {
        what: 'drill.amountBand',
        query: `query($v: String!) { refunds(drill: { amountBand: $v }) { total } }`,
        vars: (v) => ({ v }),
        exp: (v) => (v === '' ? OK : BAD('drill.amountBand')),
      },
      { what: 'drill.productIds', query: `query($v: String!) { refunds(drill: { productIds: [$v] }) { total } }`, vars: (v) => ({ v }) },
      {
        what: 'drill.periodStart',
        query: `query($v: Date) { refunds(drill: { periodStart: $v, grain: DAY }) { total } }`,
        vars: (v) => ({ v }),
        exp: () => BAD(),
      },
      {
        what: 'weights.kpi',
        query: `query($v: String!) { incentiveAlignment(weights: [{ kpi: $v, weight: 1, direction: HIGHER_IS_BETTER }]) { n } }`,
        vars: (v) => ({ v }),
        exp: () => BAD('weights'),
      },
      {
        what: 'annotation metric',
        query: `mutation($v: String) { addAnnotation(date: "2024-01-01", metric: $v, note: "p") { id } }`,
        vars: (v) => ({ v }),
        exp: () => BAD('metric'),
      },
      { what: 'saveView filter', query: `mutation($v: String!) { saveView(name: "p", page: "/", filter: $v) { id } }`, vars: (v) => ({ v }) },
      {
        what: 'saveView page',
        query: `mutation($v: String!) { saveView(name: "p", page: $v, filter: "{}") { id } }`,
        vars: (v) => ({ v }),
        exp: () => BAD('page'),
      },
      {
        what: 'policy effectiveAt',
        query: `mutation($v: String!) { upsertPolicyChange(input: { changeId: "prop", title: "t", effectiveAt: $v }) { changeId } }`,
        vars: (v) => ({ v }),
      },
      {
        what: 'issueApiToken role',
        query: `mutation($v: String!) { issueApiToken(userName: "prop", role: $v) { id } }`,
        vars: (v) => ({ v }),
        exp: (v) => (['admin', 'executive', 'product', 'analyst'].includes(v) ? OK : BAD('role')),
      },
      { what: 'deletePolicyChange', query: `mutation($v: String!) { deletePolicyChange(changeId: $v) }`, vars: (v) => ({ v }), exp: () => BAD('changeId') },
    ];
    const problems: string[] = [];
    const arb = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
      { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
      { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.string({ minLength: 150, maxLength: 400 }) },
      // SQL-looking: a fragment, a quote and a keyword
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom("'", '"', '`', ');', '--', '/*', '\\'),
            fc.constantFrom('DROP TABLE refunds', 'UNION SELECT 1', 'OR 1=1', 'ATTACH', 'COPY'),
            fc.string({ maxLength: 10 }),
          )
          .map((t) => t.join(' ')),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STRING_ARGS), arb, async (a, v) => {
        if (PROTOTYPE_NAMES.includes(v)) return true; // covered (and reported) by its own test
        const ans = await call(a.query, a.vars(v));
        let p = sane(ans, `${a.what} = ${JSON.stringify(v).slice(0, 60)}`);
        if (a.exp) p = judge(ans, a.exp(v), `${a.what} = ${JSON.stringify(v).slice(0, 60)}`);
        else if (ans.body.errors?.length && ans.body.errors[0].extensions?.code !== 'BAD_USER_INPUT')
          p.push(`${a.what} = ${JSON.stringify(v).slice(0, 60)}: ${ans.body.errors[0].extensions?.code}`);
        problems.push(...p);
        return p.length === 0;
      }),
      { numRuns: 200, seed: 4242 },
    );
    expect(problems).toEqual([]);
  });

  // ---- document shape -----------------------------------------------------------------------

  test('deep, wide and aliased documents are refused by the limits; the limits themselves are usable', async () => {
    const deep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }`;
    const eight = `{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }`;
    const aliases = (n: number, field = 'me { name }') => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    const probes: Probe[] = [
      { what: 'depth 9', query: deep, exp: INVALID },
      { what: 'depth 8', query: eight, exp: OK },
      {
        what: 'depth 9 through fragments',
        query: `fragment T on __Type { ofType { ofType { ofType { ofType { name } } } } } { __schema { types { fields { type { ...T } } } } }`,
        exp: INVALID,
      },
      { what: 'fragment cycle', query: `fragment A on Query { ...B } fragment B on Query { ...A } { ...A }`, exp: INVALID },
      { what: '1,000 aliases', query: aliases(1000), exp: TOO_MANY_TOKENS },
      { what: '21 aliases', query: `{ me { ${Array.from({ length: 21 }, (_, i) => `n${i}: name`).join(' ')} } }`, exp: INVALID },
      { what: '20 aliases', query: `{ me { ${Array.from({ length: 20 }, (_, i) => `n${i}: name`).join(' ')} } }`, exp: OK },
      {
        what: '13 root fields',
        query: `{ me { name } metricCatalog { name } overview { refunds } refundTrend { period } reasonTrends { period } refundSpikes { week } channelConsistency { n } customerExperience { key } repurchaseAfterRefund { key } rejectionEconomics { net } agentScorecards { agentId } kpiOutcomeCorrelations { n } incentivePlans { planId } }`,
        exp: INVALID,
      },
      {
        what: '12 root fields',
        query: `{ me { name } metricCatalog { name } overview { refunds } refundTrend { period } reasonTrends { period } refundSpikes { week } channelConsistency { n } customerExperience { key } repurchaseAfterRefund { key } rejectionEconomics { net } agentScorecards { agentId } kpiOutcomeCorrelations { n } }`,
        exp: OK,
      },
      { what: '401 fields', query: `{ metricCatalog { ${'name '.repeat(401)} } }`, exp: INVALID },
      {
        what: '12 aliased overviews with 600-value filters',
        query: aliases(12, `overview(filter: { channels: [${Array.from({ length: 600 }, (_, i) => `"c${i}"`).join(',')}] }) { refunds }`),
        exp: TOO_MANY_TOKENS,
      },
      { what: '__typename flood', query: `{ ${'__typename '.repeat(5000)} }`, exp: TOO_MANY_TOKENS },
      { what: 'directive flood', query: `{ me { name ${'@include(if: true) '.repeat(2000)} } }`, exp: TOO_MANY_TOKENS },
      { what: 'unknown directive', query: `{ me @sql(q: "DROP TABLE refunds") { name } }`, exp: INVALID },
      { what: 'huge string literal', query: `{ overview(filter: { channels: ["${'x'.repeat(200_000)}"] }) { refunds } }`, exp: BAD('filter.channels') },
      { what: 'two operations without a name', query: `query A { me { name } } query B { me { role } }`, exp: BAD() },
      { what: 'subscription (the schema has none)', query: `subscription { me { name } }`, exp: BAD() },
    ];
    expect(await runAll(probes)).toEqual([]);
  });

  test('batched operations are refused and none of them runs; odd bodies and transports are refused', async () => {
    const before = ok(await s.gql<Pick<Query, 'annotations'>>(`{ annotations { id } }`)).annotations.length;
    const batch = await callRaw(
      JSON.stringify([
        { query: `mutation { addAnnotation(date: "2024-01-01", note: "batched 1") { id } }` },
        { query: `mutation { addAnnotation(date: "2024-01-01", note: "batched 2") { id } }` },
      ]),
    );
    expect(batch.status).toBe(400);
    expect(batch.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const single = await callRaw(JSON.stringify([{ query: `mutation { addAnnotation(date: "2024-01-01", note: "batched 3") { id } }` }]));
    expect(single.status).toBe(400);
    expect(single.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    for (const body of [
      '[]',
      '{}',
      '{"query": null}',
      '{"query": ["{ me { name } }"]}',
      '{"query": "{ me { name } }", "variables": "{}"}',
      '{"query": "{ me { name } }", "operationName": 5}',
      '{"query": "{ me { name } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "00"}}}',
    ]) {
      const r = await callRaw(body);
      expect([body, r.status < 500, r.body.errors?.[0]?.extensions?.code]).toEqual([body, true, 'BAD_USER_INPUT']);
    }
    // a mutation over GET, or as a simple (CSRF-able) request, is not executed
    const get = await fetch(`${s.url}/graphql?query=${encodeURIComponent('mutation { addAnnotation(date: "2024-01-01", note: "via GET") { id } }')}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBeGreaterThanOrEqual(400);
    const plain = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: `mutation { addAnnotation(date: "2024-01-01", note: "text/plain") { id } }` }),
    });
    expect(plain.status).toBeGreaterThanOrEqual(400);
    const form = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: 'query=mutation%20%7B%20addAnnotation(date%3A%20%222024-01-01%22%2C%20note%3A%20%22form%22)%20%7B%20id%20%7D%20%7D',
    });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect(ok(await s.gql<Pick<Query, 'annotations'>>(`{ annotations { id } }`)).annotations.length).toBe(before);
  });

  // ---- afterwards ---------------------------------------------------------------------------

  test('afterwards the server is up and the data unchanged', async () => {
    expect(ok(await s.gql<Pick<Query, 'me'>>(`{ me { role } }`)).me.role).toBe('admin');
    const after = await snapshot();
    expect(after.overview).toEqual(baseline.overview);
    expect(after.refundTrend).toEqual(baseline.refundTrend);
    expect(after.filterOptions).toEqual(baseline.filterOptions);
    expect(after.loads).toBe(baseline.loads);
    expect(s.child.exitCode).toBeNull();
    await s.close();
    // and the DuckDB file itself: every table there, refunds intact
    const inst = await openDatabase(s.dbPath);
    const conn = await connect(inst);
    try {
      const [r] = await queryRows<{ refunds: number; facts: number; loads: number }>(
        conn,
        `SELECT (SELECT count(*) FROM refunds) AS refunds, (SELECT count(*) FROM refund_facts) AS facts, (SELECT count(*) FROM load_history) AS loads`,
      );
      expect(r).toEqual({ refunds: baseline.refundsInDb, facts: baseline.refundsInDb, loads: baseline.loads });
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });
});

describe('parser token limit', () => {
  test('a document over the token limit is refused before it is validated', async () => {
    const { startTestServer } = await import('../support/server');
    const { refund } = await import('../../etl/src/testing/factory');
    const s = await startTestServer({ refunds: [refund()] });
    try {
      const big = `{ overview(filter: { channels: [${Array.from({ length: 6000 }, () => '"web"').join(',')}] }) { refunds } }`;
      const r = await s.gql(big);
      expect(r.errors?.[0].message).toMatch(/more that 5000 tokens/);
      expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
      const small = await s.gql('{ overview { refunds } }');
      expect(small.errors).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
