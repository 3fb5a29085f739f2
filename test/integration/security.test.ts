import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { agent, order, refund, survey, writeTables, type Row } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, startTestServer, type GqlResult, type TestServer } from '../support/server';
import type { Mutation, Query } from '../support/api';

/*
 * Security: the role matrix over every operation of server/schema.gql, what the product role's
 * answers hide, authentication failures, token storage and logging, rate limiting, body size,
 * CORS, security headers, and production mode (no introspection, no stack traces).
 */

const ROOT = resolve(__dirname, '..', '..');
type Role = 'admin' | 'executive' | 'product' | 'analyst';
const ROLES: readonly Role[] = ['admin', 'executive', 'product', 'analyst'];

// Distinctive ids and names, so a leak shows up as a plain substring of a response.
const AGENTS = [
  { id: 'AGT-SECRET-71', name: 'Zelda Quuxbridge', team: 'Team-North' },
  { id: 'AGT-SECRET-72', name: 'Yorick Blimpton', team: 'Team-South' },
  { id: 'AGT-SECRET-73', name: 'Xavier Plonkett', team: 'Team-North' },
];
const CUSTOMERS = ['CUST-PRIVATE-501', 'CUST-PRIVATE-502', 'CUST-PRIVATE-503', 'CUST-PRIVATE-504'];

function fixture(): Record<string, Row[]> {
  const refunds: Row[] = [];
  const orders: Row[] = [];
  const surveys: Row[] = [];
  const decisions = ['approved', 'rejected', 'partial', 'approved'] as const;
  for (let i = 0; i < 18; i++) {
    const a = AGENTS[i % AGENTS.length];
    const c = CUSTOMERS[i % CUSTOMERS.length];
    const d = decisions[i % decisions.length];
    const day = String(1 + (i % 20)).padStart(2, '0');
    const refundId = `RF-${i}`;
    const orderId = `OR-${i}`;
    refunds.push(
      refund({
        refund_id: refundId,
        order_id: orderId,
        customer_id: c,
        agent_id: a.id,
        reviewer_id: i % 5 === 0 ? a.id : null,
        channel: i % 2 ? 'web' : 'chat',
        product_id: `SKU-${i % 3}`,
        reason_code: i % 3 ? 'defective' : 'changed_mind',
        requested_at: `2024-03-${day}T08:00:00Z`,
        decided_at: `2024-03-${day}T20:00:00Z`,
        decision: d,
        requested_amount: 100 + i,
        refunded_amount: d === 'rejected' ? 0 : d === 'partial' ? 50 : 100 + i,
        payout_status: d === 'rejected' ? null : 'succeeded',
      }),
    );
    orders.push(order({ order_id: orderId, customer_id: c, ordered_at: `2024-02-${day}T08:00:00Z`, amount: 100 + i }));
    surveys.push(survey({ refund_id: refundId, customer_id: c, kind: 'csat', score: 1 + (i % 5), responded_at: `2024-03-${day}T22:00:00Z` }));
    surveys.push(survey({ refund_id: refundId, customer_id: c, kind: 'nps', score: i % 11, responded_at: `2024-03-${day}T22:00:00Z` }));
  }
  // repurchases so outcome metrics have values
  CUSTOMERS.forEach((c, i) => orders.push(order({ order_id: `OR-RE-${i}`, customer_id: c, ordered_at: '2024-04-10T00:00:00Z', amount: 70 })));
  orders.push(order({ order_id: 'OR-HORIZON', customer_id: 'CUST-OTHER', ordered_at: '2024-08-01T00:00:00Z', amount: 5 }));
  return {
    agents: AGENTS.map((a) => agent({ agent_id: a.id, name: a.name, team: a.team })),
    refunds,
    orders,
    surveys,
    incentive_plans: [
      { plan_id: 'PLAN-2024', effective_from: '2024-01-01', effective_to: null, team: null, kpi: 'rejectionRate', weight: 1, direction: 'lower_is_better' },
      { plan_id: 'PLAN-2024', effective_from: '2024-01-01', effective_to: null, team: null, kpi: 'resolutionHours', weight: 0.5, direction: 'lower_is_better' },
    ],
    policy_changes: [
      {
        change_id: 'CHG-1',
        effective_at: '2024-03-10T00:00:00Z',
        title: 'Stricter evidence',
        description: null,
        scope_channel: null,
        scope_product_line: null,
      },
    ],
  };
}

// ---- HTTP helpers -------------------------------------------------------------------------------

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

async function rawPost(url: string, body: string, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function parse(text: string): GqlResult<Record<string, unknown>> {
  return JSON.parse(text) as GqlResult<Record<string, unknown>>;
}

const codeOf = (r: GqlResult<unknown>): string | undefined => r.errors?.[0]?.extensions?.code;

/** A GraphQL request with an arbitrary Authorization header (or none). */
async function gqlWithAuth(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  authorization: string | null,
): Promise<GqlResult<Record<string, unknown>>> {
  const r = await rawPost(url, JSON.stringify({ query, variables }), authorization === null ? {} : { authorization });
  return parse(r.text);
}

async function issue(s: TestServer, userName: string, role: Role, token = ADMIN_TOKEN): Promise<{ id: number; token: string }> {
  const d = ok(
    await s.gql<Pick<Mutation, 'issueApiToken'>>(
      `mutation($u: String!, $r: String!) { issueApiToken(userName: $u, role: $r, label: "security test") { id token } }`,
      { u: userName, r: role },
      token,
    ),
  );
  return d.issueApiToken;
}

// ---- the operation table ------------------------------------------------------------------------

interface Op {
  kind: 'query' | 'mutation';
  doc: string;
  /** Variables for one call; may create what the call needs (as the calling role where it may, else as the bootstrap admin). */
  vars?: (s: TestServer, token?: string) => Promise<Record<string, unknown>>;
  allowed: readonly Role[];
}

const ALL: readonly Role[] = ROLES;
const WRITERS: readonly Role[] = ['admin', 'executive', 'product'];
// Implemented as @Roles('admin', 'executive'): stricter than the README's "product: no agent names".
const POLICY_WRITERS: readonly Role[] = ['admin', 'executive'];
const ADMIN: readonly Role[] = ['admin'];

let seq = 0;
const uniq = (p: string) => `${p}-${process.pid}-${++seq}`;

// Annotations and saved views are deleted by their owner (or an admin): the role matrix deletes its own.
async function newAnnotation(s: TestServer, token?: string): Promise<Record<string, unknown>> {
  const doc = `mutation { addAnnotation(date: "2024-03-05", note: "to delete") { id } }`;
  const mine = token ? await s.gql<Pick<Mutation, 'addAnnotation'>>(doc, {}, token) : null;
  const d = mine?.data ? mine.data : ok(await s.gql<Pick<Mutation, 'addAnnotation'>>(doc));
  return { id: d.addAnnotation.id };
}
async function newView(s: TestServer, token?: string): Promise<Record<string, unknown>> {
  const doc = `mutation { saveView(name: "to delete", page: "/", filter: "{}") { id } }`;
  const mine = token ? await s.gql<Pick<Mutation, 'saveView'>>(doc, {}, token) : null;
  const d = mine?.data ? mine.data : ok(await s.gql<Pick<Mutation, 'saveView'>>(doc));
  return { id: d.saveView.id };
}
async function newUser(s: TestServer): Promise<Record<string, unknown>> {
  const d = ok(
    await s.gql<Pick<Mutation, 'createUser'>>(
      `mutation($e: String!, $n: String!) { createUser(email: $e, name: $n, role: "analyst", password: "matrix-password-9f2c") { id } }`,
      {
        e: `${uniq('u')}@example.com`,
        n: uniq('matrix-account'),
      },
    ),
  );
  return { id: d.createUser.id };
}
async function newChange(s: TestServer): Promise<Record<string, unknown>> {
  const changeId = uniq('APP-CHG');
  ok(
    await s.gql(`mutation($i: PolicyChangeInput!) { upsertPolicyChange(input: $i) { changeId } }`, {
      i: { changeId, title: 'to delete', effectiveAt: '2024-03-12' },
    }),
  );
  return { c: changeId };
}
/** A public literal address: no DNS needed, and not refused as private (the rule is never triggered here: no load). */
const ALERT_INPUT = `{ name: "matrix", kind: PAYOUT_FAILURES, threshold: 0.5, target: "https://93.184.216.34/hook" }`;
async function newAlertRule(s: TestServer): Promise<Record<string, unknown>> {
  return { id: ok(await s.gql<Pick<Mutation, 'createAlertRule'>>(`mutation { createAlertRule(input: ${ALERT_INPUT}) { id } }`)).createAlertRule.id };
}
async function newToken(s: TestServer): Promise<Record<string, unknown>> {
  return { id: (await issue(s, uniq('throwaway'), 'analyst')).id };
}

const OPS: Record<string, Op> = {
  // queries
  agentScorecards: { kind: 'query', doc: `{ agentScorecards(minCases: 1) { agentId name team handled } }`, allowed: ALL },
  annotations: { kind: 'query', doc: `{ annotations { id note author } }`, allowed: ALL },
  apiTokens: { kind: 'query', doc: `{ apiTokens { id label userName role revokedAt } }`, allowed: ADMIN },
  auditLog: { kind: 'query', doc: `{ auditLog { at actor action detail address } }`, allowed: ADMIN },
  users: { kind: 'query', doc: `{ users { id name email role disabled } }`, allowed: ADMIN },
  channelConsistency: { kind: 'query', doc: `{ channelConsistency(minCases: 1) { comparableCohorts cohorts { channels { channel n } } } }`, allowed: ALL },
  customerExperience: { kind: 'query', doc: `{ customerExperience(groupBy: DECISION) { key refunds } }`, allowed: ALL },
  filterOptions: { kind: 'query', doc: `{ filterOptions { channels teams agents { agentId name team } } }`, allowed: ALL },
  incentiveAlignment: {
    kind: 'query',
    doc: `{ incentiveAlignment(minCases: 1) { alignment n agents { agentId name incentiveRank } plan { planId source } } }`,
    allowed: ALL,
  },
  incentivePlans: { kind: 'query', doc: `{ incentivePlans { planId weights { kpi weight direction } } }`, allowed: ALL },
  kpiOutcomeCorrelations: { kind: 'query', doc: `{ kpiOutcomeCorrelations(minCases: 1) { kpi outcome n } }`, allowed: ALL },
  loadHistory: { kind: 'query', doc: `{ loadHistory { loadId outcome } }`, allowed: ALL },
  loadRejects: { kind: 'query', doc: `{ loadRejects { line reason } }`, allowed: ALL },
  me: { kind: 'query', doc: `{ me { name role } }`, allowed: ALL },
  metricCatalog: { kind: 'query', doc: `{ metricCatalog { name } }`, allowed: ALL },
  overview: { kind: 'query', doc: `{ overview { refunds decided } }`, allowed: ALL },
  policyChanges: { kind: 'query', doc: `{ policyChanges { changeId source } }`, allowed: ALL },
  policyImpact: { kind: 'query', doc: `{ policyImpact(changeId: "CHG-1", windowDays: 30) { changeId metrics { metric } } }`, allowed: ALL },
  reasonTrends: { kind: 'query', doc: `{ reasonTrends { period reasonCode refunds } }`, allowed: ALL },
  refundSpikes: { kind: 'query', doc: `{ refundSpikes { productId week } }`, allowed: ALL },
  refundTrend: { kind: 'query', doc: `{ refundTrend { period refunds } }`, allowed: ALL },
  refunds: { kind: 'query', doc: `{ refunds(limit: 100) { total rows { refundId customerId agentId agentName } } }`, allowed: ALL },
  refundBreakdown: { kind: 'query', doc: `{ refundBreakdown(by: PRODUCT) { total groups { key refunds } } }`, allowed: ALL },
  rejectionEconomics: { kind: 'query', doc: `{ rejectionEconomics { savings rejectedCount } }`, allowed: ALL },
  rejectionEffect: { kind: 'query', doc: `{ rejectionEffect { att coverage } }`, allowed: ALL },
  reconciliation: { kind: 'query', doc: `{ reconciliation { sources { source } conflicts { kind } } }`, allowed: ALL },
  repurchaseAfterRefund: { kind: 'query', doc: `{ repurchaseAfterRefund { key eligible } }`, allowed: ALL },
  savedViews: { kind: 'query', doc: `{ savedViews { id name } }`, allowed: ALL },
  alertRules: { kind: 'query', doc: `{ alertRules { id name target } }`, allowed: ALL },
  alertDeliveries: { kind: 'query', doc: `{ alertDeliveries { id status } }`, allowed: ALL },
  alertStatus: { kind: 'query', doc: `{ alertStatus { dataVersion } }`, allowed: ALL },
  // mutations
  addAnnotation: {
    kind: 'mutation',
    doc: `mutation { addAnnotation(date: "2024-03-05", metric: "approvalRate", note: "role matrix") { id } }`,
    allowed: WRITERS,
  },
  deleteAnnotation: { kind: 'mutation', doc: `mutation($id: Int!) { deleteAnnotation(id: $id) }`, vars: newAnnotation, allowed: WRITERS },
  saveView: {
    kind: 'mutation',
    doc: `mutation { saveView(name: "matrix", page: "/reasons", filter: "{\\"channels\\":[\\"web\\"]}") { id } }`,
    allowed: WRITERS,
  },
  deleteSavedView: { kind: 'mutation', doc: `mutation($id: Int!) { deleteSavedView(id: $id) }`, vars: newView, allowed: WRITERS },
  upsertPolicyChange: {
    kind: 'mutation',
    doc: `mutation($i: PolicyChangeInput!) { upsertPolicyChange(input: $i) { changeId } }`,
    vars: async () => ({ i: { changeId: uniq('APP-CHG'), title: 'matrix', effectiveAt: '2024-03-12T00:00:00Z' } }),
    allowed: POLICY_WRITERS,
  },
  deletePolicyChange: { kind: 'mutation', doc: `mutation($c: String!) { deletePolicyChange(changeId: $c) }`, vars: newChange, allowed: POLICY_WRITERS },
  createAlertRule: { kind: 'mutation', doc: `mutation { createAlertRule(input: ${ALERT_INPUT}) { id } }`, allowed: POLICY_WRITERS },
  updateAlertRule: {
    kind: 'mutation',
    doc: `mutation($id: Int!) { updateAlertRule(id: $id, input: ${ALERT_INPUT}) { id } }`,
    vars: newAlertRule,
    allowed: POLICY_WRITERS,
  },
  deleteAlertRule: { kind: 'mutation', doc: `mutation($id: Int!) { deleteAlertRule(id: $id) }`, vars: newAlertRule, allowed: POLICY_WRITERS },
  issueApiToken: {
    kind: 'mutation',
    doc: `mutation($u: String!) { issueApiToken(userName: $u, role: "analyst", label: "matrix") { id token } }`,
    vars: async () => ({ u: uniq('matrix-user') }),
    allowed: ADMIN,
  },
  revokeApiToken: { kind: 'mutation', doc: `mutation($id: Int!) { revokeApiToken(id: $id) }`, vars: newToken, allowed: ADMIN },
  createUser: {
    kind: 'mutation',
    doc: `mutation($e: String!, $n: String!) { createUser(email: $e, name: $n, role: "analyst", password: "matrix-password-9f2c") { id } }`,
    vars: async () => ({ e: `${uniq('m')}@example.com`, n: uniq('matrix-new') }),
    allowed: ADMIN,
  },
  updateUser: { kind: 'mutation', doc: `mutation($id: Int!) { updateUser(id: $id, role: "product") { id role } }`, vars: newUser, allowed: ADMIN },
  resetPassword: { kind: 'mutation', doc: `mutation($id: Int!) { resetPassword(id: $id, password: "another-password-77a1") }`, vars: newUser, allowed: ADMIN },
};

/** Every real agent id, agent name and customer id of the fixture found in a text. */
function leaks(text: string, what: 'agents' | 'customers'): string[] {
  const needles = what === 'agents' ? AGENTS.flatMap((a) => [a.id, a.name]) : CUSTOMERS;
  return needles.filter((n) => text.includes(n));
}

describe('security: roles, authentication, tokens', () => {
  let s: TestServer;
  const tokens = {} as Record<Role, string>;
  const issuedPlain: string[] = [];
  const triedWrong: string[] = [];

  beforeAll(async () => {
    s = await startTestServer(fixture());
    for (const role of ROLES) {
      const t = await issue(s, `user-${role}`, role);
      tokens[role] = t.token;
      issuedPlain.push(t.token);
    }
  });
  afterAll(() => s?.close());

  test('the table covers exactly the operations of server/schema.gql', () => {
    const schema = buildSchema(readFileSync(join(ROOT, 'server', 'schema.gql'), 'utf8'));
    const fields = (t: GraphQLObjectType | null | undefined) => Object.keys(t?.getFields() ?? {});
    const inSchema = [...fields(schema.getQueryType()).map((f) => `query ${f}`), ...fields(schema.getMutationType()).map((f) => `mutation ${f}`)].sort();
    const inTable = Object.entries(OPS)
      .map(([name, op]) => `${op.kind} ${name}`)
      .sort();
    expect(inTable).toEqual(inSchema);
  });

  test('every role is who its token says', async () => {
    for (const role of ROLES) {
      const d = ok(await s.gql<Pick<Query, 'me'>>(`{ me { name role } }`, {}, tokens[role]));
      expect(d.me).toEqual({ name: `user-${role}`, role });
    }
  });

  test.each(ROLES)('%s: each operation is answered or FORBIDDEN as the role rules say', async (role) => {
    const wrong: string[] = [];
    for (const [name, op] of Object.entries(OPS)) {
      const vars = op.vars ? await op.vars(s, tokens[role]) : {};
      const r = await s.gql<Record<string, unknown>>(op.doc, vars, tokens[role]);
      if (op.allowed.includes(role)) {
        if (r.errors?.length || !r.data || r.data[name] === null || r.data[name] === undefined)
          wrong.push(`${name}: expected an answer, got ${JSON.stringify(r.errors ?? r.data)}`);
      } else if (codeOf(r) !== 'FORBIDDEN' || (r.data && r.data[name] !== null)) {
        wrong.push(`${name}: expected FORBIDDEN, got ${JSON.stringify(r.errors ?? r.data)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('a refused mutation changes nothing', async () => {
    const count = async () =>
      ok(
        await s.gql<Pick<Query, 'annotations' | 'savedViews' | 'policyChanges' | 'apiTokens'>>(
          `{ annotations { id } savedViews { id } policyChanges { changeId } apiTokens { id } }`,
        ),
      );
    const before = await count();
    const { id: annotationId } = (await newAnnotation(s)) as { id: number };
    const after1 = await count();
    for (const [doc, vars] of [
      [`mutation { addAnnotation(date: "2024-03-05", note: "analyst") { id } }`, {}],
      [`mutation { saveView(name: "analyst", page: "/", filter: "{}") { id } }`, {}],
      [`mutation($id: Int!) { deleteAnnotation(id: $id) }`, { id: annotationId }],
      [`mutation { upsertPolicyChange(input: { changeId: "ANALYST", title: "x", effectiveAt: "2024-01-01" }) { changeId } }`, {}],
      [`mutation { issueApiToken(userName: "analyst-escalation", role: "admin") { token } }`, {}],
    ] as const) {
      expect(codeOf(await s.gql(doc, vars, tokens.analyst))).toBe('FORBIDDEN');
    }
    for (const t of [tokens.executive, tokens.product]) {
      expect(codeOf(await s.gql(`mutation { issueApiToken(userName: "escalation", role: "admin") { token } }`, {}, t))).toBe('FORBIDDEN');
      expect(codeOf(await s.gql(`{ apiTokens { id } }`, {}, t))).toBe('FORBIDDEN');
    }
    expect(await count()).toEqual(after1);
    expect(after1.annotations.length).toBe(before.annotations.length + 1);
  });

  describe('what the product role sees of agents and customers', () => {
    test('agentScorecards: rank labels in the order of the real scorecards, no ids, names or teams', async () => {
      const q = `{ agentScorecards(minCases: 1) { agentId name team handled approvalRate } }`;
      const real = ok(await s.gql<Pick<Query, 'agentScorecards'>>(q, {}, tokens.executive)).agentScorecards;
      expect(real.map((c) => c.agentId).sort()).toEqual(AGENTS.map((a) => a.id).sort());
      expect(real.every((c) => c.name !== null)).toBe(true);
      const res = await s.gql<Pick<Query, 'agentScorecards'>>(q, {}, tokens.product);
      const anon = ok(res).agentScorecards;
      expect(anon.map((c) => c.agentId)).toEqual(real.map((_, i) => `rank-${i + 1}`));
      expect(anon.every((c) => c.name === null && c.team === null)).toBe(true);
      expect(anon.map((c) => [c.handled, c.approvalRate])).toEqual(real.map((c) => [c.handled, c.approvalRate]));
      expect(leaks(JSON.stringify(res), 'agents')).toEqual([]);
    });

    test('incentiveAlignment: rank labels only', async () => {
      const q = `{ incentiveAlignment(minCases: 1) { n agents { agentId name incentiveRank outcomeRank } plan { planId } } }`;
      const res = await s.gql<Pick<Query, 'incentiveAlignment'>>(q, {}, tokens.product);
      const agents = ok(res).incentiveAlignment.agents;
      expect(agents.length).toBe(AGENTS.length);
      for (const a of agents) {
        expect(a.agentId).toMatch(/^rank-\d+$/);
        expect(a.name).toBeNull();
      }
      expect(leaks(JSON.stringify(res), 'agents')).toEqual([]);
      const exec = ok(await s.gql<Pick<Query, 'incentiveAlignment'>>(q, {}, tokens.executive)).incentiveAlignment.agents;
      expect(exec.map((a) => a.agentId).sort()).toEqual(AGENTS.map((a) => a.id).sort());
    });

    test('filterOptions.agents is empty for product, complete for the others', async () => {
      const q = `{ filterOptions { agents { agentId name team } teams channels } }`;
      const res = await s.gql<Pick<Query, 'filterOptions'>>(q, {}, tokens.product);
      expect(ok(res).filterOptions.agents).toEqual([]);
      expect(leaks(JSON.stringify(res), 'agents')).toEqual([]);
      for (const role of ['admin', 'executive', 'analyst'] as const) {
        expect(ok(await s.gql<Pick<Query, 'filterOptions'>>(q, {}, tokens[role])).filterOptions.agents.length).toBe(AGENTS.length);
      }
    });

    test('refunds rows: no agent for product; real customer ids for admin only, stable pseudonyms for the others', async () => {
      const q = `{ refunds(limit: 100, sortBy: "requestedAt", sortDir: "asc") { total rows { refundId customerId agentId agentName } } }`;
      type Page = { refunds: { total: number; rows: Array<{ refundId: string; customerId: string; agentId: string | null; agentName: string | null }> } };
      const admin = ok(await s.gql<Page>(q, {}, tokens.admin)).refunds.rows;
      expect(admin.length).toBe(18);
      expect(new Set(admin.map((r) => r.customerId))).toEqual(new Set(CUSTOMERS));
      expect(admin.every((r) => r.agentId !== null && r.agentName !== null)).toBe(true);
      const realCustomer = new Map(admin.map((r) => [r.refundId, r.customerId]));

      for (const role of ['executive', 'product', 'analyst'] as const) {
        const res = await s.gql<Page>(q, {}, tokens[role]);
        const rows = ok(res).refunds.rows;
        expect(rows.length).toBe(18);
        expect(leaks(JSON.stringify(res), 'customers')).toEqual([]);
        // one pseudonym per customer: the same customer always gets the same one, different customers different ones
        const pseudonymOf = new Map<string, string>();
        for (const r of rows) {
          expect(r.customerId).toMatch(/^anon-[0-9a-f]+$/);
          const realId = realCustomer.get(r.refundId)!;
          const seen = pseudonymOf.get(realId);
          if (seen) expect(r.customerId).toBe(seen);
          pseudonymOf.set(realId, r.customerId);
        }
        expect(new Set(pseudonymOf.values()).size).toBe(CUSTOMERS.length);
        if (role === 'product') {
          expect(rows.every((r) => r.agentId === null && r.agentName === null)).toBe(true);
          expect(leaks(JSON.stringify(res), 'agents')).toEqual([]);
        } else {
          expect(rows.every((r) => r.agentId !== null)).toBe(true);
        }
      }
    });

    test('customerExperience / repurchaseAfterRefund grouped by AGENT: FORBIDDEN for product, real ids for the others', async () => {
      for (const field of ['customerExperience', 'repurchaseAfterRefund']) {
        const q = `{ ${field}(groupBy: AGENT) { key } }`;
        const r = await s.gql(q, {}, tokens.product);
        expect(codeOf(r)).toBe('FORBIDDEN');
        expect(leaks(JSON.stringify(r), 'agents')).toEqual([]);
        for (const role of ['admin', 'executive', 'analyst'] as const) {
          const keys = ok(await s.gql<Record<string, Array<{ key: string | null }>>>(q, {}, tokens[role]))[field].map((g) => g.key);
          expect(keys.filter((k) => k !== null).sort()).toEqual(AGENTS.map((a) => a.id).sort());
        }
        // other dimensions stay open to product
        expect(ok(await s.gql(`{ ${field}(groupBy: TEAM) { key } }`, {}, tokens.product))).toBeTruthy();
      }
    });

    test('product may not narrow the agent views to one agent id', async () => {
      for (const q of [
        `{ agentScorecards(filter: { agentIds: ["AGT-SECRET-71"] }, minCases: 1) { agentId } }`,
        `{ incentiveAlignment(filter: { agentIds: ["AGT-SECRET-71"] }, minCases: 1) { n } }`,
      ]) {
        expect(codeOf(await s.gql(q, {}, tokens.product))).toBe('FORBIDDEN');
      }
    });

    test('product cannot get one agent’s numbers by filtering any other query on an agent id', async () => {
      // agentScorecards and incentiveAlignment refuse filter.agentIds for product (re-identification); every
      // other query that takes a RefundFilter must too, or overview(filter: { agentIds: [id] }) is that agent's scorecard.
      const filtered = (field: string, sel: string, extra = '') => `query($f: RefundFilter) { ${field}(filter: $f${extra}) ${sel} }`;
      const queries: Record<string, string> = {
        overview: filtered('overview', '{ refunds rejectionRate }'),
        refundTrend: filtered('refundTrend', '{ refunds }'),
        reasonTrends: filtered('reasonTrends', '{ refunds }'),
        refundSpikes: filtered('refundSpikes', '{ count }'),
        channelConsistency: filtered('channelConsistency', '{ n }', ', minCases: 1'),
        customerExperience: filtered('customerExperience', '{ key csatAvg }'),
        repurchaseAfterRefund: filtered('repurchaseAfterRefund', '{ key repurchaseRate }'),
        rejectionEconomics: filtered('rejectionEconomics', '{ rejectedCount }'),
        kpiOutcomeCorrelations: filtered('kpiOutcomeCorrelations', '{ n }', ', minCases: 1'),
        refunds: filtered('refunds', '{ total }'),
      };
      const open: string[] = [];
      for (const [name, q] of Object.entries(queries)) {
        const r = await s.gql(q, { f: { agentIds: [AGENTS[0].id] } }, tokens.product);
        if (codeOf(r) !== 'FORBIDDEN') open.push(`${name}: ${JSON.stringify(r.errors?.[0]?.extensions ?? r.data).slice(0, 120)}`);
      }
      expect(open).toEqual([]);
    });
  });

  describe('authentication', () => {
    let revoked = '';
    let sibling = '';
    beforeAll(async () => {
      const t = await issue(s, 'user-revoked', 'executive');
      const t2 = await issue(s, 'user-revoked', 'executive');
      issuedPlain.push(t.token, t2.token);
      expect(ok(await s.gql<Pick<Query, 'me'>>(`{ me { role } }`, {}, t.token)).me.role).toBe('executive');
      expect(ok(await s.gql<Pick<Mutation, 'revokeApiToken'>>(`mutation($id: Int!) { revokeApiToken(id: $id) }`, { id: t.id })).revokeApiToken).toBe(true);
      revoked = t.token;
      sibling = t2.token;
    });

    test('revoking a token ends it at once, and only it', async () => {
      expect(codeOf(await s.gql(`{ me { role } }`, {}, revoked))).toBe('UNAUTHENTICATED');
      expect(ok(await s.gql<Pick<Query, 'me'>>(`{ me { name } }`, {}, sibling)).me.name).toBe('user-revoked');
      // revoking twice is a bad input, not a silent success
      const list = ok(await s.gql<Pick<Query, 'apiTokens'>>(`{ apiTokens { id revokedAt } }`)).apiTokens;
      const gone = list.find((t) => t.revokedAt !== null)!;
      expect(codeOf(await s.gql(`mutation($id: Int!) { revokeApiToken(id: $id) }`, { id: gone.id }))).toBe('BAD_USER_INPUT');
    });

    test('no token, a wrong, revoked or malformed token: every operation is UNAUTHENTICATED and does nothing', async () => {
      const wrongToken = `rfd_${'x'.repeat(43)}`;
      triedWrong.push(wrongToken, `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1));
      const headers: Array<string | null> = [
        null,
        '',
        `Bearer ${wrongToken}`,
        `Bearer ${revoked}`,
        `Bearer ${ADMIN_TOKEN}x`,
        `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
        ADMIN_TOKEN,
        `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
        'Bearer',
        `Bearer ${'a'.repeat(600)}`,
        `Bearer ${ADMIN_TOKEN} extra`,
      ];
      const before = ok(await s.gql<Pick<Query, 'annotations' | 'savedViews' | 'apiTokens'>>(`{ annotations { id } savedViews { id } apiTokens { id } }`));
      const wrong: string[] = [];
      for (const auth of headers) {
        for (const [name, op] of Object.entries(OPS)) {
          // ids that exist, so only authentication can stop the call
          const vars =
            name === 'deleteAnnotation' ||
            name === 'deleteSavedView' ||
            name === 'revokeApiToken' ||
            name === 'updateUser' ||
            name === 'resetPassword' ||
            name === 'updateAlertRule' ||
            name === 'deleteAlertRule'
              ? { id: 1 }
              : name === 'deletePolicyChange'
                ? { c: 'CHG-1' }
                : op.vars
                  ? await op.vars(s)
                  : {};
          const r = await gqlWithAuth(s.url, op.doc, vars, auth);
          if (codeOf(r) !== 'UNAUTHENTICATED' || (r.data && r.data[name] !== null))
            wrong.push(`${auth?.slice(0, 20)} ${name}: ${JSON.stringify(r).slice(0, 160)}`);
        }
      }
      expect(wrong).toEqual([]);
      const after = ok(await s.gql<Pick<Query, 'annotations' | 'savedViews' | 'apiTokens'>>(`{ annotations { id } savedViews { id } apiTokens { id } }`));
      expect(after.annotations.length).toBe(before.annotations.length);
      expect(after.savedViews.length).toBe(before.savedViews.length);
      expect(after.apiTokens.length).toBe(before.apiTokens.length);
    });

    test('the token list never shows a token or its hash', async () => {
      const text = JSON.stringify(await s.gql(`{ apiTokens { id label userName role createdAt revokedAt } }`));
      for (const t of issuedPlain) {
        expect(text).not.toContain(t);
        expect(text).not.toContain(createHash('sha256').update(t).digest('hex'));
      }
    });

    test('the app database stores only SHA-256 hashes of tokens', () => {
      const file = join(dirname(s.dbPath), 'refunds-app.sqlite');
      expect(existsSync(file)).toBe(true);
      const db = new Database(file, { readonly: true, fileMustExist: true });
      let rows: Array<Record<string, unknown>>;
      try {
        rows = db.prepare('SELECT * FROM api_tokens').all() as Array<Record<string, unknown>>;
      } finally {
        db.close();
      }
      expect(rows.length).toBeGreaterThanOrEqual(issuedPlain.length);
      const hashes = new Set(issuedPlain.map((t) => createHash('sha256').update(t, 'utf8').digest('hex')));
      const stored = new Set<string>();
      for (const row of rows) {
        for (const v of Object.values(row)) {
          const text = String(v);
          for (const t of issuedPlain) expect(text).not.toContain(t);
          expect(text).not.toContain(ADMIN_TOKEN);
          if (/^[0-9a-f]{64}$/.test(text)) stored.add(text);
        }
      }
      for (const h of hashes) expect(stored.has(h)).toBe(true);
      // nor anywhere in the file, its journal or write-ahead log
      for (const f of [file, `${file}-wal`, `${file}-journal`]) {
        if (!existsSync(f)) continue;
        const bytes = readFileSync(f);
        for (const t of [...issuedPlain, ADMIN_TOKEN]) expect(bytes.includes(Buffer.from(t))).toBe(false);
      }
    });
  });

  test('user input cannot forge server log lines', async () => {
    const marker = 'FORGED-LOG-LINE-7f3a';
    for (const q of [
      `query($c: String!) { policyImpact(changeId: $c) { changeId } }`,
      `query($c: String!) { incentiveAlignment(planId: $c) { n } }`,
      `query($c: String!) { refunds(sortBy: $c) { total } }`,
    ]) {
      const r = await s.gql(q, { c: `x\n${marker} [Auth] admin token rotated\r\n${marker}` });
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
    }
    await new Promise((r) => setTimeout(r, 200));
    const forged = s
      .logs()
      .split(/\r?\n|\r/)
      .filter((line) => line.startsWith(marker));
    expect(forged).toEqual([]);
  });

  test('no token ever appears in the server log', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const logs = s.logs();
    expect(logs).toMatch(/ready: /);
    for (const t of [...issuedPlain, ADMIN_TOKEN, ...triedWrong]) expect(logs).not.toContain(t);
  });
});

describe('security: HTTP limits, rate limiting, CORS, headers', () => {
  let s: TestServer;
  const ORIGIN = 'https://dash.example.com';
  beforeAll(async () => {
    s = await startTestServer(fixture(), { REFUNDS_RATE_LIMIT: '20', REFUNDS_CORS_ORIGINS: ORIGIN });
  });
  afterAll(() => s?.close());

  test('after 20 requests in a minute a token gets 429 RATE_LIMITED, however it spells the header; another token still works', async () => {
    const a = await issue(s, 'rate-a', 'analyst');
    const b = await issue(s, 'rate-b', 'analyst');
    const body = JSON.stringify({ query: '{ me { name } }' });
    for (let i = 0; i < 20; i++) {
      const r = await rawPost(s.url, body, { authorization: `Bearer ${a.token}` });
      expect([i, r.status]).toEqual([i, 200]);
      expect(parse(r.text).errors).toBeUndefined();
    }
    for (const auth of [`Bearer ${a.token}`, `bearer ${a.token}`, `BEARER   ${a.token}`, `Bearer\t${a.token}`]) {
      const limited = await rawPost(s.url, body, { authorization: auth });
      expect([auth.slice(0, 8), limited.status]).toEqual([auth.slice(0, 8), 429]);
      expect(codeOf(parse(limited.text))).toBe('RATE_LIMITED');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const other = await rawPost(s.url, body, { authorization: `Bearer ${b.token}` });
    expect(other.status).toBe(200);
    expect(parse(other.text).data).toEqual({ me: { name: 'rate-b' } });
    expect(s.logs()).not.toContain(a.token);
  });

  test('a body over 256 kb is refused with 413 before anything runs; one under the limit is answered', async () => {
    const big = JSON.stringify({ query: `mutation { addAnnotation(date: "2024-03-05", note: "${'n'.repeat(300 * 1024)}") { id } }` });
    const r = await rawPost(s.url, big, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(r.status).toBe(413);
    expect(r.text).not.toMatch(/\bat .*\.js:\d+/);
    const small = JSON.stringify({ query: `# ${'c'.repeat(200 * 1024)}\n{ annotations { id } }` });
    const r2 = await rawPost(s.url, small, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(r2.status).toBe(200);
    expect(parse(r2.text).data).toEqual({ annotations: [] });
  });

  test('CORS: a configured origin is allowed, a foreign one gets no Access-Control-Allow-Origin', async () => {
    const body = JSON.stringify({ query: '{ me { name } }' });
    const foreign = await rawPost(s.url, body, { authorization: `Bearer ${ADMIN_TOKEN}`, origin: 'https://evil.example' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await rawPost(s.url, body, { authorization: `Bearer ${ADMIN_TOKEN}`, origin: ORIGIN });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const preflight = await fetch(`${s.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('security: defaults and production mode', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(fixture(), { NODE_ENV: 'production' });
  });
  afterAll(() => s?.close());

  test('CORS is closed by default: no Access-Control-Allow-Origin for any origin, preflight included', async () => {
    for (const origin of ['https://evil.example', 'null', s.url]) {
      const r = await rawPost(s.url, JSON.stringify({ query: '{ me { name } }' }), { authorization: `Bearer ${ADMIN_TOKEN}`, origin });
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
      const pre = await fetch(`${s.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  test('security headers on API answers, errors and pages; no X-Powered-By', async () => {
    const responses = [
      await fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ query: '{ me { name } }' }),
      }),
      await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      await fetch(`${s.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `# ${'x'.repeat(300 * 1024)}` }),
      }),
      await fetch(`${s.url}/`),
      await fetch(`${s.url}/no/such/page`),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 400, 413, 200, 200]);
    for (const r of responses) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(r.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(r.headers.get('x-powered-by')).toBeNull();
    }
  });

  test('introspection is off in production', async () => {
    for (const q of ['{ __schema { types { name } } }', '{ __type(name: "Query") { fields { name } } }', 'query { a: __schema { queryType { name } } }']) {
      const r = await s.gql(q);
      expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(r.data ?? null).toBeNull();
    }
  });

  test('no error answer carries a stack trace, a file path or SQL', async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const bodies: Array<[string, string, Record<string, string>]> = [
      ['parse error', JSON.stringify({ query: '{ overview { ' }), auth],
      ['unknown field', JSON.stringify({ query: '{ overview { nope } }' }), auth],
      ['bad argument', JSON.stringify({ query: '{ rejectionEconomics(windowDays: 0) { net } }' }), auth],
      ['bad variable', JSON.stringify({ query: 'query($w: Int!) { rejectionEconomics(windowDays: $w) { net } }', variables: { w: 'x' } }), auth],
      ['unauthenticated', JSON.stringify({ query: '{ overview { refunds } }' }), {}],
      ['two operations, no name', JSON.stringify({ query: 'query A { me { name } } query B { me { role } }' }), auth],
      ['unknown operation name', JSON.stringify({ query: 'query A { me { name } }', operationName: 'B' }), auth],
      ['a sort key from Object.prototype', JSON.stringify({ query: '{ refunds(sortBy: "constructor") { total } }' }), auth],
      ['an amount band from Object.prototype', JSON.stringify({ query: '{ refunds(drill: { amountBand: "__proto__" }) { total } }' }), auth],
      [
        'a previous period before year 1',
        JSON.stringify({ query: '{ overview(filter: { from: "2000-01-01", to: "9999-12-31" }) { refunds previous { refunds } } }' }),
        auth,
      ],
      ['batch', JSON.stringify([{ query: '{ me { name } }' }, { query: '{ me { role } }' }]), auth],
      ['broken JSON', '{"query": ', auth],
      ['query not a string', JSON.stringify({ query: 42 }), auth],
      ['variables not an object', JSON.stringify({ query: '{ me { name } }', variables: [1] }), auth],
      ['too large', JSON.stringify({ query: `{ me { name } } # ${'x'.repeat(300 * 1024)}` }), auth],
    ];
    const leaksFound: string[] = [];
    for (const [what, body, headers] of bodies) {
      const r = await rawPost(s.url, body, headers);
      expect([what, r.status < 500]).toEqual([what, true]);
      if (/\n\s+at |stacktrace|\.[jt]s:\d+|node_modules|\/work\/|SELECT |FROM refund/i.test(r.text)) leaksFound.push(`${what}: ${r.text.slice(0, 200)}`);
      if (r.text.startsWith('{') && r.text.includes('INTERNAL_SERVER_ERROR')) {
        for (const e of parse(r.text).errors ?? []) if (e.extensions?.code === 'INTERNAL_SERVER_ERROR') expect(e.message).toMatch(/server log has the details/);
      }
    }
    expect(leaksFound).toEqual([]);
  });
});

describe('security: session cookie, cross-site requests, ownership, load paths', () => {
  let s: TestServer;
  let importDir: string;
  let outside: string;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'refunds-sec-paths-'));
    importDir = join(root, 'imports');
    outside = join(root, 'outside');
    mkdirSync(importDir);
    mkdirSync(outside);
    s = await startTestServer(fixture(), { REFUNDS_IMPORT_DIR: importDir });
  });
  afterAll(() => s?.close());

  const signIn = async (body: Record<string, string>, cookie?: string) => {
    const res = await fetch(`${s.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie') ?? '';
    return { status: res.status, setCookie: set, cookie: /^(refunds_session=[^;]+)/.exec(set)?.[1] ?? null };
  };
  const withCookie = async (cookie: string, init: { method?: string; headers?: Record<string, string>; body?: string; path?: string } = {}) => {
    const res = await fetch(`${s.url}${init.path ?? '/graphql'}`, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', cookie, ...init.headers },
      body: init.body ?? (init.method === 'GET' ? undefined : JSON.stringify({ query: '{ me { name role } }' })),
    });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? parse(text) : null };
  };

  test('session fixation: a cookie planted before sign-in never becomes the signed-in session', async () => {
    const planted = `refunds_session=${'A'.repeat(43)}`;
    const first = await signIn({ token: ADMIN_TOKEN }, planted);
    expect(first.status).toBe(200);
    expect(first.cookie).not.toBeNull();
    expect(first.cookie).not.toBe(planted);
    expect(codeOf((await withCookie(planted)).body!)).toBe('UNAUTHENTICATED');
    // Signing in again with a live session also gets a new id, and the old one ends.
    const second = await signIn({ token: ADMIN_TOKEN }, first.cookie!);
    expect(second.cookie).not.toBe(first.cookie);
    expect(codeOf((await withCookie(first.cookie!)).body!)).toBe('UNAUTHENTICATED');
    expect((await withCookie(second.cookie!)).body?.data).toEqual({ me: { name: 'admin', role: 'admin' } });
    expect(second.setCookie).toMatch(/HttpOnly/i);
    expect(second.setCookie).toMatch(/SameSite=Lax/i);
    expect(second.setCookie).not.toMatch(/Secure/i); // plain http, and no trusted proxy
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await signIn({ token: ADMIN_TOKEN })).cookie!);
    expect(ids.size).toBe(5);
  });

  test('cross-site requests with the cookie are refused: form and text bodies, GET queries, foreign origins', async () => {
    const { cookie } = await signIn({ token: ADMIN_TOKEN });
    const c = cookie!;
    const mutation = JSON.stringify({ query: 'mutation { addAnnotation(date: "2024-03-05", note: "csrf") { id } }' });
    const count = async () => ok(await s.gql<Pick<Query, 'annotations'>>('{ annotations { id } }')).annotations.length;
    const before = await count();
    const probes: Array<[string, Parameters<typeof withCookie>[1]]> = [
      ['text/plain body', { headers: { 'content-type': 'text/plain' }, body: mutation }],
      [
        'form body',
        {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `query=${encodeURIComponent('mutation { addAnnotation(date: "2024-03-05", note: "csrf") { id } }')}`,
        },
      ],
      [
        'multipart body',
        {
          headers: { 'content-type': 'multipart/form-data; boundary=x' },
          body: `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ me { name } }\r\n--x--`,
        },
      ],
      ['GET query', { method: 'GET', path: `/graphql?query=${encodeURIComponent('{ me { name } }')}`, headers: { 'content-type': '' } }],
      ['foreign Origin', { headers: { origin: 'https://evil.example' }, body: mutation }],
      ['Sec-Fetch-Site cross-site', { headers: { 'sec-fetch-site': 'cross-site' }, body: mutation }],
    ];
    for (const [what, init] of probes) {
      const r = await withCookie(c, init);
      const refused = r.status >= 400 || ['FORBIDDEN', 'BAD_REQUEST', 'BAD_USER_INPUT'].includes(codeOf(r.body ?? {}) ?? '');
      expect([what, refused, r.text.includes('"me":{')]).toEqual([what, true, false]);
    }
    expect(await count()).toBe(before);
    // The same request from the page itself (JSON, same origin) works.
    const same = await withCookie(c, { headers: { origin: s.url }, body: mutation });
    expect(same.body?.errors).toBeUndefined();
    expect(await count()).toBe(before + 1);
    // Signing someone in from another site (login CSRF) is refused too.
    const res = await fetch(`${s.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    const form = await fetch(`${s.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${ADMIN_TOKEN}`,
    });
    expect(form.status).toBe(403);
  });

  test('annotations and saved views: only the owner or an admin may delete them', async () => {
    const a = await issue(s, 'owner-exec', 'executive');
    const b = await issue(s, 'other-exec', 'executive');
    const ann = ok(await s.gql<Pick<Mutation, 'addAnnotation'>>(`mutation { addAnnotation(date: "2024-03-06", note: "mine") { id } }`, {}, a.token))
      .addAnnotation.id;
    const view = ok(await s.gql<Pick<Mutation, 'saveView'>>(`mutation { saveView(name: "mine", page: "/", filter: "{}") { id } }`, {}, a.token)).saveView.id;
    expect(codeOf(await s.gql(`mutation { deleteAnnotation(id: ${ann}) }`, {}, b.token))).toBe('FORBIDDEN');
    expect(codeOf(await s.gql(`mutation { deleteSavedView(id: ${view}) }`, {}, b.token))).toBe('FORBIDDEN');
    const still = ok(await s.gql<Pick<Query, 'annotations' | 'savedViews'>>('{ annotations { id } savedViews { id } }'));
    expect(still.annotations.some((x) => x.id === ann)).toBe(true);
    expect(still.savedViews.some((x) => x.id === view)).toBe(true);
    expect(ok(await s.gql(`mutation { deleteAnnotation(id: ${ann}) }`, {}, a.token)).deleteAnnotation).toBe(true);
    expect(ok(await s.gql(`mutation { deleteSavedView(id: ${view}) }`)).deleteSavedView).toBe(true); // admin
    const log = ok(await s.gql<Pick<Query, 'auditLog'>>('{ auditLog { actor action detail } }')).auditLog;
    expect(log.filter((e) => e.action === 'annotation-deleted' || e.action === 'saved-view-deleted').slice(0, 2)).toEqual([
      { actor: 'admin', action: 'saved-view-deleted', detail: `saved view ${view} of owner-exec` },
      { actor: 'owner-exec', action: 'annotation-deleted', detail: `annotation ${ann} of owner-exec` },
    ]);
  });

  test('POST /api/loads reads and writes only inside REFUNDS_IMPORT_DIR, after resolving .. and symlinks', async () => {
    const csv = readFileSync(
      join(
        writeTables({
          refunds: [
            refund({
              refund_id: 'RF-PATH-1',
              order_id: 'OR-1',
              customer_id: CUSTOMERS[0],
              agent_id: AGENTS[0].id,
              requested_at: '2024-03-03T08:00:00Z',
              decided_at: '2024-03-03T20:00:00Z',
            }),
          ],
        }),
        'refunds.csv',
      ),
      'utf8',
    );
    writeFileSync(join(outside, 'refunds.csv'), csv);
    mkdirSync(join(importDir, 'batch'));
    writeFileSync(join(importDir, 'batch', 'refunds.csv'), csv);
    symlinkSync(join(outside, 'refunds.csv'), join(importDir, 'linked.csv'));
    symlinkSync(outside, join(importDir, 'linked-dir'));
    mkdirSync(join(importDir, 'sneaky'));
    symlinkSync(join(outside, 'refunds.csv'), join(importDir, 'sneaky', 'refunds.csv'));
    symlinkSync(join(outside, 'rejects-target.csv'), join(importDir, 'rejects-link.csv'));
    const post = async (body: Record<string, unknown>) => {
      const res = await fetch(`${s.url}/api/loads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { summary?: { outcome: string }; error?: { code: string; message: string } } };
    };
    const refundsBefore = ok(await s.gql<Pick<Query, 'overview'>>('{ overview { refunds } }')).overview.refunds;
    const loadsBefore = ok(await s.gql<Pick<Query, 'loadHistory'>>('{ loadHistory { loadId } }')).loadHistory.length;
    const escapes: Array<[string, Record<string, unknown>]> = [
      ['absolute path outside', { paths: [join(outside, 'refunds.csv')] }],
      ['.. out of the folder', { paths: [join(importDir, '..', 'outside', 'refunds.csv')] }],
      ['relative ..', { paths: ['../outside/refunds.csv'] }],
      ['symlinked file', { paths: [join(importDir, 'linked.csv')] }],
      ['symlinked folder', { paths: [join(importDir, 'linked-dir')] }],
      ['folder holding a link out', { paths: [join(importDir, 'sneaky')] }],
      ['/etc/passwd', { paths: ['/etc/passwd'] }],
      ['rejects outside', { paths: [join(importDir, 'batch')], rejectsOut: join(outside, 'rejects.csv') }],
      ['rejects via ..', { paths: [join(importDir, 'batch')], rejectsOut: join(importDir, '..', 'outside', 'rejects.csv') }],
      ['rejects through a symlink', { paths: [join(importDir, 'batch')], rejectsOut: join(importDir, 'rejects-link.csv') }],
      ['rejects into a symlinked folder', { paths: [join(importDir, 'batch')], rejectsOut: join(importDir, 'linked-dir', 'rejects.csv') }],
      ['mapping outside', { paths: [join(importDir, 'batch')], format: 'mapping', mapping: join(outside, 'refunds.csv') }],
    ];
    for (const [what, body] of escapes) {
      const r = await post(body);
      expect([what, r.status, r.body.error?.code]).toEqual([what, 403, 'FORBIDDEN']);
      expect(r.body.error?.message).toMatch(/outside the import folder/);
    }
    expect(existsSync(join(outside, 'rejects.csv'))).toBe(false);
    expect(existsSync(join(outside, 'rejects-target.csv'))).toBe(false);
    expect(ok(await s.gql<Pick<Query, 'loadHistory'>>('{ loadHistory { loadId } }')).loadHistory.length).toBe(loadsBefore);
    // Inside the folder, by absolute or relative path, a load goes through and writes its rejects there.
    const good = await post({ paths: ['batch'], rejectsOut: join(importDir, 'rejects.csv') });
    expect(good.status).toBe(201);
    expect(good.body.summary?.outcome).toBe('committed');
    expect(existsSync(join(importDir, 'rejects.csv'))).toBe(true);
    expect(readFileSync(join(importDir, 'rejects.csv'), 'utf8').trim().split('\n').length).toBe(1); // header only: the row loaded
    expect(ok(await s.gql<Pick<Query, 'overview'>>('{ overview { refunds } }')).overview.refunds).toBe(refundsBefore + 1);
  });
});
