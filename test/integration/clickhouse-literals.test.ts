import fc from 'fast-check';
import { query as chdbQuery } from 'chdb';
import { numberLiteral, stringArrayLiteral, stringLiteral } from '../../etl/src/clickhouse/literal';
import { describeOnCluster } from '../support/clickhouse';

/**
 * No string can escape its literal, proven on the engines themselves: arbitrary strings (any
 * code point, and strings made of quotes, backslashes, NUL and SQL punctuation) go through
 * `SELECT <literal>` on a real 18.16 server and on current ClickHouse (chdb) and come back equal.
 */
const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom("'", '\\', '"', '\0', '\n', '\t', '`', '{', '}', ';', '--', '/*', '*/', '\\x', "\\'", '😀', 'é'), maxLength: 30 }),
);

const batches = (seed: number) => fc.sample(fc.array(strings, { minLength: 1, maxLength: 40 }), { numRuns: 25, seed });

function parseRows(body: string): Array<{ xs: string[]; n: number; tail: string }> {
  return body
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { xs: string[]; n: number; tail: string });
}

/** A statement that also checks nothing after the literal was swallowed or added: the trailing column must survive. */
const statement = (xs: string[]) => `SELECT ${stringArrayLiteral(xs)} AS xs, length(xs) AS n, 'end' AS tail FORMAT JSONEachRow`;

describe('string literals on current ClickHouse (chdb)', () => {
  test('round trip of arbitrary strings', () => {
    for (const xs of batches(13)) {
      const [row] = parseRows(chdbQuery(statement(xs), 'TSVRaw'));
      expect(row).toEqual({ xs, n: xs.length, tail: 'end' });
    }
    for (const s of ["'", '\\', "\\'", '\0', "x'); DROP TABLE t; --"]) {
      expect(JSON.parse(chdbQuery(`SELECT ${stringLiteral(s)} AS v FORMAT JSONEachRow`, 'TSVRaw')).v).toBe(s);
    }
  });
});

describeOnCluster('string and number literals on ClickHouse 18.16', 1, (cluster) => {
  test('round trip of arbitrary strings', async () => {
    for (const xs of batches(31)) {
      const [row] = parseRows(await cluster().query(0, statement(xs)));
      expect(row).toEqual({ xs, n: String(xs.length), tail: 'end' });
    }
  });

  test('numbers keep every bit, including values 18.16 cannot parse as decimal text', async () => {
    const xs = [...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 150, seed: 5 }), 5e-324, 1.6520192447771386e-308, -0, 0.1, 123];
    const hex = (x: number) => {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(x);
      return b.toString('hex');
    };
    const body = await cluster().query(0, `SELECT arrayJoin([${xs.map((x) => `lower(hex(reinterpretAsString(toFloat64(${numberLiteral(x)}))))`).join(', ')}])`);
    // reinterpretAsString drops trailing zero bytes.
    expect(
      body
        .trim()
        .split('\n')
        .map((h) => h.padEnd(16, '0')),
    ).toEqual(xs.map(hex));
  });
});
