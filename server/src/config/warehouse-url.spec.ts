import { join } from 'node:path';
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

  test('a well-formed URL is the warehouse; the local files default to ./data', () => {
    const c = loadConfig({ REFUNDS_DB: 'clickhouse://app:top-secret@ch1:8123,ch2:8123/refunds?cluster=two', REFUNDS_IMPORT_DIR: '/tmp' });
    expect(c.clickhouseUrl).toBe('clickhouse://app:top-secret@ch1:8123,ch2:8123/refunds?cluster=two');
    expect(c.appDb).toEqual({ type: 'sqlite', path: join(process.cwd(), 'data', 'refunds-app.sqlite') });
  });

  test('a malformed URL names what is wrong, without the password', () => {
    const msg = problem('clickhouse://app:top-secret@ch1/refunds');
    expect(msg).toContain('REFUNDS_DB: invalid ClickHouse URL clickhouse://app:***@ch1/refunds');
    expect(msg).toContain('the HTTP port is required');
    expect(msg).not.toContain('top-secret');
  });

  test('a DuckDB file is as before', () => {
    const c = loadConfig({ REFUNDS_DB: '/srv/data/w.duckdb', REFUNDS_IMPORT_DIR: '/tmp' });
    expect(c.duckdbPath).toBe('/srv/data/w.duckdb');
    expect(c.clickhouseUrl).toBeNull();
  });
});
