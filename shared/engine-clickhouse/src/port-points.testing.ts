import { raw, sql, type Sql } from '@refunds/warehouse';
import { clickhouseDialect } from './dialect';
import { ChNames } from './schema';

/**
 * One statement over the points the agents, records and catalog ports added (mode, sortedList,
 * timestampMs, md5Hex), and its answer worked out by hand: run on 18.16 by the integration test and
 * on chdb by the dialect spec.
 */
export function portPoints(): Sql {
  const d = clickhouseDialect(new ChNames('refunds', null));
  const rows = `(SELECT arrayJoin([1, 2, 3, 4, 5, 6, 7]) AS i, [toNullable('b'), 'a', NULL, 'a', 'b', 'c', NULL][i] AS v, if(i = 7, 2, 1) AS g,
    [toInt64(-100), toInt64(1735689600001900), toInt64(0), toInt64(0), toInt64(0), toInt64(0), toInt64(0)][i] AS ts)`;
  const list = (where: string) => `(SELECT ${d.sortedList('v')} FROM ${rows} WHERE ${where})`;
  return sql`SELECT g, ${raw(d.mode('v'))} AS m, ${raw(list('v IS NOT NULL'))} AS l, ${raw(list('0'))} AS none, ${raw(d.timestampMs('min(ts)'))} AS first_ms,
      ${raw(d.timestampMs('max(ts)'))} AS last_ms, ${raw(d.md5Hex(`'sc1'`))} AS h
    FROM ${raw(rows)} GROUP BY g ORDER BY g`;
}

// a and b twice each: the smallest; group 2 holds only a NULL. -100 µs truncates toward zero to 0 ms;
// 2025-01-01 plus 1.9 ms to 1735689600001 ms. md5('sc1') by node:crypto.
export const PORT_POINTS = [
  { g: 1, m: 'a', l: ['a', 'a', 'b', 'b', 'c'], none: [], first_ms: 0, last_ms: 1735689600001, h: 'a693ea2b7245e8daaa323e258ddc9e95' },
  { g: 2, m: null, l: ['a', 'a', 'b', 'b', 'c'], none: [], first_ms: 0, last_ms: 0, h: 'a693ea2b7245e8daaa323e258ddc9e95' },
];
