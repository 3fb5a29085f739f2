import { ident, literal, type ColumnSpec, type TableSpec } from '@refunds/warehouse';

/**
 * Set-based validation SQL: one pass over the raw (all-VARCHAR) staging table gives every row its
 * typed columns and a list of errors {column, value, reason}. Rows with an empty list are valid.
 */

const rawCol = (c: ColumnSpec) => ident(`r_${c.name}`);

function normalized(c: ColumnSpec): string {
  const v = `NULLIF(trim(${ident(c.name)}, ' \t\r\n'), '')`;
  const withDefault = c.default !== undefined ? `coalesce(${v}, ${literal(c.default)})` : v;
  switch (c.normalize) {
    case undefined:
      return withDefault;
    case 'lower':
      return `lower(${withDefault})`;
    case 'upper':
      return `upper(${withDefault})`;
    case 'reason':
      return `regexp_replace(lower(${withDefault}), '\\s+', '_', 'g')`;
  }
}

function typed(c: ColumnSpec): string {
  const r = rawCol(c);
  switch (c.type) {
    case 'string':
      return r;
    case 'timestamp':
      return `CAST(TRY_CAST(${r} AS TIMESTAMPTZ) AS TIMESTAMP)`;
    case 'date':
      return `TRY_CAST(${r} AS DATE)`;
    case 'decimal':
      return `CASE WHEN isfinite(TRY_CAST(${r} AS DOUBLE)) THEN TRY_CAST(${r} AS DOUBLE) END`;
    case 'integer':
      return `CASE WHEN regexp_full_match(${r}, '[+-]?[0-9]+(\\.0+)?') THEN TRY_CAST(TRY_CAST(${r} AS DOUBLE) AS INTEGER) END`;
    case 'boolean':
      return `CASE WHEN lower(${r}) IN ('true', '1', 'yes') THEN true WHEN lower(${r}) IN ('false', '0', 'no') THEN false END`;
  }
}

const TYPE_WORDS: Record<ColumnSpec['type'], string> = {
  string: 'text',
  timestamp: 'ISO 8601 timestamp',
  date: 'date (YYYY-MM-DD)',
  decimal: 'number',
  integer: 'whole number',
  boolean: 'boolean (true/false/1/0/yes/no)',
};

/** A rule over one row: the condition that breaks it, and the reject it produces. */
interface Check {
  cond: string;
  reject: string;
}

function err(cond: string, column: string, valueExpr: string, reason: string): Check {
  return { cond, reject: `CASE WHEN ${cond} THEN {'column': ${literal(column)}, 'value': CAST(${valueExpr} AS VARCHAR), 'reason': ${reason}} END` };
}

function columnChecks(c: ColumnSpec): Check[] {
  const r = rawCol(c);
  const t = ident(c.name);
  const out: Check[] = [];
  if (c.required) out.push(err(`${r} IS NULL`, c.name, r, literal(`${c.name} is required`)));
  if (c.type !== 'string') out.push(err(`${r} IS NOT NULL AND ${t} IS NULL`, c.name, r, literal(`${c.name} is not a valid ${TYPE_WORDS[c.type]}`)));
  if (c.enum) {
    const list = c.enum.map(literal).join(', ');
    out.push(err(`${t} IS NOT NULL AND ${t} NOT IN (${list})`, c.name, r, literal(`${c.name} must be one of ${c.enum.join(', ')}`)));
  }
  if (c.min) {
    const op = c.min.exclusive ? '<=' : '<';
    const words = c.min.exclusive ? `> ${c.min.value}` : `>= ${c.min.value}`;
    out.push(err(`${t} ${op} ${c.min.value}`, c.name, r, literal(`${c.name} must be ${words}`)));
  }
  if (c.currencyCode) {
    out.push(err(`${t} IS NOT NULL AND NOT regexp_full_match(${t}, '[A-Z]{3}')`, c.name, r, literal(`${c.name} must be a 3-letter ISO 4217 code`)));
  }
  return out;
}

export interface ValidationSql {
  /** Temp table `_fxday` (currency, day, rate): one ASOF lookup per pair instead of per row. */
  fxDays: string | null;
  /** Creates `target`: __line, the typed columns, and `__bad`. */
  check: string;
  /** SELECT __line, column, value, reason for the rows of `target` flagged __bad. */
  rejects: string;
}

/**
 * Set-based validation over `source`, a relation of the file's columns as VARCHAR plus `__line`. The valid path keeps only typed columns and a flag; the
 * readable reasons are built afterwards for the bad rows alone.
 */
export function validationSql(spec: TableSpec, source: string, target: string, reportingCurrency: string): ValidationSql {
  const typedSelect = spec.columns.map((c) => `${typed(c)} AS ${ident(c.name)}`).join(',\n    ');
  const rawSelect = spec.columns.map((c) => `${normalized(c)} AS ${rawCol(c)}`).join(',\n      ');
  const checks = [
    ...spec.columns.flatMap(columnChecks),
    ...spec.rules.map((rule) => err(`(${rule.bad}) IS TRUE`, rule.column, ident(`r_${rule.column}`), literal(rule.reason))),
  ];
  const rows = (where: string) => `(SELECT *, ${typedSelect} FROM (SELECT __line, ${rawSelect} FROM ${source} ${where}))`;
  let fxDays: string | null = null;
  let from = (where: string) => rows(where);
  if (spec.fx) {
    const cur = ident(spec.fx.currency);
    const at = ident(spec.fx.at);
    const rep = literal(reportingCurrency);
    // A day-by-day rate calendar per currency (a few thousand rows, built without reading the file)
    // joined by equality, instead of an ASOF join per row. It ends at the last rate of any currency:
    // a later day takes that day's rate, which is each currency's latest, as the ASOF rule says.
    fxDays = `CREATE OR REPLACE TEMP TABLE _fxday AS
      WITH span AS (SELECT currency AS c, min(date) AS lo FROM fx_rates GROUP BY currency),
      days AS (SELECT c, CAST(unnest(generate_series(lo, (SELECT max(date) FROM fx_rates), INTERVAL 1 DAY)) AS DATE) AS d FROM span)
      SELECT x.c, x.d, f.rate_to_reporting AS rate
      FROM days x ASOF LEFT JOIN fx_rates f ON x.c = f.currency AND x.d >= f.date`;
    from = (where: string) => `(SELECT t.*, CASE WHEN coalesce(t.${cur}, ${rep}) = ${rep} THEN 1 ELSE fd.rate END AS __rate
      FROM ${rows(where)} t LEFT JOIN _fxday fd ON fd.c = t.${cur} AND fd.d = least(CAST(t.${at} AS DATE), (SELECT max(d) FROM _fxday)))`;
    checks.push(
      err(
        `${at} IS NOT NULL AND ${cur} IS NOT NULL AND regexp_full_match(${cur}, '[A-Z]{3}') AND __rate IS NULL`,
        spec.fx.currency,
        ident(`r_${spec.fx.currency}`),
        `'no fx rate for ' || ${cur} || ' on or before ' || CAST(CAST(${at} AS DATE) AS VARCHAR)`,
      ),
    );
  }
  const typedCols = spec.columns.map((c) => ident(c.name)).join(', ');
  return {
    fxDays,
    check: `CREATE OR REPLACE TEMP TABLE ${ident(target)} AS
      SELECT __line, ${typedCols}, (${checks.map((c) => `(${c.cond}) IS TRUE`).join(' OR ')}) AS __bad
      FROM ${from('')}`,
    rejects: `SELECT __line, e.column AS column_name, e.value AS value, e.reason AS reason
      FROM (SELECT __line, unnest(list_filter([${checks.map((c) => c.reject).join(',\n      ')}], e -> e IS NOT NULL)) AS e
            FROM ${from(`WHERE __line IN (SELECT __line FROM ${ident(target)} WHERE __bad)`)})`,
  };
}
