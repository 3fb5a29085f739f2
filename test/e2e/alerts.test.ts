import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { ParsedMail } from 'mailparser';
import type { SMTPServer } from 'smtp-server';
import { generateDataset } from '../../etl/src/generate/generate';
import { PLANTED } from '../../etl/src/generate/world';
import { tempDir } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, serveDatabase, type TestServer } from '../support/server';
import { startSmtp } from '../support/smtp';
import { launchBrowser, openSession, settle, shoot, SCREENSHOTS } from './browser';
import { feishuCardHtml, type FeishuCard } from './feishu-card';

/**
 * The Data page's Alerts panel after a load that a spike rule alerted on: one rule delivered by
 * e-mail (a real SMTP server on loopback), one whose target is down (FAILED after its retries);
 * in English and Chinese. The received e-mail is rendered in Chromium for the README.
 */
jest.setTimeout(420_000);

describe('Alerts panel on the Data page', () => {
  let s: TestServer;
  let browser: Browser;
  let hook: Server;
  let feishu: Server;
  const cards: FeishuCard[] = [];
  let smtp: SMTPServer;
  let mails: ParsedMail[] = [];

  beforeAll(async () => {
    hook = createServer((_req, res) => res.writeHead(503).end());
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    // Answers as Feishu's custom bot does when it takes a message.
    feishu = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        cards.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as FeishuCard);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"msg":"success","data":{}}');
      });
    });
    await new Promise<void>((r) => feishu.listen(0, '127.0.0.1', () => r()));
    const started = await startSmtp();
    smtp = started.server;
    mails = started.mails;
    const dir = tempDir('refunds-e2e-alerts-');
    await generateDataset({ out: join(dir, 'imports', 'all'), refunds: 8000, seed: 5 });
    s = await serveDatabase(join(dir, 'alerts.duckdb'), {
      REFUNDS_ALERT_ALLOW_PRIVATE: '1',
      REFUNDS_SMTP_URL: `smtp://127.0.0.1:${started.port}`,
      REFUNDS_PUBLIC_URL: 'https://refunds.example.com',
      REFUNDS_ALERT_RETRY_SECONDS: '0.2,0.2,0.2,0.2',
      REFUNDS_PACK_TICK_SECONDS: '1',
    });
    const filter = `{ productLines: ["${PLANTED.spikeProductLine}"] }`;
    ok(
      await s.gql(
        `mutation { createAlertRule(input: { name: "Electronics spikes (mail)", kind: REFUND_SPIKE, format: EMAIL, target: "mailto:product@example.com", filter: ${filter} }) { id } }`,
      ),
    );
    ok(
      await s.gql(
        `mutation { createAlertRule(input: { name: "Ops webhook", kind: REFUND_SPIKE, format: JSON, target: "http://127.0.0.1:${(hook.address() as AddressInfo).port}/down", filter: ${filter} }) { id } }`,
      ),
    );
    ok(
      await s.gql(
        `mutation { createAlertRule(input: { name: "电子产品退款激增", kind: REFUND_SPIKE, format: FEISHU, language: "zh-CN", target: "http://127.0.0.1:${(feishu.address() as AddressInfo).port}/open-apis/bot/v2/hook/demo", filter: ${filter} }) { id } }`,
      ),
    );
    const res = await fetch(`${s.url}/api/loads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paths: [join(dir, 'imports', 'all')] }),
    });
    const { summary } = (await res.json()) as { summary: { dataVersion: number } };
    const t0 = Date.now();
    for (;;) {
      const st = ok(await s.gql(`{ alertStatus { evaluatedDataVersion retrying } }`)).alertStatus as { evaluatedDataVersion: number | null; retrying: number };
      if ((st.evaluatedDataVersion ?? -1) >= summary.dataVersion && st.retrying === 0) break;
      if (Date.now() - t0 > 60_000) throw new Error('alerts did not settle');
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    hook?.close();
    feishu?.close();
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  });

  test('rules and deliveries listed, en and zh-CN; the e-mail renders with its table', async () => {
    const deliveries = ok(await s.gql(`{ alertDeliveries { rule { name } status attempts } }`)).alertDeliveries as Array<{
      rule: { name: string };
      status: string;
      attempts: number;
    }>;
    const mailed = deliveries.filter((d) => d.rule.name === 'Electronics spikes (mail)');
    const failed = deliveries.filter((d) => d.rule.name === 'Ops webhook');
    const chat = deliveries.filter((d) => d.rule.name === '电子产品退款激增');
    expect(chat.length).toBe(mailed.length);
    expect(chat.every((d) => d.status === 'DELIVERED')).toBe(true);
    expect(mailed.length).toBeGreaterThan(0);
    expect(mailed.every((d) => d.status === 'DELIVERED')).toBe(true);
    expect(failed.length).toBe(mailed.length);
    expect(failed.every((d) => d.status === 'FAILED' && d.attempts === 5)).toBe(true);
    expect(mails.length).toBe(mailed.length);

    for (const locale of ['en', 'zh-CN'] as const) {
      const x = await openSession(browser, { token: ADMIN_TOKEN, baseUrl: s.url, locale, width: 1400 });
      await x.page.goto(`${s.url}/data`);
      const panel = x.page.getByTestId('alerts-panel');
      await panel.waitFor();
      await settle(x.page);
      const text = await panel.innerText();
      expect(text).toContain('Electronics spikes (mail)');
      expect(text).toContain('mailto:product@example.com');
      const log = await x.page.getByTestId('alert-deliveries').innerText();
      if (locale === 'en') {
        expect(log.match(/Delivered/g)?.length).toBe(mailed.length + chat.length);
        expect(log.match(/Failed/g)?.length).toBe(failed.length);
        expect(log).toContain(PLANTED.spikeProductId);
      } else {
        expect(log.match(/已送达/g)?.length).toBe(mailed.length + chat.length);
        expect(log.match(/失败/g)?.length).toBe(failed.length);
      }
      await panel.scrollIntoViewIfNeeded();
      await panel.screenshot({ path: join(SCREENSHOTS, `alerts-panel-${locale}.png`) });
      expect(x.problems).toEqual([]);
      await x.context.close();
    }

    // The planted spike's e-mail, as a mail client shows its HTML part.
    const spikeMail = mails.find((m) => (m.subject ?? '').includes(PLANTED.spikeProductId));
    expect(spikeMail).toBeDefined();
    const view = await browser.newPage({ viewport: { width: 760, height: 520 } });
    await view.setContent(typeof spikeMail!.html === 'string' ? spikeMail!.html : '');
    expect(await view.locator('table tr').count()).toBe(7);
    await shoot(view, 'alerts-email');

    // The planted spike's Feishu card, drawn from the body the bot received.
    expect(cards.length).toBe(mailed.length);
    const card = cards.find((c) => c.card.header.title.content.includes(PLANTED.spikeProductId));
    expect(card).toBeDefined();
    await view.setViewportSize({ width: 640, height: 470 });
    await view.setContent(feishuCardHtml(card!));
    const drawn = await view.getByTestId('feishu-card').innerText();
    expect(drawn).toContain('退款激增');
    expect(drawn).toContain(PLANTED.spikeProductLine);
    expect(drawn).toContain('打开看板');
    await shoot(view, 'alerts-feishu');
    await view.close();
  });

  test('a scheduled pack arrives as a PDF of each page with the filter (Overview first), plus the CSVs', async () => {
    const before = mails.length;
    const { createAlertRule: rule } = ok(
      await s.gql(
        `mutation { createAlertRule(input: { name: "Weekly pack", kind: SCHEDULED_PACK, format: EMAIL, target: "mailto:board@example.com", schedule: "*/10 * * * * *", filter: { productLines: ["${PLANTED.spikeProductLine}"] } }) { id } }`,
      ),
    );
    const t0 = Date.now();
    while (!mails.slice(before).some((m) => (m.subject ?? '').startsWith('Meeting pack'))) {
      if (Date.now() - t0 > 240_000)
        throw new Error(
          `no pack arrived: ${JSON.stringify(ok(await s.gql(`{ alertDeliveries(limit: 5) { rule { name } status attempts lastError } }`)))}\n${s
            .logs()
            .split('\n')
            .filter((l) => /Alerts|rror/.test(l))
            .slice(-10)
            .join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
    ok(await s.gql(`mutation { deleteAlertRule(id: ${rule.id}) }`));
    const pack = mails.slice(before).find((m) => (m.subject ?? '').startsWith('Meeting pack'))!;
    expect(pack.subject).toContain('Weekly pack');
    // One PDF per analysis page, Overview first, each with its CSVs.
    const pdfs = pack.attachments.filter((a) => a.filename?.endsWith('.pdf'));
    const pdf = pdfs[0];
    const csvs = pack.attachments.filter((a) => a.filename?.endsWith('.csv'));
    expect(pdfs.map((a) => a.filename?.replace(/-\d{4}-\d{2}-\d{2}\.pdf$/, ''))).toEqual([
      'Overview',
      'Incentives',
      'Refund-reasons',
      'Channel-consistency',
      'Customer-outcomes',
      'Policy-impact',
    ]);
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(csvs.length).toBeGreaterThan(0);
    const dir = tempDir('refunds-pack-');
    writeFileSync(join(dir, 'pack.pdf'), pdf!.content);
    const text = execFileSync('pdftotext', ['-f', '1', '-l', '1', join(dir, 'pack.pdf'), '-']).toString();
    expect(text).toContain(PLANTED.spikeProductLine);
    writeFileSync(join(dir, 'outcomes.pdf'), pdfs[4].content);
    const outcomes = execFileSync('pdftotext', [join(dir, 'outcomes.pdf'), '-']).toString();
    expect(outcomes).toContain('Matched over 90 days, a rejected customer bought');
    expect(outcomes).toContain('Strata that contribute most');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', join(dir, 'pack.pdf'), join(SCREENSHOTS, 'alerts-pack-page1')]);
  });
});
