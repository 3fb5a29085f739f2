import { createServer } from 'node:net';
import { ClickHouseWarehouse, WarehouseError } from '../../etl/src/clickhouse/client';
import { CH_PASSWORD, describeClickHouse, startClickHouseCluster, type ClickHouseCluster } from '../support/clickhouse';

async function closedPort(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => res(typeof a === 'object' && a ? a.port : 1));
    });
  });
}

async function failure(p: Promise<unknown>): Promise<WarehouseError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WarehouseError) return e;
    throw e;
  }
  throw new Error('expected a WarehouseError');
}

describeClickHouse('connecting to a ClickHouse warehouse', () => {
  let ch: ClickHouseCluster;
  beforeAll(async () => {
    ch = await startClickHouseCluster();
  }, 90_000);
  afterAll(async () => {
    await ch?.stop();
  });

  test('a good URL connects to every endpoint with its credentials', async () => {
    const w = await ClickHouseWarehouse.connect(ch.url('refunds'));
    try {
      expect(w.nodes).toHaveLength(2);
      expect(w.version).toMatch(/^\d+\.\d+/);
      expect(w.cluster).toBe('refunds_test');
      // 18.16 has no currentUser(): the running query itself says whose it is.
      const users = await Promise.all(
        [0, 1].map(async (i) => (await w.query<{ u: string }>(`SELECT user AS u FROM system.processes WHERE query LIKE '%whoami-${i}%' LIMIT 1`, i))[0].u),
      );
      expect(users).toEqual(['refunds', 'refunds']);
    } finally {
      await w.close();
    }
  });

  test('a wrong password is a credentials error naming the URL without the password', async () => {
    const e = await failure(ClickHouseWarehouse.connect(ch.url('refunds', { password: 'wrong-secret' })));
    expect(e.code).toBe('WAREHOUSE_AUTH');
    expect(e.message).toContain(`clickhouse://refunds:***@127.0.0.1:${ch.shards[0].http}`);
    expect(e.message).not.toContain('wrong-secret');
    expect(e.message).not.toContain(encodeURIComponent('wrong-secret'));
  });

  test('an unknown user is a credentials error too', async () => {
    const url = ch.url('refunds').replace('refunds:', 'nobody:');
    const e = await failure(ClickHouseWarehouse.connect(url));
    expect(e.code).toBe('WAREHOUSE_AUTH');
    expect(e.message).toContain('user "nobody"');
    expect(e.message).not.toContain(encodeURIComponent(CH_PASSWORD));
  });

  test('an endpoint nobody listens on is "cannot reach", naming the URL without the password', async () => {
    const port = await closedPort();
    const url = `clickhouse://refunds:${encodeURIComponent(CH_PASSWORD)}@127.0.0.1:${ch.shards[0].http},127.0.0.1:${port}/refunds`;
    const e = await failure(ClickHouseWarehouse.connect(url));
    expect(e.code).toBe('WAREHOUSE_UNREACHABLE');
    expect(e.message).toContain(`cannot reach ClickHouse at clickhouse://refunds:***@127.0.0.1:${ch.shards[0].http},127.0.0.1:${port}/refunds`);
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).not.toContain(encodeURIComponent(CH_PASSWORD));
    expect(e.message).not.toContain(CH_PASSWORD);
  });
});
