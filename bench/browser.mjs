// Page timings in Debian's Chromium via playwright-core: first open, then a filter change.
// "Ready" = no request in flight for QUIET_MS, at least one `.recharts-surface`, and no loading
// marker ([data-loading], .skeleton, [aria-busy=true]); the time is when the last of those happened.
import { createRequire } from 'node:module';

const QUIET_MS = 300;

export async function measurePages(root, { url, token, pages, timeoutMs = 60_000, log = () => {} }) {
  const require = createRequire(`${root}/package.json`);
  const { CHROMIUM_ARGS } = require('@refunds/shared');
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (e) {
    return { error: `playwright-core not available: ${e.message.split('\n')[0]}` };
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS] });
  const out = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Signed in as the page does it: the session cookie lands in the context's cookie jar.
    const signIn = await context.request.post(`${url}/api/session`, { data: { token } });
    if (!signIn.ok()) throw new Error(`sign-in failed: HTTP ${signIn.status()}`);
    const page = await context.newPage();
    let inflight = 0;
    let lastNet = performance.now();
    let requests = 0;
    let graphql = 0;
    const consoleErrors = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text().slice(0, 200)));
    page.on('pageerror', (e) => consoleErrors.push(String(e.message).slice(0, 200)));
    page.on('request', (r) => {
      inflight++;
      requests++;
      if (r.url().includes('/graphql')) graphql++;
      lastNet = performance.now();
    });
    const done = () => {
      inflight = Math.max(0, inflight - 1);
      lastNet = performance.now();
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);

    const ready = async (t0) => {
      const deadline = t0 + timeoutMs;
      let domAt = null;
      for (;;) {
        const now = performance.now();
        if (now > deadline) {
          const state = await page
            .evaluate(() => ({
              charts: document.querySelectorAll('.recharts-surface').length,
              loading: document.querySelectorAll('[data-loading], .skeleton, [aria-busy="true"]').length,
              text: document.body.innerText.slice(0, 300),
            }))
            .catch(() => null);
          return { ok: false, why: `not ready after ${timeoutMs / 1000} s: ${JSON.stringify(state)}` };
        }
        const dom = await page
          .evaluate(() => document.querySelectorAll('.recharts-surface').length > 0 && !document.querySelector('[data-loading], .skeleton, [aria-busy="true"]'))
          .catch(() => false);
        if (dom && domAt === null) domAt = performance.now();
        if (!dom) domAt = null;
        if (dom && inflight === 0 && performance.now() - lastNet >= QUIET_MS) {
          return { ok: true, ms: Math.max(domAt, lastNet) - t0 };
        }
        await new Promise((r) => setTimeout(r, 15));
      }
    };

    const step = async (label, action) => {
      requests = 0;
      graphql = 0;
      const errorsBefore = consoleErrors.length;
      const t0 = performance.now();
      try {
        await action();
      } catch (e) {
        return { label, ok: false, why: e.message.split('\n')[0] };
      }
      const r = await ready(t0);
      const res = { label, ...r, requests, graphql, consoleErrors: consoleErrors.slice(errorsBefore) };
      log(`    ${label}: ${r.ok ? `${r.ms.toFixed(0)} ms` : r.why} (${graphql} GraphQL requests)`);
      return res;
    };

    for (const p of pages) {
      const steps = [];
      steps.push(await step(`open ${p.path}${p.first}`, () => page.goto(`${url}${p.path}${p.first}`, { waitUntil: 'commit' })));
      for (const [i, qs] of p.changes.entries()) {
        if (i % 2 === 0) {
          steps.push(await step(`navigate ${p.path}${qs}`, () => page.goto(`${url}${p.path}${qs}`, { waitUntil: 'commit' })));
        } else {
          // In-app change (what the filter bar does): push the URL and let the router react.
          steps.push(
            await step(`in-app ${p.path}${qs}`, () =>
              page.evaluate((href) => {
                window.history.pushState({}, '', href);
                window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
              }, `${p.path}${qs}`),
            ),
          );
        }
      }
      out.push({ page: p.name, steps });
    }
    await context.close();
  } finally {
    await browser.close();
  }
  return { pages: out };
}
