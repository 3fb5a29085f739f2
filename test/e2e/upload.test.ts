import { readFileSync } from 'node:fs';
import { order, refund, toCsv } from '../../etl/src/testing/factory';
import { specFixtures } from '../../etl/src/testing/fixtures';
import { ok, startTestServer } from '../support/server';
import { openAdminPage, shoot, useServerAndBrowser } from './browser';
import type { Query } from '../support/api';

/**
 * Upload in the browser, end to end: files dropped on the Data page go to the built server,
 * the preview shows what the load would do, commit loads them and the load history shows it.
 */
describe('upload in a browser', () => {
  const e2e = useServerAndBrowser(async () => {
    const s = await startTestServer({ orders: [order({ order_id: 'E0' })] });
    return s;
  });

  test('drop a Shopify export and a refunds file, preview, commit, see the load in the history', async () => {
    const x = await openAdminPage(e2e, '/data');
    const { page } = x;
    await page.getByTestId('upload-drop').waitFor();

    // Shopify fixture: 40 orders and 8 refunds. refunds.csv: 3 rows, the second has an unknown decision.
    const files = [
      { name: 'orders_export.csv', b64: readFileSync(specFixtures('shopify', 'orders_export.csv')).toString('base64') },
      {
        name: 'refunds.csv',
        b64: Buffer.from(
          toCsv('refunds', [refund({ refund_id: 'E1' }), refund({ refund_id: 'E2', decision: 'sometime' }), refund({ refund_id: 'E3' })]),
        ).toString('base64'),
      },
    ];
    await page.evaluate((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: 'text/csv' }));
      const zone = document.querySelector('[data-testid="upload-drop"]')!;
      zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, files);

    // Both formats are recognised, so the preview runs by itself.
    await page.getByTestId('preview-summary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('upload-format-0').inputValue()).toBe('shopify-orders');
    expect(await page.getByTestId('upload-format-1').inputValue()).toBe('load');
    // 40 orders, 40 shop source records, 8 refunds merged from them, 3 rows of refunds.csv
    expect(await page.getByTestId('preview-read').innerText()).toBe('91');
    expect(await page.getByTestId('preview-loaded').innerText()).toBe('90');
    expect(await page.getByTestId('preview-rejected').innerText()).toBe('1');
    const rejects = await page.getByTestId('preview-rejects').innerText();
    expect(rejects).toMatch(/refunds\.csv\s+3\s+decision\s+sometime\s+.*must be one of/);
    // Nothing loaded yet: the history still holds the one load the server started with.
    const history = async () => ok(await e2e.s.gql<Pick<Query, 'loadHistory'>>(`{ loadHistory { loadId outcome rowsLoaded rowsRejected } }`));
    expect((await history()).loadHistory).toHaveLength(1);
    await shoot(page, 'upload-preview');

    await page.getByTestId('upload-commit').click();
    // The load's progress bar shows while the commit runs (phases polled from GET /api/uploads/:id).
    await page.getByTestId('load-progress').waitFor({ timeout: 5000 });
    await shoot(page, 'upload-progress');
    await page.getByTestId('upload-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('upload-done').innerText()).toMatch(/load #2/);
    // The history table on the page shows the new load with its counts.
    const row = page.locator('.data-table tbody tr', { hasText: '#2' }).first();
    await row.waitFor();
    expect(await row.innerText()).toMatch(/committed[\s\S]*91[\s\S]*90[\s\S]*1/);
    const [latest] = (await history()).loadHistory;
    expect(latest).toMatchObject({ loadId: 2, outcome: 'committed', rowsLoaded: 90, rowsRejected: 1 });
    // The rejects panel now shows the committed load's reject.
    await page.getByText('Rejected rows of load #2').waitFor();
    await shoot(page, 'upload-committed');
    expect(x.problems).toEqual([]);
    await x.context.close();
  }, 120_000);
});
