import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, driven headless by playwright-core (no downloaded browsers). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
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

/** A fresh browser context; `token` and `locale` are put in localStorage before any page script runs. */
export async function openSession(browser: Browser, opts: { token?: string | null; locale?: 'en' | 'zh-CN'; width?: number } = {}): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 }, locale: 'en-US', acceptDownloads: true });
  await context.addInitScript(
    ([token, locale]) => {
      try {
        // Only on the first document of the tab, so sign-out and locale switches survive a reload.
        if (sessionStorage.getItem('e2e.init')) return;
        sessionStorage.setItem('e2e.init', '1');
        if (token) localStorage.setItem('refunds.token', token);
        if (locale) localStorage.setItem('refunds.locale', locale);
      } catch {
        // about:blank has no storage
      }
    },
    [opts.token ?? null, opts.locale ?? 'en'] as const,
  );
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
