import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { refund } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, startTestServer, stopServer, type TestServer } from '../support/server';
import { launchBrowser, openSession, shoot } from './browser';
import type { Query } from '../support/api';

/**
 * Single sign-on against a real OpenID provider (`oidc-provider`, started here on loopback):
 * the whole authorization-code + PKCE redirect flow, driven in Chromium.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function startIdp(
  redirectUri: string,
  users: Record<string, { email: string; name: string; groups: string[] }>,
): Promise<{ child: ChildProcess; issuer: string }> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'support', 'oidc-idp.mjs')], {
    env: { ...process.env, IDP_REDIRECT_URI: redirectUri, IDP_USERS: JSON.stringify(users) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`IdP did not start:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ready: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`IdP exited with ${code}:\n${out}`)));
  });
  return { child, issuer };
}

describe('single sign-on in a browser', () => {
  let s: TestServer;
  let idp: ChildProcess;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    const started = await startIdp(`http://127.0.0.1:${port}/api/session/oidc/callback`, {
      erin: { email: 'erin@corp.example', name: 'Erin Exec', groups: ['staff', 'finance-leads'] },
      gus: { email: 'gus@corp.example', name: 'Gus Guest', groups: ['staff', 'marketing'] },
    });
    idp = started.child;
    s = await startTestServer(
      { refunds: [refund({ refund_id: 'R1' })] },
      {
        PORT: String(port),
        REFUNDS_OIDC_ISSUER: started.issuer,
        REFUNDS_OIDC_CLIENT_ID: 'refunds-dashboard',
        REFUNDS_OIDC_CLIENT_SECRET: 'idp-test-client-secret',
        REFUNDS_OIDC_ROLE_CLAIM: 'groups',
        REFUNDS_OIDC_GROUP_ROLES: 'it-admins=admin,finance-leads=executive,bi-team=analyst',
        REFUNDS_OIDC_SCOPES: 'openid email profile groups',
      },
    );
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    if (idp) await stopServer(idp);
  });

  const signInAtIdp = async (page: import('playwright-core').Page, login: string) => {
    await page.goto(`${s.url}/`);
    await page.getByTestId('sso-sign-in').click();
    await page.waitForURL((u) => !u.href.startsWith(s.url));
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('any password at the test IdP');
    await shoot(page, `oidc-idp-login-${login}`);
    await page.locator('button[type=submit]').click();
    // The IdP asks for consent to share the profile with the dashboard.
    await page.locator('button[type=submit]').click();
  };

  test('first sign-in through the IdP creates the user with the role of their group and opens a session', async () => {
    const x = await openSession(browser);
    await signInAtIdp(x.page, 'erin');
    await x.page.getByTestId('user-badge').waitFor();
    expect(x.page.url()).toBe(`${s.url}/`);
    expect(await x.page.getByTestId('user-badge').getAttribute('data-role')).toBe('executive');
    expect(await x.page.getByTestId('user-badge').innerText()).toContain('Erin Exec');
    const ours = (await x.context.cookies(s.url)).filter((c) => c.name.startsWith('refunds_'));
    expect(ours.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['refunds_session', true, 'Lax']]);
    await shoot(x.page, 'oidc-signed-in');
    const users = ok(await s.gql<Pick<Query, 'users'>>('{ users { name email role sso hasPassword } }')).users;
    expect(users.filter((u) => u.sso)).toEqual([{ name: 'Erin Exec', email: 'erin@corp.example', role: 'executive', sso: true, hasPassword: false }]);
    // A second sign-in finds the same user (no duplicate).
    await x.page.getByRole('button', { name: 'Sign out' }).click();
    await x.page.getByTestId('sso-sign-in').click();
    await x.page.getByTestId('user-badge').waitFor(); // the IdP remembers the session and consent
    const again = ok(await s.gql<Pick<Query, 'users'>>('{ users { sso } }')).users;
    expect(again.filter((u) => u.sso).length).toBe(1);
    await x.context.close();
  });

  test('a user with no mapped group gets no access, and the page says so', async () => {
    const x = await openSession(browser);
    await signInAtIdp(x.page, 'gus');
    const msg = x.page.getByTestId('sso-error');
    await msg.waitFor();
    expect(await msg.innerText()).toMatch(/none of its groups has access/);
    expect(await x.page.getByTestId('user-badge').count()).toBe(0);
    expect((await x.context.cookies(s.url)).filter((c) => c.name === 'refunds_session')).toEqual([]);
    await shoot(x.page, 'oidc-no-access');
    const users = ok(await s.gql<Pick<Query, 'users'>>('{ users { name } }')).users;
    expect(users.map((u) => u.name)).not.toContain('Gus Guest');
    const log = ok(await s.gql<Pick<Query, 'auditLog'>>('{ auditLog { actor action detail } }', {}, ADMIN_TOKEN)).auditLog;
    expect(log[0]).toEqual({ actor: 'gus@corp.example', action: 'sign-in-failed', detail: 'single sign-on: no group with access (staff, marketing)' });
    await x.context.close();
  });

  test('a callback without the browser’s sign-in in progress (a forged or replayed code) signs nobody in', async () => {
    const res = await fetch(`${s.url}/api/session/oidc/callback?code=forged&state=forged`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/?signin_error=failed');
    expect(res.headers.get('set-cookie') ?? '').not.toMatch(/refunds_session=[^;]/);
  });
});
