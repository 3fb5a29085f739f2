import { ONE_SHOP, SOURCES, importSources, withShopDatabase } from '../support/one-shop';
import { serveDatabase } from '../support/server';
import { openAdminPage, settle, shoot, useServerAndBrowser } from './browser';

/** The one-shop exports imported, then the Data page's sources-and-conflicts section in Chromium. */
describe('reconciliation on the Data page', () => {
  const e2e = useServerAndBrowser(async () => {
    const path = await withShopDatabase(async (db) => {
      await importSources(db.conn, ONE_SHOP, SOURCES);
      return db.path;
    });
    return serveDatabase(path);
  });

  test('counts per kind, a table to drill into, and the source ids in the drill-down', async () => {
    const x = await openAdminPage(e2e, '/data');
    const { page } = x;
    const section = page.getByTestId('reconciliation');
    await section.waitFor();
    // 5 conflicts, one of each kind; 3 systems
    await expect(section.locator('.chips .chip').first().innerText()).resolves.toContain('5');
    for (const kind of ['AMOUNT_MISMATCH', 'DECISION_MISMATCH', 'APPROVED_NOT_PAID', 'PAID_WITHOUT_TICKET', 'UNKNOWN_ORDER']) {
      await expect(section.locator(`[data-kind="${kind}"] strong`).innerText()).resolves.toBe('1');
    }
    const sourcesText = await section.locator('table').first().innerText();
    expect(sourcesText).toContain('shopify');
    expect(sourcesText).toContain('stripe');
    expect(sourcesText).toContain('zendesk');
    await shoot(page, 'data-reconciliation');

    await section.locator('[data-kind="APPROVED_NOT_PAID"]').click();
    const rows = section.locator('table').nth(1).locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().innerText()).resolves.toContain('#1113');

    // the drill-down names a merged refund's ticket, payment and order
    await page.goto(`${e2e.s.url}/?from=2025-03-01&to=2025-04-01`);
    await settle(page);
    await page.locator('[data-testid="card-refunds"]').click();
    const dialog = page.getByTestId('drill-dialog');
    await dialog.waitFor();
    await settle(page);
    await expect(dialog.innerText()).resolves.toContain('ticket 50001 · payment re_1S00000 · order #1027');
    await shoot(page, 'drill-sources');
    expect(x.problems).toEqual([]);
    await x.context.close();
  });
});
