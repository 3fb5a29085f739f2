import { changeTone, formatChange, formatCompact, formatCurrency, formatDate, formatMetric, formatPercent, formatPValue } from './format';
import { interpolate, en, zhCN } from './messages';

describe('locale formatting', () => {
  test('currency is CNY in both locales with the locale symbol', () => {
    expect(formatCurrency('en', 1234.5)).toBe('CN¥1,235');
    expect(formatCurrency('zh-CN', 1234.5)).toBe('¥1,235');
    expect(formatCurrency('en', 1234.5, 'CNY', 2)).toBe('CN¥1,234.50');
  });

  test('percent and compact numbers follow the locale', () => {
    expect(formatPercent('en', 0.1234)).toBe('12.3%');
    expect(formatPercent('zh-CN', 0.1234)).toBe('12.3%');
    expect(formatCompact('en', 12_300)).toBe('12.3K');
    expect(formatCompact('zh-CN', 12_300)).toBe('1.2万');
  });

  test('dates are UTC calendar days in the locale style', () => {
    expect(formatDate('en', '2025-03-01')).toBe('Mar 1, 2025');
    expect(formatDate('zh-CN', '2025-03-01')).toBe('2025年3月1日');
  });

  test('missing values show a dash, never 0', () => {
    expect(formatMetric('en', 'rate', null)).toBe('—');
    expect(formatMetric('en', 'currency', undefined)).toBe('—');
    expect(formatMetric('en', 'count', Number.NaN)).toBe('—');
  });

  test('changes: percentage points for rates, relative for counts', () => {
    expect(formatChange('en', 'rate', 0.55, 0.5)).toBe('+5.0 pp');
    expect(formatChange('zh-CN', 'rate', 0.45, 0.5)).toBe('−5.0 个百分点');
    expect(formatChange('en', 'count', 110, 100)).toBe('+10.0%');
    expect(changeTone('lower', 0.2, 0.1)).toBe(-1);
    expect(changeTone('higher', 0.2, 0.1)).toBe(1);
    expect(changeTone(undefined, 0.2, 0.1)).toBe(0);
  });

  test('p-values', () => {
    expect(formatPValue('en', 0.00001)).toBe('< 0.0001');
    expect(formatPValue('en', 0.0312)).toBe('0.031');
  });

  test('every message has a Chinese translation with the same placeholders', () => {
    for (const k of Object.keys(en) as Array<keyof typeof en>) {
      expect(zhCN[k]).toBeTruthy();
      const ph = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect([k, ph(zhCN[k])]).toEqual([k, ph(en[k])]);
    }
    expect(interpolate('a {x} b {y}', { x: 1 })).toBe('a 1 b {y}');
  });
});
