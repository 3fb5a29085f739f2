import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '@refunds/shared';
import { ADMIN_TOKEN, type TestServer } from '../support/server';

/** Debian's Chromium, driven headless by playwright-core (no downloaded browsers). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--disable-quic'],
  });
}

export const SCREENSHOTS = resolve(__dirname, 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen by the page. */
  problems: string[];
}

/**
 * A fresh browser context. With `token` and `baseUrl` it is signed in the way the sign-in page does
 * it (POST /api/session; the session cookie lands in the context's cookie jar); `locale` is put in
 * localStorage before any page script runs. No token is ever put in web storage.
 */
export async function openSession(
  browser: Browser,
  opts: { token?: string | null; baseUrl?: string; locale?: 'en' | 'zh-CN'; width?: number } = {},
): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
  await context.addInitScript((locale) => {
    try {
      // Only on the first document of the tab, so locale switches survive a reload.
      if (sessionStorage.getItem('e2e.init')) return;
      sessionStorage.setItem('e2e.init', '1');
      if (locale) localStorage.setItem('refunds.locale', locale);
    } catch {
      // about:blank has no storage
    }
  }, opts.locale ?? 'en');
  if (opts.token) {
    if (!opts.baseUrl) throw new Error('openSession: baseUrl is needed to sign in');
    const res = await context.request.post(`${opts.baseUrl}/api/session`, { data: { token: opts.token } });
    // An unknown token is a test case of its own (the page must show the sign-in form): no cookie then.
    if (res.status() !== 200 && res.status() !== 401) throw new Error(`sign-in failed: HTTP ${res.status()} ${await res.text()}`);
  }
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Waits until the page has no request in flight and no loading skeleton. */
export async function settle(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout });
  await page.waitForFunction(() => !document.querySelector('.skeleton') && !!document.querySelector('[data-page]'), undefined, { timeout });
  await page.waitForLoadState('networkidle', { timeout });
}

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The server of a browser test and the browser. */
export interface E2e {
  readonly s: TestServer;
  readonly browser: Browser;
}

/** Starts the test server (`start`) and Chromium before the tests of the enclosing describe, and closes both after them. */
export function useServerAndBrowser(start: () => Promise<TestServer>, timeoutMs = 120_000): E2e {
  let s: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    s = await start();
    browser = await launchBrowser();
  }, timeoutMs);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });
  const need = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`browser test setup failed: no ${what}`);
    return x;
  };
  return {
    get s() {
      return need(s, 'server');
    },
    get browser() {
      return need(browser, 'browser');
    },
  };
}

/** An admin's session on `path` (the admin token turned into a session cookie), once the page has settled. */
export async function openAdminPage(e2e: E2e, path: string): Promise<Session> {
  const x = await openSession(e2e.browser, { token: ADMIN_TOKEN, baseUrl: e2e.s.url });
  await x.page.goto(`${e2e.s.url}${path}`);
  await settle(x.page);
  return x;
}

/** Fills and sends the sign-in form the page shows, with an e-mail and a password. */
export async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('email-input').fill(email);
  await page.getByTestId('password-input').fill(password);
  await page.getByTestId('sign-in-password').click();
}

/** A fresh session on `path` that signs in on the form shown there with an e-mail and a password. */
export async function openSignedIn(e2e: E2e, path: string, email: string, password: string): Promise<Session> {
  const x = await openSession(e2e.browser);
  await x.page.goto(`${e2e.s.url}${path}`);
  await signInWithPassword(x.page, email, password);
  return x;
}
