import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { order, refund, writeTables } from '../../etl/src/testing/factory';
import { ClickHouseWarehouse, WarehouseError } from '../../etl/src/clickhouse/client';
import { factsAt } from '../../etl/src/clickhouse/derive';
import { committedVersion, loadIntoClickHouse } from '../../etl/src/clickhouse/load';
import { ChNames } from '../../etl/src/clickhouse/schema';
import { CH_PASSWORD, describeOnCluster } from '../support/clickhouse';

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

describeOnCluster('connecting to a ClickHouse warehouse', 2, (cluster) => {
  test('a good URL connects to every endpoint with its credentials', async () => {
    const w = await ClickHouseWarehouse.connect(cluster().url('refunds'));
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
    const e = await failure(ClickHouseWarehouse.connect(cluster().url('refunds', { password: 'wrong-secret' })));
    expect(e.code).toBe('WAREHOUSE_AUTH');
    expect(e.message).toContain(`clickhouse://refunds:***@127.0.0.1:${cluster().shards[0].http}`);
    expect(e.message).not.toContain('wrong-secret');
    expect(e.message).not.toContain(encodeURIComponent('wrong-secret'));
  });

  test('an unknown user is a credentials error too', async () => {
    const url = cluster().url('refunds').replace('refunds:', 'nobody:');
    const e = await failure(ClickHouseWarehouse.connect(url));
    expect(e.code).toBe('WAREHOUSE_AUTH');
    expect(e.message).toContain('user "nobody"');
    expect(e.message).not.toContain(encodeURIComponent(CH_PASSWORD));
  });

  test('an endpoint nobody listens on is "cannot reach", naming the URL without the password', async () => {
    const port = await closedPort();
    const url = `clickhouse://refunds:${encodeURIComponent(CH_PASSWORD)}@127.0.0.1:${cluster().shards[0].http},127.0.0.1:${port}/refunds`;
    const e = await failure(ClickHouseWarehouse.connect(url));
    expect(e.code).toBe('WAREHOUSE_UNREACHABLE');
    expect(e.message).toContain(`cannot reach ClickHouse at clickhouse://refunds:***@127.0.0.1:${cluster().shards[0].http},127.0.0.1:${port}/refunds`);
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(e.message).not.toContain(encodeURIComponent(CH_PASSWORD));
    expect(e.message).not.toContain(CH_PASSWORD);
  });

  test('the CLI loads into the warehouse URL, and words a bad URL and a wrong password without the password', () => {
    const dir = writeTables({
      orders: [order({ order_id: 'O1', customer_id: 'C1' })],
      refunds: [refund({ refund_id: 'R1', order_id: 'O1', customer_id: 'C1' }), refund({ refund_id: 'R2', decision: 'maybe' })],
    });
    const good = cli('load', '--db', cluster().url('cli'), dir);
    expect(good.stderr).not.toMatch(/error/);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/committed .*\(data version 1, rollups full\)/);
    expect(good.stdout).toMatch(/refunds +2 +1 +0 +0 +1/);

    const wrong = cli('load', '--db', cluster().url('cli', { password: 'hunter2-secret' }), dir);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('refused the credentials of user "refunds"');
    expect(wrong.stderr).toContain('clickhouse://refunds:***@');
    expect(wrong.stderr).not.toContain('hunter2');

    const bad = cli('load', '--db', 'clickhouse://refunds:hunter2-secret@127.0.0.1/cli', dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('invalid ClickHouse URL clickhouse://refunds:***@127.0.0.1/cli');
    expect(bad.stderr).not.toContain('hunter2');
  });

  test('without cluster: plain MergeTree tables on one server, facts computed by hand', async () => {
    const url = cluster().url('single', { cluster: false, shards: [1] });
    const dir = writeTables({
      orders: [
        order({ order_id: 'O1', customer_id: 'C1', ordered_at: '2024-02-01T10:00:00Z', amount: 100 }),
        order({ order_id: 'O2', customer_id: 'C1', ordered_at: '2024-03-04T10:00:00Z', amount: 30 }),
        order({ order_id: 'O3', customer_id: 'C1', ordered_at: '2024-03-20T10:00:00Z', amount: 12.5 }),
      ],
      refunds: [refund({ refund_id: 'R1', order_id: 'O1', customer_id: 'C1', requested_at: '2024-03-01T10:00:00Z', decided_at: '2024-03-02T16:30:00Z' })],
    });
    const s = await loadIntoClickHouse(url, [dir]);
    const w = await ClickHouseWarehouse.connect(url);
    try {
      const engines = await w.query<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = 'single' ORDER BY name`);
      expect(new Set(engines.map((e) => e.engine))).toEqual(new Set(['MergeTree']));
      expect(engines.map((e) => e.name)).toContain('refund_facts');
      const [other] = await w.query<{ n: string }>(`SELECT count() AS n FROM system.databases WHERE name = 'single'`, 0);
      expect(other.n).toBe('1');
      expect((await cluster().query(0, `SELECT count() FROM system.databases WHERE name = 'single'`)).trim()).toBe('0');
      const names = new ChNames('single', null);
      expect(await committedVersion(w, names)).toBe(s.dataVersion);
      const [f] = await w.query<{ next_order_at: number; rev_7: number; rev_30: number; resolution_hours: number; customer_type: string }>(
        `SELECT next_order_at, rev_7, rev_30, resolution_hours, customer_type FROM ${factsAt(names, s.dataVersion)}`,
        0,
        { output_format_json_quote_64bit_integers: 0 },
      );
      // Decided 2024-03-02 16:30: the next order is O2 (1.7 days later); O3 is within 30 days, not 7; 30.5 hours to decide.
      expect(f).toEqual({ next_order_at: Date.parse('2024-03-04T10:00:00Z') * 1000, rev_7: 30, rev_30: 42.5, resolution_hours: 30.5, customer_type: 'new' });
    } finally {
      await w.close();
    }
  });

  test('a cluster URL must list every shard (ON CLUSTER, which needs Keeper, is not used)', async () => {
    const dir = writeTables({ refunds: [refund({ refund_id: 'R1' })] });
    await expect(loadIntoClickHouse(cluster().url('partial', { shards: [0] }), [dir])).rejects.toThrow(
      /cluster "refunds_test" has 2 shard\(s\) but the URL lists 1 endpoint\(s\); list one HTTP endpoint per shard/,
    );
    await expect(loadIntoClickHouse(cluster().url('partial').replace('refunds_test', 'nope'), [dir])).rejects.toThrow(/no cluster "nope" in remote_servers/);
  });
});
