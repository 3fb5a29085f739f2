import { CLUSTER, describeOnCluster } from '../support/clickhouse';

/** The harness itself: two real shards that know each other through `remote_servers`. */
describeOnCluster('two-shard ClickHouse harness', 2, (cluster) => {
  test('a Distributed table spreads rows over both shards and reads them back whole', async () => {
    for (const s of cluster().shards) {
      await cluster().query(s.index, `CREATE TABLE default.t_local (k UInt64, v String) ENGINE = MergeTree ORDER BY k`);
      await cluster().query(s.index, `CREATE TABLE default.t AS default.t_local ENGINE = Distributed(${CLUSTER}, default, t_local, intHash64(k))`);
    }
    await cluster().query(0, `INSERT INTO default.t SELECT number, toString(number) FROM system.numbers LIMIT 1000`);
    // Distributed inserts are asynchronous by default; wait until both shards hold everything.
    let parts: number[] = [];
    for (let i = 0; i < 100; i++) {
      parts = await Promise.all(cluster().shards.map(async (s) => Number((await cluster().query(s.index, 'SELECT count() FROM default.t_local')).trim())));
      if (parts[0] + parts[1] === 1000) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(parts[0] + parts[1]).toBe(1000);
    expect(parts[0]).toBeGreaterThan(300);
    expect(parts[1]).toBeGreaterThan(300);
    expect((await cluster().query(1, 'SELECT count(), sum(k) FROM default.t')).trim()).toBe(`1000\t${(999 * 1000) / 2}`);
    expect((await cluster().query(0, 'SELECT version()')).trim()).toMatch(/^\d+\./);
  });
});
