import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { METRIC_BY_NAME, type Locale, type MetricDef } from '@refunds/shared';
import { en, interpolate, zhCN, type MessageKey, type Vars } from './messages';
import * as F from './format';

export const LOCALE_KEY = 'refunds.locale';
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage may be disabled; fall back to the browser language
  }
  return typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export interface Formatters {
  number: (v: number | null | undefined, digits?: number) => string;
  decimal: (v: number | null | undefined, digits?: number) => string;
  percent: (v: number | null | undefined, digits?: number) => string;
  currency: (v: number | null | undefined, digits?: number) => string;
  compact: (v: number | null | undefined) => string;
  compactCurrency: (v: number | null | undefined) => string;
  pValue: (v: number | null | undefined) => string;
  date: (s: string | null | undefined, style?: 'short' | 'medium') => string;
  dateTime: (s: string | null | undefined) => string;
  metric: (name: string, v: number | null | undefined) => string;
  change: (name: string, cur: number | null | undefined, prev: number | null | undefined) => string;
}

export interface I18n {
  locale: Locale;
  setLocale: (l: Locale) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  fmt: Formatters;
  currency: string;
  setCurrency: (c: string) => void;
  /** Catalog label of a metric in the current locale (the name itself when unknown). */
  metricLabel: (name: string) => string;
  metricDef: (name: string) => MetricDef | undefined;
  /** A code from the data (decision, family, customer type) in words, when there is a translation. */
  code: (kind: 'decision' | 'family' | 'customerType', value: string) => string;
}

const Ctx = createContext<I18n | null>(null);

export function makeFormatters(locale: Locale, currency: string): Formatters {
  return {
    number: (v, d) => F.formatNumber(locale, v, d),
    decimal: (v, d) => F.formatDecimal(locale, v, d),
    percent: (v, d) => F.formatPercent(locale, v, d),
    currency: (v, d) => F.formatCurrency(locale, v, currency, d),
    compact: (v) => F.formatCompact(locale, v),
    compactCurrency: (v) => F.formatCompactCurrency(locale, v, currency),
    pValue: (v) => F.formatPValue(locale, v),
    date: (s, style) => F.formatDate(locale, s, style),
    dateTime: (s) => F.formatDateTime(locale, s),
    metric: (name, v) => F.formatMetric(locale, METRIC_BY_NAME.get(name)?.unit ?? 'ratio', v, currency),
    change: (name, cur, prev) => F.formatChange(locale, METRIC_BY_NAME.get(name)?.unit ?? 'ratio', cur, prev, currency),
  };
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [currency, setCurrency] = useState('CNY');
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      localStorage.setItem(LOCALE_KEY, l);
    } catch {
      // not persisted; the choice still holds for this tab
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const dict = locale === 'zh-CN' ? zhCN : en;
    const t = (key: MessageKey, vars?: Vars) => interpolate(dict[key] ?? en[key] ?? key, vars);
    return {
      locale,
      setLocale,
      t,
      fmt: makeFormatters(locale, currency),
      currency,
      setCurrency,
      metricLabel: (name) => METRIC_BY_NAME.get(name)?.label[locale] ?? name,
      metricDef: (name) => METRIC_BY_NAME.get(name),
      code: (kind, value) => {
        const key = `${kind}.${value}` as MessageKey;
        return key in dict ? t(key) : value;
      },
    };
  }, [locale, setLocale, currency]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
