import { DIMENSION_BY_NAME, type DimensionName, type Grain } from '@refunds/shared';
import { raw, type Dialect, type Raw, type TimeUnit } from '@refunds/warehouse';
import { dialect } from './dialect';

const GRAIN_UNIT: Record<Grain, TimeUnit> = { DAY: 'day', WEEK: 'week', MONTH: 'month', QUARTER: 'quarter' };

/** The first instant of the period of a timestamp column at a grain (group by this, format later). */
export function periodStartSql(grain: Grain, column = 'requested_at', d: Dialect = dialect): Raw {
  return raw(d.dateTrunc(GRAIN_UNIT[grain], d.quote(column)));
}

/** The period key (first day, YYYY-MM-DD) of a timestamp column at a grain. */
export function periodSql(grain: Grain, column = 'requested_at', d: Dialect = dialect): Raw {
  return raw(d.formatDay(d.dateTrunc(GRAIN_UNIT[grain], d.quote(column))));
}

/** SQL for a group key: the catalog's column, or the period of the time column for PERIOD. */
export function dimensionSql(dim: DimensionName, grain: Grain = 'WEEK', timeColumn = 'requested_at'): Raw {
  if (dim === 'PERIOD') return periodSql(grain, timeColumn);
  const def = DIMENSION_BY_NAME.get(dim);
  if (!def) throw new Error(`dimension ${dim} missing from the catalog`);
  return raw(dialect.quote(def.column));
}

/** The fact column a dimension groups by; PERIOD needs only the time column, which every rollup has. */
export function dimensionColumn(dim: DimensionName): string | undefined {
  if (dim === 'PERIOD') return undefined;
  const def = DIMENSION_BY_NAME.get(dim);
  if (!def) throw new Error(`dimension ${dim} missing from the catalog`);
  return def.column;
}
