import type { Locale, Unit } from '@refunds/shared';

/** Locale-aware formatting of every number and date the UI shows; null/undefined/NaN show as a dash. */

export const DASH = '—';

const cacheNF = new Map<string, Intl.NumberFormat>();
function nf(locale: Locale, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = cacheNF.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    cacheNF.set(key, f);
  }
  return f;
}

const isNum = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

export function formatNumber(locale: Locale, v: number | null | undefined, maxDigits = 0): string {
  return isNum(v) ? nf(locale, { maximumFractionDigits: maxDigits, minimumFractionDigits: 0 }).format(v) : DASH;
}

export function formatDecimal(locale: Locale, v: number | null | undefined, digits = 2): string {
  return isNum(v) ? nf(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v) : DASH;
}

export function formatPercent(locale: Locale, v: number | null | undefined, digits = 1): string {
  return isNum(v) ? nf(locale, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v) : DASH;
}

export function formatCurrency(locale: Locale, v: number | null | undefined, currency = 'CNY', digits = 0): string {
  return isNum(v) ? nf(locale, { style: 'currency', currency, maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v) : DASH;
}

/** Short form for axes and dense cells: 12K / 1.2万. */
export function formatCompact(locale: Locale, v: number | null | undefined): string {
  return isNum(v) ? nf(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(v) : DASH;
}

export function formatCompactCurrency(locale: Locale, v: number | null | undefined, currency = 'CNY'): string {
  return isNum(v) ? nf(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(v) : DASH;
}

export function formatPValue(locale: Locale, v: number | null | undefined): string {
  if (!isNum(v)) return DASH;
  if (v < 0.0001) return `< ${formatDecimal(locale, 0.0001, 4)}`;
  return formatDecimal(locale, v, v < 0.01 ? 4 : 3);
}

/** Parses YYYY-MM-DD (or an ISO timestamp) as a UTC instant; null when unreadable. */
export function parseDay(s: string | null | undefined): Date | null {
  if (!s) return null;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T00:00:00Z`) : new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Dates from the API are UTC calendar days, so they are formatted in UTC (no off-by-one in the browser's zone). */
export function formatDate(locale: Locale, s: string | null | undefined, style: 'short' | 'medium' = 'medium'): string {
  const d = parseDay(s);
  if (!d) return DASH;
  const opts: Intl.DateTimeFormatOptions =
    style === 'short' ? { timeZone: 'UTC', month: 'numeric', day: 'numeric' } : { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(locale, opts).format(d);
}

export function formatDateTime(locale: Locale, s: string | null | undefined): string {
  const d = parseDay(s);
  if (!d) return DASH;
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}

export function formatMetric(locale: Locale, unit: Unit, v: number | null | undefined, currency = 'CNY'): string {
  switch (unit) {
    case 'count':
      return formatNumber(locale, v);
    case 'rate':
      return formatPercent(locale, v);
    case 'currency':
      return formatCurrency(locale, v, currency);
    case 'hours':
      return formatNumber(locale, v, 1);
    case 'score5':
      return formatDecimal(locale, v, 2);
    case 'nps':
      return formatNumber(locale, v, 1);
    case 'ratio':
      return formatDecimal(locale, v, 2);
    case 'pvalue':
      return formatPValue(locale, v);
    case 'correlation':
      return formatDecimal(locale, v, 2);
  }
}

/**
 * The change from `prev` to `cur` in the unit's natural terms: percentage points for rates,
 * relative change for counts and amounts, absolute for scores and hours.
 */
export function formatChange(locale: Locale, unit: Unit, cur: number | null | undefined, prev: number | null | undefined, currency = 'CNY'): string {
  if (!isNum(cur) || !isNum(prev)) return DASH;
  const d = cur - prev;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = Math.abs(d);
  switch (unit) {
    case 'rate':
      return `${sign}${formatDecimal(locale, abs * 100, 1)} ${locale === 'zh-CN' ? '个百分点' : 'pp'}`;
    case 'count':
    case 'currency': {
      if (prev === 0) return unit === 'currency' ? `${sign}${formatCurrency(locale, abs, currency)}` : `${sign}${formatNumber(locale, abs)}`;
      return `${sign}${formatPercent(locale, abs / Math.abs(prev), 1)}`;
    }
    case 'hours':
    case 'score5':
    case 'nps':
    case 'ratio':
    case 'pvalue':
    case 'correlation':
      return `${sign}${formatMetric(locale, unit, abs, currency)}`;
  }
}

/** Whether a change is good (+1), bad (-1) or neutral (0) given which way is better. */
export function changeTone(better: 'higher' | 'lower' | undefined, cur: number | null | undefined, prev: number | null | undefined): -1 | 0 | 1 {
  if (!better || !isNum(cur) || !isNum(prev) || cur === prev) return 0;
  const up = cur > prev;
  return (better === 'higher') === up ? 1 : -1;
}
