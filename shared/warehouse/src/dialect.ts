import { ident, raw, sql, type Raw, type Sql } from './sql';

export type TimeUnit = 'day' | 'week' | 'month' | 'quarter';

/**
 * Where SQL engines differ, and nothing else: every query and rollup of the warehouse is written
 * in the common SQL both engines read, plus these points. Arguments and results are SQL text
 * (trusted: columns and fragments of the model, never client input); values are bound through
 * `inList`, whose list is a parameter.
 *
 * DuckDB is implemented below; ClickHouse in `@refunds/engine-clickhouse` (clickhouseDialect), whose
 * SQL runs on 18.16 and current releases.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** Quotes an identifier (checked against the identifier pattern first). */
  quote(name: string): string;
  /** The first instant of the day / ISO week (Monday) / month / quarter holding a timestamp. */
  dateTrunc(unit: TimeUnit, expr: string): string;
  /** The date (no time) of a timestamp. */
  toDate(expr: string): string;
  /** `YYYY-MM-DD` text of a date or timestamp. */
  formatDay(expr: string): string;
  /** A timestamp plus or minus a whole number of days (a literal or an integer expression). */
  addDays(expr: string, days: number | string): string;
  subDays(expr: string, days: number | string): string;
  subHours(expr: string, hours: number | string): string;
  /** Number of rows where a condition holds. */
  countIf(cond: string): string;
  /** Float sum that does not depend on the order rows arrive in (same answer on every run). */
  fsum(expr: string): string;
  /** Float sum over the rows where a condition holds (NULL when none). */
  fsumIf(expr: string, cond: string): string;
  /** Integer sum over the rows where a condition holds (NULL when none). */
  sumIf(expr: string, cond: string): string;
  /** An aggregate over the rows where a condition holds (ClickHouse: count -> countIf, var_samp -> varSampIf, ...). */
  aggIf(fn: 'count' | 'avg' | 'var_samp' | 'sum', expr: string, cond: string): string;
  /** `column` is one of the bound list of strings. */
  inList(column: Raw, values: readonly string[]): Sql;
  /**
   * `column op <first instant of day>`, where `day` is a request's `YYYY-MM-DD` (bound). `of` says
   * what the column holds: a timestamp (refund_facts' requested_at) or a date (a rollup's `day`).
   */
  dayBound(column: Raw, op: '>=' | '<', day: string, of: 'timestamp' | 'date'): Sql;
  /** Where a query reads a warehouse table from (ClickHouse: the rows of the pinned data version). */
  table(name: string): string;
  /** max() of a column, NULL over no rows (ClickHouse gives 0 for a non-Nullable column). */
  maxOrNull(expr: string): string;
  /** Continuous quantile (linear interpolation between the two nearest values), NULL over no rows. */
  quantileCont(expr: string, q: number): string;
  /** True: the cut-offs are a CTE `h` joined to refund_facts; false: each is an inline scalar subquery (no CTE over a subquery on ClickHouse 18.16). */
  readonly cutoffsCte: boolean;
  /** An integer expression as a 64-bit integer (DuckDB: CAST AS BIGINT; sums of integers are HUGEINT there). */
  int64(expr: string): string;
  /** SQL's TRUE (ClickHouse 18.16 knows no TRUE: 1). */
  readonly true: string;
  /** A SELECT's aliases are seen in its whole statement, shadowing columns of the same name (ClickHouse). */
  readonly globalAliases: boolean;
  /** Whether a subquery returns a row (ClickHouse 18.16 has no EXISTS). */
  exists(subquery: string): string;
  /**
   * The data's latest order time or request time (a scalar subquery; NULL without rows), which the
   * cut-offs hang on. ClickHouse reads the value its loader stored with the data version.
   */
  latest(column: 'ordered_at' | 'requested_at'): string;

  // Points of the agents, records, catalog and reconciliation ports.
  /** Whether loads reconcile source records, so refund_sources and reconciliation_conflicts exist (ClickHouse refuses source-record imports). */
  readonly reconciles: boolean;
  /** An aggregate: the group's values as a sorted list, [] over no rows (callers keep NULLs out). */
  sortedList(expr: string): string;
  /** An aggregate: the most frequent non-NULL value, ties to the smallest; NULL when none. */
  mode(expr: string): string;
  /**
   * A stored timestamp as the reader returns it: DuckDB a TIMESTAMP (read as a Date, truncated to the
   * millisecond toward zero), ClickHouse the same milliseconds since 1970 as a number (`asTimestamp` makes it a Date).
   */
  timestampMs(expr: string): string;
  /** The MD5 digest of a string as 32 lower-case hex digits. */
  md5Hex(expr: string): string;

  // Outcomes and policy (rejection economics for any window, policy changes).
  /**
   * Repurchase revenue within a window refund_facts holds no column for: per refund of `e`, the
   * customer's other orders in (decided_at, decided_at + days], in the reporting currency (`currency`,
   * SQL text) at the fx rate of the order's day. `join` follows `FROM e` (DuckDB reads `e` again, so
   * `e` must be a CTE there); `value` is the revenue of a row of `e`, 0 without such orders.
   */
  windowRevenue(days: number, currency: string): { join: string; value: string };
  /** A UTC instant given as `YYYY-MM-DD HH:MM:SS[.fff]` (bound), comparable with stored timestamps. */
  instant(iso: string): Sql;
  /** A timestamp as whole microseconds since 1970 UTC. */
  epochMicros(expr: string): string;
  // Points of the reasons and channels queries.
  /** `WITH name AS (subquery)` is available (ClickHouse 18.16 has none: see `Ctes`, which writes the subquery in place). */
  readonly ctes: boolean;
  /**
   * The keyword of an equi-join (USING or ON equalities). ClickHouse 18.16 needs the strictness (ALL) and
   * takes one JOIN per SELECT; in a LEFT JOIN its unmatched non-Nullable columns are 0 or '', not NULL.
   */
  join(kind: 'inner' | 'left'): string;
  /** Any one value of an expression in the group. */
  anyValue(expr: string): string;
  /** `arg` at the row with the smallest `key` (a tuple `(a, b)` compares left to right); rows with a NULL `arg` are skipped. */
  argMin(arg: string, key: string): string;
  /** The first day of the day / week / month / quarter holding a stored timestamp, as a date (`dateTrunc` gives a timestamp on DuckDB). */
  periodDate(unit: TimeUnit, expr: string): string;
}

const days = (n: number | string) => (typeof n === 'number' ? String(n) : n);

export const DUCKDB: Dialect = {
  name: 'duckdb',
  quote: ident,
  dateTrunc: (unit, expr) => `date_trunc('${unit}', ${expr})`,
  toDate: (expr) => `CAST(${expr} AS DATE)`,
  formatDay: (expr) => `strftime(${expr}, '%Y-%m-%d')`,
  addDays: (expr, n) => `${expr} + to_days(CAST(${days(n)} AS INTEGER))`,
  subDays: (expr, n) => `${expr} - to_days(CAST(${days(n)} AS INTEGER))`,
  subHours: (expr, n) => `${expr} - to_hours(CAST(${days(n)} AS BIGINT))`,
  countIf: (cond) => `count(*) FILTER (WHERE ${cond})`,
  fsum: (expr) => `fsum(${expr})`,
  fsumIf: (expr, cond) => `fsum(${expr}) FILTER (WHERE ${cond})`,
  sumIf: (expr, cond) => `sum(${expr}) FILTER (WHERE ${cond})`,
  aggIf: (fn, expr, cond) => `${fn}(${expr}) FILTER (WHERE ${cond})`,
  inList: (column, values) => sql`list_contains(CAST(${values} AS VARCHAR[]), ${column})`,
  dayBound: (column, op, day, of) => sql`${column} ${raw(op)} CAST(${day} AS ${raw(of === 'date' ? 'DATE' : 'TIMESTAMP')})`,
  table: (name) => name,
  maxOrNull: (expr) => `max(${expr})`,
  quantileCont: (expr, q) => `quantile_cont(${expr}, ${q})`,
  cutoffsCte: true,
  int64: (expr) => `CAST(${expr} AS BIGINT)`,
  true: 'TRUE',
  globalAliases: false,
  exists: (subquery) => `EXISTS (${subquery})`,
  latest: (column) => `(SELECT max(${column}) FROM ${column === 'ordered_at' ? 'orders' : 'refund_facts'})`,

  reconciles: true,
  sortedList: (expr) => `coalesce(list(${expr} ORDER BY ${expr}), [])`,
  // Ordered, so the first value to reach the top count (DuckDB's tie rule) is the smallest.
  mode: (expr) => `mode(${expr} ORDER BY ${expr})`,
  timestampMs: (expr) => expr,
  md5Hex: (expr) => `md5(${expr})`,

  windowRevenue: (w, currency) => {
    const rate = `CASE WHEN coalesce(o.currency, ${currency}) = ${currency} THEN 1 ELSE fx.rate_to_reporting END`;
    return {
      join: `LEFT JOIN (
      SELECT e2.refund_id, fsum(coalesce(o.amount, 0) * ${rate}) AS revenue
      FROM e e2 JOIN (orders o ASOF LEFT JOIN fx_rates fx ON o.currency = fx.currency AND CAST(o.ordered_at AS DATE) >= fx.date)
        ON o.customer_id = e2.customer_id AND o.order_id <> e2.order_id
       AND o.ordered_at > e2.decided_at AND o.ordered_at <= e2.decided_at + to_days(CAST(${wholeDays(w)} AS INTEGER))
      GROUP BY e2.refund_id) rv ON rv.refund_id = e.refund_id`,
      value: 'coalesce(rv.revenue, 0)',
    };
  },
  instant: (iso) => sql`CAST(${checkInstant(iso)} AS TIMESTAMP)`,
  epochMicros: (expr) => `epoch_us(${expr})`,
  ctes: true,
  join: (kind) => (kind === 'inner' ? 'JOIN' : 'LEFT JOIN'),
  anyValue: (expr) => `any_value(${expr})`,
  argMin: (arg, key) => `arg_min(${arg}, ${key})`,
  periodDate: (unit, expr) => `CAST(date_trunc('${unit}', ${expr}) AS DATE)`,
};

/** A value of `timestampMs` as a Date (null stays null). */
export function asTimestamp(v: Date | number | null): Date | null {
  return typeof v === 'number' ? new Date(v) : v;
}

/** A window length, checked to be a whole number of days before it goes into SQL text. */
export function wholeDays(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not a whole number of days: ${n}`);
  return String(n);
}

const INSTANT_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC), else an error: what `instant` accepts. */
export function checkInstant(iso: string): string {
  const t = INSTANT_RE.test(iso) ? Date.parse(`${iso.slice(0, 19).replace(' ', 'T')}Z`) : NaN;
  // Date.parse takes 2025-02-30 for March 2: the instant must print back as written.
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 19) !== iso.slice(0, 19).replace(' ', 'T'))
    throw new Error(`not a UTC instant YYYY-MM-DD HH:MM:SS: ${JSON.stringify(iso)}`);
  return iso;
}

/** The dialect of the engine the server and the loader run on today. */
export const DEFAULT_DIALECT: Dialect = DUCKDB;

const MARK = '\u0001';

/**
 * Applies a dialect point to a fragment that binds values (a window length from the request, say):
 * the dialect's text goes around the fragment, whose values stay bound.
 */
export function around(point: (x: string) => string, inner: Sql): Sql {
  const [before, after, ...rest] = point(MARK).split(MARK);
  if (after === undefined || rest.length > 0) throw new Error('a dialect point must use its argument exactly once');
  return sql`${raw(before)}${inner}${raw(after)}`;
}
