import { ConfigError, loadConfig } from './config';

describe('REFUNDS_DB as a ClickHouse warehouse URL', () => {
  const problem = (db: string): string => {
    try {
      loadConfig({ REFUNDS_DB: db, REFUNDS_IMPORT_DIR: '/tmp' });
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    return 'accepted';
  };

  test('a well-formed URL is understood, and refused for serving with a reason that hides the password', () => {
    const msg = problem('clickhouse://app:top-secret@ch1:8123,ch2:8123/refunds?cluster=two');
    expect(msg).toContain('REFUNDS_DB: the API cannot serve from the ClickHouse warehouse clickhouse://app:***@ch1:8123,ch2:8123/refunds?cluster=two yet');
    expect(msg).not.toContain('top-secret');
  });

  test('a malformed URL names what is wrong, without the password', () => {
    const msg = problem('clickhouse://app:top-secret@ch1/refunds');
    expect(msg).toContain('REFUNDS_DB: invalid ClickHouse URL clickhouse://app:***@ch1/refunds');
    expect(msg).toContain('the HTTP port is required');
    expect(msg).not.toContain('top-secret');
  });

  test('a DuckDB file is as before', () => {
    expect(loadConfig({ REFUNDS_DB: '/srv/data/w.duckdb', REFUNDS_IMPORT_DIR: '/tmp' }).duckdbPath).toBe('/srv/data/w.duckdb');
  });
});
