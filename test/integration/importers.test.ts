import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../../etl/src/testing/factory';
import { ok, spawnServer, stopServer, ADMIN_TOKEN } from '../support/server';
import { specFixtures } from '../../etl/src/testing/fixtures';

/**
 * Each importer on its sample export (../shared/fixtures), through the CLI and the real loader,
 * then the overview from the API compared with numbers worked out from the sample by hand.
 */
const ROOT = resolve(__dirname, '..', '..');
const FIX = specFixtures();
const CLI = join(ROOT, 'etl', 'dist', 'cli.js');

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, REFUNDS_ADMIN_TOKEN: '' } });
}

async function overview(db: string) {
  const { child, url } = await spawnServer({ REFUNDS_DB: db });
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({
        query:
          '{ overview { refunds decided refundedAmount approvalRate partialRate refundRate orders payoutFailureRate csatAvg csatResponses nps npsResponses } }',
      }),
    });
    return ok((await res.json()) as { data: { overview: Record<string, number | null> } }).overview;
  } finally {
    await stopServer(child);
  }
}

const dbFile = () => join(tempDir('import-'), 'i.duckdb');

/** `etl import --format <format> [options] --db <db> <files>`, which must succeed. */
function importOk(db: string, format: string, files: string[], options: string[] = []) {
  const r = cli(['import', '--format', format, ...options, '--db', db, ...files]);
  expect(r.status).toBe(0);
  return r;
}

test('shopify-orders: 40 orders, 8 refunds (4 refunded, 4 partially refunded)', async () => {
  const db = dbFile();
  importOk(db, 'shopify-orders', [join(FIX, 'shopify', 'orders_export.csv')]);
  const o = await overview(db);
  // Refunded Amount of #1002, #1009, #1016, #1019, #1023, #1025, #1028, #1031
  const refunded = 35 + 35 + 12.5 + 35 + 29 + 397 + 164.5 + 109.5;
  expect(o).toMatchObject({ refunds: 8, decided: 8, orders: 40, approvalRate: 1, partialRate: 0.5, refundRate: 8 / 40 });
  expect(o.refundedAmount).toBeCloseTo(refunded, 6);
});

test('stripe-refunds: minor units, USD through fx_rates, failed payouts, canceled = withdrawn', async () => {
  const db = dbFile();
  const fx = tempDir('fx-');
  writeFileSync(join(fx, 'fx_rates.csv'), 'date,currency,rate_to_reporting\n2020-01-01,USD,7\n');
  expect(cli(['load', '--db', db, fx]).status).toBe(0);
  const r = importOk(db, 'stripe-refunds', [join(FIX, 'stripe', 'refunds.json')]);
  expect(r.stderr).toMatch(/failed refunds/);
  const o = await overview(db);
  // From the sample: the money that moved is the succeeded refunds (reconciliation.md: the sum of
  // succeeded payments); failed and pending ones refund nothing yet, canceled -> withdrawn.
  const sample = JSON.parse(readFileSync(join(FIX, 'stripe', 'refunds.json'), 'utf8')) as { data: Array<{ amount: number; currency: string; status: string }> };
  const refunded = sample.data.filter((x) => x.status === 'succeeded').reduce((a, x) => a + (x.amount / 100) * (x.currency === 'usd' ? 7 : 1), 0);
  expect(sample.data.filter((x) => x.status === 'succeeded')).toHaveLength(25);
  expect(o.refunds).toBe(30);
  expect(o.decided).toBe(29);
  expect(o.refundedAmount).toBeCloseTo(refunded, 6);
  // 2 failed (re_3Example0003, re_3Example0017) of 29 refunds with a payout status (canceled has none)
  expect(o.payoutFailureRate).toBeCloseTo(2 / 29, 9);
});

test('zendesk-tickets: refund-tagged tickets, CSAT good = 5 / bad = 1', async () => {
  const db = dbFile();
  importOk(db, 'zendesk-tickets', [join(FIX, 'zendesk', 'tickets_export.csv'), join(FIX, 'zendesk', 'satisfaction_ratings.json')]);
  const o = await overview(db);
  expect(o.refunds).toBe(35);
  expect(o.csatResponses).toBe(15);
});

test('nps-survey: 10 promoters, 8 passives, 22 detractors', async () => {
  const db = dbFile();
  const r = importOk(db, 'nps-survey', [join(FIX, 'surveys', 'nps_responses.csv')]);
  expect(r.stdout).toMatch(/surveys\s+40\s+40/);
});

test('mapping: the helpdesk export with its example mapping', async () => {
  const db = dbFile();
  const r = importOk(
    db,
    'mapping',
    [join(FIX, 'helpdesk', 'customer_support_tickets.csv')],
    ['--mapping', join(ROOT, 'etl', 'src', 'importers', 'examples', 'helpdesk-mapping.yaml')],
  );
  expect(r.stdout).toMatch(/refunds\s+115/);
});

test('bad exports fail naming the problem and commit nothing', () => {
  const db = dbFile();
  const unknown = cli(['import', '--format', 'magento', '--db', db, join(FIX, 'shopify', 'orders_export.csv')]);
  expect(unknown.status).toBe(1);
  expect(unknown.stderr).toMatch(/unknown import format "magento"; valid formats: shopify-orders/);
  const dir = tempDir('badshop-');
  writeFileSync(join(dir, 'orders_export.csv'), 'Name,Email,Paid at\n#1,a@example.com,2024-01-01\n');
  const missing = cli(['import', '--format', 'shopify-orders', '--db', db, join(dir, 'orders_export.csv')]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/orders_export\.csv lacks column "Financial Status"/);
});
