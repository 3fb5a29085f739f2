import { METRICS, type MeasureRef, type MetricDef } from '@refunds/shared';
import { MEASURE_BY_NAME, MEASURE_TABLES } from './rollups';

/** The measures a catalog metric reads. */
export function metricMeasureRefs(def: MetricDef): MeasureRef[] {
  const c = def.compute;
  switch (c.kind) {
    case 'sum':
      return [c.sum];
    case 'ratio':
      return [c.numerator, c.denominator, ...(c.minus ? [c.minus] : [])];
    case 'derived':
      return [...c.reads];
  }
}

/**
 * Checks the catalog against the warehouse model: every measure a metric names exists, and every
 * table it says can answer it has those measures and the keys it needs (decision when a measure is
 * scoped to decisions). Run by a unit test and at server boot, with validateCatalog.
 */
export function catalogModelProblems(metrics: readonly MetricDef[] = METRICS): string[] {
  const problems: string[] = [];
  for (const m of metrics) {
    const refs = metricMeasureRefs(m);
    if (refs.length === 0) problems.push(`metric ${m.name} names no measures`);
    for (const r of refs) if (!MEASURE_BY_NAME.has(r.measure)) problems.push(`metric ${m.name}: no measure ${r.measure} in the warehouse model`);
    const keys = [...(m.keys ?? []), ...(refs.some((r) => r.decisions) ? ['decision'] : [])];
    for (const name of m.rollups) {
      const table = MEASURE_TABLES.find((t) => t.table === name);
      if (!table) {
        problems.push(`metric ${m.name}: no table ${name} holds measures`);
        continue;
      }
      for (const r of refs) if (!table.measures.includes(r.measure)) problems.push(`metric ${m.name}: ${name} lacks measure ${r.measure}`);
      for (const k of keys) if (!table.keys.includes(k)) problems.push(`metric ${m.name}: ${name} lacks key ${k}`);
    }
  }
  return problems;
}
