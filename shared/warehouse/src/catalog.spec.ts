import { METRIC_BY_NAME, METRICS, type MetricDef } from '@refunds/shared';
import { catalogModelProblems, MEASURE_TABLES, PRODUCT_WEEKLY_COLUMNS, ROLLUPS } from './index';

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
