import { canonicalizeRow, minorToDecimal, parseDecimal, parseInteger, parseTimestamp, pseudonymousId, toBoolean, toCode } from './common';

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
