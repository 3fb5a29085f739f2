import { CLICKHOUSE_SERVER, clickhouseInstalled, startClickHouseCluster, type ClickHouseCluster } from '@refunds/engine-clickhouse';

// The local cluster lives in the engine package, so the benchmark starts the same one.
export {
  CH_PASSWORD,
  CH_USER,
  CLICKHOUSE_SERVER,
  CLUSTER,
  clickhouseInstalled,
  startClickHouseCluster,
  type ClickHouseCluster,
  type Shard,
} from '@refunds/engine-clickhouse';

/** `describe` when clickhouse-server is installed, else `describe.skip` with a note saying why. */
export function describeClickHouse(name: string, fn: () => void): void {
  if (clickhouseInstalled()) {
    describe(name, fn);
    return;
  }
  console.warn(`${name}: skipped, ${CLICKHOUSE_SERVER} is not installed (apt-get install clickhouse-server, as .ci/run does)`);
  describe.skip(name, fn);
}

/**
 * `describeClickHouse` around a local cluster of `shards` shards that starts before the tests and
 * stops after them; `fn` reaches the running cluster through `cluster()`.
 */
export function describeOnCluster(name: string, shards: number, fn: (cluster: () => ClickHouseCluster) => void, startTimeoutMs = 120_000): void {
  describeClickHouse(name, () => {
    let ch: ClickHouseCluster | undefined;
    beforeAll(async () => {
      ch = await startClickHouseCluster(shards);
    }, startTimeoutMs);
    afterAll(async () => {
      await ch?.stop();
    });
    fn(() => {
      if (!ch) throw new Error(`${name}: the ClickHouse cluster did not start`);
      return ch;
    });
  });
}
