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
 * The `crosscheck-clickhouse` Jest project runs the same files with the API on a ClickHouse cluster.
 */
import { createHash } from 'node:crypto';
import { append, EDGE_FX, EDGE_ORDERS, EDGE_REFUNDS, EDGE_SURVEYS } from '../../support/edge-rows';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { connect, loadFiles, loadIntoClickHouse, openDatabase } from '@refunds/etl';
import { startClickHouseCluster } from '../../support/clickhouse';
import { generateDataset } from '../../../etl/src/generate/generate';
import { gqlClient, ok, spawnServer, type TestServer } from '../../support/server';
import type { Query } from '../../support/api';
import { AMOUNT_BANDS, filterRefunds, loadDataset, type RefDataset, type RefundFilter } from '../../reference/metrics';

export type Num = number | null;

// ---------------------------------------------------------------------------------------------
// Comparison helpers

/** The fields of a pair to compare: `eq` exactly, `num` as numbers (Comparer.num). */
export interface FieldSpec<A, R> {
  eq?: ReadonlyArray<keyof A & keyof R & string>;
  num?: ReadonlyArray<keyof A & keyof R & string>;
}

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

  /** Compares the named fields of an API object with the reference's. */
  fields<A, R>(path: string, api: A, ref: R, spec: FieldSpec<A, R>): void {
    const at = (k: string) => (path ? `${path}.${k}` : k);
    for (const k of spec.eq ?? []) this.eq(at(k), api[k], ref[k]);
    for (const k of spec.num ?? []) this.num(at(k), api[k], ref[k] as Num);
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

/** The API's rows against the reference's, both keyed by `key`: the same keys, and the named fields equal. */
export function expectSameRows<A, R>(path: string, api: readonly A[], ref: readonly R[], key: (x: A | R) => string, spec: FieldSpec<A, R>): void {
  const c = new Comparer();
  c.keyed(path, api, ref, key, key, (p, a, r) => c.fields(p, a, r, spec));
  expectNoDiffs(c);
}

// Edge rows: test/support/edge-rows.ts (shared with the ClickHouse cross-check)
export { REFUND_COLUMNS } from '../../support/edge-rows';

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
// Outlives the Jest run's own temp folder (test/support/global-temp.cjs).
const CACHE = join(process.env.REFUNDS_TEST_CACHE_DIR ?? tmpdir(), 'refunds-crosscheck');

function hashTree(h: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) hashTree(h, p);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) h.update(p.slice(ROOT.length)).update(readFileSync(p));
  }
}

function cacheKey(): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ SEED, REFUNDS }))
    .update(readFileSync(__filename))
    .update(readFileSync(join(ROOT, 'test', 'support', 'edge-rows.ts')));
  hashTree(h, join(ROOT, 'etl', 'src'));
  hashTree(h, join(ROOT, 'shared', 'src'));
  hashTree(h, join(ROOT, 'shared', 'warehouse', 'src'));
  hashTree(h, join(ROOT, 'shared', 'engine-duckdb', 'src'));
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
  /** Runs `query` on the API and returns its top-level `field`; GraphQL errors fail the test. */
  query<K extends keyof Query>(field: K, query: string, variables: Record<string, unknown>): Promise<Query[K]>;
}

const WRAPPER = join(__dirname, 'serve-until-parent-exits.mjs');

/**
 * Which warehouse the API serves from: DuckDB (the cached file), or, in the `crosscheck-clickhouse`
 * Jest project (jest.config.js sets CROSSCHECK_WAREHOUSE), a two-shard ClickHouse cluster on loopback
 * loaded with the same files by the ClickHouse loader. The reference and every comparison are the same.
 */
export const WAREHOUSE: 'duckdb' | 'clickhouse' = process.env.CROSSCHECK_WAREHOUSE === 'clickhouse' ? 'clickhouse' : 'duckdb';

const answers = (url: string): Promise<boolean> =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

/**
 * The worker's two-shard cluster, loaded with the cached data folder: started by the first cross-check
 * file the worker runs and killed when the worker exits (the harness's exit hook); later files find it
 * through `<dir>/cluster.json`. Returns the warehouse URL.
 */
async function sharedCluster(cached: string, dir: string): Promise<string> {
  const info = join(dir, 'cluster.json');
  if (existsSync(info)) {
    const { url, pings } = JSON.parse(readFileSync(info, 'utf8')) as { url: string; pings: string[] };
    if ((await Promise.all(pings.map(answers))).every(Boolean)) return url;
  }
  const ch = await startClickHouseCluster();
  // Outlives this test file without keeping the worker alive.
  for (const shard of ch.shards) {
    for (const stream of [shard.child.stdout, shard.child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    shard.child.unref();
  }
  const url = ch.url('refunds');
  const data = join(cached, 'data');
  const files = readdirSync(data)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => join(data, f));
  const summary = await loadIntoClickHouse(url, files);
  if (summary.outcome !== 'committed') throw new Error(`the ClickHouse load did not commit: ${JSON.stringify(summary)}`);
  writeFileSync(info, JSON.stringify({ url, pings: ch.shards.map((x) => `${x.endpoint}/ping`) }));
  return url;
}

/**
 * One server per Jest worker process for all the cross-check files it runs (booting the server takes
 * several seconds; the files only read). It runs on its own copy of the cached database (or on the
 * worker's ClickHouse cluster) and stops when the worker exits: the wrapper watches its stdin, a pipe
 * from this process.
 */
async function sharedServer(cached: string): Promise<string> {
  const dir = join(CACHE, `serve-${WAREHOUSE}-${process.pid}-${basename(cached)}`);
  const info = join(dir, 'server.json');
  if (existsSync(info)) {
    const { url } = JSON.parse(readFileSync(info, 'utf8')) as { url: string };
    if (await answers(`${url}/readyz`)) return url;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let env: Record<string, string>;
  if (WAREHOUSE === 'clickhouse')
    env = { REFUNDS_DB: await sharedCluster(cached, dir), REFUNDS_APP_DB: join(dir, 'app.sqlite'), REFUNDS_IMPORT_DIR: join(dir, 'imports') };
  else {
    copyFileSync(join(cached, 'warehouse.duckdb'), join(dir, 'warehouse.duckdb'));
    env = { REFUNDS_DB: join(dir, 'warehouse.duckdb') };
  }
  const { child, url } = await spawnServer({ ...env, REFUNDS_SERVE_DIR: dir }, WRAPPER);
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
    async query<K extends keyof Query>(field: K, query: string, variables: Record<string, unknown>): Promise<Query[K]> {
      return ok(await need(s, 'server').gql<Pick<Query, K>>(query, variables))[field];
    },
  };
}
