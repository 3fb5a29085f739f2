/**
 * Values inlined into ClickHouse SQL as typed, escaped literals. ClickHouse 18.16 (Debian's package)
 * has no server-side query parameters (`{k:UInt64}` answers "Unknown setting param_k"), so the
 * ClickHouse dialect writes values into the text; these functions are the only way a value gets
 * there. A property test (literal.spec.ts, and a round trip through a real 18.16 server in
 * test/integration/clickhouse-literals.test.ts) shows no string can leave its quotes.
 */

/** A value the ClickHouse dialect may inline. Timestamps are `Date`s; dates are `{ date: 'YYYY-MM-DD' }`. */
export type ChValue = string | number | bigint | boolean | null | Date | { date: string } | readonly string[];

export class LiteralError extends Error {}

const HEX = '0123456789abcdef';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A single-quoted string literal. Backslash and quote are escaped, and so is every control
 * character (as `\xHH`, NUL as `\0`), so the text holds no byte that could end or bend the literal
 * and nothing a log viewer would mangle. Lone UTF-16 surrogates cannot be sent as UTF-8: refused.
 */
export function stringLiteral(s: string): string {
  if (typeof s !== 'string') throw new LiteralError(`not a string: ${typeof s}`);
  if (LONE_SURROGATE.test(s)) throw new LiteralError('a string with a lone UTF-16 surrogate cannot be sent to ClickHouse');
  let out = "'";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x27) out += "\\'";
    else if (c === 0) out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
    else out += s[i];
  }
  return `${out}'`;
}

/**
 * A number. Safe integers are written as they are. Other finite numbers are written by their bits
 * (`reinterpretAsFloat64(unhex('<8 bytes, little-endian>'))`): 18.16 parses decimal float text
 * inexactly for large exponents and refuses subnormals, and the bits are exact on every version.
 */
export function numberLiteral(n: number): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new LiteralError(`not a finite number: ${String(n)}`);
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return n < 0 ? `(${n})` : String(n);
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return `reinterpretAsFloat64(unhex('${b.toString('hex')}'))`;
}

export function bigintLiteral(n: bigint): string {
  if (n < -(2n ** 63n) || n >= 2n ** 64n) throw new LiteralError(`integer out of 64-bit range: ${n}`);
  return n < 0n ? `(${n})` : n.toString();
}

/** A calendar date, `toDate('YYYY-MM-DD')` (the Date type: 1970-01-01 .. 2105-12-31 on 18.16). */
export function dateLiteral(d: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== d) throw new LiteralError(`not a date YYYY-MM-DD: ${JSON.stringify(d)}`);
  if (d < '1970-01-01' || d > '2105-12-31') throw new LiteralError(`date ${d} is outside ClickHouse's Date range (1970-01-01 .. 2105-12-31)`);
  return `toDate('${d}')`;
}

/**
 * A timestamp, as the warehouse stores them: Int64 microseconds since 1970-01-01 UTC (see
 * schema.ts: 18.16 has no DateTime64, and DateTime drops the fraction of a second).
 */
export function timestampLiteral(t: Date): string {
  const ms = t.getTime();
  if (Number.isNaN(ms)) throw new LiteralError('invalid Date');
  return bigintLiteral(BigInt(ms) * 1000n);
}

/** An Array(String) literal; the empty one is typed (`emptyArrayString()`), as `[]` is Array(Nothing). */
export function stringArrayLiteral(xs: readonly string[]): string {
  if (xs.length === 0) return 'emptyArrayString()';
  return `[${xs.map(stringLiteral).join(', ')}]`;
}

export function chLiteral(v: ChValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'number') return numberLiteral(v);
  if (typeof v === 'bigint') return bigintLiteral(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v instanceof Date) return timestampLiteral(v);
  if (Array.isArray(v)) return stringArrayLiteral(v as readonly string[]);
  if (typeof v === 'object' && typeof (v as { date?: unknown }).date === 'string') return dateLiteral((v as { date: string }).date);
  throw new LiteralError(`cannot inline ${Object.prototype.toString.call(v)}`);
}

/** Quotes an identifier from the table specs or catalog (never from a client). */
export function chIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new LiteralError(`unsafe SQL identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}
