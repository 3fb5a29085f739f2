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
