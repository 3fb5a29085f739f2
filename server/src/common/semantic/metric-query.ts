import { METRIC_BY_NAME, type Decision, type MeasureRef, type MetricDef, type RefundFilter, type RollupName } from '@refunds/shared';
import { factsWithCutoffs, measuresSql, metricMeasureRefs, raw, sql, type Dialect, type Raw, type Sql } from '@refunds/warehouse';
import { dialect } from './dialect';
import { factSource } from './filter';

/**
 * The metric compiler: a request names catalog metrics, a filter and group keys; the catalog names
 * each metric's measures (shared/src/catalog.ts) and the warehouse model how each measure
 * aggregates over refund_facts or a rollup (shared/warehouse/src/rollups.ts). One query returns the
 * measures per group and decision; `metricValue` folds those rows into a metric's value, so a
 * numerator and its denominator are bound in the catalog, not in a repository.
 */
export interface MetricRequest {
  metrics: readonly string[];
  filter: RefundFilter;
  /** Fact columns to group by (besides decision), e.g. agent_id. */
  groupBy?: readonly string[];
  /** A further condition on the rows (trusted text of the model, e.g. DECIDED_SQL). */
  where?: Raw;
  /** Whether the rollups may answer (off only to compare against refund_facts). */
  rollups: boolean;
  /** The warehouse's dialect (the server's default engine when absent). */
  dialect?: Dialect;
}

/** Measure totals of one group and decision, by measure name. */
export type MeasureRow = Record<string, unknown> & { decision: string };

export function metricDef(name: string): MetricDef {
  const def = METRIC_BY_NAME.get(name);
  if (!def) throw new Error(`metric ${name} is not in the catalog`);
  return def;
}

/** SQL for the measures of the requested metrics per group and decision, from the first rollup every metric allows, else refund_facts. */
export function compileMetrics(req: MetricRequest): Sql {
  const defs = req.metrics.map(metricDef);
  const measures = [...new Set(defs.flatMap(metricMeasureRefs).map((r) => r.measure))];
  const keys = [...(req.groupBy ?? []), 'decision'];
  const allowed = defs.reduce<readonly RollupName[]>((acc, d) => acc.filter((t) => d.rollups.includes(t)), ['refund_daily', 'agent_daily', 'cohort_daily']);
  const d = req.dialect ?? dialect;
  // Group keys are never periods here: the range's whole months may come from the monthly rollups.
  const src = factSource(req.filter, req.rollups, keys, allowed, d, { periods: 'NONE' });
  const where = req.where ? sql`${req.where} AND ${src.filter}` : src.filter;
  const group = raw(keys.map((k) => d.quote(k)).join(', '));
  // Where aliases shadow columns, the measures are named apart inside and renamed outside.
  const prefix = d.globalAliases ? 'm_' : '';
  const facts = factsWithCutoffs(d);
  const inner = src.rollup
    ? sql`SELECT ${group}, ${measuresSql('rollup', measures, d, prefix)} FROM ${src.table} WHERE ${where} GROUP BY ${group}`
    : sql`${facts.with}SELECT ${group}, ${measuresSql('fact', measures, d, prefix)} FROM ${facts.from} WHERE ${where} GROUP BY ${group}`;
  if (!prefix) return inner;
  return sql`SELECT ${group}, ${raw(measures.map((m) => `${prefix}${m} AS ${m}`).join(', '))} FROM (${inner})`;
}

/** A measure summed over the rows of the decisions it is scoped to. */
export function total(ref: MeasureRef, rows: readonly MeasureRow[]): number {
  let sum = 0;
  for (const r of rows) if (!ref.decisions || ref.decisions.includes(r.decision as Decision)) sum += Number(r[ref.measure] ?? 0);
  return sum;
}

/** A sum or ratio metric over measure rows; a ratio over an empty denominator is null (metrics.md). */
export function metricValue(name: string, rows: readonly MeasureRow[]): number | null {
  const c = metricDef(name).compute;
  switch (c.kind) {
    case 'sum':
      return total(c.sum, rows);
    case 'ratio': {
      const den = total(c.denominator, rows);
      if (!(den > 0)) return null;
      const num = c.minus ? total(c.numerator, rows) - total(c.minus, rows) : total(c.numerator, rows);
      return c.scale === undefined ? num / den : (c.scale * num) / den;
    }
    case 'derived':
      throw new Error(`metric ${name} is derived by its service, not compiled`);
  }
}

/** The denominator of a ratio metric (responses, eligible refunds, ...), which panels show beside it. */
export function denominatorOf(name: string, rows: readonly MeasureRow[]): number {
  const c = metricDef(name).compute;
  if (c.kind !== 'ratio') throw new Error(`metric ${name} is no ratio`);
  return total(c.denominator, rows);
}
