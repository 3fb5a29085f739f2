import fc from 'fast-check';
import { raw, sql } from '@refunds/warehouse';
import { clickhouseDialect, compileClickHouse, dayStartMicros, PINNED_VERSION } from './dialect';
import { stringLiteral } from './literal';
import { ChNames } from './schema';
import { PORT_POINTS, portPoints } from './port-points.testing';
import { query as chdbQuery } from 'chdb';

const d = clickhouseDialect(new ChNames('refunds', 'c1'));

describe('compileClickHouse', () => {
  test('inlines every kind of value the repositories bind through the typed literals', () => {
    const q = sql`SELECT ${'it\'s a \\ "quote"\n'} AS s, ${42} AS i, ${-7} AS neg, ${0.1} AS f, ${null} AS n, ${true} AS b, ${12345678901234567890n} AS big`;
    expect(compileClickHouse(q)).toBe(
      `SELECT 'it\\'s a \\\\ "quote"\\x0a' AS s, 42 AS i, (-7) AS neg, reinterpretAsFloat64(unhex('9a9999999999b93f')) AS f, NULL AS n, 1 AS b, 12345678901234567890 AS big`,
    );
    // String lists (filters): an Array(String) literal, typed when empty; number lists element by element.
    expect(compileClickHouse(sql`${['web', "o'k"]} ${[]} ${[1, 2.5]}`)).toBe(
      `['web', 'o\\'k'] emptyArrayString() [1, reinterpretAsFloat64(unhex('0000000000000440'))]`,
    );
  });

  test('dates: a request day becomes the microseconds of its midnight (timestamps) or a Date literal (dates)', () => {
    const col = raw('`requested_at`');
    // 2024-01-02T00:00:00Z is 1704153600 s after 1970.
    expect(compileClickHouse(d.dayBound(col, '>=', '2024-01-02', 'timestamp'))).toBe('`requested_at` >= 1704153600000000');
    // Before 1970 (a previous period reaching back to year 1): negative, in parentheses.
    expect(compileClickHouse(d.dayBound(col, '<', '0001-01-01', 'timestamp'))).toBe('`requested_at` < (-62135596800000000)');
    expect(compileClickHouse(d.dayBound(raw('day'), '<', '2024-03-01', 'date'))).toBe("day < toDate('2024-03-01')");
    // Outside ClickHouse's Date range a bound holds for every day or none.
    expect(compileClickHouse(d.dayBound(raw('day'), '>=', '1969-12-31', 'date'))).toBe('1');
    expect(compileClickHouse(d.dayBound(raw('day'), '<', '1969-12-31', 'date'))).toBe('0');
    expect(compileClickHouse(d.dayBound(raw('day'), '<', '9999-12-31', 'date'))).toBe('1');
    expect(() => dayStartMicros('2024-02-30')).toThrow(/not a date/);
    expect(() => dayStartMicros("2024-01-01' OR 1")).toThrow(/not a date/);
  });

  test('the pinned version goes into the table reads, never into a value', () => {
    const q = sql`SELECT count() FROM ${raw(d.table('orders'))} WHERE channel = ${PINNED_VERSION}`;
    const text = compileClickHouse(q, 17);
    expect(text).toContain('_version <= 17');
    expect(text).toContain(`channel = '${PINNED_VERSION}'`);
    expect(text.split(PINNED_VERSION)).toHaveLength(2);
    expect(() => compileClickHouse(q)).toThrow(/pinned version/);
  });

  test('any string value stays one literal: the compiled text is the template around stringLiteral', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 4 }), (s, list) => {
        const text = compileClickHouse(sql`a = ${s} AND has(${list}, b)`);
        expect(text).toBe(`a = ${stringLiteral(s)} AND has([${list.map(stringLiteral).join(', ')}], b)`);
      }),
    );
  });

  test('points of the agents, records and catalog ports, on current ClickHouse (chdb) against values worked out by hand', () => {
    // 18.16 runs the same statement in test/integration/clickhouse-agents.test.ts.
    const body = chdbQuery(`${compileClickHouse(portPoints())} FORMAT JSONEachRow`, 'TSVRaw');
    expect(
      body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(PORT_POINTS);
    expect(d.reconciles).toBe(false);
  });

  test('instants become their microseconds; other windows read the pinned orders and fx rates', () => {
    // 2025-02-14T13:45:30.250Z is 1739540730.25 s after 1970; one microsecond past it keeps the sixth digit.
    expect(compileClickHouse(d.instant('2025-02-14 13:45:30.250'))).toBe('1739540730250000');
    expect(compileClickHouse(d.instant('2025-02-14 13:45:30.250001'))).toBe('1739540730250001');
    expect(compileClickHouse(d.instant('1969-12-31 23:59:59.5'))).toBe('(-500000)');
    expect(() => d.instant('2025-02-30 00:00:00')).toThrow(/not a UTC instant/);
    expect(() => d.instant("2025-02-14 00:00:00' OR 1")).toThrow(/not a UTC instant/);
    expect(d.epochMicros('effective_at')).toBe('toInt64(effective_at)');
    const w = d.windowRevenue(45, `'CNY'`);
    const text = compileClickHouse(sql`SELECT ${raw(w.value)} FROM e ${raw(w.join)}`, 3);
    expect(text).toContain('_version <= 3');
    expect(text).toContain('`refunds`.`orders`');
    expect(text).toContain('`refunds`.`fx_rates`');
    expect(text).toContain(`toInt64(45) * 86400000000`);
    expect(w.join).toMatch(/USING customer_id$/);
    expect(() => d.windowRevenue(4.5, `'CNY'`)).toThrow(/whole number/);
  });
});

describe('the points of the reasons and channels queries (run on 18.16 and chdb in test/integration/clickhouse-reasons.test.ts)', () => {
  test('no CTEs; joins with their strictness; any, argMin, period dates', () => {
    expect(d.ctes).toBe(false);
    expect([d.join('inner'), d.join('left')]).toEqual(['ALL INNER JOIN', 'ALL LEFT JOIN']);
    expect(d.anyValue('x')).toBe('any(x)');
    expect(d.argMin('v', '(-c, o)')).toBe('argMin(v, (-c, o))');
    expect(d.periodDate('week', 'ts')).toBe("toMonday(toDateTime(intDiv(ts, 1000000), 'UTC'))");
  });
});
