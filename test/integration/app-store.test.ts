import { createServer, Socket, type Server } from 'node:net';
import { refund } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, startTestServer, spawnServer, stopServer, type GqlResult } from '../support/server';

/**
 * The app's own records (users and tokens, annotations, saved views, policy changes) survive a
 * restart, on SQLite always and on PostgreSQL when REFUNDS_TEST_PG points at one (.ci/run starts it).
 */
const stores: Array<[string, Record<string, string>]> = [['SQLite', {}]];
if (process.env.REFUNDS_TEST_PG) stores.push(['PostgreSQL', { REFUNDS_APP_DB: process.env.REFUNDS_TEST_PG }]);
else console.warn('app-store: PostgreSQL not tested (set REFUNDS_TEST_PG=postgres://... to run it)');

describe.each(stores)('app store on %s', (_name, env) => {
  test('records are written with validation and survive a restart', async () => {
    const s = await startTestServer({ refunds: [refund({ refund_id: 'R1' })] }, env);
    let tokenA: string;
    try {
      if (env.REFUNDS_APP_DB) {
        // A clean slate on a shared database: remove what an earlier run left.
        for (const a of ok(await s.gql('{ annotations { id } }')).annotations) await s.gql(`mutation { deleteAnnotation(id: ${a.id}) }`);
        for (const v of ok(await s.gql('{ savedViews { id } }')).savedViews) await s.gql(`mutation { deleteSavedView(id: ${v.id}) }`);
      }
      const issued = ok(await s.gql(`mutation { issueApiToken(userName: "ana", role: "analyst", label: "laptop") { id token } }`)).issueApiToken;
      tokenA = issued.token;
      expect(tokenA).toMatch(/^rfd_/);
      expect(ok(await s.gql('{ me { name role } }', {}, tokenA)).me).toEqual({ name: 'ana', role: 'analyst' });
      const ann = ok(
        await s.gql(`mutation { addAnnotation(date: "2024-03-01", metric: "approvalRate", note: "  New policy  ") { id date metric note author } }`),
      ).addAnnotation;
      expect(ann).toMatchObject({ date: '2024-03-01', metric: 'approvalRate', note: 'New policy', author: 'admin' });
      const bad = (await s.gql(`mutation { addAnnotation(date: "2024-03-01", metric: "vibes", note: "x") { id } }`)) as GqlResult;
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0].message).toMatch(/metric/);
      const view = ok(
        await s.gql(`mutation($f: String!) { saveView(name: "Q1 chat", page: "/channels", filter: $f) { id name page filter } }`, {
          f: JSON.stringify({ from: '2024-01-01', to: '2024-04-01', channels: ['chat'] }),
        }),
      ).saveView;
      expect(JSON.parse(view.filter)).toEqual({ from: '2024-01-01', to: '2024-04-01', channels: ['chat'] });
      const badView = (await s.gql(`mutation { saveView(name: "x", page: "/channels", filter: "{\\"from\\": \\"2024-02-30\\"}") { id } }`)) as GqlResult;
      expect(badView.errors?.[0].message).toMatch(/filter.from/);
      // Page parameters (the KPI shown, what-if weights) are kept with the view, parsed strictly.
      const SAVE_P = `mutation($f: String!, $p: String) { saveView(name: "What-if", page: "/incentives", filter: $f, params: $p) { id params } }`;
      const withParams = ok(await s.gql(SAVE_P, { f: '{}', p: JSON.stringify({ kpi: ['nps'], w: ['rejectionRate:0.5', 'handled:-0.2'] }) })).saveView;
      expect(JSON.parse(withParams.params)).toEqual({ kpi: ['nps'], w: ['rejectionRate:0.5', 'handled:-0.2'] });
      expect(ok(await s.gql(SAVE_P, { f: '{}', p: '{}' })).saveView.params).toBeNull();
      for (const [p, msg] of [
        ['[1]', /params: must be a JSON object/],
        ['{"kpi": "nps"}', /params.kpi/],
        ['{"bad name": ["x"]}', /bad parameter name/],
        ['nope', /not valid JSON/],
      ] as const) {
        const r = (await s.gql(SAVE_P, { f: '{}', p })) as GqlResult;
        expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
        expect(r.errors?.[0].message).toMatch(msg);
      }
      const forbidden = (await s.gql(`mutation { addAnnotation(date: "2024-03-01", note: "x") { id } }`, {}, tokenA)) as GqlResult;
      expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    } finally {
      await s.close();
    }
    // Restart on the same files: everything is still there, the token still works.
    const again = await spawnServer({ REFUNDS_DB: s.dbPath, ...env });
    try {
      const res = await fetch(`${again.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenA!}` },
        body: JSON.stringify({ query: '{ me { name } annotations { note } savedViews { name params } }' }),
      });
      const d = ok(
        (await res.json()) as GqlResult<{
          me: { name: string };
          annotations: Array<{ note: string }>;
          savedViews: Array<{ name: string; params: string | null }>;
        }>,
      );
      expect(d.me.name).toBe('ana');
      expect(d.annotations.map((a) => a.note)).toContain('New policy');
      expect(d.savedViews.map((v) => v.name)).toContain('Q1 chat');
      expect(d.savedViews.find((v) => v.name === 'What-if')?.params).toBe('{"kpi":["nps"],"w":["rejectionRate:0.5","handled:-0.2"]}');
    } finally {
      await stopServer(again.child);
    }
  });

  test('accounts, sessions and the audit log are in the store: a session survives a restart', async () => {
    const s = await startTestServer({ refunds: [refund({ refund_id: 'R1' })] }, env);
    const email = `kim-${process.pid}-${Date.now()}@example.com`;
    const name = `Kim ${process.pid} ${Date.now()}`;
    let cookie: string;
    try {
      ok(
        await s.gql(`mutation($e: String!, $n: String!) { createUser(email: $e, name: $n, role: "executive", password: "kims-long-passphrase-1") { id } }`, {
          e: email,
          n: name,
        }),
      );
      const res = await fetch(`${s.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'kims-long-passphrase-1' }),
      });
      expect(res.status).toBe(200);
      cookie = /^(refunds_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1];
    } finally {
      await s.close();
    }
    const again = await spawnServer({ REFUNDS_DB: s.dbPath, ...env });
    try {
      const me = await fetch(`${again.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ query: '{ me { name role } }' }),
      });
      expect(((await me.json()) as GqlResult<{ me: unknown }>).data?.me).toEqual({ name, role: 'executive' });
      const log = await fetch(`${again.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ query: '{ auditLog(limit: 50) { actor action detail } }' }),
      });
      const entries = ok((await log.json()) as GqlResult<{ auditLog: Array<{ actor: string; action: string; detail: string }> }>).auditLog;
      expect(entries).toContainEqual({ actor: name, action: 'sign-in', detail: 'e-mail and password' });
      expect(entries).toContainEqual({ actor: 'admin', action: 'user-created', detail: `${name} <${email}> as executive` });
    } finally {
      await stopServer(again.child);
    }
  });
});

/** A TCP relay in front of PostgreSQL that can be cut, so the app store stops answering for real. */
function relay(target: { host: string; port: number }): Promise<{ port: number; cut: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(target.port, target.host);
    client.pipe(upstream).pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        cut: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

(process.env.REFUNDS_TEST_PG ? test : test.skip)(
  'readiness: /readyz answers 503 naming the app store when PostgreSQL stops answering',
  async () => {
    const pg = new URL(process.env.REFUNDS_TEST_PG!);
    const r = await relay({ host: pg.hostname, port: Number(pg.port || 5432) });
    const viaRelay = new URL(pg.href);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(r.port);
    const s = await startTestServer({ refunds: [refund({ refund_id: 'R1' })] }, { REFUNDS_APP_DB: viaRelay.href });
    try {
      const ok1 = await fetch(`${s.url}/readyz`);
      expect(ok1.status).toBe(200);
      await r.cut();
      const down = await fetch(`${s.url}/readyz`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as { status: string; failed: string[]; checks: Record<string, string> };
      expect(body.failed).toEqual(['appStore']);
      expect(body.checks.warehouse).toBe('ok');
      expect(body.checks.appStore).toMatch(/^failed: /);
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200); // alive, not ready
    } finally {
      await s.close();
    }
  },
  60_000,
);
