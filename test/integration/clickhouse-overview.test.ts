import { join } from 'node:path';
import type { RefundFilter } from '@refunds/shared';
import { DECIDED_SQL, raw, sql } from '@refunds/warehouse';
import { ClickHouseEngine } from '@refunds/engine-clickhouse';
import { order, refund, writeTables } from '../../etl/src/testing/factory';
import { loadIntoClickHouse } from '../../etl/src/clickhouse/load';
import type { Overview } from '../../server/src/modules/overview/models/overview.model';
import type { TrendPoint } from '../../server/src/modules/overview/models/trend.model';
import { runServices, type RunSpec, type ServiceCall } from '../support/run-services';
import { copyToChdb, describeOnReference, differences } from '../support/clickhouse-reference';

/**
 * The first contract query on ClickHouse: `overview` (every figure of the overview panel, with the
 * previous period and percentiles) compiled through the ClickHouse dialect, on the two-shard 18.16
 * cluster loaded with the reference cross-check's data (seed 11 and the edge rows), and on current
 * ClickHouse (chdb), gives DuckDB's numbers for several filters.
 */
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

function compare(got: Answer[], want: Answer[], filters: readonly RefundFilter[]): void {
  expect(got).toHaveLength(filters.length);
  filters.forEach((f, i) => expect({ filter: f, diff: differences(got[i], want[i]) }).toEqual({ filter: f, diff: [] }));
}

describeOnReference('overview on ClickHouse', 'refunds', ({ cluster, ref }) => {
  let filters: RefundFilter[];
  let expected: Answer[];

  beforeAll(() => {
    // The reference's filters, and a previous period from year 1 (timestamps before 1970 are negative) ending in 9999.
    filters = [...ref().filters, { from: ref().span.late, to: '9999-12-31' }];
    expected = overviews({ engine: 'duckdb', file: ref().duckFile }, filters).answers;
  }, 300_000);

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
    compare(overviews({ engine: 'duckdb', file: ref().duckFile, rollups: true }, filters).answers, expected, filters);
  });

  test('the two-shard 18.16 cluster gives DuckDB overview numbers, filter by filter', () => {
    compare(overviews({ engine: 'clickhouse', url: cluster().url('refunds') }, filters).answers, expected, filters);
  });

  test('the same statements run on current ClickHouse (chdb) and give DuckDB overview numbers', async () => {
    // The tables the overview reads, copied from the cluster into an embedded current ClickHouse.
    const { version } = await copyToChdb(cluster(), 'refunds', join(ref().dir, 'chdb'), ['orders', 'refund_facts']);
    expect(version).toBeGreaterThan(0);
    const current = overviews({ engine: 'chdb', path: join(ref().dir, 'chdb'), database: 'refunds', version }, filters);
    expect(Number(current.version?.split('.')[0])).toBeGreaterThanOrEqual(24);
    compare(current.answers, expected, filters);
  });
  test('a pinned reader keeps answering from its version while a load commits a newer one', async () => {
    const url = cluster().url('pinned');
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
