import fc from 'fast-check';
import { chIdent, chLiteral, dateLiteral, LiteralError, numberLiteral, stringArrayLiteral, stringLiteral } from './literal';

/**
 * An independent reader of ClickHouse's quoted-string syntax (as its lexer reads it): from the
 * opening quote to the first unescaped quote, decoding the escapes we emit. Returns the value
 * and where the literal ends in `text`.
 */
function readStringLiteral(text: string, start: number): { value: string; end: number } {
  if (text[start] !== "'") throw new Error('no opening quote');
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "'") return { value, end: i + 1 };
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = text[++i];
    if (e === '\\' || e === "'") value += e;
    else if (e === '0') value += '\0';
    else if (e === 'x') {
      value += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else throw new Error(`unexpected escape \\${e}`);
  }
  throw new Error('unterminated literal');
}

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: fc.constantFrom("'", '\\', '"', '\0', '\n', '\r', '`', '?', '{', '}', ';', '-', '/', '*', 'x', '0', ' ', '\u2028', '😀'), maxLength: 40 }),
);

describe('ClickHouse literals', () => {
  test('property: a string literal ends exactly where it was meant to, and reads back as the same string', () => {
    fc.assert(
      fc.property(anyString, anyString, (s, after) => {
        const lit = stringLiteral(s);
        // Whatever follows the literal in a statement, the literal ends at its own closing quote.
        const text = `SELECT ${lit}${after.replace(/'/g, '')} AS x`;
        const r = readStringLiteral(text, 'SELECT '.length);
        expect(r.value).toBe(s);
        expect(r.end).toBe('SELECT '.length + lit.length);
        // Nothing in it the lexer or a log could take for something else.
        // eslint-disable-next-line no-control-regex -- the point is that no control character survives
        expect(lit).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
      { numRuns: 3000 },
    );
  });

  test('property: an array literal holds exactly its strings', () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 6 }), (xs) => {
        const lit = stringArrayLiteral(xs);
        if (xs.length === 0) return expect(lit).toBe('emptyArrayString()');
        const got: string[] = [];
        let i = 1;
        for (;;) {
          const r = readStringLiteral(lit, i);
          got.push(r.value);
          if (lit[r.end] === ']') {
            expect(r.end).toBe(lit.length - 1);
            break;
          }
          expect(lit.slice(r.end, r.end + 2)).toBe(', ');
          i = r.end + 2;
        }
        expect(got).toEqual(xs);
      }),
    );
  });

  test('examples: quotes, backslashes, NUL, control characters', () => {
    expect(stringLiteral(`it's`)).toBe(`'it\\'s'`);
    expect(stringLiteral('a\\')).toBe(`'a\\\\'`);
    expect(stringLiteral("\\'); DROP TABLE refunds; --")).toBe(`'\\\\\\'); DROP TABLE refunds; --'`);
    expect(stringLiteral('a\0b\n\x7f')).toBe(`'a\\0b\\x0a\\x7f'`);
    expect(() => stringLiteral('\uD800x')).toThrow(LiteralError);
  });

  test('numbers: integers as written, other values by their exact bits; no NaN or infinity', () => {
    expect(numberLiteral(42)).toBe('42');
    expect(numberLiteral(-7)).toBe('(-7)');
    expect(numberLiteral(0.1)).toBe(`reinterpretAsFloat64(unhex('9a9999999999b93f'))`);
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const lit = numberLiteral(x);
        if (Number.isSafeInteger(x) && !Object.is(x, -0)) return expect(Number(lit.replace(/[()]/g, ''))).toBe(x);
        const hex = /^reinterpretAsFloat64\(unhex\('([0-9a-f]{16})'\)\)$/.exec(lit)![1];
        expect(Object.is(Buffer.from(hex, 'hex').readDoubleLE(0), x)).toBe(true);
      }),
    );
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => numberLiteral(bad)).toThrow(LiteralError);
  });

  test('other types', () => {
    expect(chLiteral(null)).toBe('NULL');
    expect(chLiteral(true)).toBe('1');
    expect(chLiteral(new Date('2024-03-01T08:26:00.123Z'))).toBe('1709281560123000');
    expect(chLiteral({ date: '2024-02-29' })).toBe(`toDate('2024-02-29')`);
    expect(() => dateLiteral('2023-02-29')).toThrow(LiteralError);
    expect(() => dateLiteral('1969-12-31')).toThrow(/outside/);
    expect(chLiteral(['a', "b'"])).toBe(`['a', 'b\\'']`);
    expect(chLiteral(-(2n ** 63n))).toBe('(-9223372036854775808)');
    expect(chIdent('refund_facts')).toBe('`refund_facts`');
    expect(() => chIdent('x`; DROP')).toThrow(LiteralError);
  });
});
