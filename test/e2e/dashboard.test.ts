import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { formatCurrency, formatNumber, formatPercent } from '../../client/src/common/format';
import { ADMIN_TOKEN, ok, startTestServer, type TestServer } from '../support/server';
import { launchBrowser, openSession, settle, shoot, type Session } from './browser';
import type { Mutation, Query } from '../support/api';

/**
 * The built client served by the built server, on a generated data set (3000 refunds, seed 7),
 * driven by Chromium. Every page is screenshot to test/e2e/screenshots/ for a look by eye.
 */
describe('dashboard in a browser', () => {
  let s: TestServer;
  let browser: Browser;
  let productToken: string;
  let agentNames: string[];
  const RANGE = { from: '2025-07-01', to: '2026-01-01' };
  const rangeQs = `from=${RANGE.from}&to=${RANGE.to}`;

  beforeAll(async () => {
    const dir = tempDir('refunds-e2e-');
    await generateDataset({ out: dir, refunds: 3000, seed: 7 });
    s = await startTestServer(dir);
    const issued = ok(await s.gql<Pick<Mutation, 'issueApiToken'>>(`mutation { issueApiToken(userName: "pia", role: "product", label: "e2e") { token } }`));
    productToken = issued.issueApiToken.token;
    const opts = ok(await s.gql<Pick<Query, 'filterOptions'>>(`{ filterOptions { agents { name } } }`));
    agentNames = opts.filterOptions.agents.map((a) => a.name).filter((n): n is string => !!n);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const open = (opts: Parameters<typeof openSession>[1] = {}) => openSession(browser, { token: ADMIN_TOKEN, baseUrl: s.url, ...opts });
  const close = async (x: Session) => {
    await x.context.close();
  };
  /** Counts marks once the charts have drawn (they render after a resize observation). */
  const count = async (page: Page, selector: string) => {
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length > 0, selector, { timeout: 10_000 }).catch(() => undefined);
    return page.locator(selector).count();
  };
  const cardValue = (page: Page, metric: string) => page.locator(`[data-testid="card-${metric}"] .card-value`).innerText();

  test('the sign-in form checks the token and signs in with a session cookie, keeping nothing in web storage', async () => {
    const x = await openSession(browser, { token: null });
    const { page } = x;
    await page.goto(`${s.url}/`);
    await page.getByTestId('token-input').fill('not-a-real-token');
    await page.getByTestId('sign-in').click();
    await page.getByText('This token was not accepted', { exact: false }).waitFor();
    await shoot(page, 'sign-in');

    await page.locator('input[name=token]').fill(ADMIN_TOKEN);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('user-badge').waitFor();
    expect(await page.getByTestId('user-badge').getAttribute('data-role')).toBe('admin');
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(storage).not.toContain(ADMIN_TOKEN);
    const cookies = await x.context.cookies(s.url);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['refunds_session', true, 'Lax']]);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // Signing out ends the session on the server: the old cookie no longer works.
    const old = cookies[0].value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name=token]').waitFor();
    const after = await fetch(`${s.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `refunds_session=${old}` },
      body: JSON.stringify({ query: '{ me { name } }' }),
    });
    expect(((await after.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await close(x);
  });

  test('a revoked or unknown token lands on the sign-in screen', async () => {
    const x = await open({ token: 'rfd_unknown' });
    await x.page.goto(`${s.url}/reasons`);
    await x.page.getByTestId('token-input').waitFor();
    await close(x);
  });

  const PAGES: Array<{ path: string; name: string; check: (page: Page) => Promise<void> }> = [
    {
      path: `/?${rangeQs}`,
      name: 'overview',
      check: async (page) => {
        expect(await count(page, '[data-testid^="card-"]')).toBe(11);
        expect(await count(page, '[data-testid="trend-chart"] .recharts-bar-rectangle')).toBeGreaterThan(20);
        expect(await count(page, '[data-testid="trend-chart"] .recharts-line-curve')).toBe(1);
        await page.getByTestId('economics').waitFor();
      },
    },
    {
      path: '/incentives',
      name: 'incentives',
      check: async (page) => {
        expect(await count(page, '[data-testid="agent-scatter"] .recharts-scatter-symbol')).toBeGreaterThan(20);
        expect(await count(page, '[data-testid="corr-matrix"] .heat-cell')).toBe(8 * 3);
        expect(await page.getByTestId('alignment-current').innerText()).toMatch(/\d/);
      },
    },
    {
      path: '/reasons',
      name: 'reasons',
      check: async (page) => {
        expect(await count(page, '[data-testid="reason-trend"] .recharts-bar-rectangle')).toBeGreaterThan(50);
        expect(await count(page, '.sparkline')).toBeGreaterThan(0);
      },
    },
    {
      path: '/channels',
      name: 'channels',
      check: async (page) => {
        expect(await count(page, '[data-testid="channel-heatmap"] .heat-cell')).toBeGreaterThan(3);
        expect(await page.getByTestId('inconsistency-rate').innerText()).toMatch(/%/);
      },
    },
    {
      path: '/outcomes',
      name: 'outcomes',
      check: async (page) => {
        expect(await count(page, '.recharts-bar-rectangle')).toBeGreaterThanOrEqual(9);
        expect(await count(page, '[data-testid="repurchase-curve"] .recharts-line-curve')).toBe(3);
      },
    },
    {
      path: '/policy',
      name: 'policy',
      check: async (page) => {
        expect(await count(page, '[data-testid="prepost-chart"] .recharts-bar-rectangle')).toBeGreaterThanOrEqual(8);
        expect(await count(page, '[data-testid="prepost-chart"] .recharts-errorBar')).toBeGreaterThanOrEqual(8);
        expect(await count(page, '[data-testid="delta-chart"] .recharts-bar-rectangle')).toBeGreaterThan(0);
        expect(await count(page, '[data-testid="policy-trend"] .recharts-reference-line')).toBeGreaterThanOrEqual(1);
      },
    },
    {
      path: '/data',
      name: 'data',
      check: async (page) => {
        expect(await count(page, '[data-testid="loads-chart"] .recharts-bar-rectangle')).toBeGreaterThanOrEqual(1);
      },
    },
  ];

  test.each(PAGES.map((p) => [p.name, p] as const))('%s renders its charts without errors', async (_name, p) => {
    const x = await open();
    await x.page.goto(`${s.url}${p.path}`);
    await settle(x.page);
    await shoot(x.page, p.name);
    const errors = await x.page.locator('.error-state').allInnerTexts();
    expect(errors).toEqual([]);
    await p.check(x.page);
    expect(x.problems).toEqual([]);
    await close(x);
  });

  test('every page also lays out on a tablet and in Chinese', async () => {
    const tablet = await open({ width: 820 });
    const zh = await open({ locale: 'zh-CN' });
    for (const p of PAGES) {
      await tablet.page.goto(`${s.url}${p.path}`);
      await settle(tablet.page);
      await shoot(tablet.page, `${p.name}-tablet`);
      // Nothing wider than the viewport except inside scroll containers.
      expect(await tablet.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(820);
      await zh.page.goto(`${s.url}${p.path}`);
      await settle(zh.page);
      await shoot(zh.page, `${p.name}-zh`);
      expect(await zh.page.locator('.error-state').count()).toBe(0);
    }
    await close(tablet);
    await close(zh);
  });

  test('a filter change updates the overview to what the API returns for that filter', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/?${rangeQs}`);
    await settle(page);
    const before = await cardValue(page, 'refunds');

    await page.locator('[data-testid="filter-channels"] .select-button').click();
    // The URL update runs as a transition, so on a busy machine the box shows its new state a moment after the click;
    // Playwright's check() reads it at once and calls that a failure.
    const box = page.locator('[data-testid="filter-channels"] label', { hasText: 'app' }).locator('input');
    await box.click();
    await page.waitForFunction(() => new URL(location.href).searchParams.getAll('channel').includes('app'));
    await page.waitForFunction(() => {
      const el = [...document.querySelectorAll('[data-testid="filter-channels"] label')].find((l) => l.textContent?.includes('app'));
      return el?.querySelector('input')?.checked === true;
    });
    expect(await box.isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await settle(page);

    const api = ok(
      await s.gql<Pick<Query, 'overview'>>(`query($f: RefundFilter) { overview(filter: $f) { refunds approvalRate refundedAmount } }`, {
        f: { ...RANGE, channels: ['app'] },
      }),
    ).overview;
    expect(await cardValue(page, 'refunds')).toBe(formatNumber('en', api.refunds));
    expect(await cardValue(page, 'refunds')).not.toBe(before);
    expect(await cardValue(page, 'approvalRate')).toBe(formatPercent('en', api.approvalRate));
    expect(await cardValue(page, 'refundedAmount')).toBe(formatCurrency('en', api.refundedAmount));
    expect(new URL(page.url()).searchParams.getAll('channel')).toEqual(['app']);
    await close(x);
  });

  test('the URL reproduces the view after a reload and in a new tab', async () => {
    const x = await open();
    const { page } = x;
    const url = `${s.url}/incentives?${rangeQs}&channel=web&channel=app&kpi=approvalRate&outcome=nps&minCases=10`;
    await page.goto(url);
    await settle(page);
    const corr = await page.getByTestId('corr-line').innerText();
    expect(await page.getByTestId('kpi-select').inputValue()).toBe('approvalRate');
    expect(await page.getByTestId('outcome-select').inputValue()).toBe('nps');
    await page.reload();
    await settle(page);
    expect(await page.getByTestId('corr-line').innerText()).toBe(corr);
    expect(await page.locator('[data-testid="filter-channels"] .select-summary').innerText()).toBe('app, web');

    // The navigation keeps the filter (not the page's own settings) when moving to another page.
    await page.getByRole('link', { name: 'Overview' }).click();
    await settle(page);
    const here = new URL(page.url());
    expect(here.pathname).toBe('/');
    expect(here.searchParams.get('from')).toBe(RANGE.from);
    expect(here.searchParams.getAll('channel').sort()).toEqual(['app', 'web']);
    expect(here.searchParams.get('kpi')).toBeNull();
    const refunds = await cardValue(page, 'refunds');

    const y = await open();
    await y.page.goto(page.url());
    await settle(y.page);
    expect(await cardValue(y.page, 'refunds')).toBe(refunds);
    await close(x);
    await close(y);
  });

  test('clicking a bar opens the refunds behind it, paged', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/?${rangeQs}`);
    await settle(page);
    await page.locator('[data-testid="trend-chart"] .recharts-bar-rectangle').nth(3).click();
    const dialog = page.getByTestId('drill-dialog');
    await dialog.waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="drill-dialog"] .skeleton'));
    expect(await dialog.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await dialog.locator('.error-state').count()).toBe(0);
    await shoot(page, 'drill-down');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await close(x);
  });

  test('the locale switch changes the text and the number formats, and is remembered', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/?${rangeQs}`);
    await settle(page);
    const amountEn = await cardValue(page, 'refundedAmount');
    expect(amountEn.startsWith('CN¥')).toBe(true);
    expect(await page.getByRole('link', { name: 'Overview' }).count()).toBe(1);

    await page.getByTestId('locale-switch').selectOption('zh-CN');
    await page.getByRole('link', { name: '概览' }).waitFor();
    const amountZh = await cardValue(page, 'refundedAmount');
    expect(amountZh.startsWith('¥')).toBe(true);
    expect(amountZh).not.toBe(amountEn);
    expect(amountZh.replace(/^¥/, '')).toBe(amountEn.replace(/^CN¥/, ''));
    expect(await page.locator('h1').innerText()).toBe('概览');

    await page.reload();
    await settle(page);
    expect(await page.locator('h1').innerText()).toBe('概览');
    expect(await page.evaluate(() => localStorage.getItem('refunds.locale'))).toBe('zh-CN');
    await close(x);
  });

  test('export: a PDF meeting pack with the page numbers, CSV tables and PNG charts', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/?${rangeQs}`);
    await settle(page);
    const refunds = await cardValue(page, 'refunds');
    const approval = await cardValue(page, 'approvalRate');

    await page.getByTestId('export-button').click();
    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-pdf').click()]);
    const buf = readFileSync((await pdf.path())!);
    expect(buf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = buf.toString('latin1');
    // jsPDF writes text uncompressed: each number is a string operand of a Tj operator.
    const operand = (v: string) => new RegExp(`\\(${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ )]`);
    expect(text).toMatch(operand(refunds));
    expect(text).toMatch(operand(approval));
    expect(text).toMatch(/\/Subtype \/Image/); // the chart
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);

    await page.goto(`${s.url}/policy`);
    await settle(page);
    await page.getByTestId('export-button').click();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText.split('\r\n')[0]).toContain('Metric');
    expect(csvText).toContain('approvalRate');
    await settle(page);
    await page.getByTestId('export-button').click();
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    const pngBuf = readFileSync((await png.path())!);
    expect(pngBuf.subarray(1, 4).toString('latin1')).toBe('PNG');
    await page.getByTestId('export-button').click();
    const [policyPdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-pdf').click()]);
    const policyText = readFileSync((await policyPdf.path())!).toString('latin1');
    expect(policyText.startsWith('%PDF')).toBe(true);
    expect(policyText).toMatch(/\(\S*\d+\.\d%/);
    await close(x);
  });

  test('the product role never sees agent names', async () => {
    expect(agentNames.length).toBeGreaterThan(5);
    const x = await open({ token: productToken });
    const { page } = x;
    for (const path of ['/incentives', `/?${rangeQs}`, '/reasons']) {
      await page.goto(`${s.url}${path}`);
      await settle(page);
      const text = await page.locator('body').innerText();
      for (const n of agentNames) expect(text).not.toContain(n);
    }
    expect(await page.getByTestId('filter-agentIds').count()).toBe(0);

    await page.goto(`${s.url}/incentives`);
    await settle(page);
    await shoot(page, 'incentives-product-role');
    expect(await page.locator('body').innerText()).toMatch(/rank-\d+/);
    // Hover every scatter point: the tooltip shows a pseudonym, never a name.
    const points = page.locator('[data-testid="agent-scatter"] .recharts-scatter-symbol');
    const k = Math.min(await points.count(), 8);
    for (let i = 0; i < k; i++) {
      await points.nth(i).hover();
      const tip = await page.locator('.recharts-tooltip-wrapper').innerText();
      for (const n of agentNames) expect(tip).not.toContain(n);
    }

    await page.goto(`${s.url}/?${rangeQs}`);
    await settle(page);
    await page.locator('[data-testid="trend-chart"] .recharts-bar-rectangle').first().click();
    await page.getByTestId('drill-dialog').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="drill-dialog"] .skeleton'));
    const drill = await page.getByTestId('drill-dialog').innerText();
    expect(drill).not.toContain('Agent');
    for (const n of agentNames) expect(drill).not.toContain(n);
    await close(x);
  });

  test('saved views: save the current filter and reopen it', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/?${rangeQs}&channel=phone`);
    await settle(page);
    const refunds = await cardValue(page, 'refunds');
    await page.getByTestId('saved-views').click();
    await page.getByLabel('View name').fill('Phone, H2 2025');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByText('Saved “Phone, H2 2025”.').waitFor();

    await page.goto(`${s.url}/`);
    await settle(page);
    await page.getByTestId('saved-views').click();
    await page.getByRole('button', { name: 'Phone, H2 2025', exact: true }).click();
    await settle(page);
    const u = new URL(page.url());
    expect(u.searchParams.getAll('channel')).toEqual(['phone']);
    expect(u.searchParams.get('from')).toBe(RANGE.from);
    expect(await cardValue(page, 'refunds')).toBe(refunds);
    await close(x);
  });

  test('saved views keep the page parameters too (the KPI and outcome of the Incentives scatter)', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/incentives?${rangeQs}&kpi=rejectionRate&outcome=nps`);
    await settle(page);
    await page.getByTestId('saved-views').click();
    await page.getByLabel('View name').fill('Rejections vs NPS');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByText('Saved “Rejections vs NPS”.').waitFor();

    await page.goto(`${s.url}/incentives`);
    await settle(page);
    await page.getByTestId('saved-views').click();
    await page.getByRole('button', { name: 'Rejections vs NPS', exact: true }).click();
    await settle(page);
    const u = new URL(page.url());
    expect(u.pathname).toBe('/incentives');
    expect(u.searchParams.get('kpi')).toBe('rejectionRate');
    expect(u.searchParams.get('outcome')).toBe('nps');
    expect(u.searchParams.get('from')).toBe(RANGE.from);
    await close(x);
  });

  test('an annotation added on the policy page is drawn on the time charts', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/?${rangeQs}`);
    await settle(page);
    const before = await count(page, '[data-testid="trend-chart"] .recharts-reference-line');

    await page.goto(`${s.url}/policy`);
    await settle(page);
    await page.locator('input[name="annotation-date"]').fill('2025-10-15');
    await page.locator('input[name="annotation-note"]').fill('Warehouse move');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('annotation-list').getByText('Warehouse move').waitFor();

    await page.goto(`${s.url}/?${rangeQs}`);
    await settle(page);
    expect(await count(page, '[data-testid="trend-chart"] .recharts-reference-line')).toBe(before + 1);
    expect(await page.locator('[data-testid="trend-chart"]').innerText()).toContain('Warehouse move');
    await close(x);
  });

  test('reasons drill from family to reason code to products, and a spike focuses the page', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/reasons`);
    await settle(page);
    await page.locator('table[data-export-table^="Totals"] tbody tr', { hasText: 'Defect' }).click();
    await settle(page);
    expect(new URL(page.url()).searchParams.get('family')).toBe('defect');
    const codes = await page.locator('table[data-export-table^="Totals"] tbody tr').count();
    expect(codes).toBeGreaterThan(1);
    await page.locator('table[data-export-table^="Totals"] tbody tr').first().click();
    await settle(page);
    expect(await count(page, '[data-testid="product-breakdown"] .recharts-bar-rectangle')).toBeGreaterThan(0);
    // The drill keeps the page filter as it was: only the page's own keys change.
    expect(await page.locator('[data-testid="filter-reasonCodes"] .select-summary').innerText()).toBe('All');
    await shoot(page, 'reasons-drill');

    await page.locator('table[data-export-table="Defect spikes"] tbody tr').first().click();
    await settle(page);
    const u = new URL(page.url());
    expect(u.searchParams.get('product')).toBeTruthy();
    expect(u.searchParams.get('week')).toBe(u.searchParams.get('from'));
    await page.getByText('Focused on product', { exact: false }).waitFor();
    await shoot(page, 'reasons-spike-focus');
    await close(x);
  });

  test('the what-if editor compares a proposed plan with the current one', async () => {
    const x = await open();
    const { page } = x;
    await page.goto(`${s.url}/incentives`);
    await settle(page);
    await page.locator('input[data-kpi="handled"]').fill('1');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="alignment-proposed"] .big-number')?.textContent ?? ''), undefined, {
      timeout: 30_000,
    });
    await settle(page);
    expect(new URL(page.url()).searchParams.get('w')).toContain('handled:1:H');
    expect(await page.locator('.move-up, .move-down').count()).toBeGreaterThan(0);
    await shoot(page, 'incentives-what-if');
    await close(x);
  });
});
