import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { formatCurrency } from '../../client/src/common/format';
import { ADMIN_TOKEN, ok, startTestServer, type TestServer } from '../support/server';
import { launchBrowser, openSession, settle, shoot } from './browser';
import type { Query } from '../support/api';

/** The matched rejection effect on Overview and Outcomes, in English and Chinese, on generated data. */
describe('rejection effect in a browser', () => {
  let s: TestServer;
  let browser: Browser;
  let api: { att: number | null; attLow: number | null; attHigh: number | null; coverage: number | null; matchedRejected: number | null };

  beforeAll(async () => {
    const dir = tempDir('refunds-effect-e2e-');
    await generateDataset({ out: dir, refunds: 3000, seed: 7 });
    s = await startTestServer(dir);
    api = ok(
      await s.gql<Pick<Query, 'rejectionEffect'>>(`{ rejectionEffect(windowDays: 90) { att attLow attHigh coverage matchedRejected } }`),
    ).rejectionEffect;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  test.each(['en', 'zh-CN'] as const)('Overview shows the matched figure first (or says why not), Outcomes the detail (%s)', async (locale) => {
    const x = await openSession(browser, { token: ADMIN_TOKEN, baseUrl: s.url, locale });
    const { page } = x;
    await page.goto(`${s.url}/`);
    await page.getByTestId('rejection-effect').waitFor();
    await settle(page);
    const trusted = (api.coverage ?? 0) >= 0.8 && (api.matchedRejected ?? 0) >= 30 && api.att !== null;
    if (trusted) {
      const text = await page.getByTestId('effect-headline').innerText();
      // the headline is the cost per rejection, -att, with the interval -attHigh..-attLow
      expect(text).toContain(formatCurrency(locale, Math.abs(api.att!)));
      expect(text).toContain(formatCurrency(locale, -api.attHigh!));
    } else {
      await page.getByTestId('effect-withheld').waitFor();
    }
    await shoot(page, `overview-effect-${locale}`);

    await page.getByTestId('effect-details').click();
    await page.getByTestId('effect-panel').waitFor();
    await settle(page);
    await page.locator('#rejection-effect').scrollIntoViewIfNeeded();
    expect(await page.locator('[data-testid="effect-revenue"] .recharts-scatter-symbol').count()).toBe(2);
    const rows = page.locator('#rejection-effect tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    await shoot(page, `outcomes-effect-${locale}`);

    // The meeting pack (the page's PDF export) carries the panel: its two plots as images and, in
    // English where the PDF holds the words as text, their titles, the strata table and the sentence.
    await page.getByTestId('export-button').click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-pdf').click()]);
    const pdf = readFileSync((await download.path())!).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect((pdf.match(/\/Subtype \/Image/g) ?? []).length).toBeGreaterThanOrEqual(2);
    if (locale === 'en') {
      expect(pdf).toContain('(What a rejection costs, like with like: Repurchase revenue within 90 days)');
      expect(pdf).toContain('(What a rejection costs, like with like: Repurchase rate within 90 days)');
      expect(pdf).toContain('(Strata that contribute most)');
      if (trusted) expect(pdf).toContain('(Matched over 90 days, a rejected customer bought');
    }

    await page.getByTestId('effect-window').selectOption('30');
    await settle(page);
    expect(page.url()).toContain('ew=30');
    await rows.first().click();
    await page.getByTestId('drill-dialog').waitFor();
    await settle(page);

    // Incentives: what the current plan's rejections cost (or why it is withheld)
    await page.goto(`${s.url}/incentives`);
    await settle(page);
    const planCost = page.locator('[data-testid="plan-cost"], [data-testid="plan-cost-withheld"]');
    await planCost.first().waitFor();
    if (trusted) expect(await page.getByTestId('plan-cost').innerText()).toContain(formatCurrency(locale, Math.abs(api.att!)));
    await planCost.first().scrollIntoViewIfNeeded();
    await shoot(page, `incentives-plan-cost-${locale}`);
    expect(x.problems).toEqual([]);
    await x.context.close();
  });
});
