import { METRICS, type MeasureRef } from '@refunds/shared';
import { MEASURE_BY_NAME, MEASURE_TABLES, PRODUCT_WEEKLY_COLUMNS, ROLLUPS } from './index';

/** The catalog names measures and rollups by name; these must exist in the warehouse model. */
describe('every metric of the catalog is answerable by the warehouse model', () => {
  const refs = (m: (typeof METRICS)[number]): MeasureRef[] => {
    const c = m.compute;
    switch (c.kind) {
      case 'sum':
        return [c.sum];
      case 'ratio':
        return [c.numerator, c.denominator, ...(c.minus ? [c.minus] : [])];
      case 'derived':
        return [...c.reads];
    }
  };

  test.each(METRICS.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const used = refs(m);
    expect(used.length).toBeGreaterThan(0);
    for (const r of used) expect(MEASURE_BY_NAME.has(r.measure)).toBe(true);
    const needs = [...(m.keys ?? []), ...(used.some((r) => r.decisions) ? ['decision'] : [])];
    for (const name of m.rollups) {
      const table = MEASURE_TABLES.find((t) => t.table === name);
      expect(table).toBeDefined();
      // a table answers with the measures it has, grouped by the keys the metric needs
      for (const r of used) expect(table!.measures).toContain(r.measure);
      for (const k of needs) expect(table!.keys).toContain(k);
    }
  });

  test('the measure tables are the ones the loader creates', () => {
    expect(MEASURE_TABLES.slice(0, ROLLUPS.length).map((t) => t.table)).toEqual(ROLLUPS.map((r) => r.table));
    const weekly = MEASURE_TABLES.find((t) => t.table === 'product_weekly')!;
    for (const k of weekly.keys) expect(PRODUCT_WEEKLY_COLUMNS).toContain(`${k} VARCHAR`);
  });
});
