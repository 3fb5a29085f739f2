import { refund, writeTables } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, startTestServer, type GqlResult, type TestServer } from '../support/server';

/**
 * Signing in as people do (api-contract.md, "HTTP"): sessions, local accounts, throttling of
 * failed sign-ins, and the audit trail they leave; health, readiness and metrics.
 */

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> | null;
  cookie: string | null;
}

async function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; cookie?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(init.cookie ? { cookie: init.cookie } : {}), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: Record<string, unknown> | null;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, cookie: /^(refunds_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null };
}

const signIn = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) => call(url, '/api/session', { body, headers });
const gqlCookie = async (url: string, cookie: string, query: string, variables: Record<string, unknown> = {}) =>
  (await call(url, '/graphql', { body: { query, variables }, cookie })).json as GqlResult<Record<string, never>>;
const codeOf = (r: GqlResult<unknown>) => r.errors?.[0]?.extensions?.code;

const CREATE = `mutation($e: String!, $n: String!, $r: String!, $p: String!) { createUser(email: $e, name: $n, role: $r, password: $p) { id name email role disabled hasPassword } }`;

describe('sessions and local accounts', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ refunds: [refund({ refund_id: 'R1' })] });
  });
  afterAll(() => s?.close());

  test('an API token opens a session: httpOnly SameSite=Lax cookie, GraphQL by cookie, DELETE ends it', async () => {
    const r = await signIn(s.url, { token: ADMIN_TOKEN });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ name: 'admin', role: 'admin' });
    const set = r.headers.get('set-cookie')!;
    expect(set).toMatch(/^refunds_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(ok(await gqlCookie(s.url, r.cookie!, '{ me { name role } }')).me).toEqual({ name: 'admin', role: 'admin' });
    const out = await call(s.url, '/api/session', { method: 'DELETE', cookie: r.cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/refunds_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(codeOf(await gqlCookie(s.url, r.cookie!, '{ me { name } }'))).toBe('UNAUTHENTICATED');
    expect((await signIn(s.url, { token: 'rfd_wrong' })).status).toBe(401);
    expect((await signIn(s.url, { nothing: 'x' })).status).toBe(400);
  });

  test('createUser checks the password (length, common list) and the role; only admins may call it', async () => {
    const vars = { e: 'ann@example.com', n: 'Ann Analyst', r: 'analyst' };
    for (const [p, msg] of [
      ['short-1', /at least 12/],
      ['password1234', /too common/],
      ['Password1234!', /too common/],
      ['1qaz2wsx3edc', /too common/],
      ['iloveyou1234', /too common/], // a listed password with digits added
      ['aaaaaaaaaaaaaaaa', /too common/],
    ] as const) {
      const r = await s.gql(CREATE, { ...vars, p });
      expect([p, codeOf(r)]).toEqual([p, 'BAD_USER_INPUT']);
      expect(r.errors?.[0].message).toMatch(msg);
    }
    expect(codeOf(await s.gql(CREATE, { ...vars, r: 'boss', p: 'a-long-unusual-passphrase' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await s.gql(CREATE, { ...vars, e: 'not-an-email', p: 'a-long-unusual-passphrase' }))).toBe('BAD_USER_INPUT');
    const u = ok(await s.gql(CREATE, { ...vars, e: 'Ann@Example.com', p: 'a-long-unusual-passphrase' })).createUser;
    expect(u).toMatchObject({ name: 'Ann Analyst', email: 'ann@example.com', role: 'analyst', disabled: false, hasPassword: true });
    expect(codeOf(await s.gql(CREATE, { ...vars, n: 'Other', p: 'a-long-unusual-passphrase' }))).toBe('BAD_USER_INPUT'); // e-mail taken
    // A non-admin (here signed in by password) may not create users.
    const ann = await signIn(s.url, { email: 'ann@example.com', password: 'a-long-unusual-passphrase' });
    expect(codeOf(await gqlCookie(s.url, ann.cookie!, CREATE, { e: 'x@example.com', n: 'X', r: 'admin', p: 'a-long-unusual-passphrase' }))).toBe('FORBIDDEN');
  });

  test('e-mail and password sign-in; role changes apply at once; disabling ends sessions; resetPassword replaces the password', async () => {
    const pw = 'correct horse battery staple 42';
    const u = ok(await s.gql(CREATE, { e: 'eve@example.com', n: 'Eve Exec', r: 'executive', p: pw })).createUser;
    expect((await signIn(s.url, { email: 'eve@example.com', password: 'wrong password here' })).status).toBe(401);
    expect((await signIn(s.url, { email: 'nobody@example.com', password: pw })).status).toBe(401);
    const a = await signIn(s.url, { email: ' EVE@example.com ', password: pw });
    expect(a.status).toBe(200);
    expect(a.json).toEqual({ name: 'Eve Exec', role: 'executive' });
    expect(ok(await gqlCookie(s.url, a.cookie!, '{ me { name role } }')).me).toEqual({ name: 'Eve Exec', role: 'executive' });

    ok(await s.gql(`mutation($id: Int!) { updateUser(id: $id, role: "product") { role } }`, { id: u.id }));
    expect(ok(await gqlCookie(s.url, a.cookie!, '{ me { role } }')).me).toEqual({ role: 'product' });

    const b = await signIn(s.url, { email: 'eve@example.com', password: pw });
    ok(await s.gql(`mutation($id: Int!) { updateUser(id: $id, disabled: true) { disabled } }`, { id: u.id }));
    for (const c of [a.cookie!, b.cookie!]) expect(codeOf(await gqlCookie(s.url, c, '{ me { name } }'))).toBe('UNAUTHENTICATED');
    expect((await signIn(s.url, { email: 'eve@example.com', password: pw })).status).toBe(401);
    ok(await s.gql(`mutation($id: Int!) { updateUser(id: $id, disabled: false) { disabled } }`, { id: u.id }));

    const c = await signIn(s.url, { email: 'eve@example.com', password: pw });
    expect(codeOf(await s.gql(`mutation($id: Int!) { resetPassword(id: $id, password: "123456789012") }`, { id: u.id }))).toBe('BAD_USER_INPUT');
    expect(ok(await s.gql(`mutation($id: Int!) { resetPassword(id: $id, password: "a brand new passphrase 7") }`, { id: u.id })).resetPassword).toBe(true);
    expect(codeOf(await gqlCookie(s.url, c.cookie!, '{ me { name } }'))).toBe('UNAUTHENTICATED');
    expect((await signIn(s.url, { email: 'eve@example.com', password: pw })).status).toBe(401);
    expect((await signIn(s.url, { email: 'eve@example.com', password: 'a brand new passphrase 7' })).status).toBe(200);
  });

  test('a session opened with an API token ends when the token is revoked', async () => {
    const issued = ok(await s.gql(`mutation { issueApiToken(userName: "tess", role: "analyst", label: "t") { id token } }`)).issueApiToken;
    const r = await signIn(s.url, { token: issued.token });
    expect(ok(await gqlCookie(s.url, r.cookie!, '{ me { name } }')).me).toEqual({ name: 'tess' });
    ok(await s.gql(`mutation($id: Int!) { revokeApiToken(id: $id) }`, { id: issued.id }));
    expect(codeOf(await gqlCookie(s.url, r.cookie!, '{ me { name } }'))).toBe('UNAUTHENTICATED');
  });

  test('the audit log records who did what from where, for admins only, without secrets', async () => {
    ok(await s.gql(`mutation { upsertPolicyChange(input: { changeId: "AUD-1", title: "Audit me", effectiveAt: "2024-01-01" }) { changeId } }`));
    ok(await s.gql(`mutation { deletePolicyChange(changeId: "AUD-1") }`));
    const log = ok(await s.gql(`{ auditLog { at actor action detail address } }`)).auditLog as Array<Record<string, string>>;
    const actions = new Set(log.map((e) => e.action));
    expect(log.slice(0, 2).map((e) => [e.actor, e.action, e.detail])).toEqual([
      ['admin', 'policy-change-deleted', 'policy change AUD-1'],
      ['admin', 'policy-change-saved', 'policy change AUD-1: Audit me'],
    ]);
    for (const a of ['sign-in', 'sign-in-failed', 'sign-out', 'user-created', 'user-changed', 'password-reset', 'token-issued', 'token-revoked'])
      expect([a, actions.has(a)]).toEqual([a, true]);
    expect(log.every((e) => e.address === '127.0.0.1' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(log.find((e) => e.action === 'sign-in-failed' && e.actor === 'nobody@example.com')).toBeDefined();
    expect(log.find((e) => e.action === 'user-changed' && e.detail === 'Eve Exec: role executive -> product')).toMatchObject({ actor: 'admin' });
    expect(log.find((e) => e.action === 'user-changed' && /^Eve Exec: disabled; 2 session\(s\) ended$/.test(e.detail))).toBeDefined();
    // Newest first.
    expect([...log].sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0)).map((e) => e.at)).toEqual(log.map((e) => e.at));
    const text = JSON.stringify(log);
    for (const secret of ['correct horse battery staple 42', 'a brand new passphrase 7', 'a-long-unusual-passphrase', ADMIN_TOKEN, 'rfd_'])
      expect(text).not.toContain(secret);
    const ann = await signIn(s.url, { email: 'ann@example.com', password: 'a-long-unusual-passphrase' });
    expect(codeOf(await gqlCookie(s.url, ann.cookie!, '{ auditLog { action } }'))).toBe('FORBIDDEN');
  });
});

describe('sessions behind a proxy, idle expiry, throttling', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(
      { refunds: [refund({ refund_id: 'R1' })] },
      {
        REFUNDS_TRUST_PROXY: 'loopback',
        REFUNDS_SESSION_IDLE_MINUTES: '0.05', // 3 s
        REFUNDS_SIGNIN_FAILURES_PER_ACCOUNT: '3',
        REFUNDS_SIGNIN_FAILURES_PER_ADDRESS: '6',
        REFUNDS_METRICS_PUBLIC: '1',
      },
    );
    ok(await s.gql(CREATE, { e: 'pat@example.com', n: 'Pat', r: 'analyst', p: 'pat-has-a-fine-passphrase' }));
    ok(await s.gql(CREATE, { e: 'quinn@example.com', n: 'Quinn', r: 'analyst', p: 'quinn-has-a-fine-passphrase' }));
  });
  afterAll(() => s?.close());
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  test('Secure is set when a trusted proxy says the request came over https', async () => {
    const viaHttps = await signIn(s.url, { token: ADMIN_TOKEN }, { 'x-forwarded-proto': 'https', ...from('198.51.100.1') });
    expect(viaHttps.headers.get('set-cookie')).toMatch(/; Secure/);
    const plain = await signIn(s.url, { token: ADMIN_TOKEN }, from('198.51.100.1'));
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);
    const log = ok(await s.gql(`{ auditLog(limit: 2) { action address } }`)).auditLog;
    expect(log).toEqual([
      { action: 'sign-in', address: '198.51.100.1' },
      { action: 'sign-in', address: '198.51.100.1' },
    ]);
  });

  test('a session ends after the configured idle time; use keeps it alive', async () => {
    const r = await signIn(s.url, { token: ADMIN_TOKEN }, from('198.51.100.2'));
    for (let i = 0; i < 3; i++) {
      await new Promise((res) => setTimeout(res, 1500));
      expect(ok(await gqlCookie(s.url, r.cookie!, '{ me { name } }')).me).toEqual({ name: 'admin' });
    }
    await new Promise((res) => setTimeout(res, 3500));
    expect(codeOf(await gqlCookie(s.url, r.cookie!, '{ me { name } }'))).toBe('UNAUTHENTICATED');
  }, 20_000);

  test('per account: after 3 failures even the right password gets 429 with Retry-After; other accounts are unaffected', async () => {
    for (let i = 0; i < 3; i++)
      expect((await signIn(s.url, { email: 'pat@example.com', password: `guess-${i}-xxxxxxx` }, from(`203.0.113.${i + 1}`))).status).toBe(401);
    const locked = await signIn(s.url, { email: 'PAT@example.com', password: 'pat-has-a-fine-passphrase' }, from('203.0.113.50'));
    expect(locked.status).toBe(429);
    const wait = Number(locked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
    expect(locked.cookie).toBeNull();
    expect((await signIn(s.url, { email: 'quinn@example.com', password: 'quinn-has-a-fine-passphrase' }, from('203.0.113.50'))).status).toBe(200);
  });

  test('per address: 6 failures on any accounts, then 429 for every sign-in from that address, others go on', async () => {
    const ip = from('192.0.2.77');
    for (let i = 0; i < 6; i++) expect((await signIn(s.url, { email: `nobody${i}@example.com`, password: 'whatever-it-is-x' }, ip)).status).toBe(401);
    const r = await signIn(s.url, { email: 'quinn@example.com', password: 'quinn-has-a-fine-passphrase' }, ip);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn(s.url, { email: 'quinn@example.com', password: 'quinn-has-a-fine-passphrase' }, from('192.0.2.78'))).status).toBe(200);
  });

  test('unknown bearer tokens count against the address, not a fresh window per token', async () => {
    const ip = from('192.0.2.99');
    const ask = (token: string) => call(s.url, '/graphql', { body: { query: '{ me { name } }' }, headers: { ...ip, authorization: `Bearer ${token}` } });
    for (let i = 0; i < 6; i++) {
      const r = await ask(`rfd_random_${i}_${Math.random()}`);
      expect([i, r.status, codeOf(r.json as GqlResult)]).toEqual([i, 200, 'UNAUTHENTICATED']);
    }
    const r = await ask(`rfd_random_fresh_${Math.random()}`);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    // ...and signing in from there is blocked too, while a known token from there still works.
    expect((await signIn(s.url, { token: ADMIN_TOKEN }, ip)).status).toBe(429);
    expect((await ask(ADMIN_TOKEN)).json).toEqual({ data: { me: { name: 'admin' } } });
  });

  test('REFUNDS_METRICS_PUBLIC=1: /metrics answers without credentials', async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^refunds_graphql_requests_total/m);
  });
});

describe('health, readiness and metrics', () => {
  let s: TestServer;
  let importDir: string;
  beforeAll(async () => {
    importDir = writeTables({
      refunds: [refund({ refund_id: 'R3' }), refund({ refund_id: 'R4' }), refund({ refund_id: 'R5', decided_at: '1999-01-01T00:00:00Z' })],
    });
    s = await startTestServer(
      { refunds: [refund({ refund_id: 'R1' }), refund({ refund_id: 'R2' })] },
      { REFUNDS_IMPORT_DIR: importDir, REFUNDS_SIGNIN_FAILURES_PER_ADDRESS: '3' },
    );
  });
  afterAll(() => s?.close());

  test('/healthz and /readyz answer without credentials', async () => {
    const h = await fetch(`${s.url}/healthz`);
    expect([h.status, await h.json()]).toEqual([200, { status: 'ok' }]);
    const r = await fetch(`${s.url}/readyz`);
    expect([r.status, await r.json()]).toEqual([200, { status: 'ok', failed: [], checks: { warehouse: 'ok', appStore: 'ok' } }]);
  });

  test('/metrics: 401 without credentials, 403 for a non-admin, 200 for the admin token and an admin session', async () => {
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    const t = ok(await s.gql(`mutation { issueApiToken(userName: "exec", role: "executive") { token } }`)).issueApiToken.token;
    expect((await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${t}` } })).status).toBe(403);
    expect((await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
    const session = await signIn(s.url, { token: ADMIN_TOKEN });
    const viaCookie = await fetch(`${s.url}/metrics`, { headers: { cookie: session.cookie! } });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
  });

  test('metrics count operations, errors by code, cache hits and warehouse time', async () => {
    const metrics = async () => (await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()).split('\n');
    const value = (lines: string[], name: string) => {
      const line = lines.find((l) => l.startsWith(`${name} `));
      return line ? Number(line.slice(name.length + 1)) : 0;
    };
    const before = await metrics();
    for (let i = 0; i < 3; i++) ok(await s.gql(`query ProbeOverview { overview { refunds } }`));
    for (let i = 0; i < 2; i++) expect(codeOf(await s.gql(`query ProbeBad { rejectionEconomics(windowDays: 0) { net } }`))).toBe('BAD_USER_INPUT');
    const after = await metrics();
    expect(value(after, 'refunds_graphql_requests_total{operation="ProbeOverview"}')).toBe(3);
    expect(value(after, 'refunds_graphql_request_duration_seconds_count{operation="ProbeOverview"}')).toBe(3);
    expect(value(after, 'refunds_graphql_requests_total{operation="ProbeBad"}')).toBe(2);
    expect(value(after, 'refunds_graphql_errors_total{code="BAD_USER_INPUT"}') - value(before, 'refunds_graphql_errors_total{code="BAD_USER_INPUT"}')).toBe(2);
    // The same overview three times: the first misses the result cache, the other two hit it.
    const hits = value(after, 'refunds_result_cache_requests_total{result="hit"}') - value(before, 'refunds_result_cache_requests_total{result="hit"}');
    expect(hits).toBeGreaterThanOrEqual(2);
    expect(value(after, 'refunds_warehouse_query_duration_seconds_count')).toBeGreaterThan(value(before, 'refunds_warehouse_query_duration_seconds_count'));
    expect(after.some((l) => /^nodejs_eventloop_lag_seconds \d/.test(l))).toBe(true);
  });

  test('metrics count loads by outcome, their rows and duration', async () => {
    const metrics = async () => (await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text()).split('\n');
    const value = (lines: string[], name: string) => Number(lines.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1) ?? 0);
    const res = await fetch(`${s.url}/api/loads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ paths: [importDir] }),
    });
    expect(res.status).toBe(201);
    const m = await metrics();
    // Three rows read; R5 is decided before it was requested, so it is rejected.
    expect(value(m, 'refunds_loads_total{outcome="committed"}')).toBe(1);
    expect(value(m, 'refunds_load_rows_total{kind="read"}')).toBe(3);
    expect(value(m, 'refunds_load_rows_total{kind="loaded"}')).toBe(2);
    expect(value(m, 'refunds_load_rows_total{kind="rejected"}')).toBe(1);
    expect(value(m, 'refunds_load_duration_seconds_count')).toBe(1);
  });

  test('without a trusted proxy, X-Forwarded-For and X-Forwarded-Proto are ignored: no fresh address, no Secure', async () => {
    const overHttp = await signIn(s.url, { token: ADMIN_TOKEN }, { 'x-forwarded-proto': 'https' });
    expect(overHttp.status).toBe(200);
    expect(overHttp.headers.get('set-cookie')).not.toMatch(/Secure/i);
    for (let i = 0; i < 3; i++) {
      const r = await signIn(s.url, { email: 'who@example.com', password: 'not-the-password' }, { 'x-forwarded-for': `10.0.0.${i}` });
      expect(r.status).toBe(401);
    }
    const spoofed = await signIn(s.url, { token: ADMIN_TOKEN }, { 'x-forwarded-for': '10.9.9.9', 'x-forwarded-proto': 'https' });
    expect(spoofed.status).toBe(429);
    const log = ok(await s.gql(`{ auditLog(limit: 3) { action address } }`)).auditLog as Array<{ address: string }>;
    expect(log.map((e) => e.address)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });
});

describe('structured request logs', () => {
  let s: TestServer;
  const CUSTOMER = 'CUST-LOGCHECK-7781';
  beforeAll(async () => {
    s = await startTestServer({ refunds: [refund({ refund_id: 'R-LOG-1', customer_id: CUSTOMER })] });
  });
  afterAll(() => s?.close());

  test('one JSON line per request with its request id; no token, password, cookie or customer id', async () => {
    const password = 'log-check-passphrase-5521';
    ok(await s.gql(CREATE, { e: 'lou@example.com', n: 'Lou', r: 'admin', p: password }));
    const issued = ok(await s.gql(`mutation { issueApiToken(userName: "logger", role: "admin") { token } }`)).issueApiToken.token as string;
    const signedIn = await signIn(s.url, { email: 'lou@example.com', password });
    expect(signedIn.status).toBe(200);
    await signIn(s.url, { email: 'lou@example.com', password: `${password}-wrong` });
    const ids: string[] = [];
    const send = async (init: Parameters<typeof call>[2], path = '/graphql') => {
      const res = await call(s.url, path, init);
      ids.push(res.headers.get('x-request-id')!);
      return res;
    };
    const rows = await send({
      body: {
        query: `query Drill($c: String!) { refunds(limit: 5) { rows { refundId customerId } } overview(filter: { channels: [$c] }) { refunds } }`,
        operationName: 'Drill',
        variables: { c: CUSTOMER },
      },
      headers: { authorization: `Bearer ${issued}` },
    });
    expect(JSON.stringify(rows.json)).toContain(CUSTOMER); // the admin sees it; the log must not
    await send({ body: { query: '{ me { name } }' }, cookie: signedIn.cookie });
    await send(
      { method: 'GET', headers: { 'x-request-id': 'given-id-42' } },
      `/graphql?query=${encodeURIComponent(`{ refunds(search: "${CUSTOMER}") { total } }`)}&token=${issued}`,
    );
    await send({ body: { query: '{ me { name } }' }, headers: { authorization: 'Bearer rfd_not_a_real_token_value' } });
    expect(ids[2]).toBe('given-id-42');
    await new Promise((r) => setTimeout(r, 300));

    const lines = s
      .logs()
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('ready: '));
    const parsed = lines.map(
      (l) => JSON.parse(l) as { req?: { id: string; method: string; path: string }; res?: { statusCode: number }; operation?: string; user?: string },
    );
    const requests = parsed.filter((p) => p.req);
    for (const id of ids) expect([id, requests.filter((p) => p.req!.id === id).length]).toEqual([id, 1]);
    expect(requests.find((p) => p.req!.id === ids[0])).toMatchObject({
      req: { method: 'POST', path: '/graphql' },
      res: { statusCode: 200 },
      operation: 'Drill',
      user: 'logger',
    });
    expect(requests.find((p) => p.req!.id === ids[1])).toMatchObject({ user: 'Lou' });
    expect(requests.filter((p) => p.req!.path === '/api/session').map((p) => p.res!.statusCode)).toEqual([200, 401]);
    const all = s.logs();
    for (const secret of [password, issued, ADMIN_TOKEN, 'rfd_not_a_real_token_value', signedIn.cookie!.split('=')[1], CUSTOMER, 'lou@example.com'])
      expect([secret.slice(0, 12), all.includes(secret)]).toEqual([secret.slice(0, 12), false]);
  });
});
