import { CLICKHOUSE_SERVER, clickhouseInstalled } from '@refunds/engine-clickhouse';

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
