import type { RefundFilter } from '@refunds/shared';
import type { ChannelConsistency } from '../../server/src/modules/channels/models/channels.model';
import type { ReasonTrendPoint, RefundSpike } from '../../server/src/modules/reasons/models/reasons.model';
import { describeClickHouse } from '../support/clickhouse';
import { answerDifferences, copyToChdb, loadReference, type Reference } from '../support/clickhouse-reference';
import { runServices, type RunSpec, type ServiceCall } from '../support/run-services';

/**
 * The reasons and channels modules on ClickHouse: reasonTrends at every grain, refundSpikes at several
 * thresholds and channelConsistency at several minimums and gaps, for several filters, on the two-shard
 * 18.16 cluster and on current ClickHouse (chdb), give DuckDB's answers (with and without its rollups)
 * on the cross-check's data (seed 11 and the edge rows).
 */
const GRAINS = ['DAY', 'WEEK', 'MONTH', 'QUARTER'] as const;
const SPIKES = [
  { minCount: 5, alpha: 0.001 },
  { minCount: 2, alpha: 0.2 },
  // alpha >= 0.5: the median bound of the SQL pre-filter is off
  { minCount: 1, alpha: 0.6 },
] as const;
const CONSISTENCY = [
  { minCases: 20, gap: 0.15 },
  { minCases: 2, gap: 0 },
  { minCases: 5, gap: 0.3 },
] as const;

interface Answers {
  trends: ReasonTrendPoint[][];
  spikes: RefundSpike[][];
  consistency: ChannelConsistency[];
}

function callsOf(f: RefundFilter): ServiceCall[] {
  return [
    ...GRAINS.map((g) => ({ module: 'reasons', method: 'trends', args: [f, g] })),
    ...SPIKES.map((s) => ({ module: 'reasons', method: 'spikes', args: [f, s.minCount, s.alpha] })),
    ...CONSISTENCY.map((c) => ({ module: 'channels', method: 'consistency', args: [f, c.minCases, c.gap] })),
  ];
}

/** Every call of every filter on one warehouse, in one child process. */
function answersOn(spec: RunSpec, filters: readonly RefundFilter[]): { version: string | null; answers: Answers[] } {
  const per = GRAINS.length + SPIKES.length + CONSISTENCY.length;
  const { version, answers } = runServices(spec, filters.flatMap(callsOf));
  return {
    version,
    answers: filters.map((_, i) => {
      const a = answers.slice(i * per, (i + 1) * per);
      return {
        trends: a.slice(0, GRAINS.length) as ReasonTrendPoint[][],
        spikes: a.slice(GRAINS.length, GRAINS.length + SPIKES.length) as RefundSpike[][],
        consistency: a.slice(GRAINS.length + SPIKES.length) as ChannelConsistency[],
      };
    }),
  };
}

function compare(got: Answers[], want: Answers[], filters: readonly RefundFilter[]): void {
  expect(got).toHaveLength(filters.length);
  filters.forEach((filter, i) => {
    const diff = {
      trends: GRAINS.flatMap((g, j) => answerDifferences(got[i].trends[j], want[i].trends[j], g)),
      spikes: SPIKES.flatMap((s, j) => answerDifferences(got[i].spikes[j], want[i].spikes[j], `minCount=${s.minCount} alpha=${s.alpha}`)),
      consistency: CONSISTENCY.flatMap((c, j) => answerDifferences(got[i].consistency[j], want[i].consistency[j], `minCases=${c.minCases} gap=${c.gap}`)),
    };
    expect({ filter, ...diff }).toEqual({ filter, trends: [], spikes: [], consistency: [] });
  });
}

describeClickHouse('reasons and channels on ClickHouse', () => {
  let ref: Reference;
  let filters: RefundFilter[];
  let expected: Answers[];

  beforeAll(async () => {
    ref = await loadReference('refunds-chreasons-');
    const { top, span } = ref;
    filters = [
      {},
      { from: span.mid, to: span.late },
      { channels: [top.channel, "o'brien\\"] },
      { from: span.mid, reasonCodes: [top.reason_code], campaigns: [top.campaign] },
      // an agent: spikes read refund_facts on DuckDB even with rollups (product_weekly has no agent)
      { productLines: [top.product_line], agentIds: [top.agent_id] },
      // the edge rows only (all in 2026), with the hand-made channel-consistency fixture
      { from: '2026-01-01' },
      { from: '2000-01-01', to: '9999-12-31' },
    ];
    expected = answersOn(ref.duckdb, filters).answers;
  }, 300_000);

  afterAll(async () => {
    await ref?.stop();
  });

  test('DuckDB answers are not empty and hold hand-checked numbers, and its rollups give the same answers', () => {
    const all = expected[0];
    const weekly = all.trends[GRAINS.indexOf('WEEK')];
    expect(weekly.length).toBeGreaterThan(100);
    // every grain counts every refund once; shares add up to 1 in each period
    const total = weekly.reduce((n, p) => n + p.refunds, 0);
    for (const points of all.trends) {
      expect(points.reduce((n, p) => n + p.refunds, 0)).toBe(total);
      const shares = new Map<string, number>();
      for (const p of points) shares.set(p.period, (shares.get(p.period) ?? 0) + p.share);
      for (const s of shares.values()) expect(s).toBeCloseTo(1, 12);
    }
    expect(all.spikes[0].length).toBeGreaterThan(0);
    expect(all.spikes[1].length).toBeGreaterThan(all.spikes[0].length);
    for (const s of all.spikes[1]) {
      expect(s.history).toHaveLength(12);
      expect(s.history[11]).toBe(s.count);
    }
    expect(all.consistency[0].comparableCohorts).toBeGreaterThan(0);
    // The edge fixture (test/support/edge-rows.ts): size x toys, store 2 of 4 approved and marketplace 2 of 2 in [50,200) (gap 0.5),
    // both 2 of 2 in [0,50) (gap 0); no other 2026 cohort has two channels with 2 decided refunds.
    const edge = expected[5].consistency[1];
    expect(edge.cohorts.map((c) => [c.reasonCode, c.productLine, c.amountBand, c.gap, c.channels.map((x) => [x.channel, x.n, x.approvalRate])])).toEqual([
      ['size', 'toys', '[50,200)', 0.5, [['marketplace', 2, 1], ['store', 4, 0.5]]],
      ['size', 'toys', '[0,50)', 0, [['marketplace', 2, 1], ['store', 2, 1]]],
    ]);
    expect(edge.n).toBe(10);
    compare(answersOn(ref.duckdbRollups, filters).answers, expected, filters);
  });

  test('the two-shard 18.16 cluster gives DuckDB answers, filter by filter', () => {
    compare(answersOn(ref.cluster, filters).answers, expected, filters);
  });

  test('the same statements run on current ClickHouse (chdb) and give DuckDB answers', async () => {
    const spec = await copyToChdb(ref, ['refund_facts']);
    const current = answersOn(spec, filters);
    expect(Number(current.version?.split('.')[0])).toBeGreaterThanOrEqual(24);
    compare(current.answers, expected, filters);
  });
});
