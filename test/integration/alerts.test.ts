import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateDataset } from '../../etl/src/generate/generate';
import { PLANTED } from '../../etl/src/generate/world';
import { tempDir } from '../../etl/src/testing/factory';
import { ADMIN_TOKEN, ok, serveDatabase, type TestServer } from '../support/server';
import type { Query } from '../support/api';
import { startSmtp } from '../support/smtp';

/**
 * Alerts end to end: the real server on an empty database, rules for every format, the generated
 * data set loaded in two parts through the CLI's hand-over endpoint (POST /api/loads), then the
 * full set again. A local HTTP receiver stands for the chat tools and a real SMTP server on
 * loopback receives the e-mail. The planted two-week spike must arrive once per rule.
 */
jest.setTimeout(240_000);

interface Received {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

const SECRET = 'SECtest-dingtalk-secret';

function startReceiver(): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      got.push({ path: u.pathname, query: u.searchParams, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      const answer: Record<string, [number, string]> = {
        '/json': [204, ''],
        '/slack': [200, 'ok'],
        '/feishu': [200, JSON.stringify({ code: 0, msg: 'success' })],
        '/dingtalk': [200, JSON.stringify({ errcode: 0, errmsg: 'ok' })],
        '/wecom': [200, JSON.stringify({ errcode: 0, errmsg: 'ok' })],
        '/fail': [503, 'down'],
      };
      const [status, body] = answer[u.pathname] ?? [404, 'no'];
      res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => res({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got })));
}

/** Spike weeks of one product that follow each other form one episode, keyed by its first week. */
function episodes(spikes: Array<{ productId: string; week: string }>): string[] {
  const weeks = new Map<string, Set<string>>();
  for (const s of spikes) weeks.set(s.productId, (weeks.get(s.productId) ?? new Set()).add(s.week));
  const out: string[] = [];
  for (const [p, ws] of weeks)
    for (const w of ws) {
      const prev = new Date(Date.parse(`${w}T00:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
      if (!ws.has(prev)) out.push(`spike:${p}:${w}`);
    }
  return out.sort();
}

describe('alerts after each load', () => {
  let s: TestServer;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let importDir: string;

  const load = async (folder: string) => {
    const res = await fetch(`${s.url}/api/loads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ paths: [join(importDir, folder)] }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { summary: { dataVersion: number } }).summary.dataVersion;
  };

  interface Delivery {
    rule: { name: string };
    findingKey: string;
    status: string;
    attempts: number;
    summary: string;
  }
  const deliveries = async (): Promise<Delivery[]> =>
    ok(await s.gql<Pick<Query, 'alertDeliveries'>>(`{ alertDeliveries(limit: 1000) { rule { name } findingKey status attempts summary } }`)).alertDeliveries;

  /** Waits until the rules have looked at data version `version` and no delivery waits for a retry. */
  const settle = async (version: number) => {
    const t0 = Date.now();
    for (;;) {
      const st = ok(await s.gql(`{ alertStatus { evaluatedDataVersion retrying } }`)).alertStatus as { evaluatedDataVersion: number | null; retrying: number };
      const d = await deliveries();
      if ((st.evaluatedDataVersion ?? -1) >= version && st.retrying === 0) return d;
      if (Date.now() - t0 > 60_000)
        throw new Error(
          `deliveries did not settle: ${JSON.stringify(d)}\n${s
            .logs()
            .split('\n')
            .filter((l) => /Alerts|rror/.test(l))
            .slice(-20)
            .join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    [rx, smtp] = await Promise.all([startReceiver(), startSmtp()]);
    const dir = tempDir('refunds-alerts-');
    importDir = join(dir, 'imports');
    const full = join(importDir, 'full');
    const part1 = join(importDir, 'part1');
    mkdirSync(part1, { recursive: true });
    const gen = await generateDataset({ out: full, refunds: 8000, seed: 5 });
    // Part 1: every table, but only refunds requested before the second spike week.
    for (const [name, file] of Object.entries(gen.files)) {
      if (name !== 'refunds') copyFileSync(file, join(part1, `${name}.csv`));
      else {
        const lines = readFileSync(file, 'utf8').split('\n');
        const col = lines[0].split(',').indexOf('requested_at');
        writeFileSync(
          join(part1, 'refunds.csv'),
          [lines[0], ...lines.slice(1).filter((l) => l && l.split(',')[col] < PLANTED.spikeWeeks[1])].join('\n') + '\n',
        );
      }
    }
    s = await serveDatabase(join(dir, 'alerts.duckdb'), {
      REFUNDS_ALERT_ALLOW_PRIVATE: '1',
      REFUNDS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      REFUNDS_PUBLIC_URL: 'https://refunds.example.com',
      REFUNDS_ALERT_RETRY_SECONDS: '0.3,0.3,0.3,0.3',
    });
  });

  afterAll(async () => {
    await s?.close();
    rx?.server.close();
    await new Promise<void>((r) => (smtp ? smtp.server.close(() => r()) : r()));
  });

  test('rules: validation, roles, audit', async () => {
    const bad = async (input: Record<string, unknown>) => {
      const r = await s.gql(`mutation($i: AlertRuleInput!) { createAlertRule(input: $i) { id } }`, { i: input });
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return r.errors![0].message;
    };
    expect(await bad({ name: 'x', kind: 'REFUND_SPIKE', target: 'ftp://example.com/x' })).toMatch(/^target: /);
    expect(await bad({ name: 'x', kind: 'REFUND_SPIKE', target: 'file:///etc/passwd' })).toMatch(/^target: /);
    expect(await bad({ name: 'x', kind: 'REFUND_SPIKE', format: 'EMAIL', target: 'https://example.com/' })).toMatch(/mailto/);
    expect(await bad({ name: 'x', kind: 'SLA_BREACH', target: 'https://example.com/' })).toMatch(/^threshold: .*needs a threshold/);
    expect(await bad({ name: 'x', kind: 'SLA_BREACH', threshold: 1.5, target: 'https://example.com/' })).toMatch(/^threshold: must be 0..1/);
    expect(await bad({ name: 'x', kind: 'REFUND_SPIKE', threshold: 0.5, target: 'https://example.com/' })).toMatch(/^threshold: /);
    expect(await bad({ name: 'x', kind: 'SCHEDULED_PACK', target: 'mailto:a@example.com', format: 'EMAIL', schedule: 'every day' })).toMatch(/^schedule: /);
    expect(await bad({ name: 'x', kind: 'REFUND_SPIKE', target: 'https://example.com/', language: 'fr' })).toMatch(/^language: /);
    expect(await bad({ name: 'x', kind: 'SCHEDULED_PACK', target: 'https://example.com/', schedule: '0 7 * * 1' })).toMatch(/^format: /);
    expect(await bad({ name: 'x', kind: 'REFUND_SPIKE', target: 'https://example.com/', schedule: '0 7 * * 1' })).toMatch(/^schedule: only SCHEDULED_PACK/);
    expect(await bad({ name: 'x', kind: 'REFUND_SPIKE', target: 'https://example.com/', filter: { from: '2025-02-01', to: '2025-01-01' } })).toMatch(/^filter/);

    const analyst = ok(await s.gql(`mutation { issueApiToken(userName: "ana", role: "analyst", label: "alerts") { token } }`)).issueApiToken.token as string;
    const denied = await s.gql(
      `mutation { createAlertRule(input: { name: "a", kind: REFUND_SPIKE, target: "https://example.com/" }) { id } }`,
      undefined,
      analyst,
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const { createAlertRule: r } = ok(
      await s.gql(
        `mutation { createAlertRule(input: { name: "tmp", kind: PAYOUT_FAILURES, threshold: 0.2, target: "${rx.url}/json?key=secret" }) { id target } }`,
      ),
    );
    // The analyst sees where a rule sends, not the webhook's credential.
    const seen = ok(await s.gql(`{ alertRules { id target } }`, undefined, analyst)).alertRules as Array<{ id: number; target: string }>;
    expect(seen.find((x) => x.id === r.id)?.target).toBe(`${rx.url}/…`);
    expect(ok(await s.gql(`mutation { deleteAlertRule(id: ${r.id}) }`)).deleteAlertRule).toBe(true);
    const log = ok(await s.gql(`{ auditLog(limit: 20) { action detail } }`)).auditLog as Array<{ action: string; detail: string }>;
    expect(log.filter((e) => e.action.startsWith('alert-rule-')).map((e) => e.action)).toEqual(['alert-rule-deleted', 'alert-rule-created']);
  });

  test('the planted spike arrives once per format over two loads; a reload sends nothing; a failing target is retried, then FAILED', async () => {
    const filter = `{ productLines: ["${PLANTED.spikeProductLine}"] }`;
    const rules: Array<[string, string, string, string]> = [
      ['spike-json', 'JSON', `${rx.url}/json`, 'en'],
      ['spike-slack', 'SLACK', `${rx.url}/slack`, 'en'],
      ['spike-feishu', 'FEISHU', `${rx.url}/feishu`, 'zh-CN'],
      ['spike-dingtalk', 'DINGTALK', `${rx.url}/dingtalk?access_token=abc`, 'en'],
      ['spike-wecom', 'WECOM', `${rx.url}/wecom?key=abc`, 'en'],
      ['spike-mail', 'EMAIL', 'mailto:product-team@example.com', 'en'],
      ['spike-down', 'JSON', `${rx.url}/fail`, 'en'],
    ];
    for (const [name, format, target, language] of rules) {
      const secret = format === 'DINGTALK' ? `, secret: "${SECRET}"` : '';
      ok(
        await s.gql(
          `mutation { createAlertRule(input: { name: "${name}", kind: REFUND_SPIKE, format: ${format}, target: "${target}", filter: ${filter}, language: "${language}"${secret} }) { id } }`,
        ),
      );
    }

    const afterFirst = await settle(await load('part1'));
    const v2 = await load('full');
    const spikes = ok(await s.gql(`{ refundSpikes(filter: ${filter}) { productId week count expected } }`)).refundSpikes as Array<{
      productId: string;
      week: string;
      count: number;
      expected: number;
    }>;
    const keys = episodes(spikes);
    const planted = `spike:${PLANTED.spikeProductId}:${PLANTED.spikeWeeks[0]}`;
    expect(keys).toContain(planted);
    const all = await settle(v2);
    // The first part already brings the spike's first week: every rule alerted then, not again after the second part.
    expect(afterFirst.filter((d) => d.findingKey === planted)).toHaveLength(rules.length);

    // One delivery per rule and episode, no key twice.
    for (const [name] of rules) {
      const mine = all.filter((d) => d.rule.name === name);
      expect(mine.map((d) => d.findingKey).sort()).toEqual(keys);
    }
    for (const d of all) {
      if (d.rule.name === 'spike-down') {
        expect(d.status).toBe('FAILED');
        expect(d.attempts).toBe(5);
      } else {
        expect(d.status).toBe('DELIVERED');
        expect(d.attempts).toBe(1);
      }
    }
    expect(rx.got.filter((g) => g.path === '/fail')).toHaveLength(5 * keys.length);
    // every attempt is counted in /metrics by the status it left the delivery in
    const metrics = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const counted = (status: string) => Number(new RegExp(`refunds_alert_delivery_attempts_total\\{status="${status}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(counted('FAILED')).toBe(keys.length);
    expect(counted('RETRYING')).toBe(4 * keys.length);
    expect(counted('DELIVERED')).toBe(all.filter((d) => d.status === 'DELIVERED').length);

    // Payload shapes, for the planted spike's message of each tool.
    const plantedSpike = spikes.find((x) => x.productId === PLANTED.spikeProductId && x.week === PLANTED.spikeWeeks[0])!;
    const mentions = (g: Received) => JSON.stringify(g.body).includes(PLANTED.spikeProductId) && JSON.stringify(g.body).includes(PLANTED.spikeWeeks[0]);
    const one = (path: string) => {
      const hits = rx.got.filter((g) => g.path === path && mentions(g));
      expect(hits).toHaveLength(1);
      return hits[0];
    };
    const link = `https://refunds.example.com/reasons?productLine=${encodeURIComponent(PLANTED.spikeProductLine).replace(/%20/g, '+')}`;

    const json = one('/json').body as { version: number; rule: { name: string; kind: string }; finding: Record<string, unknown>; link: string; title: string };
    expect(json.version).toBe(1);
    expect(json.rule).toMatchObject({ name: 'spike-json', kind: 'REFUND_SPIKE' });
    expect(json.finding).toMatchObject({
      key: planted,
      type: 'spike',
      productId: PLANTED.spikeProductId,
      week: PLANTED.spikeWeeks[0],
      count: plantedSpike.count,
    });
    expect(json.finding.expected).toBeCloseTo(plantedSpike.expected, 6);
    expect(json.link).toBe(link);
    expect(json.title).toContain(`${plantedSpike.count} refunds vs ${plantedSpike.expected.toFixed(1)} expected`);

    const slack = one('/slack').body as { text: string; blocks: Array<{ type: string; elements?: Array<{ url: string }> }> };
    expect(typeof slack.text).toBe('string');
    expect(slack.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions']);
    expect(slack.blocks[3].elements![0].url).toBe(link);

    const feishu = one('/feishu').body as { msg_type: string; card: { header: { title: { tag: string; content: string } }; elements: Array<{ tag: string }> } };
    expect(feishu.msg_type).toBe('interactive');
    expect(feishu.card.header.title.tag).toBe('plain_text');
    expect(feishu.card.header.title.content).toMatch(/^退款激增/);
    expect(feishu.card.elements.map((e) => e.tag)).toEqual(['div', 'div', 'action']);

    const ding = one('/dingtalk');
    expect(ding.body).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: expect.any(String) as string, text: expect.stringContaining(`](${link})`) as string },
    });
    const ts = ding.query.get('timestamp')!;
    expect(ding.query.get('access_token')).toBe('abc');
    expect(ding.query.get('sign')).toBe(createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64'));

    const wecom = one('/wecom').body as { msgtype: string; markdown: { content: string } };
    expect(wecom.msgtype).toBe('markdown');
    expect(wecom.markdown.content).toContain(PLANTED.spikeProductId);

    const mail = smtp.mails.filter((m) => (m.subject ?? '').includes(PLANTED.spikeProductId));
    expect(mail).toHaveLength(1);
    expect(mail[0].to && !Array.isArray(mail[0].to) ? mail[0].to.text : '').toBe('product-team@example.com');
    expect(mail[0].html).toContain(`<td style="padding:4px 0">${plantedSpike.count}</td>`);
    expect(mail[0].html).toContain('<table>');

    // The same files again: nothing new.
    const before = rx.got.length;
    const mailsBefore = smtp.mails.length;
    expect((await settle(await load('full'))).length).toBe(all.length);
    expect(rx.got.length).toBe(before);
    expect(smtp.mails.length).toBe(mailsBefore);
  });
});
