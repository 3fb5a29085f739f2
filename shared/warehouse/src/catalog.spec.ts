import { METRIC_BY_NAME, METRICS, type MetricDef } from '@refunds/shared';
import { catalogModelProblems, MEASURE_TABLES, PRODUCT_WEEKLY_COLUMNS, ROLLUP_BUILDS, ROLLUP_DDL, ROLLUPS, rollupBuildProblems } from './index';

describe('the catalog names measures and tables of the warehouse model', () => {
  test('every metric of the catalog is answerable', () => {
    expect(catalogModelProblems()).toEqual([]);
    // every metric names measures, and the compiled ones say which rollups answer them
    for (const m of METRICS) if (m.compute.kind !== 'derived') expect(m.rollups.length).toBeGreaterThan(0);
  });

  test('a wrong measure, table or key is reported', () => {
    const rate = METRIC_BY_NAME.get('rejectionRate')!;
    const broken: MetricDef[] = [
      { ...rate, name: 'a', compute: { kind: 'ratio', numerator: { measure: 'no_such' }, denominator: { measure: 'n' } } },
      { ...rate, name: 'b', rollups: ['product_weekly'] },
      { ...rate, name: 'c', keys: ['agent_id'] },
    ];
    expect(catalogModelProblems(broken)).toEqual([
      'metric a: no measure no_such in the warehouse model',
      'metric a: refund_daily lacks measure no_such',
      'metric a: agent_daily lacks measure no_such',
      'metric a: cohort_daily lacks measure no_such',
      'metric b: product_weekly lacks key decision',
      'metric c: refund_daily lacks key agent_id',
      'metric c: cohort_daily lacks key agent_id',
    ]);
  });

  test('the measure tables are the ones the loader creates', () => {
    expect(MEASURE_TABLES.slice(0, ROLLUPS.length).map((t) => t.table)).toEqual(ROLLUPS.map((r) => r.table));
    const weekly = MEASURE_TABLES.find((t) => t.table === 'product_weekly')!;
    for (const k of weekly.keys) expect(PRODUCT_WEEKLY_COLUMNS).toContain(`${k} VARCHAR`);
  });
});

describe('the rollup declarations both engines build from', () => {
  const byTable = (t: string) => ROLLUP_BUILDS.find((b) => b.table === t)!;

  test('every rollup table is declared once, each after the rollup it is summed from', () => {
    expect(rollupBuildProblems(ROLLUP_BUILDS)).toEqual([]);
    expect(new Set(ROLLUP_BUILDS.map((b) => b.table)).size).toBe(ROLLUP_DDL.length);
    expect(ROLLUP_BUILDS.map((b) => `${b.table}<${b.source}`)).toEqual(
      expect.arrayContaining([
        'defect_weekly<product_weekly',
        'defect_line_weekly<defect_weekly',
        'cohort_yearly<cohort_monthly',
        'refund_weekly<refund_daily',
      ]),
    );
  });

  test('a declaration out of order, over a missing source, or with other columns is reported', () => {
    const weekly = byTable('product_weekly');
    const defect = byTable('defect_weekly');
    const yearly = byTable('agent_yearly');
    expect(
      rollupBuildProblems([
        defect,
        weekly,
        { ...weekly, table: 'x', source: 'nowhere' },
        { ...yearly, source: 'orders' },
        { ...weekly, table: 'y', keys: ['product_id'] },
        { ...byTable('refund_daily'), source: 'product_weekly' },
      ]),
    ).toEqual([
      'defect_weekly is declared before product_weekly, which it is summed from',
      'x reads nowhere, which is neither a data table nor a rollup',
      'agent_yearly sums the measures from orders, which lacks them',
      `y declares columns ${PRODUCT_WEEKLY_COLUMNS.split(', ')
        .map((c) => c.split(' ')[0])
        .join(', ')}, not its groups and measures wk, product_id, n`,
      'refund_daily computes the measures from product_weekly, not refund_facts',
    ]);
  });
});
