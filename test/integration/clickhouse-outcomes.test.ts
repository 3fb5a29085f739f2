import { join } from 'node:path';
import { DIMENSIONS, type RefundFilter } from '@refunds/shared';
import { connect, openDatabase, queryRows } from '@refunds/etl';
import type { Principal } from '../../server/src/modules/auth/auth.types';
import type { ExperienceGroup, RejectionEconomics, RejectionEffect, RepurchaseGroup } from '../../server/src/modules/outcomes/models/outcomes.model';
import type { PolicyChange, PolicyImpact } from '../../server/src/modules/policy/models/policy.model';
import { runServices, type RunSpec, type ServiceCall } from '../support/run-services';
import { describeClickHouse, startClickHouseCluster, type ClickHouseCluster } from '../support/clickhouse';
import { copyToChdb, differences, loadReference, type Reference } from '../support/clickhouse-reference';

/**
 * The outcomes and policy modules on ClickHouse: every service method their resolvers call
 * (customerExperience and repurchaseAfterRefund by every dimension and grain, rejectionEconomics and
 * rejectionEffect with its strata for the panel's windows and others, policyChanges and policyImpact
 * with its intervals), for several filters, on the two-shard 18.16 cluster and on current ClickHouse
 * (chdb), give DuckDB's numbers (without and with rollups).
 *
 * Windows outside the precomputed ones (45 days, 1, 730) join the customers' orders with fx rates at
 * query time (DuckDB: ASOF join; ClickHouse: the customer's orders as an array, the last rate on or
 * before each order's day). Policy changes beside the generated ones: one at a time of day with a
 * fraction of a second (never the daily rollup), scoped by channel and product line; one scoped by a
 * channel that needs quoting; one at midnight scoped by product line.
 */
const EXTRA_POLICY = [
  'PX1,2025-02-14T13:45:30.250Z,Afternoon change,,web,electronics',
  "PX2,2025-06-01T06:00:00Z,Quoting,,o'brien\\,",
  'PX3,2025-01-01T00:00:00Z,Midnight change,Home goods only,,home',
  'PX4,2024-11-30T23:59:59Z,Everything,,,',
];

const WHO: Principal = { userId: null, name: 'test', role: 'admin', tokenId: null, via: 'bearer' };
const GRAINS = ['DAY', 'WEEK', 'MONTH', 'QUARTER'] as const;
/** Every groupBy the resolvers accept (PERIOD at every grain). */
const GROUPINGS: Array<[string, string]> = [
  ...DIMENSIONS.filter((d) => d.name !== 'PERIOD').map((d): [string, string] => [d.name, 'WEEK']),
  ...GRAINS.map((g): [string, string] => ['PERIOD', g]),
];
/** 30 (the default; the rollup answers on DuckDB), 45 (no precomputed column): by every grouping. */
const GROUPED_WINDOWS = [30, 45];
const REPURCHASE_WINDOWS = [1, 7, 90, 180, 365, 730];
/** The panel's window selector (30/60/90/180) and windows without a precomputed column. */
const ECONOMICS_WINDOWS = [30, 45, 60, 90, 180, 365];
const POLICY_WINDOWS = [90, 30, 7, 400];

interface Labelled extends ServiceCall {
  label: string;
}

function outcomeCalls(filters: readonly RefundFilter[]): Labelled[] {
  return filters.flatMap((f, i) => [
    ...GROUPINGS.map(([dim, grain]): Labelled => ({
      label: `#${i} experience ${dim} ${grain}`,
      module: 'outcomes',
      method: 'experience',
      args: [f, dim, grain, WHO],
    })),
    ...GROUPED_WINDOWS.flatMap((w) =>
      GROUPINGS.map(([dim, grain]): Labelled => ({
        label: `#${i} repurchase ${w} ${dim} ${grain}`,
        module: 'outcomes',
        method: 'repurchase',
        args: [f, w, dim, grain, WHO],
      })),
    ),
    ...REPURCHASE_WINDOWS.map((w): Labelled => ({
      label: `#${i} repurchase ${w}`,
      module: 'outcomes',
      method: 'repurchase',
      args: [f, w, 'DECISION', 'WEEK', WHO],
    })),
    ...ECONOMICS_WINDOWS.map((w): Labelled => ({ label: `#${i} economics ${w}`, module: 'outcomes', method: 'economics', args: [f, w] })),
    ...ECONOMICS_WINDOWS.map((w): Labelled => ({ label: `#${i} effect ${w}`, module: 'outcomes', method: 'effect', args: [f, w] })),
  ]);
}

function policyCalls(changeIds: readonly string[]): Labelled[] {
  return [
    { label: 'policy changes', module: 'policy', method: 'changes', args: [] },
    ...changeIds.flatMap((id) => POLICY_WINDOWS.map((w): Labelled => ({ label: `policy ${id} ${w}`, module: 'policy', method: 'impact', args: [id, w] }))),
  ];
}

function run(spec: RunSpec, calls: readonly Labelled[]): { version: string | null; answers: Map<string, unknown> } {
  const { version, answers } = runServices(spec, calls);
  return { version, answers: new Map(calls.map((c, i) => [c.label, answers[i]])) };
}

function expectSame(got: Map<string, unknown>, want: Map<string, unknown>): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  const diffs = [...want].flatMap(([label, w]) => differences(got.get(label), w, label, 5)).slice(0, 30);
  expect(diffs).toEqual([]);
}

describeClickHouse('outcomes and policy on ClickHouse', () => {
  let ch: ClickHouseCluster;
  let ref: Reference;
  let calls: Labelled[];
  let expected: Map<string, unknown>;

  beforeAll(async () => {
    ch = await startClickHouseCluster();
    ref = await loadReference(ch, 'outcomes', { policy_changes: EXTRA_POLICY });
    const changes = runServices<PolicyChange[]>({ engine: 'duckdb', file: ref.duckFile }, [{ module: 'policy', method: 'changes', args: [] }]).answers[0];
    calls = [...outcomeCalls(ref.filters), ...policyCalls(changes.map((c) => c.changeId))];
    expected = run({ engine: 'duckdb', file: ref.duckFile }, calls).answers;
  }, 600_000);

  afterAll(async () => {
    await ch?.stop();
  });

  test('DuckDB answers are not empty, and its rollups agree with refund_facts (the reference the ClickHouse answers are held to)', () => {
    const get = <T>(label: string) => expected.get(label) as T;
    expect(get<ExperienceGroup[]>('#0 experience DECISION WEEK').length).toBeGreaterThanOrEqual(4);
    expect(get<ExperienceGroup[]>('#0 experience PERIOD WEEK').length).toBeGreaterThan(20);
    const rep45 = get<RepurchaseGroup[]>('#0 repurchase 45 DECISION WEEK');
    const rep30 = get<RepurchaseGroup[]>('#0 repurchase 30 DECISION WEEK');
    expect(rep45.reduce((n, g) => n + g.repurchased, 0)).toBeGreaterThan(rep30.reduce((n, g) => n + g.repurchased, 0));
    expect(rep45.every((g) => (g.repurchaseRevenue ?? 0) > 0)).toBe(true);
    const eco = get<RejectionEconomics>('#0 economics 45');
    expect(eco.rejectedCount).toBeGreaterThan(0);
    expect(eco.revenueGap).not.toBeNull();
    const effect = get<RejectionEffect>('#0 effect 90');
    expect(effect.att).not.toBeNull();
    expect(effect.strata.length).toBeGreaterThan(5);
    expect(get<RejectionEffect>('#0 effect 45').strata.length).toBeGreaterThan(5);
    // The quoting-only team filter selects nothing.
    expect(get<ExperienceGroup[]>('#5 experience DECISION WEEK')).toEqual([]);
    const changes = get<PolicyChange[]>('policy changes');
    expect(changes.map((c) => c.changeId)).toEqual(expect.arrayContaining(['PX1', 'PX2', 'PX3', 'PX4']));
    expect(changes.find((c) => c.changeId === 'PX1')?.effectiveAt).toBe('2025-02-14T13:45:30.250Z');
    const px1 = get<PolicyImpact>('policy PX1 90');
    expect(px1.metrics.find((m) => m.metric === 'approvalRate')?.low).not.toBeNull();
    expect(px1.metrics.find((m) => m.metric === 'csatAvg')?.diffInDiff).not.toBeNull();
    expect(get<PolicyImpact>('policy PX2 90').metrics[0].preN).toBe(0);
    expectSame(run({ engine: 'duckdb', file: ref.duckFile, rollups: true }, calls).answers, expected);
  });

  test('the two-shard 18.16 cluster gives DuckDB numbers, call by call, from its rollups and from refund_facts', () => {
    expectSame(run({ engine: 'clickhouse', url: ch.url('outcomes') }, calls).answers, expected);
    expectSame(run({ engine: 'clickhouse', url: ch.url('outcomes'), rollups: false }, calls).answers, expected);
  });

  test('a window without a precomputed column, worked by hand on the edge rows (2026), on every engine', async () => {
    // phone: RX05 (rejected, decided 2026-01-09 12:00) repurchases OX52 at exactly decided + 30 d (200 CNY; OX53 at
    // decided_at is not after it); RX07 (partial) has no other order. web: RX01 (approved) has OX03 at decided + 30 d
    // (100 CNY), RX06 (approved, decided 2026-01-08 00:00:01) has OX61, 50 USD at 2026-02-07 00:00:02.
    const inst = await openDatabase(ref.duckFile);
    const conn = await connect(inst);
    let usd: number;
    try {
      const [r] = await queryRows<{ rate: number }>(
        conn,
        `SELECT rate_to_reporting AS rate FROM fx_rates WHERE currency = 'USD' AND date <= DATE '2026-02-07' ORDER BY date DESC LIMIT 1`,
      );
      usd = r.rate;
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
    expect(usd).toBeGreaterThan(1);
    const phone = { from: '2026-01-01', channels: ['phone'] };
    const web = { from: '2026-01-01', channels: ['web'] };
    const hand: Labelled[] = [
      { label: 'phone 31', module: 'outcomes', method: 'repurchase', args: [phone, 31, 'DECISION', 'WEEK', WHO] },
      { label: 'phone 29', module: 'outcomes', method: 'repurchase', args: [phone, 29, 'DECISION', 'WEEK', WHO] },
      { label: 'web 31', module: 'outcomes', method: 'repurchase', args: [web, 31, 'DECISION', 'WEEK', WHO] },
    ];
    const want = new Map<string, unknown>([
      [
        'phone 31',
        [
          { key: 'partial', eligible: 1, repurchased: 0, repurchaseRate: 0, repurchaseRevenue: 0 },
          { key: 'rejected', eligible: 1, repurchased: 1, repurchaseRate: 1, repurchaseRevenue: 200 },
        ],
      ],
      [
        'phone 29',
        [
          { key: 'partial', eligible: 1, repurchased: 0, repurchaseRate: 0, repurchaseRevenue: 0 },
          { key: 'rejected', eligible: 1, repurchased: 0, repurchaseRate: 0, repurchaseRevenue: 0 },
        ],
      ],
      ['web 31', [{ key: 'approved', eligible: 2, repurchased: 2, repurchaseRate: 1, repurchaseRevenue: (100 + 50 * usd) / 2 }]],
    ]);
    for (const spec of [
      { engine: 'duckdb', file: ref.duckFile },
      { engine: 'duckdb', file: ref.duckFile, rollups: true },
      { engine: 'clickhouse', url: ch.url('outcomes') },
    ] as RunSpec[]) {
      const got = run(spec, hand).answers;
      expect({ engine: spec, diff: [...want].flatMap(([l, w]) => differences(got.get(l), w, l)) }).toEqual({ engine: spec, diff: [] });
    }
  });

  test('the same statements run on current ClickHouse (chdb), from refund_facts and from the rollups, and give DuckDB numbers', async () => {
    const spec = await copyToChdb(ch, 'outcomes', join(ref.dir, 'chdb'), [
      'orders',
      'refund_facts',
      'fact_versions',
      'load_versions',
      'fx_rates',
      'meta',
      'policy_changes',
    ]);
    const current = run({ engine: 'chdb', ...spec }, calls);
    expect(Number(current.version?.split('.')[0])).toBeGreaterThanOrEqual(24);
    expectSame(current.answers, expected);
    expectSame(run({ engine: 'chdb', ...spec, rollups: true }, calls).answers, expected);
  });
});
