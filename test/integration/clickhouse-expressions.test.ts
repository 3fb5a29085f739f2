import fc from 'fast-check';
import { query as chdbQuery } from 'chdb';
import { GRAINS, type Grain } from '@refunds/shared';
import { hoursBetween, plusDays, truncToGrain, tsToDate } from '../../etl/src/clickhouse/expressions';
import { describeOnCluster } from '../support/clickhouse';

/**
 * The dialect's time expressions on 18.16 and on current ClickHouse, against the calendar worked
 * out in JavaScript (UTC): day, Monday-based week, month and quarter starts of random timestamps,
 * hour differences and day shifts.
 */
// The range the expressions promise (expressions.ts): 18.16 prints day 0 (1970-01-01, the start of the
// first month and quarter) as 0000-00-00; DateTime ends in 2106.
const MIN = Date.UTC(1970, 3, 1);
const MAX = Date.UTC(2105, 0, 1);

function startOf(ms: number, grain: Grain): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  let t: number;
  switch (grain) {
    case 'DAY':
      t = Date.UTC(y, m, d.getUTCDate());
      break;
    case 'WEEK':
      t = Date.UTC(y, m, d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      break;
    case 'MONTH':
      t = Date.UTC(y, m, 1);
      break;
    case 'QUARTER':
      t = Date.UTC(y, m - (m % 3), 1);
      break;
  }
  return new Date(t).toISOString().slice(0, 10);
}

const samples = fc.sample(
  fc.tuple(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: -86_400_000, max: 86_400_000 * 40 })),
  {
    numRuns: 300,
    seed: 17,
  },
);
// Edges: midnight, the second before it, a Monday, a Sunday, quarter and year starts.
const edges = ['2024-01-01T00:00:00Z', '2023-12-31T23:59:59Z', '2024-03-31T23:59:59Z', '2024-04-01T00:00:00Z', '2025-06-29T12:00:00Z', '2025-06-30T00:00:00Z'];
const cases = [...samples, ...edges.map((e) => [Date.parse(e), 0, 3_600_000] as [number, number, number])];

function statement(): string {
  const rows = cases.map(([ms, us]) => `toInt64(${ms * 1000 + us})`).join(', ');
  const cols = [
    `toString(${tsToDate('ts')}) AS date`,
    ...GRAINS.map((g) => `toString(${truncToGrain('ts', g)}) AS ${g.toLowerCase()}`),
    `${hoursBetween('ts', 'ts2')} AS hours`,
    `${plusDays('ts', 30)} AS plus30`,
  ];
  const ts2 = cases.map(([ms, us, delta]) => `toInt64(${ms * 1000 + us + delta * 1000})`).join(', ');
  return `SELECT ${cols.join(', ')} FROM (SELECT arrayJoin(arrayMap((a, b) -> (a, b), [${rows}], [${ts2}])) AS p, p.1 AS ts, p.2 AS ts2) FORMAT JSONEachRow`;
}

function check(body: string): void {
  const rows = body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, string | number>);
  expect(rows).toHaveLength(cases.length);
  const want = cases.map(([ms, us, delta]) => ({
    date: startOf(ms, 'DAY'),
    day: startOf(ms, 'DAY'),
    week: startOf(ms, 'WEEK'),
    month: startOf(ms, 'MONTH'),
    quarter: startOf(ms, 'QUARTER'),
    hours: (delta * 1000) / 1000000 / 3600,
    plus30: String(ms * 1000 + us + 30 * 86_400_000_000),
  }));
  expect(rows.map((r) => ({ ...r, plus30: String(r.plus30) }))).toEqual(want);
}

test('time expressions on current ClickHouse (chdb)', () => {
  check(chdbQuery(statement(), 'TSVRaw'));
});

describeOnCluster('time expressions on ClickHouse 18.16', 1, (cluster) => {
  test('day, week (Monday), month, quarter, hours and day shifts', async () => {
    check(await cluster().query(0, statement()));
  });
});
