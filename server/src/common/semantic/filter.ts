import { FILTER_COLUMNS, type FilterListField, type Grain, type RefundFilter } from '@refunds/shared';
import { join, raw, ROLLUPS, sql, type CoarseGrain, type Dialect, type Raw, type RollupSpec, type Sql } from '@refunds/warehouse';
import { dialect } from './dialect';
import { badInput } from '../errors';

export const MAX_LIST = 500;
export const MAX_VALUE_LENGTH = 200;

/** Checks a filter's arguments; throws BAD_USER_INPUT naming the argument. */
export function validateFilter(f: RefundFilter | null | undefined, arg = 'filter'): RefundFilter {
  if (!f) return {};
  if (f.from && f.to && f.from > f.to) throw badInput(`${arg}.from`, `must not be after ${arg}.to (from ${f.from}, to ${f.to})`);
  for (const field of Object.keys(FILTER_COLUMNS) as FilterListField[]) {
    const list = f[field];
    if (!list) continue;
    if (list.length > MAX_LIST) throw badInput(`${arg}.${field}`, `at most ${MAX_LIST} values`);
    for (const v of list) if (v.length > MAX_VALUE_LENGTH) throw badInput(`${arg}.${field}`, `values are at most ${MAX_VALUE_LENGTH} characters`);
  }
  // The loader stores channels lower-cased and reason codes as snake_case; match what users type.
  const out: RefundFilter = { ...f };
  if (f.channels) out.channels = f.channels.map((c) => c.trim().toLowerCase());
  if (f.reasonCodes) out.reasonCodes = f.reasonCodes.map((c) => c.trim().toLowerCase().replace(/\s+/g, '_'));
  return out;
}

export interface FilterParts {
  /** Skip the time range (e.g. spikes, whose history before `from` still feeds `expected`). */
  withoutTime?: boolean;
  /** Only these list fields apply (e.g. orders know channel and campaign only). */
  only?: readonly FilterListField[];
  /** Column renames for tables other than refund_facts. */
  columns?: Partial<Record<FilterListField | 'time', string>>;
  alias?: string;
  /** The time column is a DATE (the rollups' `day`): compare with dates, so row-group pruning applies. */
  dateColumn?: boolean;
  /** The warehouse's dialect (the server's default engine when absent). */
  dialect?: Dialect;
}

/** Compiles a filter to a parameterised boolean condition over refund_facts (TRUE when empty). */
export function filterCondition(f: RefundFilter, parts: FilterParts = {}): Sql {
  const d = parts.dialect ?? dialect;
  const a = parts.alias ? `${d.quote(parts.alias)}.` : '';
  const conds: Sql[] = [];
  const timeCol = raw(a + d.quote(parts.columns?.time ?? 'requested_at'));
  if (!parts.withoutTime) {
    const of = parts.dateColumn ? 'date' : 'timestamp';
    if (f.from) conds.push(d.dayBound(timeCol, '>=', f.from, of));
    if (f.to) conds.push(d.dayBound(timeCol, '<', f.to, of));
  }
  for (const field of Object.keys(FILTER_COLUMNS) as FilterListField[]) {
    if (parts.only && !parts.only.includes(field)) continue;
    const list = f[field];
    if (!list || list.length === 0) continue;
    const col = raw(a + d.quote(parts.columns?.[field] ?? FILTER_COLUMNS[field]));
    conds.push(d.inList(col, list));
  }
  return conds.length ? join(conds, ' AND ') : sql`${raw(d.true)}`;
}

const EARLIEST_DAY = Date.parse('0001-01-01T00:00:00Z');

/** The same-length period just before [from, to), for "previous period" comparisons. */
export function previousPeriod(f: RefundFilter): RefundFilter | null {
  if (!f.from || !f.to) return null;
  const from = Date.parse(`${f.from}T00:00:00Z`);
  const to = Date.parse(`${f.to}T00:00:00Z`);
  // A range longer than the years before it (from 2000 to 9999) would start the previous period
  // before year 1, which no SQL timestamp holds: it starts at 0001-01-01 instead.
  const prevFrom = new Date(Math.max(from - (to - from), EARLIEST_DAY)).toISOString().slice(0, 10);
  return { ...f, from: prevFrom, to: f.from };
}

/**
 * Where a refund query reads from: the first daily rollup (of `among`) that has every column the
 * filter uses and every column in `needs` (group keys, decision, ...), else refund_facts. `filter` is the
 * WHERE condition for that table.
 */
export interface FactSource {
  rollup: boolean;
  table: Raw | Sql;
  /** The time column to take periods of: `day` in a rollup, requested_at in refund_facts. */
  time: string;
  filter: Sql;
}

/** The fact columns a filter's lists narrow (time aside). */
export function filterColumnsUsed(f: RefundFilter): string[] {
  return (Object.keys(FILTER_COLUMNS) as FilterListField[]).filter((k) => f[k]?.length).map((k) => FILTER_COLUMNS[k] as string);
}

export interface FactSourceOptions {
  /**
   * The finest period the query groups by (NONE: it sums over its whole range). The range's whole
   * weeks (WEEK) or months (MONTH, QUARTER, NONE) may then come from the coarser rollups.
   */
  periods?: Grain | 'NONE';
}

export function factSource(
  f: RefundFilter,
  rollupsOn: boolean,
  needs: readonly (string | undefined)[] = [],
  among: readonly string[] = ROLLUPS.map((r) => r.table),
  d: Dialect = dialect,
  options: FactSourceOptions = {},
): FactSource {
  const cols = [...filterColumnsUsed(f), ...needs.filter((c): c is string => c !== undefined)];
  const r = rollupsOn ? ROLLUPS.find((x) => among.includes(x.table) && cols.every((c) => x.keys.includes(c))) : undefined;
  if (!r) return { rollup: false, table: raw(d.table('refund_facts')), time: 'requested_at', filter: filterCondition(f, { dialect: d }) };
  const filter = filterCondition(f, { columns: { time: 'day' }, dateColumn: true, dialect: d });
  const grains = coarserGrains(options.periods);
  return { rollup: true, table: grains.length ? coarseSource(r, grains, f, d) : raw(d.table(r.table)), time: 'day', filter };
}

/** The coarser rollups a query's periods allow, coarsest first (ISO weeks do not nest in months). */
function coarserGrains(periods: FactSourceOptions['periods']): readonly CoarseGrain[] {
  switch (periods) {
    case undefined:
    case 'DAY':
      return [];
    case 'WEEK':
      return ['week'];
    case 'MONTH':
    case 'QUARTER':
      return ['month'];
    case 'NONE':
      return ['year', 'month'];
  }
}

const DAY_MS = 86_400_000;

/** The first day of the period an ISO day is in, or of the next period when `up` and the day is not a first day. */
function periodStart(day: string, grain: CoarseGrain, up: boolean): string {
  const t = new Date(`${day}T00:00:00Z`);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  let start: Date;
  switch (grain) {
    case 'week':
      start = new Date(t.getTime() - ((t.getUTCDay() + 6) % 7) * DAY_MS);
      if (up && start.getTime() !== t.getTime()) start = new Date(start.getTime() + 7 * DAY_MS);
      break;
    case 'month':
      start = new Date(Date.UTC(y, m, 1));
      if (up && start.getTime() !== t.getTime()) start = new Date(Date.UTC(y, m + 1, 1));
      break;
    case 'year':
      start = new Date(Date.UTC(y, 0, 1));
      if (up && start.getTime() !== t.getTime()) start = new Date(Date.UTC(y + 1, 0, 1));
      break;
  }
  return start.toISOString().slice(0, 10);
}

/** The whole periods of a grain inside [from, to) as [first, end) (a missing bound is open), or null when there is none. */
function wholePeriods(f: RefundFilter, grain: CoarseGrain): { first?: string; end?: string } | null {
  const first = f.from ? periodStart(f.from, grain, true) : undefined;
  const end = f.to ? periodStart(f.to, grain, false) : undefined;
  return first !== undefined && end !== undefined && first >= end ? null : { first, end };
}

/**
 * A rollup's rows for [from, to): the whole periods of the coarsest grain inside the range from its
 * rollup, then those of each finer grain outside them, then the remaining days from the daily
 * rollup. Every row keeps a `day` inside the range, so the caller's filter still applies as written.
 */
function coarseSource(r: RollupSpec, grains: readonly CoarseGrain[], f: RefundFilter, d: Dialect): Raw | Sql {
  if (!f.from && !f.to) return raw(d.table(r.coarser[grains[0]]));
  const day = raw('day');
  const inside = (s: { first?: string; end?: string }): Sql[] => [
    ...(s.first !== undefined ? [d.dayBound(day, '>=', s.first, 'date')] : []),
    ...(s.end !== undefined ? [d.dayBound(day, '<', s.end, 'date')] : []),
  ];
  // At least one bound is set, so "outside" is never empty.
  const outside = (s: { first?: string; end?: string }): Sql =>
    sql`(${join([...(s.first !== undefined ? [d.dayBound(day, '<', s.first, 'date')] : []), ...(s.end !== undefined ? [d.dayBound(day, '>=', s.end, 'date')] : [])], ' OR ')})`;
  const parts: Sql[] = [];
  let taken: { first?: string; end?: string } | null = null;
  for (const g of grains) {
    const span = wholePeriods(f, g);
    if (!span) continue;
    const where = join([...inside(span), ...(taken ? [outside(taken)] : [])], ' AND ');
    parts.push(sql`SELECT * FROM ${raw(d.table(r.coarser[g]))} WHERE ${where}`);
    taken = span;
  }
  if (!taken) return raw(d.table(r.table));
  parts.push(sql`SELECT * FROM ${raw(d.table(r.table))} WHERE ${outside(taken)}`);
  return sql`(${join(parts, '\n    UNION ALL ')}) AS rollup_rows`;
}
