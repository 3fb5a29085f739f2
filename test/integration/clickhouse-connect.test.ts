import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { order, refund, writeTables } from '../../etl/src/testing/factory';
import { ClickHouseWarehouse, WarehouseError } from '../../etl/src/clickhouse/client';
import { CH_PASSWORD, describeClickHouse, startClickHouseCluster, type ClickHouseCluster } from '../support/clickhouse';

const CLI = join(resolve(__dirname, '..', '..'), 'etl', 'dist', 'cli.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

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

  test('the CLI loads into the warehouse URL, and words a bad URL and a wrong password without the password', () => {
    const dir = writeTables({
      orders: [order({ order_id: 'O1', customer_id: 'C1' })],
      refunds: [refund({ refund_id: 'R1', order_id: 'O1', customer_id: 'C1' }), refund({ refund_id: 'R2', decision: 'maybe' })],
    });
    const good = cli('load', '--db', ch.url('cli'), dir);
    expect(good.stderr).not.toMatch(/error/);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/committed .*\(data version 1\)/);
    expect(good.stdout).toMatch(/refunds +2 +1 +0 +0 +1/);

    const wrong = cli('load', '--db', ch.url('cli', { password: 'hunter2-secret' }), dir);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('refused the credentials of user "refunds"');
    expect(wrong.stderr).toContain('clickhouse://refunds:***@');
    expect(wrong.stderr).not.toContain('hunter2');

    const bad = cli('load', '--db', 'clickhouse://refunds:hunter2-secret@127.0.0.1/cli', dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('invalid ClickHouse URL clickhouse://refunds:***@127.0.0.1/cli');
    expect(bad.stderr).not.toContain('hunter2');
  });
});
