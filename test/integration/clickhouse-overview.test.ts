import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import type { RefundFilter } from '@refunds/shared';
import { DECIDED_SQL, raw, sql } from '@refunds/warehouse';
import { connect, loadFiles, openDatabase, queryRows } from '@refunds/etl';
import { ALL_TABLES, ChNames, ClickHouseEngine, mergeTreeDdl } from '@refunds/engine-clickhouse';
import { generateDataset } from '../../etl/src/generate/generate';
import { order, refund, tempDir, writeTables } from '../../etl/src/testing/factory';
import { loadIntoClickHouse } from '../../etl/src/clickhouse/load';
import type { Overview } from '../../server/src/modules/overview/models/overview.model';
import type { TrendPoint } from '../../server/src/modules/overview/models/trend.model';
import { runServices, type RunSpec, type ServiceCall } from '../support/run-services';
import { describeClickHouse, startClickHouseCluster, type ClickHouseCluster } from '../support/clickhouse';
import { append, EDGE_FX, EDGE_ORDERS, EDGE_REFUNDS, EDGE_SURVEYS } from '../support/edge-rows';

/**
 * The first contract query on ClickHouse: `overview` (every figure of the overview panel, with the
 * previous period and percentiles) compiled through the ClickHouse dialect, on the two-shard 18.16
 * cluster loaded with the reference cross-check's data (seed 11 and the edge rows), and on current
 * ClickHouse (chdb), gives DuckDB's numbers for several filters.
 */
const CANONICAL = ['agents', 'incentive_plans', 'policy_changes', 'fx_rates', 'orders', 'refunds', 'surveys'];

const GRAINS = ['DAY', 'WEEK', 'MONTH', 'QUARTER'] as const;

/** The overview of each filter on one warehouse, by the built server's repository and service. */
interface Answer {
  overview: Overview;
  trend: Record<(typeof GRAINS)[number], TrendPoint[]>;
}

function overviews(spec: RunSpec, filters: readonly RefundFilter[]): { version: string | null; answers: Answer[] } {
  const calls: ServiceCall[] = filters.flatMap((f) => [
    { module: 'overview', method: 'overview', args: [f, true, true] },
    ...GRAINS.map((g) => ({ module: 'overview', method: 'trend', args: [f, g] })),
  ]);
  const { version, answers } = runServices(spec, calls);
  const per = GRAINS.length + 1;
  return {
    version,
    answers: filters.map((_, i) => {
      const [overview, ...trends] = answers.slice(i * per, (i + 1) * per);
      return { overview: overview as Overview, trend: Object.fromEntries(GRAINS.map((g, j) => [g, trends[j]])) as Answer['trend'] };
    }),
  };
}

/** Differences between two overviews, field by field (doubles to 1e-9 relative: Kahan sums in another order). */
const close = (x: unknown, y: unknown) => (typeof x === 'number' && typeof y === 'number' ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)) : x === y);

/** Differences between two answers, field by field (doubles to 1e-9 relative: Kahan sums in another order). */
function differences(a: Overview | null | undefined, b: Overview | null | undefined, path = ''): string[] {
  if (!a || !b) return (a ?? null) === (b ?? null) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
  const out: string[] = [];
  for (const k of Object.keys(b) as Array<keyof Overview>) {
    if (k === 'previous') out.push(...differences(a.previous, b.previous, `${path}previous.`));
    else if (!close(a[k], b[k])) out.push(`${path}${k}: ClickHouse ${JSON.stringify(a[k])} DuckDB ${JSON.stringify(b[k])}`);
  }
  return out;
}

function trendDifferences(a: Answer['trend'], b: Answer['trend']): string[] {
  const out: string[] = [];
  for (const grain of GRAINS) {
    if (a[grain].length !== b[grain].length) out.push(`${grain}: ${a[grain].length} periods, DuckDB ${b[grain].length}`);
    b[grain].forEach((p, i) => {
      for (const k of Object.keys(p) as Array<keyof TrendPoint>)
        if (!close(a[grain][i]?.[k], p[k]))
          out.push(`${grain} ${p.period} ${k}: ClickHouse ${JSON.stringify(a[grain][i]?.[k])} DuckDB ${JSON.stringify(p[k])}`);
    });
  }
  return out.slice(0, 20);
}

function compare(got: Answer[], want: Answer[], filters: readonly RefundFilter[]): void {
  expect(got).toHaveLength(filters.length);
  filters.forEach((f, i) =>
    expect({ filter: f, diff: differences(got[i].overview, want[i].overview), trend: trendDifferences(got[i].trend, want[i].trend) }).toEqual({
      filter: f,
      diff: [],
      trend: [],
    }),
  );
}

describeClickHouse('overview on ClickHouse', () => {
  let ch: ClickHouseCluster;
  let dir: string;
  let duckFile: string;
  let filters: RefundFilter[];
  let expected: Answer[];

  beforeAll(async () => {
    ch = await startClickHouseCluster();
    dir = tempDir('refunds-choverview-');
    await generateDataset({ out: join(dir, 'gen'), refunds: 6000, seed: 11 });
    append(join(dir, 'gen'), 'fx_rates', EDGE_FX);
    append(join(dir, 'gen'), 'orders', EDGE_ORDERS);
    append(join(dir, 'gen'), 'refunds', EDGE_REFUNDS);
    append(join(dir, 'gen'), 'surveys', EDGE_SURVEYS);
    const files = CANONICAL.map((t) => join(dir, 'gen', `${t}.csv`)).filter((f) => existsSync(f));
    duckFile = join(dir, 'ref.duckdb');
    const inst = await openDatabase(duckFile);
    const conn = await connect(inst);
    try {
      await loadFiles(conn, files);
      const [top] = await queryRows<{ channel: string; reason_code: string; campaign: string }>(
        conn,
        `SELECT mode(channel) AS channel, mode(reason_code) AS reason_code, mode(campaign) AS campaign FROM refund_facts`,
      );
      const [span] = await queryRows<{ mid: string; late: string }>(
        conn,
        `SELECT strftime(min(requested_at) + (max(requested_at) - min(requested_at)) / 2, '%Y-%m-%d') AS mid,
                strftime(max(requested_at) - INTERVAL 20 DAY, '%Y-%m-%d') AS late FROM refund_facts`,
      );
      filters = [
        {},
        { from: span.mid, to: span.late },
        { channels: [top.channel, "o'brien\\"] },
        { from: span.mid, reasonCodes: [top.reason_code], campaigns: [top.campaign] },
        // Previous periods before 1970 and from year 1 (timestamps before 1970 are negative), ranges ending in 9999.
        { from: '1990-01-01', to: span.mid },
        { from: span.late, to: '9999-12-31' },
        { from: '2000-01-01', to: '9999-12-31' },
      ];
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
    const summary = await loadIntoClickHouse(ch.url('refunds'), files);
    expect(summary.outcome).toBe('committed');
    expected = overviews({ engine: 'duckdb', file: duckFile }, filters).answers;
  }, 300_000);

  afterAll(async () => {
    await ch?.stop();
  });

  test('DuckDB answers are not empty, and its rollups agree with refund_facts (the reference the ClickHouse answers are held to)', () => {
    const all = expected[0].overview;
    expect(expected[0].trend.WEEK.length).toBeGreaterThan(20);
    expect(expected[0].trend.DAY.reduce((n, p) => n + p.refunds, 0)).toBe(all.refunds);
    expect(all.refunds).toBeGreaterThan(6000);
    expect(all.orders).toBeGreaterThan(all.refunds);
    for (const k of ['approvalRate', 'csatAvg', 'nps', 'repurchaseRate', 'resolutionHoursP90', 'refundRate', 'payoutFailureRate'] as const)
      expect(all[k]).not.toBeNull();
    expect(all.overduePending + all.reviewGapCount).toBeGreaterThan(0);
    expect(expected[1].overview.previous).not.toBeNull();
    expect(expected[2].overview.refunds).toBeLessThan(all.refunds);
    compare(overviews({ engine: 'duckdb', file: duckFile, rollups: true }, filters).answers, expected, filters);
  });

  test('the two-shard 18.16 cluster gives DuckDB overview numbers, filter by filter', () => {
    compare(overviews({ engine: 'clickhouse', url: ch.url('refunds') }, filters).answers, expected, filters);
  });

  test('the same statements run on current ClickHouse (chdb) and give DuckDB overview numbers', async () => {
    // The tables the overview reads, copied from the cluster into an embedded current ClickHouse.
    const path = join(dir, 'chdb');
    const names = new ChNames('refunds', null);
    const engine = await ClickHouseEngine.connect(ch.url('refunds'));
    let version: number;
    const session = new Session(path);
    try {
      session.query('CREATE DATABASE IF NOT EXISTS refunds');
      for (const t of ALL_TABLES) session.query(mergeTreeDdl(names.local(t.name), t));
      version = await engine.committedVersion();
      expect(version).toBeGreaterThan(0);
      for (const t of ['orders', 'refund_facts', 'fact_versions', 'load_versions', 'meta']) {
        const rows = await engine.warehouse.query<Record<string, unknown>>(`SELECT * FROM ${engine.names.all(t)}`, 0, {
          output_format_json_quote_64bit_integers: 0,
        });
        session.query(`INSERT INTO ${names.local(t)} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
      }
    } finally {
      session.close();
      await engine.close();
    }
    const current = overviews({ engine: 'chdb', path, database: 'refunds', version }, filters);
    expect(Number(current.version?.split('.')[0])).toBeGreaterThanOrEqual(24);
    compare(current.answers, expected, filters);
  });
  test('a pinned reader keeps answering from its version while a load commits a newer one', async () => {
    const url = ch.url('pinned');
    const first = writeTables({
      orders: [order({ order_id: 'O1', customer_id: 'C1' }), order({ order_id: 'O2', customer_id: 'C2' })],
      refunds: [
        refund({ refund_id: 'R1', order_id: 'O1', customer_id: 'C1', decision: 'approved', refunded_amount: 10 }),
        refund({ refund_id: 'R2', order_id: 'O2', customer_id: 'C2', decision: 'pending', decided_at: null, refunded_amount: null }),
      ],
    });
    const second = writeTables({
      orders: [order({ order_id: 'O3', customer_id: 'C3' })],
      refunds: [
        refund({ refund_id: 'R2', order_id: 'O2', customer_id: 'C2', decision: 'rejected', refunded_amount: 0 }),
        refund({ refund_id: 'R3', order_id: 'O3', customer_id: 'C3', decision: 'partial', refunded_amount: 4 }),
      ],
    });
    expect((await loadIntoClickHouse(url, [first])).outcome).toBe('committed');
    const engine = await ClickHouseEngine.connect(url);
    try {
      const d = engine.dialect;
      const counts = sql`SELECT count(*) AS n, ${raw(d.countIf(DECIDED_SQL.text))} AS decided, ${raw(d.fsum('refunded_amount'))} AS amount,
          (SELECT count(*) FROM ${raw(d.table('orders'))}) AS orders FROM ${raw(d.table('refund_facts'))}`;
      const r2 = sql`SELECT decision FROM ${raw(d.table('refunds'))} WHERE refund_id = ${'R2'}`;
      const before = await engine.pin();
      expect(await before.query(counts)).toEqual([{ n: 2, decided: 1, amount: 10, orders: 2 }]);

      expect((await loadIntoClickHouse(url, [second])).outcome).toBe('committed');
      // The pinned reader still sees the first load; a new statement sees both.
      expect(await before.query(counts)).toEqual([{ n: 2, decided: 1, amount: 10, orders: 2 }]);
      expect(await before.query(r2)).toEqual([{ decision: 'pending' }]);
      expect(await engine.query(counts)).toEqual([{ n: 3, decided: 3, amount: 14, orders: 3 }]);
      expect(await engine.query(r2)).toEqual([{ decision: 'rejected' }]);
    } finally {
      await engine.close();
    }
  });
});
