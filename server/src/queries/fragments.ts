/**
 * Named fragments of the contract queries' SQL: text that many statements carry (the request's
 * filter, the reporting currency) is written out once, in fragments.sql, and a query file names it
 * where a statement has it, as `name($a, $b, ...)`: the fragment's text with its placeholders
 * $1, $2, ... numbered $a, $b, ... instead. `expandFragments` turns a named statement back into the
 * one the code runs; `nameFragments` checks that it does before it names anything.
 */
import type { RefundFilter } from '@refunds/shared';
import { DECIDED_SQL, DUCKDB, type Dialect } from '@refunds/warehouse';
import { format } from 'sql-formatter';
import { filterCondition } from '../common/semantic/filter';

/** The filter of every contract query's request: a quarter, two channels. */
export const FILTER: RefundFilter = { from: '2025-01-01', to: '2025-04-01', channels: ['web', 'chat'] };

export interface Fragment {
  name: string;
  /** What the fragment is, for fragments.sql. */
  about: string;
  /** The SQL text, with placeholders $1, $2, ... */
  text: string;
}

/** The fragments, most specific first (a statement is matched against them in this order). */
export function contractFragments(d: Dialect = DUCKDB): Fragment[] {
  const days = filterCondition(FILTER, { columns: { time: 'day' }, dateColumn: true, dialect: d }).render().text;
  const times = filterCondition(FILTER, { dialect: d }).render().text;
  return [
    { name: 'decided_days_filter', about: 'decided refunds within the request filter, on a daily rollup (`day`)', text: `${DECIDED_SQL.text} AND ${days}` },
    {
      name: 'decided_times_filter',
      about: 'decided refunds within the request filter, on refund_facts (`requested_at`)',
      text: `${DECIDED_SQL.text} AND ${times}`,
    },
    { name: 'days_filter', about: 'the request filter (from, to, channels) on a daily rollup (`day`)', text: days },
    { name: 'times_filter', about: 'the request filter (from, to, channels) on refund_facts (`requested_at`)', text: times },
    {
      name: 'approved_or_partial_n',
      about: 'how many refunds of the rollup rows are approved or partial',
      text: d.int64(`coalesce(${d.sumIf('n', `decision IN ('approved', 'partial')`)}, 0)`),
    },
    {
      name: 'reporting_currency',
      about: 'the currency the warehouse reports in (set when it was created)',
      text: `(SELECT max(value) FROM ${d.table('meta')} WHERE key = 'reporting_currency')`,
    },
  ];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const placeholders = (text: string) => text.match(/\$\d+/g) ?? [];

/** A fragment as a pattern that matches its text with any placeholder numbers (captured in order). */
function pattern(f: Fragment): RegExp {
  return new RegExp(f.text.split(/\$\d+/).map(escapeRegExp).join('\\$(\\d+)'), 'g');
}

/** A fragment's text with its placeholders numbered as a reference gives them. */
function instantiate(f: Fragment, numbers: readonly string[]): string {
  const own = placeholders(f.text);
  if (own.length !== numbers.length) throw new Error(`${f.name} takes ${own.length} placeholders, not ${numbers.length}`);
  let i = 0;
  return f.text.replace(/\$\d+/g, () => `$${numbers[i++]}`);
}

const reference = (f: Fragment, numbers: readonly string[]) => `${f.name}(${numbers.map((n) => `$${n}`).join(', ')})`;

/** The statement with every named fragment written out: what the code runs. */
export function expandFragments(text: string, fragments: readonly Fragment[]): string {
  let out = text;
  for (const f of fragments) {
    out = out.replace(new RegExp(`\\b${f.name}\\(((?:\\$\\d+(?:, )?)*)\\)`, 'g'), (_m, args: string) =>
      instantiate(f, args === '' ? [] : args.split(', ').map((a) => a.slice(1))),
    );
  }
  return out;
}

/** The statement with the fragments it carries named; throws unless expanding it gives the statement back. */
export function nameFragments(text: string, fragments: readonly Fragment[]): { text: string; used: Set<string> } {
  const used = new Set<string>();
  let out = text;
  for (const f of fragments) {
    out = out.replace(pattern(f), (...m: unknown[]) => {
      used.add(f.name);
      return reference(f, m.slice(1, 1 + placeholders(f.text).length) as string[]);
    });
  }
  if (expandFragments(out, fragments) !== text) throw new Error(`naming fragments does not give back the statement:\n${text}`);
  return { text: out, used };
}

/** Indented SQL, one clause per line: what the checked-in files hold. A fragment's name reads as a call, `name($1)`. */
export function prettySql(text: string, fragments: readonly Fragment[] = []): string {
  const out = format(text, { language: 'duckdb', paramTypes: { numbered: ['$'] }, keywordCase: 'preserve', tabWidth: 2 });
  return fragments.reduce((t, f) => t.replace(new RegExp(`\\b${f.name} \\(`, 'g'), `${f.name}(`), out);
}

/** fragments.sql: each fragment the contract queries name, written out once. */
export function renderFragmentsFile(fragments: readonly Fragment[], used: ReadonlySet<string>): string {
  const head = [
    '-- The named fragments of the contract queries, generated by `npm run sql:generate`; do not edit.',
    '-- Where a query file writes `name($a, $b, ...)`, the statement the code runs has the text below,',
    "-- with the fragment's placeholders $1, $2, ... numbered $a, $b, ... instead.",
  ];
  const body = fragments
    .filter((f) => used.has(f.name))
    .map((f) => {
      const params = placeholders(f.text);
      return `-- ${f.name}(${params.join(', ')}): ${f.about}\n${prettySql(f.text)}`;
    });
  return `${head.join('\n')}\n\n${body.join('\n\n')}\n`;
}
