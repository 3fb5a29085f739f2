/**
 * Shared setup of the cross-check tests (one file per metric in this folder): the API against the
 * independent reference implementation in test/reference (written from ../shared/spec/metrics.md
 * and data-contract.md only).
 *
 * A generated data set (seed 11, 6000 refunds) plus hand-made edge rows (all requested in 2026,
 * after the generated refunds, so `from: 2026-01-01` isolates them) is loaded through the real
 * loader; every query is recomputed by the reference from the raw CSV files and compared field by
 * field: counts exactly, numbers to 9 decimals (|diff| < 5e-10, the toBeCloseTo(x, 9) rule) or, for
 * large amounts, to 12 significant digits (a double sum of a few thousand amounts cannot be exact to
 * 1e-9 absolute), nulls exactly. Each test collects all field differences of one query x filter and
 * asserts the list is empty, so a failure names every field.
 *
 * The data folder and its loaded DuckDB file are built once and cached under the system temp folder,
 * keyed by a hash of everything that shapes them (the generator and loader sources in etl/src and
 * shared/src, the edge rows, seed and size). Each Jest worker boots the built server (`server/dist`,
 * so run `npm run build` first) once, on its own copy of that database, for all the files it runs.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { connect, loadFiles, openDatabase } from '@refunds/etl';
import { generateDataset } from '../../../etl/src/generate/generate';
import { gqlClient, spawnServer, type TestServer } from '../../support/server';
import { AMOUNT_BANDS, filterRefunds, loadDataset, type RefDataset, type RefundFilter } from '../../reference/metrics';

export type Num = number | null;

// ---------------------------------------------------------------------------------------------
// Comparison helpers

interface Diff {
  path: string;
  api: unknown;
  ref: unknown;
}

export class Comparer {
  readonly diffs: Diff[] = [];

  private add(path: string, api: unknown, ref: unknown): void {
    this.diffs.push({ path, api, ref });
  }

  /** A number (or null): null must match null; else toBeCloseTo(ref, 9), or 12 significant digits for large values. */
  num(path: string, api: unknown, ref: number | null): void {
    if (ref === null || api === null || api === undefined) {
      if (!(ref === null && api === null)) this.add(path, api, ref);
      return;
    }
    if (typeof api !== 'number') {
      this.add(path, api, ref);
      return;
    }
    const d = Math.abs(api - ref);
    if (d < 5e-10 || d <= 1e-12 * Math.max(Math.abs(api), Math.abs(ref))) return;
    this.add(path, api, ref);
  }

  /** Exact equality (counts, strings, booleans, null). */
  eq(path: string, api: unknown, ref: unknown): void {
    if (api !== ref) this.add(path, api, ref);
  }

  /** Compares two keyed collections: keys must match, then `each` compares the pairs. */
  keyed<A, R>(path: string, api: readonly A[], ref: readonly R[], keyA: (a: A) => string, keyR: (r: R) => string, each: (p: string, a: A, r: R) => void): void {
    const am = new Map<string, A>();
    for (const a of api) {
      const k = keyA(a);
      if (am.has(k)) this.add(`${path}[${k}]`, 'duplicate key in API', null);
      am.set(k, a);
    }
    const rm = new Map(ref.map((r) => [keyR(r), r] as const));
    for (const [k, r] of rm) {
      const a = am.get(k);
      if (a === undefined) this.add(`${path}[${k}]`, 'missing in API', r);
      else each(`${path}[${k}]`, a, r);
    }
    for (const [k, a] of am) if (!rm.has(k)) this.add(`${path}[${k}]`, a, 'missing in reference');
  }
}

export function expectNoDiffs(c: Comparer): void {
  expect(c.diffs).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Edge rows appended to the generated CSV files (all in 2026: isolated by from = 2026-01-01)

export const REFUND_COLUMNS =
  'refund_id,order_id,customer_id,agent_id,channel,product_id,product_line,reason_code,reason_text,requested_at,decided_at,paid_at,decision,requested_amount,refunded_amount,currency,payout_method,payout_status,contacts,escalated,reopened,evidence_complete,reviewer_id,policy_version,campaign';

const EDGE_REFUNDS = [
  // RX01: USD (lower-case), channel / reason needing normalisation, decided exactly 48 h later (SLA met),
  // 150 USD ~ 1074 CNY >= 1000 without reviewer -> review gap; repurchase exactly at decided_at + 30 d.
  'RX01,OX01,CX01,A01, Web ,PX1,electronics, Quality Defect ,"Broken, said ""twice""\nsecond line",2026-01-05T10:00:00Z,2026-01-07T10:00:00Z,2026-01-08T00:00:00Z,approved,150.00,150.00,usd,original_payment,succeeded,1,no,0,yes,,v4,',
  // RX02: pending, requested_at + 48 h == as-of -> not overdue; its order is missing from orders (customer type from requested_at)
  'RX02,OX20,CX02,A02,chat,PX2,home,late_delivery,,2026-02-03T00:00:00Z,,,pending,80.00,,CNY,,,0,false,false,0,,v4,',
  // RX03: pending, one second older -> overdue
  'RX03,OX30,CX03,A02,chat,PX2,home,changed_mind,,2026-02-02T23:59:59Z,,,pending,60.00,,CNY,,,0,false,false,,,v4,',
  // RX09: withdrawn, the latest request: sets the as-of time 2026-02-05T00:00:00Z
  'RX09,OX91,CX09,,app,PX2,home,size,,2026-02-05T00:00:00Z,,,withdrawn,30.00,0.00,CNY,,,0,false,false,true,,v4,',
  // RX04: EUR with an offset timestamp: 2026-01-31T23:30Z UTC -> EUR rate of 2026-01-01 (7.90), not 2026-02-01 (8.00);
  // decided_at without offset = UTC
  'RX04,OX40,CX04,A02,app,PX1,electronics,damaged,,2026-02-01T07:30:00+08:00,2026-02-02T00:00:00,,partial,100.00,40.00,EUR,wallet,,2,false,false,true,A01,v4,',
  // RX05: rejected, reason "Changed Mind"; repurchase at exactly decided_at + 30 d (in) and at decided_at (out)
  'RX05,OX50,CX05,A02,phone,PX2,home,Changed Mind,,2026-01-08T00:00:00Z,2026-01-09T12:00:00Z,,rejected,300.00,0.00,CNY,,,3,true,false,no,,v4,',
  // RX06: decided 48 h + 1 s later (SLA missed); reviewer = agent (review gap at exactly 1000);
  // repurchase 1 s after decided_at + 30 d (out for 30, in for 45)
  'RX06,OX60,CX06,A01,web,PX1,electronics,defective,,2026-01-06T00:00:00Z,2026-01-08T00:00:01Z,2026-01-08T02:00:00Z,approved,1000.00,1000.00,CNY,original_payment,failed,1,false,false,1,A01,v4,singles_day',
  // RX07: partial >= 1000 with a distinct reviewer (no gap); no product
  'RX07,OX70,CX07,A01,phone,,,other,,2026-01-09T00:00:00Z,2026-01-09T05:00:00Z,2026-01-09T06:00:00Z,partial,2000.00,1200.00,CNY,bank_transfer,succeeded,0,false,false,true,A02,v4,',
  // RX08: 999.99 without reviewer (below threshold), decided automatically (no agent)
  'RX08,OX80,CX08,,app,PX1,electronics,wrong_item,,2026-01-10T00:00:00Z,2026-01-10T01:00:00Z,,approved,999.99,999.99,CNY,,,0,false,false,false,,v4,',
  // a small channel-consistency fixture on channels store / marketplace (size x toys), minCases 2:
  // band [50,200): store approved, rejected, partial, rejected (7.50 USD ~ 54 CNY) -> 2/4; marketplace 2/2 -> gap 0.5
  'RY01,OY01,CY01,A03,store,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,approved,50.00,50.00,CNY,,,0,false,false,true,,v4,',
  'RY02,OY02,CY02,A03,store,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,rejected,199.99,0.00,CNY,,,0,false,false,true,,v4,',
  'RY03,OY03,CY03,A03,store,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,partial,120.00,60.00,CNY,,,0,false,false,true,,v4,',
  'RY10,OY10,CY10,A03,store,PY1,toys,size,,2026-01-13T00:00:00Z,2026-01-13T02:00:00Z,,rejected,7.50,0.00,USD,,,0,false,false,true,,v4,',
  'RY04,OY04,CY04,A03,marketplace,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,approved,50.00,50.00,CNY,,,0,false,false,true,,v4,',
  'RY05,OY05,CY05,A03,marketplace,PY1,toys,size,,2026-01-12T00:00:00Z,2026-01-12T02:00:00Z,,approved,80.00,80.00,CNY,,,0,false,false,true,,v4,',
  // band [0,50): every decision approved (the chi-square statistic is undefined: a column total is 0)
  'RY06,OY06,CY06,A03,store,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,49.99,49.99,CNY,,,0,false,false,true,,v4,',
  'RY07,OY07,CY07,A03,store,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,49.99,49.99,CNY,,,0,false,false,true,,v4,',
  'RY08,OY08,CY08,A03,marketplace,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,10.00,10.00,CNY,,,0,false,false,true,,v4,',
  'RY09,OY09,CY09,A03,marketplace,PY1,toys,size,,2026-01-14T00:00:00Z,2026-01-14T02:00:00Z,,approved,0.00,0.00,CNY,,,0,false,false,true,,v4,',
  // email rows: an agent missing from agents.csv (team null), an amount with 3 decimals; RX15's own order is
  // dated inside its repurchase window (must not count: order_id != the refund's), and the customer's other
  // order precedes the refunded order (returning customer although that order is after the request)
  'RX14,OX140,CX14,A99,email,PX3,beauty,color,,2026-01-15T00:00:00Z,2026-01-15T03:00:00Z,,approved,12.345,12.345,CNY,,,0,false,false,true,,v4,',
  'RX15,OX150,CX15,A04,email,PX3,beauty,style,,2026-01-15T00:00:00Z,2026-01-16T00:00:00Z,,rejected,100.00,0.00,CNY,,,0,false,false,true,,v4,',
  // invalid rows, each breaking one rule of the data contract -> rejected by the loader
  'RX10,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-11T00:00:00Z,2026-01-11T01:00:00Z,,approved,100.00,200.00,CNY,,,0,false,false,true,,v4,',
  'RX11,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-11T00:00:00Z,2026-01-11T01:00:00Z,,maybe,100.00,100.00,CNY,,,0,false,false,true,,v4,',
  'RX12,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-11T00:00:00Z,2026-01-11T01:00:00Z,,approved,100.00,100.00,GBP,,,0,false,false,true,,v4,',
  'RX13,OX80,CX08,A01,app,PX1,electronics,wrong_item,,2026-01-12T00:00:00Z,2026-01-11T01:00:00Z,,approved,100.00,100.00,CNY,,,0,false,false,true,,v4,',
];

const EDGE_ORDERS = [
  'OX01,CX01,2025-12-28T00:00:00Z,150.00,USD,web,',
  'OX02,CX01,2026-01-07T10:00:00Z,70.00,CNY,web,', // exactly at RX01's decided_at: not a repurchase
  'OX03,CX01,2026-02-06T10:00:00Z,100.00,CNY,web,', // exactly decided_at + 30 d: a repurchase
  'OX21,CX02,2026-01-01T00:00:00Z,80.00,CNY,app,',
  'OX30,CX03,2026-01-10T00:00:00Z,60.00,CNY,app,',
  'OX91,CX09,2026-01-19T00:00:00Z,30.00,CNY,app,',
  'OX40,CX04,2026-01-20T00:00:00Z,100.00,EUR,app,',
  'OX51,CX05,2025-11-01T00:00:00Z,100.00,CNY,phone,',
  'OX50,CX05,2025-12-20T00:00:00Z,300.00,CNY,phone,',
  'OX53,CX05,2026-01-09T12:00:00Z,70.00,CNY,phone,', // exactly RX05's decided_at: out
  'OX52,CX05,2026-02-08T12:00:00Z,200.00,CNY,phone,', // exactly decided_at + 30 d: in
  'OX60,CX06,2026-01-02T00:00:00Z,1000.00,CNY,web,singles_day',
  'OX61,CX06,2026-02-07T00:00:02Z,50.00,USD,web,', // decided_at + 30 d + 1 s
  'OX70,CX07,2026-01-01T00:00:00Z,2000.00,CNY,phone,',
  'OX80,CX08,2026-01-03T00:00:00Z,999.99,CNY,app,',
  'OX140,CX14,2026-01-10T00:00:00Z,12.345,CNY,web,',
  'OX150,CX15,2026-01-20T00:00:00Z,100.00,CNY,web,',
  'OX151,CX15,2026-01-18T00:00:00Z,40.00,CNY,web,',
  'OX90,CX90,2026-03-01T00:00:00Z,10.00,CNY,web,', // the latest order: horizon = 2026-03-01T00:00:00Z
];

const EDGE_SURVEYS = [
  'SX01,RX01,CX01,csat,5,2026-01-08T00:00:00Z,',
  'SX02,RX01,CX01,nps,6,2026-01-08T00:00:00Z,"Fine, I guess"',
  'SX03,RX05,CX05,csat,2,2026-01-10T00:00:00Z,',
  'SX04,RX05,CX05,nps,10,2026-01-10T00:00:00Z,',
  'SX05,RX04,CX04,nps,9,2026-02-03T00:00:00Z,',
  'SX06,,CX01,csat,1,2026-01-09T00:00:00Z,not linked to a refund',
  'SX08,RX14,CX14,csat,3,2026-01-16T00:00:00Z,',
  'SX09,RX404,CX14,csat,1,2026-01-16T00:00:00Z,links to no refund',
  'SX07,RX06,CX06,csat,4,2026-01-09T00:00:00Z,"He said ""ok"", then\nnothing"',
];

const EDGE_FX = ['2025-12-01,EUR,7.80', '2026-01-01,EUR,7.90', '2026-02-01,EUR,8.00'];

function append(folder: string, table: string, lines: readonly string[]): void {
  const p = join(folder, `${table}.csv`);
  const text = readFileSync(p, 'utf8');
  appendFileSync(p, `${text.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`);
}

/** The hand-made RX rows: requested in 2026 on these channels (the RY rows use store / marketplace). */
export const EDGE: RefundFilter = { from: '2026-01-01', channels: ['web', 'app', 'chat', 'phone'] };

// ---------------------------------------------------------------------------------------------
// Filters and queries shared by the metric files

export const FILTERS: ReadonlyArray<{ name: string; f: RefundFilter }> = [
  { name: 'unfiltered', f: {} },
  { name: 'Q1 2025, app + chat', f: { from: '2025-01-01', to: '2025-04-01', channels: ['app', 'chat'] } },
  { name: 'team Shanghai', f: { teams: ['Shanghai'] } },
  { name: 'electronics x defect reasons', f: { productLines: ['electronics'], reasonCodes: ['defective', 'quality_defect', 'damaged'] } },
  { name: 'campaign 618', f: { campaigns: ['618'] } },
  { name: 'agents A03, A17, A33 in 2024-H2', f: { agentIds: ['A03', 'A17', 'A33'], from: '2024-07-01', to: '2025-01-01' } },
  { name: 'edge rows (2026)', f: { from: '2026-01-01' } },
  { name: 'mid-week range (spike weeks by Monday)', f: { from: '2025-02-05', to: '2025-02-12' } },
  { name: 'range without data', f: { from: '2030-01-01', to: '2030-02-01' } },
  {
    name: 'reason + campaign + team, 2025',
    f: { reasonCodes: ['changed_mind', 'size'], campaigns: ['singles_day', '618'], teams: ['Wuhan', 'Chengdu'], from: '2025-01-01', to: '2026-01-01' },
  },
];

export const OVERVIEW_Q = `query($f: RefundFilter) { overview(filter: $f) { refunds decided refundedAmount approvalRate rejectionRate partialRate
  orders refundRate slaMetRate overduePending payoutFailureRate evidenceCompleteRate reviewGapCount csatAvg csatRate nps
  repurchaseRate repurchaseEligible resolutionHoursMean resolutionHoursP50 resolutionHoursP90 } }`;
export const TRENDS_Q = `query($f: RefundFilter, $g: Grain) { reasonTrends(filter: $f, grain: $g) { period reasonCode reasonFamily refunds refundedAmount share } }`;
export const SPIKES_Q = `query($f: RefundFilter, $m: Int, $a: Float) { refundSpikes(filter: $f, minCount: $m, alpha: $a) { productId productLine week count expected ratio pValue topReasonCode } }`;
export const CONSISTENCY_Q = `query($f: RefundFilter, $m: Int, $g: Float) { channelConsistency(filter: $f, minCases: $m, gapThreshold: $g) { inconsistencyRate comparableCohorts inconsistentCohorts
  cohorts { reasonCode productLine amountBand gap pValue inconsistent channels { channel n approvalRate } } } }`;
export const EXPERIENCE_Q = `query($f: RefundFilter, $d: Dimension, $gr: Grain) { customerExperience(filter: $f, groupBy: $d, grain: $gr) { key csatAvg csatRate csatResponses nps npsResponses } }`;
export const REPURCHASE_Q = `query($f: RefundFilter, $w: Int, $d: Dimension, $gr: Grain) { repurchaseAfterRefund(filter: $f, windowDays: $w, groupBy: $d, grain: $gr) { key eligible repurchased repurchaseRate repurchaseRevenue } }`;
export const REFUND_TREND_Q = `query($f: RefundFilter, $g: Grain) { refundTrend(filter: $f, grain: $g) { period refunds decided approvalRate rejectionRate refundedAmount } }`;
export const ECONOMICS_Q = `query($f: RefundFilter, $w: Int) { rejectionEconomics(filter: $f, windowDays: $w) { savings revenueGap net rejectedCount eligible
  approvedRepurchaseRevenue rejectedRepurchaseRevenue } }`;

export const EFFECT_Q = `query($f: RefundFilter, $w: Int) { rejectionEffect(filter: $f, windowDays: $w) { att attLow attHigh rateAtt rateLow rateHigh
  naiveGap rateNaiveGap matchedRejected matchedStrata coverage lostRevenue savings net } }`;

/** Resolution-time statistics (not part of the reference module's overview: percentile definition is ours). */
export function resolutionStats(ds: RefDataset, f: RefundFilter): { mean: Num; p50: Num; p90: Num } {
  // metrics.md: mean, median (p50) and p90 of hours requested_at -> decided_at over decided refunds.
  // Reading: continuous quantile with linear interpolation between order statistics (h[(n-1)q]).
  const hours = filterRefunds(ds, f)
    .filter((r) => (r.decision === 'approved' || r.decision === 'partial' || r.decision === 'rejected') && r.decidedAt !== null)
    .map((r) => ((r.decidedAt as number) - r.requestedAt) / 3_600_000)
    .sort((a, b) => a - b);
  if (hours.length === 0) return { mean: null, p50: null, p90: null };
  const q = (p: number): number => {
    const pos = (hours.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return hours[lo] + (hours[hi] - hours[lo]) * (pos - lo);
  };
  return { mean: hours.reduce((a, b) => a + b, 0) / hours.length, p50: q(0.5), p90: q(0.9) };
}

export const bandLabel = (i: number): string => {
  const b = AMOUNT_BANDS[i];
  return `[${b.lo},${b.hi === null ? 'inf' : b.hi})`;
};

// ---------------------------------------------------------------------------------------------
// The data set, built once per source version

const ROOT = resolve(__dirname, '..', '..', '..');
const SEED = Number(process.env.CROSSCHECK_SEED ?? 11);
const REFUNDS = Number(process.env.CROSSCHECK_REFUNDS ?? 6000);
const CACHE = join(tmpdir(), 'refunds-crosscheck');

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashTree(h, p);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) h.update(p.slice(ROOT.length)).update(readFileSync(p));
  }
}

function cacheKey(): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ SEED, REFUNDS })).update(readFileSync(__filename)); // this file holds the edge rows
  hashTree(h, join(ROOT, 'etl', 'src'));
  hashTree(h, join(ROOT, 'shared', 'src'));
  return h.digest('hex').slice(0, 16);
}

/** Generates the CSV files with the edge rows and loads them into `<dir>/warehouse.duckdb`. */
async function build(dir: string): Promise<void> {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  await generateDataset({ out: data, refunds: REFUNDS, seed: SEED });
  // agents.csv with a UTF-8 BOM and CRLF line ends (both allowed by the data contract)
  const agentsPath = join(data, 'agents.csv');
  writeFileSync(agentsPath, `\ufeff${readFileSync(agentsPath, 'utf8').replace(/\r?\n/g, '\r\n')}`);
  append(data, 'fx_rates', EDGE_FX);
  append(data, 'orders', EDGE_ORDERS);
  append(data, 'refunds', EDGE_REFUNDS);
  append(data, 'surveys', EDGE_SURVEYS);
  const inst = await openDatabase(join(dir, 'warehouse.duckdb'));
  const conn = await connect(inst);
  await loadFiles(conn, [data]);
  conn.closeSync();
  inst.closeSync();
}

/** The cached folder for this source version, built by whichever test file gets there first. */
async function prepared(): Promise<string> {
  const dir = join(CACHE, cacheKey());
  if (existsSync(join(dir, 'warehouse.duckdb'))) return dir;
  mkdirSync(CACHE, { recursive: true });
  // Entries of older source versions are left a day for runs that may still read them.
  for (const name of readdirSync(CACHE)) {
    const p = join(CACHE, name);
    if (Date.now() - statSync(p).mtimeMs > 86_400_000) rmSync(p, { recursive: true, force: true });
  }
  const tmp = mkdtempSync(join(CACHE, 'build-'));
  await build(tmp);
  try {
    renameSync(tmp, dir); // atomic: a file that built the same data concurrently keeps its own
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** A TestServer view of the shared server: closing it is the worker's exit. */
function server(url: string): TestServer {
  return { url, dbPath: '', child: null as never, logs: () => '', gql: gqlClient(url), close: async () => undefined };
}

export interface Crosscheck {
  /** The CSV folder the reference reads (and the loader loaded). */
  readonly dir: string;
  readonly ds: RefDataset;
  readonly s: TestServer;
  /** The generated USD rate of a day (the edge rows' hand-computed amounts use it). */
  usdRate(date: string): number;
}

const WRAPPER = join(__dirname, 'serve-until-parent-exits.mjs');

/**
 * One server per Jest worker process for all the cross-check files it runs (booting the server takes
 * several seconds; the files only read). It runs on its own copy of the cached database and stops when
 * the worker exits: the wrapper watches its stdin, a pipe from this process.
 */
async function sharedServer(cached: string): Promise<string> {
  const dir = join(CACHE, `serve-${process.pid}-${basename(cached)}`);
  const info = join(dir, 'server.json');
  if (existsSync(info)) {
    const { url } = JSON.parse(readFileSync(info, 'utf8')) as { url: string };
    const up = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return url;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(cached, 'warehouse.duckdb'), join(dir, 'warehouse.duckdb'));
  const { child, url } = await spawnServer({ REFUNDS_DB: join(dir, 'warehouse.duckdb') }, WRAPPER);
  // Outlives this test file without keeping the worker alive.
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  child.unref();
  writeFileSync(info, JSON.stringify({ url }));
  return url;
}

/** Registers beforeAll: the reference data set and the worker's server on the cached database. */
export function useCrosscheck(): Crosscheck {
  let dir = '';
  let ds: RefDataset | undefined;
  let s: TestServer | undefined;
  beforeAll(async () => {
    const cached = await prepared();
    dir = join(cached, 'data');
    // The server may boot in its own process while this one reads the reference data set.
    const url = sharedServer(cached);
    ds = loadDataset(dir);
    s = server(await url);
  }, 300_000);
  const need = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`cross-check setup failed: no ${what}`);
    return x;
  };
  return {
    get dir() {
      return dir;
    },
    get ds() {
      return need(ds, 'reference data set');
    },
    get s() {
      return need(s, 'server');
    },
    usdRate(date: string): number {
      const line = readFileSync(join(dir, 'fx_rates.csv'), 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${date},USD,`));
      if (!line) throw new Error(`no USD rate on ${date}`);
      return Number(line.split(',')[2]);
    },
  };
}
