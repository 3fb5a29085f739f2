import { checkInstant, raw, sql, wholeDays, type BindValue, type Dialect, type Raw, type Sql, type TimeUnit } from '@refunds/warehouse';
import { truncToGrain, tsToDate } from './expressions';
import { bigintLiteral, chIdent, chLiteral, LiteralError, numberLiteral, stringArrayLiteral } from './literal';
import { CH_TABLE, currentRollup, supersededOf, type ChNames } from './schema';

/**
 * The ClickHouse dialect of the warehouse SQL: every point of `Dialect`, in SQL that runs on
 * ClickHouse 18.16 (Debian's package) and on current releases (checked with chdb in
 * test/integration/clickhouse-dialect.test.ts).
 *
 * Timestamps stay as stored, Int64 microseconds since 1970 UTC, in the rows a query reads: they
 * compare exactly with each other and with cut-offs (a DateTime would drop the fraction of a
 * second), and a request's day is turned into microseconds here (`dayBound`). Calendar points
 * (`dateTrunc`, `toDate`) take a stored timestamp and give a Date; `formatDay` takes that Date.
 *
 * Tables are read at a pinned data version (`table`): the text holds a marker that `compileClickHouse`
 * replaces with the version the engine pinned for the request, so one request reads one version.
 */

/** Stands for the pinned data version in dialect text until `compileClickHouse` writes the number. */
export const PINNED_VERSION = '__refunds_pinned_version__';

/** The `meta` keys under which a load stores the data's latest order and request time (Int64 micros as text, '' for none). */
export const LATEST_KEYS = { ordered_at: 'latest_ordered_at', requested_at: 'latest_requested_at' } as const;

const US_PER_DAY = 86_400_000_000;
const US_PER_HOUR = 3_600_000_000;

const notNullCond = (cond: string) => `ifNull(${cond}, 0)`;

/** Microseconds since 1970 UTC of the midnight that starts `YYYY-MM-DD` (any year 0001..9999). */
export function dayStartMicros(day: string): bigint {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new LiteralError(`not a date YYYY-MM-DD: ${JSON.stringify(day)}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.toISOString().slice(0, 10) !== day) throw new LiteralError(`not a date YYYY-MM-DD: ${JSON.stringify(day)}`);
  return BigInt(d.getTime()) * 1000n;
}

/**
 * The rows of a warehouse table readers see at the pinned version, aliased by the table's name:
 * - refund_facts: per customer, the rows of its newest rewrite at or before the version (the rows
 *   no later load up to it replaced: fact_superseded, each shard's own customers on a cluster);
 * - rollups: the rows current at the version (not superseded by a load up to it, rollups.ts;
 *   readers use them only when the version's load built them, `rollupsAt`);
 * - data tables: the newest row per key at or before the version, unless that row is a deletion
 *   (sharded ones: the rows not replaced by a load up to the version, `unreplacedRows`);
 * - bookkeeping tables (load_history, ...): as they are.
 */
export function pinnedRead(names: ChNames, table: string): string {
  const t = CH_TABLE.get(table);
  if (!t) throw new Error(`table ${table} is not on ClickHouse`);
  if (table === 'refund_facts') return `${factsAtVersion(names, PINNED_VERSION)} AS ${chIdent(table)}`;
  if (t.rollup) return `${currentRollup(names, table, PINNED_VERSION, names.all(table))} AS ${chIdent(table)}`;
  if (!t.key) return `${names.all(table)} AS ${chIdent(table)}`;
  if (t.placement === 'sharded') return `${unreplacedRows(names, table, t.key, PINNED_VERSION)} AS ${chIdent(table)}`;
  return `${newestRows(names.all(table), t.key, PINNED_VERSION)} AS ${chIdent(table)}`;
}

/** The newest row per key at or below `version` (SQL text) among the rows of `from` passing `where`, without deletions. */
export function newestRows(from: string, key: readonly string[], version: string, where = '1'): string {
  return `(SELECT * FROM (SELECT * FROM ${from} WHERE _version <= ${version} AND (${where})
    ORDER BY _version DESC LIMIT 1 BY ${key.map(chIdent).join(', ')}) WHERE _deleted = 0)`;
}

/**
 * The newest row per key at or below `version` of a sharded data table, without deletions: the rows
 * no load up to `version` replaced on their shard (`<table>_superseded`, read shard-locally). The
 * same rows as `newestRows` over the Distributed table (a key that moved shards left a deletion
 * marker on its old one), without sending every row to one server to sort.
 */
export function unreplacedRows(names: ChNames, table: string, key: readonly string[], version: string): string {
  const k = key.map(chIdent).join(', ');
  return `(SELECT * FROM ${names.all(table)} WHERE _version <= ${version} AND _deleted = 0 AND (${k}, _version) NOT IN
    (SELECT ${k}, row_version FROM ${names.local(supersededOf(table))} WHERE _version <= ${version}))`;
}

/**
 * refund_facts at `version` (SQL text): per customer, the rows of its newest rewrite at or before it,
 * i.e. every row at or before it that no load at or before it replaced (fact_superseded). On a
 * cluster the subquery reads each shard's local fact_superseded, which lists that shard's customers.
 */
export function factsAtVersion(names: ChNames, version: string): string {
  return `(SELECT * FROM ${names.all('refund_facts')} WHERE _version <= ${version} AND (customer_id, _version) NOT IN
    (SELECT customer_id, fact_version FROM ${names.local('fact_superseded')} WHERE _version <= ${version}))`;
}

const GRAIN: Record<TimeUnit, 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER'> = { day: 'DAY', week: 'WEEK', month: 'MONTH', quarter: 'QUARTER' };

/** The ClickHouse dialect for one warehouse (its database and cluster name its tables). */
export function clickhouseDialect(names: ChNames): Dialect {
  const shift = (expr: string, n: number | string, unit: number, sign: '+' | '-') =>
    `(${expr} ${sign} toInt64(${typeof n === 'number' ? numberLiteral(n) : n}) * ${unit})`;
  const nullWhenNone = (n: string, agg: string, min = 1) => `if(${n} < ${min}, NULL, ${agg})`;
  return {
    name: 'clickhouse',
    quote: chIdent,
    dateTrunc: (unit, expr) => truncToGrain(expr, GRAIN[unit]),
    toDate: (expr) => tsToDate(expr),
    // toString of a Date prints 1970-01-01 as 0000-00-00 on 18.16; the digits of toYYYYMMDD do not.
    formatDay: (expr) => {
      const s = `toString(toYYYYMMDD(${expr}))`;
      return `concat(substring(${s}, 1, 4), '-', substring(${s}, 5, 2), '-', substring(${s}, 7, 2))`;
    },
    addDays: (expr, n) => shift(expr, n, US_PER_DAY, '+'),
    subDays: (expr, n) => shift(expr, n, US_PER_DAY, '-'),
    subHours: (expr, n) => shift(expr, n, US_PER_HOUR, '-'),
    // A NULL condition counts as false, as in FILTER (WHERE ...).
    countIf: (cond) => `countIf(${notNullCond(cond)})`,
    fsum: (expr) => nullWhenNone(`count(${expr})`, `sumKahan(${expr})`),
    fsumIf: (expr, cond) => nullWhenNone(`countIf(isNotNull(${expr}) AND ${notNullCond(cond)})`, `sumKahanIf(${expr}, ${notNullCond(cond)})`),
    sumIf: (expr, cond) => nullWhenNone(`countIf(isNotNull(${expr}) AND ${notNullCond(cond)})`, `sumIf(${expr}, ${notNullCond(cond)})`),
    aggIf: (fn, expr, cond) => {
      const c = notNullCond(cond);
      const n = expr === '*' ? `countIf(${c})` : `countIf(isNotNull(${expr}) AND ${c})`;
      switch (fn) {
        case 'count':
          return n;
        case 'avg':
          return nullWhenNone(n, `avgIf(${expr}, ${c})`);
        case 'var_samp':
          return nullWhenNone(n, `varSampIf(${expr}, ${c})`, 2);
        case 'sum':
          return nullWhenNone(n, `sumIf(${expr}, ${c})`);
      }
    },
    inList: (column: Raw, values: readonly string[]) => sql`has(${values}, ${column})`,
    dayBound: (column, op, day, of) => {
      if (of === 'timestamp') return sql`${column} ${raw(op)} ${dayStartMicros(day)}`;
      // Date holds 1970-01-01 .. 2105-12-31 (18.16): a bound outside it holds for every row or none.
      if (day < '1970-01-01') return op === '>=' ? sql`1` : sql`0`;
      if (day > '2105-12-31') return op === '>=' ? sql`0` : sql`1`;
      return sql`${column} ${raw(op)} toDate(${day})`;
    },
    table: (name) => pinnedRead(names, name),
    maxOrNull: (expr) => `max(toNullable(${expr}))`,
    // DuckDB's quantile_cont: the value at position q * (n - 1) of the sorted values, interpolated
    // linearly between its neighbours. 18.16 has no interpolating exact quantile, so the sorted array.
    quantileCont: (expr, q) => {
      const a = `arraySort(groupArrayIf(assumeNotNull(${expr}), isNotNull(${expr})))`;
      const n = `count(${expr})`;
      const pos = `((${n} - 1) * ${numberLiteral(q)})`;
      const lo = `toUInt64(floor(${pos}))`;
      const at = (i: string) => `arrayElement(${a}, ${i})`;
      return nullWhenNone(n, `(${at(`${lo} + 1`)} + (${pos} - ${lo}) * (${at(`least(${lo} + 2, ${n})`)} - ${at(`${lo} + 1`)}))`);
    },
    cutoffsCte: false,
    int64: (expr) => `toInt64(${expr})`,
    true: '1',
    globalAliases: true,
    exists: (subquery) => `((SELECT count() FROM (${subquery} LIMIT 1)) > 0)`,
    // Scanning every order's newest version for its maximum costs a sort of all orders per query: the
    // loader stores both maxima with each data version (LATEST_KEYS), '' for none.
    latest: (column) =>
      `(SELECT toInt64OrNull(argMax(value, _version)) FROM ${names.local('meta')} WHERE key = '${LATEST_KEYS[column]}' AND _version <= ${PINNED_VERSION})`,

    // Source-record imports are refused (etl/src/clickhouse/load.ts): no lineage or conflict tables.
    reconciles: false,
    sortedList: (expr) => `arraySort(groupArray(${expr}))`,
    // In the sorted values, a value's occurrence number reaches its count at its last copy: the first
    // position reaching the top count is the smallest of the most frequent values (18.16 has no exact mode).
    mode: (expr) => {
      const s = `arraySort(groupArrayIf(assumeNotNull(${expr}), isNotNull(${expr})))`;
      const seen = `arrayEnumerateUniq(${s})`;
      return `if(count(${expr}) = 0, NULL, arrayElement(${s}, indexOf(${seen}, arrayReduce('max', ${seen}))))`;
    },
    // Toward zero, as DuckDB's reader truncates microseconds to a Date.
    timestampMs: (expr) => `intDiv(${expr}, 1000)`,
    md5Hex: (expr) => `lower(hex(MD5(${expr})))`,

    // No ASOF join on 18.16: as the facts derivation does it (etl/src/clickhouse/derive.ts), each
    // customer's orders are gathered in an array, converted at the last fx rate on or before their day
    // (the sorted (date, rate) array of their currency), and filtered per refund.
    windowRevenue: (w, currency) => {
      const upTo = `arrayFilter((x, d) -> x.1 <= d, fx, replicate(${tsToDate('ordered_at')}, fx))`;
      const rate = `multiIf(ifNull(currency, ${currency}) = ${currency}, 1., empty(${upTo}), NULL, ${upTo}[-1].2)`;
      const fx = `(SELECT currency, arraySort(groupArray((date, rate_to_reporting))) AS fx FROM ${pinnedRead(names, 'fx_rates')} GROUP BY currency)`;
      const orders = `(SELECT customer_id, ordered_at AS w_at, order_id AS w_id, ifNull(amount, 0.) * ${rate} AS w_amount
        FROM ${pinnedRead(names, 'orders')} ANY LEFT JOIN ${fx} AS w_fx USING currency)`;
      const dec = `ifNull(decided_at, toInt64(9223372036854775807))`;
      const inWindow = `arrayFilter((x, dec, oid) -> x.1 > dec AND x.1 <= dec + toInt64(${wholeDays(w)}) * ${US_PER_DAY} AND x.2 != oid,
        w_orders, replicate(${dec}, w_orders), replicate(order_id, w_orders))`;
      return {
        join: `ANY LEFT JOIN (SELECT customer_id, groupArray((w_at, w_id, w_amount)) AS w_orders FROM ${orders} GROUP BY customer_id) AS w USING customer_id`,
        value: `arrayReduce('sumKahan', arrayMap(x -> ifNull(x.3, 0.), ${inWindow}))`,
      };
    },
    instant: (iso) => sql`${instantMicros(iso)}`,
    epochMicros: (expr) => `toInt64(${expr})`,
    ctes: false,
    join: (kind) => (kind === 'inner' ? 'ALL INNER JOIN' : 'ALL LEFT JOIN'),
    anyValue: (expr) => `any(${expr})`,
    argMin: (arg, key) => `argMin(${arg}, ${key})`,
    periodDate: (unit, expr) => truncToGrain(expr, GRAIN[unit]),
  };
}

/** Microseconds since 1970 UTC of `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC). */
export function instantMicros(iso: string): bigint {
  const [whole, frac = ''] = checkInstant(iso).split('.');
  return BigInt(Date.parse(`${whole.replace(' ', 'T')}Z`)) * 1000n + BigInt(frac.padEnd(6, '0'));
}

function inline(v: BindValue): string {
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return stringArrayLiteral(v as readonly string[]);
    if (v.every((x) => typeof x === 'number')) return `[${(v as readonly number[]).map(numberLiteral).join(', ')}]`;
    throw new LiteralError('a list must hold only strings or only numbers');
  }
  return chLiteral(v as Exclude<BindValue, readonly string[] | readonly number[]>);
}

/**
 * Turns warehouse SQL (text with bound values) into one ClickHouse statement: each value is written
 * as a typed, escaped literal (literal.ts; 18.16 has no server-side parameters), and the pinned
 * version marker of `table()` reads becomes the version. Values go in after the marker is replaced,
 * so no value can be taken for it.
 */
export function compileClickHouse(q: Sql, version?: number | bigint): string {
  const parts = q.parts.map((p) => {
    if (!p.includes(PINNED_VERSION)) return p;
    if (version === undefined) throw new Error('this statement reads pinned tables: compile it with the pinned version');
    return p.split(PINNED_VERSION).join(bigintLiteral(BigInt(version)));
  });
  let text = parts[0];
  for (let i = 0; i < q.values.length; i++) text += inline(q.values[i]) + parts[i + 1];
  return text;
}
