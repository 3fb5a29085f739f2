import { query as chdbQuery } from 'chdb';
import { raw, sql, type Sql } from '@refunds/warehouse';
import { ChNames, clickhouseDialect, compileClickHouse } from '@refunds/engine-clickhouse';
import { describeOnCluster } from '../support/clickhouse';

/**
 * Every point of the ClickHouse dialect on 18.16 and on current ClickHouse (chdb), against values
 * worked out by hand on five rows. The overview (clickhouse-overview.test.ts) runs most of them on
 * real data against DuckDB; this covers the rest (calendar, conditional aggregates over no rows).
 */
const d = clickhouseDialect(new ChNames('refunds', null));

// Five rows: x (a Nullable float), c (a Nullable flag), ts (stored timestamp, microseconds).
const TS = [
  Date.UTC(1970, 0, 1, 5), // day 0, which 18.16 prints as 0000-00-00
  Date.UTC(2024, 0, 7, 23, 59, 59, 999), // a Sunday
  Date.UTC(2024, 0, 8), // the Monday after
  Date.UTC(2024, 4, 15, 12),
  Date.UTC(1969, 11, 31, 12), // before 1970: negative
].map((ms) => ms * 1000);
const ROWS = `(SELECT arrayJoin([1, 2, 3, 4, 5]) AS i,
  [toNullable(1.), 2., NULL, 4., 10.][i] AS x,
  [toNullable(toUInt8(1)), 0, 1, 1, NULL][i] AS c,
  [${TS.map((t) => `toInt64(${t})`).join(', ')}][i] AS ts)`;

/** One-row answers of aggregate points over the five rows (and over none of them: `WHERE 0`). */
function aggregates(): Sql {
  const p = (name: string, expr: string) => `${expr} AS ${name}`;
  return sql`SELECT ${raw(
    [
      p('count_c', d.countIf('c = 1')),
      p('fsum_x', d.fsum('x')),
      p('fsum_if', d.fsumIf('x', 'c = 1')),
      p('sum_if', d.sumIf('x', 'c = 1')),
      p('agg_count', d.aggIf('count', 'x', 'c = 1')),
      p('agg_count_star', d.aggIf('count', '*', 'c = 1')),
      p('agg_avg', d.aggIf('avg', 'x', 'c = 1')),
      p('agg_var', d.aggIf('var_samp', 'x', 'c = 1')),
      p('agg_sum', d.aggIf('sum', 'x', 'c = 1')),
      p('var_one', d.aggIf('var_samp', 'x', 'i = 1')),
      p('none_sum', d.fsumIf('x', 'i > 5')),
      p('none_avg', d.aggIf('avg', 'x', 'i > 5')),
      p('median', d.quantileCont('x', 0.5)),
      p('q90', d.quantileCont('x', 0.9)),
      p('max_ts', d.maxOrNull('ts')),
    ].join(', '),
  )} FROM ${raw(ROWS)}`;
}

const AGGREGATES = {
  count_c: 3,
  fsum_x: 17,
  fsum_if: 5,
  sum_if: 5,
  agg_count: 2,
  agg_count_star: 3,
  agg_avg: 2.5,
  agg_var: 4.5,
  agg_sum: 5,
  var_one: null,
  none_sum: null,
  none_avg: null,
  // Sorted non-null x: 1, 2, 4, 10. Position 0.5 * 3 = 1.5: 2 + 0.5 * (4 - 2); 0.9 * 3 = 2.7: 4 + 0.7 * 6.
  median: 3,
  q90: 8.2,
  max_ts: Math.max(...TS),
};

/** Per-row points: calendar, day shifts, list membership, day bounds. */
function perRow(): Sql {
  const col = (u: 'day' | 'week' | 'month' | 'quarter') => d.formatDay(d.dateTrunc(u, 'ts'));
  return sql`SELECT i, ${raw(d.formatDay(d.toDate('ts')))} AS day, ${raw(col('week'))} AS week, ${raw(col('month'))} AS month, ${raw(col('quarter'))} AS quarter,
      ${raw(d.addDays('ts', 2))} AS plus2, ${raw(d.subDays('ts', '1 + 1'))} AS minus2, ${raw(d.subHours('ts', 48))} AS minus48h,
      ${d.inList(raw('toString(i)'), ['2', "4'"])} AS listed,
      ${d.dayBound(raw('ts'), '>=', '2024-01-08', 'timestamp')} AND ${d.dayBound(raw('ts'), '<', '2024-05-16', 'timestamp')} AS in_range,
      ${d.dayBound(raw(d.toDate('ts')), '<', '2024-01-08', 'date')} AS before_day,
      ${raw(d.true)} AS t, ${raw(d.exists(`SELECT 1 FROM ${ROWS} WHERE i > 4`))} AS some, ${raw(d.exists(`SELECT 1 FROM ${ROWS} WHERE i > 5`))} AS none
    FROM ${raw(ROWS)} ORDER BY i`;
}

const DAY = 86_400_000_000;
const PER_ROW = [
  // Its week would start on 1969-12-29, before the Date type: not checked.
  { i: 1, day: '1970-01-01', month: '1970-01-01', quarter: '1970-01-01', listed: 0, in_range: 0, before_day: 1 },
  { i: 2, day: '2024-01-07', week: '2024-01-01', month: '2024-01-01', quarter: '2024-01-01', listed: 1, in_range: 0, before_day: 1 },
  { i: 3, day: '2024-01-08', week: '2024-01-08', month: '2024-01-01', quarter: '2024-01-01', listed: 0, in_range: 1, before_day: 0 },
  { i: 4, day: '2024-05-15', week: '2024-05-13', month: '2024-05-01', quarter: '2024-04-01', listed: 0, in_range: 1, before_day: 0 },
].map((r) => ({ ...r, plus2: TS[r.i - 1] + 2 * DAY, minus2: TS[r.i - 1] - 2 * DAY, minus48h: TS[r.i - 1] - 2 * DAY, t: 1, some: 1, none: 0 }));

type Row = Record<string, unknown>;
const parse = (body: string): Row[] =>
  body
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
const num = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?[\d.]+(e-?\d+)?$/.test(v) ? Number(v) : v]));

function check(run: (statement: string) => string): void {
  const [agg] = parse(run(`${compileClickHouse(aggregates())} FORMAT JSONEachRow`)).map(num);
  for (const [k, v] of Object.entries(AGGREGATES)) {
    if (typeof v === 'number') expect([k, agg[k]]).toEqual([k, expect.closeTo(v, 9)]);
    else expect([k, agg[k]]).toEqual([k, v]);
  }
  // Rows 1-4 (row 5, before 1970, is outside the calendar functions' range: only its shifts are checked).
  const rows = parse(run(`${compileClickHouse(perRow())} FORMAT JSONEachRow`)).map(num);
  expect(rows).toHaveLength(5);
  PER_ROW.forEach((r, i) => expect(rows[i]).toMatchObject(r));
  expect(rows[4]).toMatchObject({ plus2: TS[4] + 2 * DAY, minus48h: TS[4] - 2 * DAY, listed: 0, in_range: 0 });
}

describeOnCluster('the ClickHouse dialect points', 1, (cluster) => {
  test('on ClickHouse 18.16', async () => {
    const [version] = parse(await cluster().query(0, 'SELECT version() AS v FORMAT JSONEachRow'));
    expect(String(version.v)).toMatch(/^18\./);
    const bodies = new Map<string, string>();
    for (const s of [`${compileClickHouse(aggregates())} FORMAT JSONEachRow`, `${compileClickHouse(perRow())} FORMAT JSONEachRow`])
      bodies.set(s, await cluster().query(0, s));
    check((s) => bodies.get(s) ?? '');
  });

  test('on current ClickHouse (chdb)', () => {
    expect(Number(chdbQuery('SELECT version()', 'TSVRaw').split('.')[0])).toBeGreaterThanOrEqual(24);
    check((s) => chdbQuery(s, 'TSVRaw'));
  });
});
