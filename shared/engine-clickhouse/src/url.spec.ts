import { isClickHouseUrl, parseClickHouseUrl, redactWarehouseUrl, WarehouseUrlError } from './url';

describe('ClickHouse warehouse URL', () => {
  test('full form: user, percent-encoded password, two endpoints, database, cluster', () => {
    const u = parseClickHouseUrl('clickhouse://app:p%40ss%3Aw%2Frd@ch-1.internal:8123,10.0.0.2:8124/refunds?cluster=shards2');
    expect(u).toEqual({
      user: 'app',
      password: 'p@ss:w/rd',
      endpoints: [
        { host: 'ch-1.internal', port: 8123 },
        { host: '10.0.0.2', port: 8124 },
      ],
      database: 'refunds',
      cluster: 'shards2',
      redacted: 'clickhouse://app:***@ch-1.internal:8123,10.0.0.2:8124/refunds?cluster=shards2',
    });
  });

  test('short forms: no credentials means the default user; a user without password; IPv6', () => {
    expect(parseClickHouseUrl('clickhouse://localhost:8123/db')).toMatchObject({ user: 'default', password: '', cluster: null, database: 'db' });
    expect(parseClickHouseUrl('CLICKHOUSE://reader@[::1]:8123/db')).toMatchObject({ user: 'reader', password: '', endpoints: [{ host: '::1', port: 8123 }] });
    expect(isClickHouseUrl(' clickhouse://h:1/d')).toBe(true);
    expect(isClickHouseUrl('data/refunds.duckdb')).toBe(false);
    expect(isClickHouseUrl('/srv/clickhouse/x.duckdb')).toBe(false);
  });

  test.each([
    ['clickhouse://u:secret@host/db', /host:port/],
    ['clickhouse://u:secret@host:8123', /database part is missing/],
    ['clickhouse://u:secret@host:8123/', /database name is missing/],
    ['clickhouse://u:secret@host:99999/db', /out of range/],
    ['clickhouse://u:secret@host:8123/my-db', /database "my-db"/],
    ['clickhouse://u:secret@host:8123/db?cluster=a;drop', /cluster "a;drop"/],
    ['clickhouse://u:secret@host:8123/db?secure=1', /unknown parameter "secure"/],
    ['clickhouse://u:secret@host:8123,host:8123/db', /listed twice/],
    ['clickhouse://u:sec%zzret@host:8123/db', /password is not valid percent-encoding/],
    ['clickhouse://u:secret@ho st:8123/db', /not a host name/],
    ['postgres://u:secret@host:5432/db', /must start with clickhouse:\/\//],
  ])('%s is refused with a reason, never showing the password', (url, reason) => {
    let err: unknown;
    try {
      parseClickHouseUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WarehouseUrlError);
    const msg = (err as Error).message;
    expect(msg).toMatch(reason);
    expect(msg).not.toMatch(/secret|sec%zzret/);
    expect(msg).toContain('u:***@ho');
  });

  test('redaction hides a password holding @ and / and keeps everything else', () => {
    expect(redactWarehouseUrl('clickhouse://u:a@b/c@h:1/db')).toBe('clickhouse://u:***@h:1/db');
    expect(redactWarehouseUrl('clickhouse://u@h:1/db')).toBe('clickhouse://u@h:1/db');
    expect(redactWarehouseUrl('clickhouse://h:1/db')).toBe('clickhouse://h:1/db');
    expect(redactWarehouseUrl('data/x.duckdb')).toBe('data/x.duckdb');
  });
});
