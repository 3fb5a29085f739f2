import {
  canonicalizeRow,
  detectDateFormat,
  minorToDecimal,
  parseDecimal,
  parseInteger,
  parseTimestamp,
  parseZone,
  pseudonymousId,
  toBoolean,
  toCode,
  type TimestampOptions,
} from './common';

describe('parseTimestamp', () => {
  it.each([
    ['2025-02-02 11:01:00 +0800', undefined, '2025-02-02T03:01:00Z'], // Shopify
    ['2025-03-02 10:15:00', undefined, '2025-03-02T10:15:00Z'], // no offset = UTC
    ['2025-03-06T14:15:00Z', undefined, '2025-03-06T14:15:00Z'],
    ['2025-03-06T14:15:00.250-05:00', undefined, '2025-03-06T19:15:00.250Z'],
    ['2024-01-17', undefined, '2024-01-17T00:00:00Z'],
    ['2025/01/02 03:04', undefined, '2025-01-02T03:04:00Z'],
    ['07/06/2021', 'DD/MM/YYYY', '2021-06-07T00:00:00Z'],
    ['07/06/2021', 'MM/DD/YYYY', '2021-07-06T00:00:00Z'],
    ['7/6/2021 14:05', 'D/M/YYYY', '2021-06-07T14:05:00Z'],
    ['2021-06-07', 'YYYY-MM-DD', '2021-06-07T00:00:00Z'],
    ['2023-06-01 19:11:14', 'YYYY-MM-DD HH:mm:ss', '2023-06-01T19:11:14Z'],
    ['1735948800', 'unix', '2025-01-04T00:00:00Z'],
    ['1735948800123', 'unix_ms', '2025-01-04T00:00:00.123Z'],
  ])('%s (%s) -> %s', (raw, format, expected) => {
    expect(parseTimestamp(raw, { format })).toBe(expected);
  });

  it('applies a default timezone only to values without an offset', () => {
    expect(parseTimestamp('2025-01-01 08:00', { timezone: '+08:00' })).toBe('2025-01-01T00:00:00Z');
    expect(parseTimestamp('2025-01-01 08:00Z', { timezone: '+08:00' })).toBe('2025-01-01T08:00:00Z');
  });

  it('returns null for empty and undefined for impossible or unreadable dates', () => {
    expect(parseTimestamp('  ')).toBeNull();
    expect(parseTimestamp('2021-02-31')).toBeUndefined();
    expect(parseTimestamp('31/02/2021', { format: 'DD/MM/YYYY' })).toBeUndefined();
    expect(parseTimestamp('yesterday')).toBeUndefined();
    expect(parseTimestamp('2021-06-07', { format: 'DD/MM/YYYY' })).toBeUndefined();
  });
});

describe('amounts', () => {
  it.each([
    ['35.00', '35.00'],
    ['1,234.50', '1234.50'],
    ['12,50', '12.50'],
    ['¥ 88', '88'],
    ['(12.50)', '-12.50'],
    ['.5', '0.5'],
    ['007', '7'],
  ])('parseDecimal(%s) = %s', (raw, expected) => {
    expect(parseDecimal(raw)).toBe(expected);
  });

  it('rejects non-numbers', () => {
    expect(parseDecimal('12.5.1')).toBeUndefined();
    expect(parseDecimal('abc')).toBeUndefined();
    expect(parseDecimal('')).toBeNull();
  });

  it('converts minor units per currency exponent without floating point', () => {
    expect(minorToDecimal(1999, 'usd')).toBe('19.99');
    expect(minorToDecimal(800, 'cny')).toBe('8.00');
    expect(minorToDecimal(5, 'USD')).toBe('0.05');
    expect(minorToDecimal(1500, 'jpy')).toBe('1500');
    expect(minorToDecimal(25000, 'KRW')).toBe('25000');
    expect(minorToDecimal(12345, 'kwd')).toBe('12.345');
    expect(minorToDecimal(1000, 'bhd')).toBe('1.00');
    expect(minorToDecimal(19.5, 'usd')).toBeUndefined();
  });

  it('parses integers written as decimals', () => {
    expect(parseInteger('5.0')).toBe('5');
    expect(parseInteger('4.5')).toBeUndefined();
  });
});

describe('small converters', () => {
  it('pseudonymousId is stable, case-insensitive and hides the address', () => {
    const a = pseudonymousId(' Customer1@Example.com ', 'shopify:');
    expect(a).toBe(pseudonymousId('customer1@example.com', 'shopify:'));
    expect(a).toMatch(/^shopify:[0-9a-f]{16}$/);
    expect(a).not.toContain('example');
  });

  it('toCode and toBoolean', () => {
    expect(toCode('  Changed Mind ')).toBe('changed_mind');
    expect(toCode('late-delivery')).toBe('late_delivery');
    expect(toBoolean('Yes')).toBe('true');
    expect(toBoolean('0')).toBe('false');
    expect(toBoolean('maybe')).toBeUndefined();
  });

  it('canonicalizeRow fills every column and normalises spellings', () => {
    const row = canonicalizeRow('orders', { order_id: ' A1 ', channel: 'Web', currency: 'eur', campaign: '' });
    expect(row).toEqual({
      order_id: 'A1',
      customer_id: null,
      ordered_at: null,
      amount: null,
      currency: 'EUR',
      channel: 'web',
      campaign: null,
    });
  });
});

describe('time zones and date formats', () => {
  it.each<[string, TimestampOptions, string]>([
    // London: GMT in winter, BST (+01:00) from 2025-03-30 01:00 UTC to 2025-10-26 01:00 UTC
    ['2025-01-15 10:00', { timezone: 'Europe/London' }, '2025-01-15T10:00:00Z'],
    ['2025-07-01 10:00', { timezone: 'Europe/London' }, '2025-07-01T09:00:00Z'],
    ['2025-03-30 00:59', { timezone: 'Europe/London' }, '2025-03-30T00:59:00Z'],
    ['2025-03-30 03:00', { timezone: 'Europe/London' }, '2025-03-30T02:00:00Z'],
    // 01:30 does not exist that night: taken an hour later (02:30 BST = 01:30 UTC)
    ['2025-03-30 01:30', { timezone: 'Europe/London' }, '2025-03-30T01:30:00Z'],
    // Shanghai: +08:00 all year
    ['2025-07-01 08:00', { timezone: 'Asia/Shanghai' }, '2025-07-01T00:00:00Z'],
    ['1/15/2025 8:00', { timezone: 'America/New_York', format: 'M/D/YYYY' }, '2025-01-15T13:00:00Z'],
    ['7/15/2025 8:00', { timezone: 'America/New_York', format: 'M/D/YYYY' }, '2025-07-15T12:00:00Z'],
    // an offset written in the value wins over the zone
    ['2025-07-01T10:00:00+02:00', { timezone: 'Europe/London' }, '2025-07-01T08:00:00Z'],
    // AM/PM and Chinese dates
    ['3/1/2025 8:26 PM', { format: 'M/D/YYYY' }, '2025-03-01T20:26:00Z'],
    ['3/1/2025 12:05 AM', { format: 'M/D/YYYY' }, '2025-03-01T00:05:00Z'],
    ['2025年3月1日', { format: 'YYYY年M月D日' }, '2025-03-01T00:00:00Z'],
    ['2025年3月1日 8:26', { format: 'YYYY年M月D日' }, '2025-03-01T08:26:00Z'],
  ])('reads %s with %j as %s', (value, options, expected) => {
    expect(parseTimestamp(value, options)).toBe(expected);
  });

  it('refuses unknown zones', () => {
    expect(parseZone('Europe/Londres')).toBeUndefined();
    expect(parseZone('+05:30')).toEqual({ offset: 330 });
    expect(parseZone('Asia/Shanghai')).toEqual({ iana: 'Asia/Shanghai' });
  });

  it.each([
    [['2010-12-01 08:26', '2010/12/02'], 'iso'],
    [['12/1/2010 8:26', '12/13/2010 9:00'], 'M/D/YYYY'],
    [['1/12/2010 8:26', '13/12/2010 9:00'], 'D/M/YYYY'],
    [['1.12.2010', '2.12.2010'], 'D.M.YYYY'],
    [['2025年3月1日', '2025年12月31日 23:59'], 'YYYY年M月D日'],
  ])('detects %j as %s', (values, format) => {
    expect(detectDateFormat(values)).toMatchObject({ kind: 'format', format });
  });

  it('says when day and month cannot be told apart, and names a value nothing reads', () => {
    expect(detectDateFormat(['12/1/2010 8:26', '3/4/2011 9:00'])).toEqual({
      kind: 'ambiguous',
      options: ['M/D/YYYY H:mm', 'D/M/YYYY H:mm'],
      example: '12/1/2010 8:26',
    });
    expect(detectDateFormat(['13/1/2010', '1/13/2010'])).toEqual({ kind: 'unknown', example: '13/1/2010' });
    expect(detectDateFormat(['yesterday'])).toEqual({ kind: 'unknown', example: 'yesterday' });
  });
});
