import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, loadFiles, openDatabase } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { parseCsv } from '../../etl/src/importers/csv';
import { tempDir } from '../../etl/src/testing/factory';
import { ok, serveDatabase, type TestServer } from '../support/server';

/**
 * Loads made while no server ran (the CLI on the file) are evaluated when the server starts, and
 * only once. The rule is PAYOUT_FAILURES: the expected weeks and rates are worked out here from the
 * generated CSV (failed / payouts with a status, per ISO week of requested_at, the 8 latest weeks
 * with refunds, weeks with at least 20 payouts), not through the server.
 */
jest.setTimeout(180_000);

const monday = (ts: string) => {
  const d = new Date(Date.parse(ts.slice(0, 10) + 'T00:00:00Z'));
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
};

describe('alerts for loads made while the server was down', () => {
  let server: Server;
  let url: string;
  const got: Array<{ rule: { name: string }; finding: { key: string; week: string; value: number; n: number } }> = [];
  let s: TestServer | null = null;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof got)[number]);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await s?.close();
    server.close();
  });

  test('evaluated at start-up, once', async () => {
    const dir = tempDir('refunds-alerts-restart-');
    const data = join(dir, 'data');
    const gen = await generateDataset({ out: data, refunds: 10000, seed: 7 });
    const { records } = parseCsv(readFileSync(gen.files.refunds, 'utf8'));
    const head = records[0];
    const [req, status] = [head.indexOf('requested_at'), head.indexOf('payout_status')];
    const weeks = new Map<string, { n: number; failed: number }>();
    for (const r of records.slice(1)) {
      const w = monday(r[req]);
      const e = weeks.get(w) ?? { n: 0, failed: 0 };
      if (r[status]) {
        e.n++;
        if (r[status].toLowerCase() === 'failed') e.failed++;
      }
      weeks.set(w, e);
    }
    const recent = [...weeks.keys()].sort().slice(-8);
    const rates = recent.filter((w) => weeks.get(w)!.n >= 20).map((w) => ({ week: w, rate: weeks.get(w)!.failed / weeks.get(w)!.n, n: weeks.get(w)!.n }));
    const sorted = rates.map((r) => r.rate).sort((a, b) => a - b);
    expect(sorted.length).toBeGreaterThanOrEqual(4);
    // Between two of the weekly rates: some weeks are findings, some are not.
    const threshold = (sorted[Math.floor(sorted.length / 2) - 1] + sorted[Math.floor(sorted.length / 2)]) / 2;
    const expected = rates.filter((r) => r.rate > threshold).sort((a, b) => a.week.localeCompare(b.week));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(rates.length);

    const dbPath = join(dir, 'restart.duckdb');
    const env = { REFUNDS_ALERT_ALLOW_PRIVATE: '1', REFUNDS_ALERT_RETRY_SECONDS: '0.3' };
    s = await serveDatabase(dbPath, env);
    ok(await s.gql(`mutation { createAlertRule(input: { name: "payouts", kind: PAYOUT_FAILURES, threshold: ${threshold}, target: "${url}" }) { id } }`));
    // Thresholds every week or the whole range crosses: the other kinds fire, checked against the pages' queries below.
    ok(await s.gql(`mutation { createAlertRule(input: { name: "sla", kind: SLA_BREACH, threshold: 1, target: "${url}" }) { id } }`));
    ok(await s.gql(`mutation { createAlertRule(input: { name: "channels", kind: CHANNEL_INCONSISTENCY, threshold: 0, target: "${url}" }) { id } }`));
    ok(await s.gql(`mutation { createAlertRule(input: { name: "incentives", kind: INCENTIVE_MISALIGNMENT, threshold: 1, target: "${url}" }) { id } }`));
    await s.close();

    // The CLI on the file, no server running.
    const inst = await openDatabase(dbPath);
    const conn = await connect(inst);
    const summary = await loadFiles(conn, [data]);
    conn.closeSync();
    inst.closeSync();
    expect(summary.outcome).toBe('committed');

    const settle = async () => {
      const t0 = Date.now();
      for (;;) {
        const st = ok(await s!.gql(`{ alertStatus { evaluatedDataVersion retrying } }`)).alertStatus as {
          evaluatedDataVersion: number | null;
          retrying: number;
        };
        if ((st.evaluatedDataVersion ?? -1) >= summary.dataVersion && st.retrying === 0) return;
        if (Date.now() - t0 > 60_000) throw new Error(`not evaluated: ${JSON.stringify(st)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    s = await serveDatabase(dbPath, env);
    await settle();
    const byRule = (name: string) => got.filter((g) => g.rule.name === name);
    const keys = byRule('payouts')
      .map((g) => g.finding.key)
      .sort();
    expect(keys).toEqual(expected.map((e) => `payouts:${e.week}`));
    for (const e of expected) {
      const g = byRule('payouts').find((x) => x.finding.week === e.week)!;
      expect(g.finding.value).toBeCloseTo(e.rate, 10);
      expect(g.finding.n).toBe(e.n);
    }

    // SLA: every one of the 8 latest weeks with at least 20 decided refunds and an SLA-met rate below 1, as the overview gives it per week.
    const trend = ok(await s.gql(`{ refundTrend(grain: WEEK) { period } }`)).refundTrend as Array<{ period: string }>;
    const slaWeeks: string[] = [];
    for (const { period } of trend.slice(-8)) {
      const to = new Date(Date.parse(`${period}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
      const o = ok(await s.gql(`{ overview(filter: { from: "${period}", to: "${to}" }) { decided slaMetRate } }`)).overview as {
        decided: number;
        slaMetRate: number | null;
      };
      if (o.decided >= 20 && o.slaMetRate !== null && o.slaMetRate < 1) slaWeeks.push(period);
    }
    expect(slaWeeks.length).toBeGreaterThan(0);
    expect(
      byRule('sla')
        .map((g) => g.finding.key)
        .sort(),
    ).toEqual(slaWeeks.map((w) => `sla:${w}`));
    const latest = trend[trend.length - 1].period;
    const cc = ok(await s.gql(`{ channelConsistency { inconsistencyRate comparableCohorts } }`)).channelConsistency as {
      inconsistencyRate: number;
      comparableCohorts: number;
    };
    expect(cc.inconsistencyRate).toBeGreaterThan(0);
    expect(byRule('channels').map((g) => [g.finding.key, g.finding.value, g.finding.n])).toEqual([
      [`channels:${latest}`, cc.inconsistencyRate, cc.comparableCohorts],
    ]);
    const ia = ok(await s.gql(`{ incentiveAlignment { alignment n plan { planId } } }`)).incentiveAlignment as {
      alignment: number;
      n: number;
      plan: { planId: string };
    };
    expect(byRule('incentives').map((g) => [g.finding.key, g.finding.value, g.finding.n])).toEqual([
      [`alignment:${ia.plan.planId}:${latest}`, ia.alignment, ia.n],
    ]);
    await s.close();

    // Started again: the data version was evaluated already; nothing is sent twice.
    s = await serveDatabase(dbPath, env);
    const before = got.length;
    await settle();
    await new Promise((r) => setTimeout(r, 1000));
    expect(got.length).toBe(before);
    expect(got.length).toBe(expected.length + slaWeeks.length + 2);
  });
});
