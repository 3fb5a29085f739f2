import { ConfigError, loadConfig, reportingCurrencyFor } from './config';

describe('reporting currency', () => {
  it('is optional in the environment and validated when given', () => {
    expect(loadConfig({}).reportingCurrencySetting).toBeNull();
    expect(loadConfig({ REFUNDS_REPORTING_CURRENCY: ' gbp ' }).reportingCurrencySetting).toBe('GBP');
    expect(() => loadConfig({ REFUNDS_REPORTING_CURRENCY: 'pounds' })).toThrow(/REFUNDS_REPORTING_CURRENCY must be a 3-letter code/);
  });

  it("is the database's; a setting may only repeat it", () => {
    expect(reportingCurrencyFor(null, 'GBP', '/d/x.duckdb')).toBe('GBP');
    expect(reportingCurrencyFor('GBP', 'GBP', '/d/x.duckdb')).toBe('GBP');
    expect(reportingCurrencyFor('EUR', null, '/d/x.duckdb')).toBe('EUR');
    expect(reportingCurrencyFor(null, null, '/d/x.duckdb')).toBe('CNY');
    expect(() => reportingCurrencyFor('CNY', 'GBP', '/d/x.duckdb')).toThrow(ConfigError);
    expect(() => reportingCurrencyFor('CNY', 'GBP', '/d/x.duckdb')).toThrow(
      'REFUNDS_REPORTING_CURRENCY=CNY but /d/x.duckdb reports in GBP (set when it was created): unset REFUNDS_REPORTING_CURRENCY or set it to GBP',
    );
  });
});

describe('alert settings', () => {
  it('defaults: no SMTP, private targets refused, 4 retries within an hour', () => {
    const c = loadConfig({});
    expect(c.alerts).toEqual({
      smtpUrl: null,
      smtpFrom: 'refund-alerts@localhost',
      allowPrivate: false,
      retrySeconds: [60, 300, 900, 1800],
      chromiumPath: '/usr/bin/chromium',
      packTickSeconds: 20,
    });
    expect(c.publicUrl).toBeNull();
  });

  it('validates the SMTP URL, the retry schedule and the public URL', () => {
    const c = loadConfig({
      REFUNDS_SMTP_URL: 'smtp://u:p@mail:587',
      REFUNDS_ALERT_ALLOW_PRIVATE: '1',
      REFUNDS_ALERT_RETRY_SECONDS: '1, 2',
      REFUNDS_PUBLIC_URL: 'https://r.example.com/',
    });
    expect(c.alerts).toMatchObject({ smtpUrl: 'smtp://u:p@mail:587', allowPrivate: true, retrySeconds: [1, 2] });
    expect(c.publicUrl).toBe('https://r.example.com');
    expect(() => loadConfig({ REFUNDS_SMTP_URL: 'http://mail' })).toThrow(/REFUNDS_SMTP_URL must be/);
    // Five retries would be six attempts; more than an hour in all is refused too.
    expect(() => loadConfig({ REFUNDS_ALERT_RETRY_SECONDS: '1,1,1,1,1' })).toThrow(/REFUNDS_ALERT_RETRY_SECONDS/);
    expect(() => loadConfig({ REFUNDS_ALERT_RETRY_SECONDS: '1800,1801' })).toThrow(/REFUNDS_ALERT_RETRY_SECONDS/);
    expect(() => loadConfig({ REFUNDS_ALERT_RETRY_SECONDS: '0' })).toThrow(/REFUNDS_ALERT_RETRY_SECONDS/);
    expect(() => loadConfig({ REFUNDS_PUBLIC_URL: 'ftp://x' })).toThrow(/REFUNDS_PUBLIC_URL/);
  });
});
