import { query as chdbQuery } from 'chdb';
import type { RefundFilter } from '@refunds/shared';
import { raw, sql, type Sql } from '@refunds/warehouse';
import { ChNames, clickhouseDialect, compileClickHouse } from '@refunds/engine-clickhouse';
import { connect, openDatabase, queryRows } from '@refunds/etl';
import type { ChannelConsistency } from '../../server/src/modules/channels/models/channels.model';
import type { ReasonTrendPoint, RefundSpike } from '../../server/src/modules/reasons/models/reasons.model';
import { join } from 'node:path';
import { copyToChdb, describeOnReference } from '../support/clickhouse-reference';
import { runServices, type RunSpec, type ServiceCall } from '../support/run-services';

/**
 * The reasons and channels modules on ClickHouse: reasonTrends at every grain, refundSpikes at several
 * thresholds and channelConsistency at several minimums and gaps, for several filters, on the two-shard
 * 18.16 cluster and on current ClickHouse (chdb), give DuckDB's answers (with and without its rollups)
 * on the cross-check's data (seed 11 and the edge rows).
 */
const DB = 'refunds';
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

/** Equal, doubles to 1e-9 relative (Kahan sums in another order). */
const closeTo = (x: unknown, y: unknown): boolean =>
  typeof x === 'number' && typeof y === 'number' ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)) : x === y;

/** Where two answers differ (at most 20), walking objects and arrays; numbers compared with `closeTo`. */
function answerDifferences(got: unknown, want: unknown, path: string): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, p: string): void => {
    if (out.length >= 20) return;
    if (Array.isArray(b)) {
      if (!Array.isArray(a)) out.push(`${p}: got ${JSON.stringify(a)}, want an array`);
      else if (a.length !== b.length) out.push(`${p}: ${a.length} items, want ${b.length}`);
      else b.forEach((x, i) => walk(a[i], x, `${p}[${i}]`));
    } else if (b !== null && typeof b === 'object') {
      if (a === null || typeof a !== 'object') out.push(`${p}: got ${JSON.stringify(a)}, want an object`);
      else
        for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
          walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${p}.${k}`);
    } else if (!closeTo(a, b)) out.push(`${p}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
  };
  walk(got, want, path);
  return out;
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

/**
 * The dialect points these modules added, on hand-made rows, as in the DuckDB dialect spec
 * (shared/engine-duckdb/src/dialect.spec.ts), which gives the same answers except where noted.
 */
function pointStatements(): Sql[] {
  const d = clickhouseDialect(new ChNames('refunds', null));
  const t = raw(`(SELECT 1 AS g, 3 AS v, 2 AS o, 1 AS c UNION ALL SELECT 1, 5, 1, 1 UNION ALL SELECT 1, 7, 3, 0 UNION ALL SELECT 2, 4, 1, 0) AS t`);
  const joined = (kind: 'inner' | 'left') =>
    sql`SELECT k, a, b FROM (SELECT 1 AS k, 'x' AS a UNION ALL SELECT 2 AS k, 'y' AS a) AS l ${raw(d.join(kind))} (SELECT 1 AS k, 'z' AS b) AS r USING (k) ORDER BY k`;
  // 2024-01-07T23:59:59.999Z (a Sunday), 2024-01-08T00:00Z and 2024-05-15T12:00Z as stored (microseconds)
  const [sun, mon, may] = ['toInt64(1704671999999000)', 'toInt64(1704672000000000)', 'toInt64(1715774400000000)'];
  return [
    sql`SELECT g, ${raw(d.anyValue('g'))} AS any_g, ${raw(d.argMin('v', '(-c, o)'))} AS top FROM ${t} GROUP BY g ORDER BY g`,
    joined('inner'),
    joined('left'),
    sql`SELECT ${raw(d.formatDay(d.periodDate('week', sun)))} AS wk, ${raw(d.periodDate('week', mon))} - ${raw(d.periodDate('week', sun))} AS days,
      ${raw(d.formatDay(d.periodDate('quarter', may)))} AS qtr`,
  ];
}

const POINT_ANSWERS = [
  [
    { g: 1, any_g: 1, top: 5 },
    { g: 2, any_g: 2, top: 4 },
  ],
  [{ k: 1, a: 'x', b: 'z' }],
  // An unmatched row of a LEFT JOIN gets the column's default ('') on ClickHouse, NULL on DuckDB: the
  // queries join to the right only columns that are Nullable (NULL there too) or rows that always match.
  [
    { k: 1, a: 'x', b: 'z' },
    { k: 2, a: 'y', b: '' },
  ],
  [{ wk: '2024-01-01', days: 7, qtr: '2024-04-01' }],
];

const jsonRows = (body: string): unknown[] =>
  body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as unknown);

describeOnReference('reasons and channels on ClickHouse', DB, ({ cluster, ref }) => {
  let filters: RefundFilter[];
  let expected: Answers[];

  beforeAll(() => {
    const { top, span } = ref();
    filters = [
      {},
      { from: span.mid, to: span.late },
      { channels: [top.channel, "o'brien\\"] },
      { from: span.mid, reasonCodes: [top.reason_code], campaigns: [top.campaign] },
      // an agent: spikes read refund_facts on DuckDB even with rollups (product_weekly has no agent)
      { teams: [top.team], agentIds: [top.agent_id] },
      // the edge rows only (all in 2026), with the hand-made channel-consistency fixture
      { from: '2026-01-01' },
      { from: '2000-01-01', to: '9999-12-31' },
    ];
    expected = answersOn({ engine: 'duckdb', file: ref().duckFile }, filters).answers;
  }, 300_000);

  test('DuckDB answers are not empty and hold hand-checked numbers, and its rollups give the same answers', async () => {
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
    // Sparklines, counted another way: defect refunds per product and Monday, straight from refund_facts.
    const inst = await openDatabase(ref().duckFile);
    const conn = await connect(inst);
    try {
      for (const i of [0, 2]) {
        const channels = filters[i].channels ?? null;
        const counts = await queryRows<{ product_id: string; wk: string; n: number }>(
          conn,
          sql`SELECT product_id, strftime(date_trunc('week', requested_at), '%Y-%m-%d') AS wk, count(*) AS n FROM refund_facts
            WHERE reason_family = 'defect' AND (${channels}::VARCHAR[] IS NULL OR list_contains(${channels}::VARCHAR[], channel)) GROUP BY ALL`,
        );
        const at = new Map(counts.map((r) => [`${r.product_id}|${r.wk}`, r.n]));
        const spikes = expected[i].spikes[1];
        expect(spikes.length).toBeGreaterThan(10);
        for (const s of spikes) {
          const monday = Date.parse(`${s.week}T00:00:00Z`);
          const weeks = Array.from({ length: 12 }, (_, j) => new Date(monday - (11 - j) * 7 * 86_400_000).toISOString().slice(0, 10));
          expect([s.productId, s.week, s.history]).toEqual([s.productId, s.week, weeks.map((w) => at.get(`${s.productId}|${w}`) ?? 0)]);
        }
        expect(spikes.some((s) => s.history.slice(0, 11).some((n) => n > 0))).toBe(true);
      }
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
    // The edge fixture (test/support/edge-rows.ts): size x toys, store 2 of 4 approved and marketplace 2 of 2 in [50,200) (gap 0.5),
    // both 2 of 2 in [0,50) (gap 0); no other 2026 cohort has two channels with 2 decided refunds.
    const edge = expected[5].consistency[1];
    expect(edge.cohorts.map((c) => [c.reasonCode, c.productLine, c.amountBand, c.gap, c.channels.map((x) => [x.channel, x.n, x.approvalRate])])).toEqual([
      [
        'size',
        'toys',
        '[50,200)',
        0.5,
        [
          ['marketplace', 2, 1],
          ['store', 4, 0.5],
        ],
      ],
      [
        'size',
        'toys',
        '[0,50)',
        0,
        [
          ['marketplace', 2, 1],
          ['store', 2, 1],
        ],
      ],
    ]);
    expect(edge.n).toBe(10);
    compare(answersOn({ engine: 'duckdb', file: ref().duckFile, rollups: true }, filters).answers, expected, filters);
  });

  test('the dialect points of these queries on 18.16 and on current ClickHouse (chdb), on hand-made rows', async () => {
    const statements = pointStatements().map((q) => `${compileClickHouse(q)} FORMAT JSONEachRow`);
    const old = [];
    for (const s of statements) old.push(jsonRows(await cluster().query(0, s)));
    expect(old).toEqual(POINT_ANSWERS);
    expect(statements.map((s) => jsonRows(chdbQuery(s, 'TSVRaw')))).toEqual(POINT_ANSWERS);
  });

  test('the two-shard 18.16 cluster gives DuckDB answers, filter by filter', () => {
    compare(answersOn({ engine: 'clickhouse', url: cluster().url(DB) }, filters).answers, expected, filters);
  });

  test('the same statements run on current ClickHouse (chdb) and give DuckDB answers', async () => {
    const path = join(ref().dir, 'chdb');
    const { version } = await copyToChdb(cluster(), DB, path, ['refund_facts']);
    const current = answersOn({ engine: 'chdb', path, database: DB, version }, filters);
    expect(Number(current.version?.split('.')[0])).toBeGreaterThanOrEqual(24);
    compare(current.answers, expected, filters);
  });
});
