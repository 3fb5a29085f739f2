import { readFileSync } from 'node:fs';
import { order, refund } from '../../etl/src/testing/factory';
import { ok, startTestServer } from '../support/server';
import { openSignedIn, shoot, useServerAndBrowser } from './browser';
import type { Query } from '../support/api';

/** Signing in as people do, in Chromium: e-mail and password, signing out, and the audit log export. */
describe('sign-in in a browser', () => {
  const PASSWORD = 'a-browser-test-passphrase-31';

  const e2e = useServerAndBrowser(async () => {
    const s = await startTestServer({
      refunds: [refund({ refund_id: 'R1', order_id: 'O1' }), refund({ refund_id: 'R2', order_id: 'O2' })],
      orders: [order({ order_id: 'O1' }), order({ order_id: 'O2' })],
    });
    ok(await s.gql(`mutation($p: String!) { createUser(email: "ada@example.com", name: "Ada Admin", role: "admin", password: $p) { id } }`, { p: PASSWORD }));
    ok(
      await s.gql(`mutation($p: String!) { createUser(email: "pia@example.com", name: "Pia Product", role: "product", password: $p) { id } }`, { p: PASSWORD }),
    );
    return s;
  });

  test('e-mail and password: a wrong password is refused, the right one signs in with an httpOnly cookie; a reload keeps the session; sign-out ends it', async () => {
    const x = await openSignedIn(e2e, '/', 'pia@example.com', 'not the password at all');
    const { page } = x;
    await page.getByText('Wrong e-mail or password').waitFor();
    expect(await x.context.cookies(e2e.s.url)).toEqual([]);

    await page.getByTestId('password-input').fill(PASSWORD);
    await page.getByTestId('sign-in-password').click();
    await page.getByTestId('user-badge').waitFor();
    expect(await page.getByTestId('user-badge').getAttribute('data-role')).toBe('product');
    expect(await page.getByTestId('user-badge').innerText()).toContain('Pia Product');
    const cookies = await x.context.cookies(e2e.s.url);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([['refunds_session', true, 'Lax', '/']]);
    const storage = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
    expect(storage).not.toContain(PASSWORD);
    expect(storage).not.toContain(cookies[0].value);
    await shoot(page, 'signed-in-by-password');

    await page.reload();
    await page.getByTestId('user-badge').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('email-input').waitFor();
    await page.reload();
    await page.getByTestId('email-input').waitFor();
    expect(x.problems.filter((p) => !/401|Unauthorized/.test(p))).toEqual([]);
    await x.context.close();
  });

  test('an admin downloads the audit log as CSV from the Data page; it matches auditLog', async () => {
    const x = await openSignedIn(e2e, '/data', 'ada@example.com', PASSWORD);
    const { page } = x;
    await page.getByTestId('audit-log').waitFor();
    await shoot(page, 'audit-log');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('at,actor,action,detail,address');
    const log = ok(await e2e.s.gql<Pick<Query, 'auditLog'>>('{ auditLog { at actor action detail address } }')).auditLog;
    expect(lines.length - 1).toBe(log.length);
    // The sign-ins of this file, in the log as in the CSV (newest first).
    expect(log.filter((e) => e.action === 'sign-in').map((e) => e.actor)).toEqual(['Ada Admin', 'Pia Product']);
    expect(log.filter((e) => e.action === 'sign-in-failed').map((e) => e.actor)).toEqual(['pia@example.com']);
    expect(lines[1].split(',')).toEqual([log[0].at, log[0].actor, log[0].action, log[0].detail, log[0].address]);
    expect(csv).not.toContain(PASSWORD);
    await x.context.close();
  });

  test('an admin adds a user on the Data page (a common password is refused); the new user signs in; disabling locks them out', async () => {
    const admin = await openSignedIn(e2e, '/data', 'ada@example.com', PASSWORD);
    const users = admin.page.getByTestId('users');
    await users.waitFor();
    await admin.page.locator('input[name=new-user-email]').fill('nia@example.com');
    await admin.page.locator('input[name=new-user-name]').fill('Nia New');
    await admin.page.locator('select[name=new-user-role]').selectOption('analyst');
    await admin.page.locator('input[name=new-user-password]').fill('password1234');
    await admin.page.getByTestId('create-user').click();
    await admin.page.getByTestId('users-message').getByText('too common', { exact: false }).waitFor();
    await admin.page.locator('input[name=new-user-password]').fill('nia-gets-a-good-passphrase');
    await admin.page.getByTestId('create-user').click();
    await admin.page.getByTestId('users-message').getByText('User added', { exact: false }).waitFor();
    await users.getByRole('cell', { name: 'nia@example.com' }).waitFor();
    await shoot(admin.page, 'users');
    const created = ok(await e2e.s.gql<Pick<Query, 'users'>>('{ users { id email role disabled } }')).users.find((u) => u.email === 'nia@example.com')!;
    expect(created).toMatchObject({ role: 'analyst', disabled: false });

    const nia = await openSignedIn(e2e, '/', 'nia@example.com', 'nia-gets-a-good-passphrase');
    await nia.page.getByTestId('user-badge').waitFor();
    expect(await nia.page.getByTestId('user-badge').getAttribute('data-role')).toBe('analyst');

    await admin.page.getByTestId(`toggle-user-${created.id}`).click();
    await admin.page.getByTestId('users-message').getByText('Saved', { exact: false }).waitFor();
    // Nia's next request finds her session ended: back on the sign-in page.
    await nia.page.goto(`${e2e.s.url}/reasons`);
    await nia.page.getByTestId('email-input').waitFor();
    expect(await nia.page.getByTestId('user-badge').count()).toBe(0);
    await admin.context.close();
    await nia.context.close();
  });

  test('a non-admin does not see the audit log', async () => {
    const x = await openSignedIn(e2e, '/data', 'pia@example.com', PASSWORD);
    const { page } = x;
    await page.getByTestId('user-badge').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.getByTestId('audit-log').count()).toBe(0);
    await x.context.close();
  });
});
