import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_KPIS, reasonFamilyOf } from '@refunds/shared';
import { PLANTED, TABLE_COLUMNS, createRng, generateDataset, type GenerateSummary, type TableName } from './generate';

type Row = Record<string, string>;
type Tables = Record<TableName, Row[]>;

/** Minimal RFC 4180 reader, independent of the generator's writer. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') {
      if (field.length > 0) throw new Error(`stray quote in record ${records.length + 1}`);
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else if (ch === '\r') {
      throw new Error('bare CR in output');
    } else field += ch;
  }
  if (quoted) throw new Error('unterminated quote');
  if (field.length > 0 || record.length > 0) throw new Error('last record lacks a newline');
  return records;
}

function readTables(summary: GenerateSummary): Tables {
  const tables = {} as Tables;
  for (const name of Object.keys(TABLE_COLUMNS) as TableName[]) {
    const [header, ...records] = parseCsv(readFileSync(summary.files[name], 'utf8'));
    expect(header).toEqual([...TABLE_COLUMNS[name]]);
    tables[name] = records.map((r) => {
      expect(r).toHaveLength(header.length);
      return Object.fromEntries(header.map((h, i) => [h, r[i]]));
    });
  }
  return tables;
}

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONEY = /^\d+\.\d{2}$/;
const BOOL = /^(true|false)$/;
const CHANNELS = ['web', 'app', 'phone', 'chat', 'email'];
const DECIDED = new Set(['approved', 'partial', 'rejected']);
const DEFECT = (code: string): boolean => reasonFamilyOf(code) === 'defect';

const ms = (ts: string): number => Date.parse(ts);
const approvalRate = (rows: Row[]): number => {
  const decided = rows.filter((r) => DECIDED.has(r.decision));
  return decided.filter((r) => r.decision !== 'rejected').length / decided.length;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const isoWeek = (ts: string): string => {
  const d = new Date(ts.slice(0, 10) + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
};

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'refunds-gen-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const hashes = (summary: GenerateSummary): Record<string, string> =>
  Object.fromEntries(Object.entries(summary.files).map(([t, f]) => [t, createHash('sha256').update(readFileSync(f)).digest('hex')]));

describe('createRng', () => {
  it('repeats a sequence for a seed and changes with the seed', () => {
    const draw = (seed: number): number[] => {
      const r = createRng(seed);
      return Array.from({ length: 50 }, () => r.next());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
    for (const x of draw(3)) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('generateDataset', () => {
  it('is byte-identical for the same seed and differs for another seed', async () => {
    const a = await generateDataset({ out: tempDir(), refunds: 3000, seed: 7 });
    const b = await generateDataset({ out: tempDir(), refunds: 3000, seed: 7 });
    const c = await generateDataset({ out: tempDir(), refunds: 3000, seed: 8 });
    expect(hashes(b)).toEqual(hashes(a));
    expect(a.counts).toEqual(b.counts);
    const ha = hashes(a);
    const hc = hashes(c);
    for (const t of ['refunds', 'orders', 'surveys', 'fx_rates']) expect(hc[t]).not.toBe(ha[t]);
  });

  it('writes all tables, exactly N refunds, about ordersPerRefund orders per refund, and reports progress', async () => {
    const seen = new Map<string, number>();
    const summary = await generateDataset({
      out: join(tempDir(), 'nested', 'out'),
      refunds: 2500,
      seed: 3,
      ordersPerRefund: 5,
      onProgress: (t, n) => seen.set(t, n),
    });
    expect(Object.keys(summary.files).sort()).toEqual(Object.keys(TABLE_COLUMNS).sort());
    for (const f of Object.values(summary.files)) expect(f).toMatch(/\.csv$/);
    const tables = readTables(summary);
    expect(tables.refunds).toHaveLength(2500);
    for (const t of Object.keys(TABLE_COLUMNS) as TableName[]) {
      expect(summary.counts[t]).toBe(tables[t].length);
      expect(seen.get(t)).toBe(tables[t].length);
    }
    expect(tables.orders.length / 2500).toBeGreaterThan(4.9);
    expect(tables.orders.length / 2500).toBeLessThan(5.2);
    expect(tables.agents.length).toBeGreaterThanOrEqual(40);
  });

  it('writes header-only files for zero refunds', async () => {
    const summary = await generateDataset({ out: tempDir(), refunds: 0, seed: 1 });
    expect(summary.counts.refunds).toBe(0);
    expect(summary.counts.orders).toBe(0);
    expect(readFileSync(summary.files.refunds, 'utf8')).toBe(`${TABLE_COLUMNS.refunds.join(',')}\n`);
  });

  it('rejects bad options', async () => {
    await expect(generateDataset({ out: tempDir(), refunds: -1, seed: 1 })).rejects.toThrow(/refunds/);
    await expect(generateDataset({ out: tempDir(), refunds: 1.5, seed: 1 })).rejects.toThrow(/refunds/);
    await expect(generateDataset({ out: tempDir(), refunds: 10, seed: Number.NaN })).rejects.toThrow(/seed/);
    await expect(generateDataset({ out: '', refunds: 10, seed: 1 })).rejects.toThrow(/out/);
  });
});

describe('every row follows the data contract (3,000 refunds)', () => {
  let t: Tables;
  beforeAll(async () => {
    t = readTables(await generateDataset({ out: tempDir(), refunds: 3000, seed: 11 }));
  });

  it('agents, incentive plans, policy changes and fx rates', () => {
    const agentIds = new Set(t.agents.map((a) => a.agent_id));
    expect(agentIds.size).toBe(t.agents.length);
    expect(new Set(t.agents.map((a) => a.team)).size).toBe(4);
    for (const a of t.agents) {
      expect(a.name).not.toBe('');
      expect(a.hired_at).toMatch(DATE);
      if (a.manager_id) expect(agentIds.has(a.manager_id)).toBe(true);
    }
    expect(new Set(t.incentive_plans.map((p) => p.plan_id))).toEqual(new Set(['P1', 'P2']));
    for (const p of t.incentive_plans) {
      expect((AGENT_KPIS as readonly string[]).includes(p.kpi)).toBe(true);
      expect(['higher_is_better', 'lower_is_better']).toContain(p.direction);
      expect(Number(p.weight)).toBeGreaterThan(0);
      expect(p.effective_from).toMatch(DATE);
      if (p.effective_to) expect(p.effective_to >= p.effective_from).toBe(true);
    }
    const p1 = t.incentive_plans.filter((p) => p.plan_id === 'P1');
    expect(p1.find((p) => p.kpi === 'rejectionRate')?.direction).toBe('higher_is_better');
    expect(new Set(t.policy_changes.map((p) => p.change_id)).size).toBe(t.policy_changes.length);
    for (const p of t.policy_changes) {
      expect(p.effective_at).toMatch(TS);
      if (p.scope_channel) expect(CHANNELS).toContain(p.scope_channel);
    }
    expect(t.policy_changes.find((p) => p.change_id === 'PC1')).toMatchObject({ title: 'Photo evidence required', scope_channel: 'app' });
    expect(t.policy_changes.some((p) => !p.scope_channel && !p.scope_product_line)).toBe(true);
    for (const f of t.fx_rates) {
      expect(f.date).toMatch(DATE);
      expect(f.currency).toMatch(/^[A-Z]{3}$/);
      expect(Number(f.rate_to_reporting)).toBeGreaterThan(0);
    }
  });

  it('orders, refunds and surveys', () => {
    const problems: string[] = [];
    const check = (ok: boolean, where: string, what: string): void => {
      if (!ok && problems.length < 50) problems.push(`${where}: ${what}`);
    };
    const firstRate = new Map<string, string>();
    for (const f of t.fx_rates) if (!firstRate.has(f.currency) || f.date < (firstRate.get(f.currency) as string)) firstRate.set(f.currency, f.date);
    const hasRate = (currency: string, ts: string): boolean => currency === 'CNY' || (firstRate.get(currency) ?? '9999') <= ts.slice(0, 10);
    const agentIds = new Set(t.agents.map((a) => a.agent_id));

    const orders = new Map<string, Row>();
    for (const o of t.orders) {
      const w = `order ${o.order_id}`;
      check(!orders.has(o.order_id), w, 'duplicate id');
      orders.set(o.order_id, o);
      check(/^C\d+$/.test(o.customer_id), w, `customer_id ${o.customer_id}`);
      check(TS.test(o.ordered_at), w, `ordered_at ${o.ordered_at}`);
      check(MONEY.test(o.amount), w, `amount ${o.amount}`);
      check(/^[A-Z]{3}$/.test(o.currency) && hasRate(o.currency, o.ordered_at), w, `currency ${o.currency} without a rate on ${o.ordered_at}`);
      check(CHANNELS.includes(o.channel), w, `channel ${o.channel}`);
      check(o.campaign === '' || (PLANTED.campaigns as readonly string[]).includes(o.campaign), w, `campaign ${o.campaign}`);
    }
    expect(t.orders.some((o) => o.currency === 'USD')).toBe(true);

    const refunds = new Map<string, Row>();
    const productLine = new Map<string, string>();
    for (const r of t.refunds) {
      const w = `refund ${r.refund_id}`;
      check(r.refund_id !== '' && !refunds.has(r.refund_id), w, 'missing or duplicate id');
      refunds.set(r.refund_id, r);
      const order = orders.get(r.order_id);
      check(order !== undefined, w, `unknown order ${r.order_id}`);
      if (order) {
        check(order.customer_id === r.customer_id, w, 'order belongs to another customer');
        check(ms(order.ordered_at) <= ms(r.requested_at), w, 'requested before the order');
        check(order.currency === r.currency, w, 'currency differs from the order');
        check(order.campaign === r.campaign, w, 'campaign differs from the order');
      }
      check(r.agent_id === '' || agentIds.has(r.agent_id), w, `agent ${r.agent_id}`);
      check(r.reviewer_id === '' || agentIds.has(r.reviewer_id), w, `reviewer ${r.reviewer_id}`);
      check(CHANNELS.includes(r.channel), w, `channel ${r.channel}`);
      check((r.product_id === '') === (r.product_line === ''), w, 'product_id without product_line or the reverse');
      if (r.product_id) {
        check((productLine.get(r.product_id) ?? r.product_line) === r.product_line, w, `${r.product_id} in two product lines`);
        productLine.set(r.product_id, r.product_line);
      }
      check(/^[a-z_]+$/.test(r.reason_code), w, `reason_code ${r.reason_code}`);
      check(TS.test(r.requested_at) && r.requested_at >= '2024-01-01', w, `requested_at ${r.requested_at}`);
      check(['approved', 'partial', 'rejected', 'pending', 'withdrawn'].includes(r.decision), w, `decision ${r.decision}`);
      check(MONEY.test(r.requested_amount), w, `requested_amount ${r.requested_amount}`);
      check(/^[A-Z]{3}$/.test(r.currency) && hasRate(r.currency, r.requested_at), w, `currency ${r.currency} without a rate`);
      if (r.decision === 'pending') {
        check(r.decided_at === '' && r.refunded_amount === '' && r.paid_at === '' && r.payout_status === '', w, 'pending with a decision, amount or payout');
      } else {
        check(MONEY.test(r.refunded_amount), w, `refunded_amount ${r.refunded_amount}`);
        check(Number(r.refunded_amount) <= Number(r.requested_amount), w, 'refunded more than requested');
      }
      if (DECIDED.has(r.decision)) check(r.decided_at !== '', w, 'decided without decided_at');
      if (r.decided_at) check(TS.test(r.decided_at) && ms(r.decided_at) >= ms(r.requested_at), w, `decided_at ${r.decided_at} before requested_at`);
      if (r.decision === 'rejected') check(Number(r.refunded_amount) === 0, w, 'rejected with money refunded');
      if (r.paid_at) check(TS.test(r.paid_at) && r.decided_at !== '' && ms(r.paid_at) >= ms(r.decided_at), w, `paid_at ${r.paid_at} before decided_at`);
      check(['', 'succeeded', 'failed', 'pending'].includes(r.payout_status), w, `payout_status ${r.payout_status}`);
      check(r.payout_status !== 'succeeded' || r.paid_at !== '', w, 'succeeded without paid_at');
      check(r.payout_status === '' || r.decision === 'approved' || r.decision === 'partial', w, 'payout on a refund that pays nothing');
      check(/^\d+$/.test(r.contacts), w, `contacts ${r.contacts}`);
      check(BOOL.test(r.escalated) && BOOL.test(r.reopened), w, 'escalated/reopened not boolean');
      check(r.evidence_complete === '' || BOOL.test(r.evidence_complete), w, `evidence_complete ${r.evidence_complete}`);
    }

    const surveyIds = new Set<string>();
    for (const s of t.surveys) {
      const w = `survey ${s.survey_id}`;
      check(!surveyIds.has(s.survey_id), w, 'duplicate id');
      surveyIds.add(s.survey_id);
      check(/^C\d+$/.test(s.customer_id), w, `customer_id ${s.customer_id}`);
      check(TS.test(s.responded_at), w, `responded_at ${s.responded_at}`);
      const score = Number(s.score);
      check(
        /^\d+$/.test(s.score) && (s.kind === 'csat' ? score >= 1 && score <= 5 : s.kind === 'nps' && score >= 0 && score <= 10),
        w,
        `${s.kind} score ${s.score}`,
      );
      if (s.refund_id) {
        const r = refunds.get(s.refund_id);
        check(r !== undefined, w, `unknown refund ${s.refund_id}`);
        if (r) {
          check(s.customer_id === r.customer_id, w, 'customer differs from the refund');
          check(DECIDED.has(r.decision) && ms(s.responded_at) >= ms(r.decided_at), w, 'answered before the decision');
        }
      }
    }
    expect(problems).toEqual([]);
    expect(t.surveys.some((s) => s.refund_id === '')).toBe(true);
    expect(t.refunds.some((r) => r.reason_text.includes(','))).toBe(true);
    expect(new Set(t.refunds.map((r) => r.product_id).filter(Boolean)).size).toBeGreaterThan(100);
    const firstOrder = t.orders.reduce((m, o) => (o.ordered_at < m ? o.ordered_at : m), '9999');
    expect([...firstRate.values()].every((d) => d < firstOrder.slice(0, 10))).toBe(true);
  });
});

const PATTERN_SEEDS = (process.env.GEN_PATTERN_SEEDS ?? '1,2').split(',').map(Number);

describe.each(PATTERN_SEEDS)('planted patterns are detectable at 5,000 refunds (seed %i)', (seed) => {
  let t: Tables;
  beforeAll(async () => {
    t = readTables(await generateDataset({ out: tempDir(), refunds: 5000, seed }));
  });

  it('has the intended decision mix and operational rates', () => {
    const n = t.refunds.length;
    const share = (pred: (r: Row) => boolean): number => t.refunds.filter(pred).length / n;
    expect(share((r) => r.decision === 'approved')).toBeGreaterThan(0.58);
    expect(share((r) => r.decision === 'approved')).toBeLessThan(0.72);
    expect(share((r) => r.decision === 'partial')).toBeGreaterThan(0.06);
    expect(share((r) => r.decision === 'partial')).toBeLessThan(0.14);
    expect(share((r) => r.decision === 'rejected')).toBeGreaterThan(0.13);
    expect(share((r) => r.decision === 'rejected')).toBeLessThan(0.24);
    expect(share((r) => r.decision === 'pending')).toBeGreaterThan(0.03);
    expect(share((r) => r.decision === 'pending')).toBeLessThan(0.08);
    expect(share((r) => r.decision === 'withdrawn')).toBeGreaterThan(0.01);
    expect(share((r) => r.decision === 'withdrawn')).toBeLessThan(0.04);
    expect(share((r) => r.agent_id === '')).toBeGreaterThan(0.06);
    expect(share((r) => r.agent_id === '')).toBeLessThan(0.14);
    expect(share((r) => r.currency === 'USD')).toBeGreaterThan(0.02);
    expect(share((r) => r.currency === 'CNY')).toBeGreaterThan(0.85);
    expect(share((r) => r.escalated === 'true')).toBeGreaterThan(0.01);
    expect(share((r) => r.reopened === 'true')).toBeGreaterThan(0.01);
    expect(share((r) => r.evidence_complete === 'true')).toBeGreaterThan(0.7);
    expect(share((r) => r.evidence_complete === 'false')).toBeGreaterThan(0.03);
    expect(share((r) => r.evidence_complete === '')).toBeGreaterThan(0.01);
    expect(t.refunds.some((r) => r.reviewer_id !== '' && r.reviewer_id === r.agent_id)).toBe(true);
    expect(share((r) => r.reviewer_id !== '' && r.reviewer_id !== r.agent_id)).toBeGreaterThan(0.03);
    const paid = t.refunds.filter((r) => r.payout_status !== '');
    const failed = paid.filter((r) => r.payout_status === 'failed').length / paid.length;
    expect(failed).toBeGreaterThan(0.005);
    expect(failed).toBeLessThan(0.04);
    // Pending refunds are the recent ones.
    const pendingAge = median(t.refunds.filter((r) => r.decision === 'pending').map((r) => ms(r.requested_at)));
    expect(pendingAge).toBeGreaterThan(Date.parse('2025-09-01'));
    const decided = t.refunds.filter((r) => DECIDED.has(r.decision)).length;
    const csat = new Set(t.surveys.filter((s) => s.kind === 'csat' && s.refund_id).map((s) => s.refund_id)).size / decided;
    const nps = new Set(t.surveys.filter((s) => s.kind === 'nps' && s.refund_id).map((s) => s.refund_id)).size / decided;
    expect(csat).toBeGreaterThan(0.3);
    expect(csat).toBeLessThan(0.4);
    expect(nps).toBeGreaterThan(0.16);
    expect(nps).toBeLessThan(0.24);
    expect(new Set(t.refunds.map((r) => r.channel))).toEqual(new Set(CHANNELS));
    expect(new Set(t.refunds.map((r) => r.product_line).filter(Boolean)).size).toBe(6);
  });

  it('strict agents reject more, and their customers are less satisfied and come back less', () => {
    const strict = new Set<string>(PLANTED.strictAgentIds);
    const byRefund = new Map(t.refunds.map((r) => [r.refund_id, r]));
    const groupOf = (r: Row): 'strict' | 'other' => (strict.has(r.agent_id) ? 'strict' : 'other');
    const handled = t.refunds.filter((r) => r.agent_id !== '');
    const rejection = (g: string): number => 1 - approvalRate(handled.filter((r) => groupOf(r) === g));
    expect(rejection('strict') - rejection('other')).toBeGreaterThan(0.2);

    const score = (kind: string, g: string): number =>
      mean(
        t.surveys
          .filter((s) => s.kind === kind && s.refund_id && byRefund.get(s.refund_id)?.agent_id && groupOf(byRefund.get(s.refund_id) as Row) === g)
          .map((s) => Number(s.score)),
      );
    expect(score('csat', 'other') - score('csat', 'strict')).toBeGreaterThan(0.5);
    expect(score('nps', 'other') - score('nps', 'strict')).toBeGreaterThan(1);

    const ordersByCustomer = new Map<string, Row[]>();
    for (const o of t.orders) ordersByCustomer.set(o.customer_id, [...(ordersByCustomer.get(o.customer_id) ?? []), o]);
    const horizon = Math.max(...t.orders.map((o) => ms(o.ordered_at)));
    const W = 30 * 86400000;
    const repurchase = (rows: Row[]): number => {
      const eligible = rows.filter((r) => DECIDED.has(r.decision) && ms(r.decided_at) + W <= horizon);
      const back = eligible.filter((r) =>
        (ordersByCustomer.get(r.customer_id) ?? []).some(
          (o) => o.order_id !== r.order_id && ms(o.ordered_at) > ms(r.decided_at) && ms(o.ordered_at) <= ms(r.decided_at) + W,
        ),
      );
      return back.length / eligible.length;
    };
    expect(repurchase(t.refunds.filter((r) => r.decision === 'approved')) - repurchase(t.refunds.filter((r) => r.decision === 'rejected'))).toBeGreaterThan(
      0.15,
    );
    expect(repurchase(handled.filter((r) => groupOf(r) === 'other')) - repurchase(handled.filter((r) => groupOf(r) === 'strict'))).toBeGreaterThan(0.08);
  });

  it('one product has a two-week defect spike', () => {
    const weeks = new Map<string, number>();
    for (let d = Date.parse('2024-01-01'); d < Date.parse('2026-01-01'); d += 7 * 86400000) weeks.set(new Date(d).toISOString().slice(0, 10), 0);
    for (const r of t.refunds) {
      if (r.product_id === PLANTED.spikeProductId && DEFECT(r.reason_code)) weeks.set(isoWeek(r.requested_at), (weeks.get(isoWeek(r.requested_at)) ?? 0) + 1);
    }
    const counts = [...weeks.values()];
    const peak = Math.max(...counts);
    const peakWeek = [...weeks.entries()].find(([, c]) => c === peak)?.[0];
    expect(PLANTED.spikeWeeks).toContain(peakWeek);
    expect(peak).toBeGreaterThanOrEqual(5);
    expect(peak).toBeGreaterThanOrEqual(4 * Math.max(1, median(counts)));
    const [w1, w2] = PLANTED.spikeWeeks.map((w) => weeks.get(w) ?? 0);
    expect(Math.min(w1, w2)).toBeGreaterThanOrEqual(3 * Math.max(1, median(counts)));
    expect(t.refunds.find((r) => r.product_id === PLANTED.spikeProductId)?.product_line).toBe(PLANTED.spikeProductLine);
  });

  it('phone approves clearly more than chat for the same reasons', () => {
    const decided = t.refunds.filter((r) => DECIDED.has(r.decision));
    const reasons = [...new Set(decided.map((r) => r.reason_code))];
    let weighted = 0;
    let weight = 0;
    const gaps: number[] = [];
    for (const code of reasons) {
      const phone = decided.filter((r) => r.reason_code === code && r.channel === 'phone');
      const chat = decided.filter((r) => r.reason_code === code && r.channel === 'chat');
      if (phone.length < 20 || chat.length < 20) continue;
      const gap = approvalRate(phone) - approvalRate(chat);
      gaps.push(gap);
      weighted += gap * (phone.length + chat.length);
      weight += phone.length + chat.length;
    }
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(weighted / weight).toBeGreaterThan(0.12);
    expect(gaps.filter((g) => g > 0).length).toBeGreaterThanOrEqual(0.75 * gaps.length);
  });

  it('the app photo-evidence policy lowers app approval and slows app decisions', () => {
    const at = Date.parse(t.policy_changes.find((p) => p.change_id === 'PC1')?.effective_at ?? '');
    const W = 90 * 86400000;
    const window = (app: boolean, post: boolean): Row[] =>
      t.refunds.filter((r) => (r.channel === 'app') === app && ms(r.requested_at) >= (post ? at : at - W) && ms(r.requested_at) < (post ? at + W : at));
    const appDrop = approvalRate(window(true, false)) - approvalRate(window(true, true));
    const otherDrop = approvalRate(window(false, false)) - approvalRate(window(false, true));
    expect(appDrop).toBeGreaterThan(0.08);
    expect(Math.abs(otherDrop)).toBeLessThan(0.08);
    expect(appDrop - otherDrop).toBeGreaterThan(0.05);
    const hours = (rows: Row[]): number => mean(rows.filter((r) => DECIDED.has(r.decision)).map((r) => (ms(r.decided_at) - ms(r.requested_at)) / 3600000));
    expect(hours(window(true, true))).toBeGreaterThan(1.3 * hours(window(true, false)));
  });

  it('promotions bring more orders and more changed_mind refunds, labelled with the campaign', () => {
    const labelled = t.orders.filter((o) => o.campaign !== '');
    expect(new Set(labelled.map((o) => o.campaign))).toEqual(new Set(PLANTED.campaigns));
    const campaignDays = 2 * (18 + 11);
    const otherDays = (Date.parse('2026-03-01') - Date.parse('2023-12-01')) / 86400000 - campaignDays;
    expect(labelled.length / campaignDays).toBeGreaterThan(1.8 * ((t.orders.length - labelled.length) / otherDays));
    const changedMind = (rows: Row[]): number => rows.filter((r) => r.reason_code === 'changed_mind').length / rows.length;
    const inCampaign = t.refunds.filter((r) => r.campaign !== '');
    expect(inCampaign.length).toBeGreaterThan(200);
    expect(changedMind(inCampaign)).toBeGreaterThan(1.5 * changedMind(t.refunds.filter((r) => r.campaign === '')));
  });
});
