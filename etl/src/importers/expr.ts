/**
 * Expressions of the mapping importer: a computed value for a canonical column
 * (`amount: { expr: "abs(Quantity) * UnitPrice" }`) or a row filter (`{ expr: "Quantity < 0" }`).
 *
 * Parsed by jsep into a syntax tree and evaluated here over a whitelist: no JavaScript is ever
 * run, only the operators and functions below. Numbers are exact decimals (big.js), so
 * 3 x 2.55 is 7.65 and a sum of a thousand lines has no float drift.
 *
 * Language:
 * - source columns by name (`Quantity`, case-insensitive), or `col('Ticket ID')` for names
 *   that are not identifiers; an empty cell is null. Literals: 'text', "text", 12.5, true,
 *   false, null.
 * - arithmetic + - * / % and unary minus, on numbers (cells are read as amounts: "1,234.50",
 *   "(12.50)" and currency signs are understood); null in, null out; a cell that is not a
 *   number is an error for that row (the value is kept, so the loader rejects the row).
 *   Division by zero is null.
 * - comparisons == != < <= > >= (numeric when both sides are numbers, else text compared
 *   case-insensitively; null equals only null), && || ! (null, false, 0 and '' are false).
 * - functions: abs(x), round(x[, places]) (half up), min(a, ...), max(a, ...),
 *   if(cond, then, else), coalesce(a, b, ...) (first non-empty), concat(a, ...) (nulls as ''),
 *   lower(s), upper(s), trim(s), startswith(s, prefix), endswith(s, suffix),
 *   contains(s, part) (case-sensitive), number(s), line() (the source line number).
 */
import jsep from 'jsep';
import Big from 'big.js';
import { parseDecimal } from './common';

export type ExprValue = string | Big | boolean | null;

/** The expression text itself is wrong (syntax, unknown function or operator). */
export class ExprSyntaxError extends Error {}

/** A row's value cannot be used (a text where a number is needed); `value` is that cell. */
export class ExprValueError extends Error {
  constructor(
    message: string,
    readonly value: string,
  ) {
    super(message);
  }
}

export interface Compiled {
  text: string;
  /** source columns the expression reads, as written */
  columns: string[];
  evaluate(scope: ExprScope): ExprValue;
}

export interface ExprScope {
  /** trimmed cell of a source column ('' when empty) */
  get(column: string): string;
  line: number;
}

type Node = jsep.Expression;

const BINARY = new Set(['+', '-', '*', '/', '%', '==', '!=', '===', '!==', '<', '<=', '>', '>=', '&&', '||']);
const UNARY = new Set(['-', '+', '!']);
const ARITY: Record<string, [number, number]> = {
  abs: [1, 1],
  round: [1, 2],
  min: [1, Infinity],
  max: [1, Infinity],
  if: [3, 3],
  coalesce: [1, Infinity],
  concat: [1, Infinity],
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  startswith: [2, 2],
  endswith: [2, 2],
  contains: [2, 2],
  number: [1, 1],
  col: [1, 1],
  line: [0, 0],
};

function check(node: Node, columns: Set<string>): void {
  switch (node.type) {
    case 'Literal':
      return;
    case 'Identifier':
      columns.add(node.name as string);
      return;
    case 'UnaryExpression':
      if (!UNARY.has(node.operator as string)) throw new ExprSyntaxError(`operator "${String(node.operator)}" is not allowed`);
      check(node.argument as Node, columns);
      return;
    case 'BinaryExpression':
      if (!BINARY.has(node.operator as string)) throw new ExprSyntaxError(`operator "${String(node.operator)}" is not allowed`);
      check(node.left as Node, columns);
      check(node.right as Node, columns);
      return;
    case 'CallExpression': {
      const callee = node.callee as Node;
      const args = node.arguments as Node[];
      const name = callee.type === 'Identifier' ? String(callee.name).toLowerCase() : '';
      const arity = ARITY[name];
      if (!arity)
        throw new ExprSyntaxError(`unknown function ${callee.type === 'Identifier' ? String(callee.name) : ''}() (valid: ${Object.keys(ARITY).join(', ')})`);
      if (args.length < arity[0] || args.length > arity[1])
        throw new ExprSyntaxError(`${name}() takes ${arity[0] === arity[1] ? arity[0] : `${arity[0]} or more`} argument(s)`);
      if (name === 'col') {
        const a = args[0] as Node;
        if (a.type !== 'Literal' || typeof a.value !== 'string') throw new ExprSyntaxError(`col() takes a column name in quotes, e.g. col('Ticket ID')`);
        columns.add(a.value);
        return;
      }
      for (const a of args) check(a, columns);
      return;
    }
    default:
      throw new ExprSyntaxError(`${node.type} is not allowed (use operators, column names and the listed functions)`);
  }
}

/** Parses and checks an expression; throws ExprSyntaxError with a readable reason. */
export function compileExpr(text: string): Compiled {
  let tree: Node;
  try {
    tree = jsep(text);
  } catch (e) {
    throw new ExprSyntaxError(e instanceof Error ? e.message : String(e));
  }
  const columns = new Set<string>();
  check(tree, columns);
  return { text, columns: [...columns], evaluate: (scope) => evaluate(tree, scope) };
}

function isNumber(v: ExprValue): boolean {
  if (v instanceof Big) return true;
  return typeof v === 'string' && parseDecimal(v) !== undefined;
}

function num(v: ExprValue, what: string): Big | null {
  if (v === null) return null;
  if (v instanceof Big) return v;
  if (typeof v === 'boolean') return new Big(v ? 1 : 0);
  const d = parseDecimal(v);
  if (d === null) return null;
  if (d === undefined) throw new ExprValueError(`${what}: "${v}" is not a number`, v);
  return new Big(d);
}

function text(v: ExprValue): string | null {
  if (v === null) return null;
  if (v instanceof Big) return v.toFixed();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v;
}

export function truthy(v: ExprValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (v instanceof Big) return !v.eq(0);
  const s = v.trim().toLowerCase();
  return s !== '' && s !== 'false' && s !== '0';
}

function compare(a: ExprValue, b: ExprValue): number | null {
  if (a === null || b === null) return null;
  if (isNumber(a) && isNumber(b)) return (num(a, '') as Big).cmp(num(b, '') as Big);
  const x = (text(a) ?? '').toLowerCase();
  const y = (text(b) ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function evaluate(node: Node, scope: ExprScope): ExprValue {
  switch (node.type) {
    case 'Literal': {
      const v = node.value;
      if (typeof v === 'number') return new Big(v);
      if (typeof v === 'string' || typeof v === 'boolean') return v;
      return null;
    }
    case 'Identifier': {
      const v = scope.get(node.name as string);
      return v === '' ? null : v;
    }
    case 'UnaryExpression': {
      const v = evaluate(node.argument as Node, scope);
      if (node.operator === '!') return !truthy(v);
      const n = num(v, String(node.operator));
      return n === null ? null : node.operator === '-' ? n.neg() : n;
    }
    case 'BinaryExpression':
      return binary(node.operator as string, node.left as Node, node.right as Node, scope);
    case 'CallExpression':
      return call(String((node.callee as Node).name).toLowerCase(), node.arguments as Node[], scope);
    default:
      throw new ExprSyntaxError(`${node.type} is not allowed`);
  }
}

function binary(op: string, left: Node, right: Node, scope: ExprScope): ExprValue {
  if (op === '&&') return truthy(evaluate(left, scope)) && truthy(evaluate(right, scope));
  if (op === '||') return truthy(evaluate(left, scope)) || truthy(evaluate(right, scope));
  const a = evaluate(left, scope);
  const b = evaluate(right, scope);
  switch (op) {
    case '==':
    case '===':
      return a === null || b === null ? a === b : compare(a, b) === 0;
    case '!=':
    case '!==':
      return a === null || b === null ? a !== b : compare(a, b) !== 0;
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const c = compare(a, b);
      if (c === null) return null;
      return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
    }
    default: {
      const x = num(a, op);
      const y = num(b, op);
      if (x === null || y === null) return null;
      if (op === '+') return x.plus(y);
      if (op === '-') return x.minus(y);
      if (op === '*') return x.times(y);
      if (y.eq(0)) return null;
      return op === '/' ? x.div(y) : x.mod(y);
    }
  }
}

function call(name: string, args: Node[], scope: ExprScope): ExprValue {
  if (name === 'if') return truthy(evaluate(args[0] as Node, scope)) ? evaluate(args[1] as Node, scope) : evaluate(args[2] as Node, scope);
  if (name === 'coalesce') {
    for (const a of args) {
      const v = evaluate(a, scope);
      if (v !== null && !(typeof v === 'string' && v.trim() === '')) return v;
    }
    return null;
  }
  if (name === 'col') {
    const v = scope.get(String((args[0] as Node).value));
    return v === '' ? null : v;
  }
  if (name === 'line') return new Big(scope.line);
  const values = args.map((a) => evaluate(a, scope));
  const [a = null, b = null] = values;
  switch (name) {
    case 'abs': {
      const n = num(a, 'abs');
      return n === null ? null : n.abs();
    }
    case 'round': {
      const n = num(a, 'round');
      const places = b === null ? 0 : Number((num(b, 'round') as Big).toFixed(0));
      return n === null ? null : n.round(places, Big.roundHalfUp);
    }
    case 'min':
    case 'max': {
      const ns = values.map((v) => num(v, name)).filter((v): v is Big => v !== null);
      if (ns.length === 0) return null;
      return ns.reduce((m, v) => (name === 'min' ? (v.lt(m) ? v : m) : v.gt(m) ? v : m));
    }
    case 'concat':
      return values.map((v) => text(v) ?? '').join('');
    case 'lower':
      return text(a)?.toLowerCase() ?? null;
    case 'upper':
      return text(a)?.toUpperCase() ?? null;
    case 'trim':
      return text(a)?.trim() ?? null;
    case 'startswith':
    case 'endswith':
    case 'contains': {
      const s = text(a);
      const p = text(b);
      if (s === null || p === null) return false;
      return name === 'startswith' ? s.startsWith(p) : name === 'endswith' ? s.endsWith(p) : s.includes(p);
    }
    case 'number':
      return num(a, 'number');
    default:
      throw new ExprSyntaxError(`unknown function ${name}()`);
  }
}

/** An expression's result as a cell of the intermediate CSV. */
export function exprToCell(v: ExprValue): string | null {
  return text(v);
}
