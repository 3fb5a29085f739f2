import type { Grain } from '@refunds/shared';

/**
 * Time expressions for the ClickHouse dialect, over timestamps stored as Int64 microseconds since
 * 1970-01-01 UTC (schema.ts). They run on 18.16 and current ClickHouse alike. Calendar functions take
 * a DateTime (which ends 2106-02-07); they are tested from 1970-04-01 to 2105-01-01, because 18.16
 * prints day 0 (1970-01-01, the start of the first month and quarter) as 0000-00-00.
 */

/**
 * The rollups' time columns (day, wk, first_wk) are Dates, not stored timestamps: a query over a
 * rollup hands one of them, by name, where a query over refund_facts hands requested_at.
 */
export const isDateColumn = (expr: string): boolean => /^(?:`?\w+`?\.)?`?(?:day|wk|first_wk)`?$/.test(expr.trim());

/** A stored timestamp as a UTC DateTime (whole seconds; the fraction is kept in the stored value). */
export const tsToDateTime = (col: string): string => `toDateTime(intDiv(${col}, 1000000), 'UTC')`;

/** The UTC calendar date of a stored timestamp (DuckDB: CAST(ts AS DATE)). */
export const tsToDate = (col: string): string => (isDateColumn(col) ? col : `toDate(${tsToDateTime(col)})`);

/**
 * The first day of the period holding a stored timestamp, as DuckDB's date_trunc: weeks start on
 * Monday. 18.16 has no toStartOfWeek (nor date_trunc); toMonday is on every version.
 */
export function truncToGrain(col: string, grain: Grain): string {
  // A rollup's day is a Date already: the calendar functions take it as it is.
  const dt = isDateColumn(col) ? col : tsToDateTime(col);
  switch (grain) {
    case 'DAY':
      return `toDate(${dt})`;
    case 'WEEK':
      return `toMonday(${dt})`;
    case 'MONTH':
      return `toStartOfMonth(${dt})`;
    case 'QUARTER':
      return `toStartOfQuarter(${dt})`;
  }
}

/** Hours from `from` to `to` as a Float64, computed as DuckDB's epoch(to - from) / 3600.0. */
export const hoursBetween = (from: string, to: string): string => `(${to} - ${from}) / 1000000 / 3600.`;

/** A stored timestamp moved by whole days. */
export const plusDays = (col: string, days: number): string => `${col} + toInt64(${Math.trunc(days) * 86_400_000_000})`;
