import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import { connect, loadFiles, openDatabase, queryRows } from '@refunds/etl';
import { ALL_TABLES, ChNames, ClickHouseEngine, mergeTreeDdl } from '@refunds/engine-clickhouse';
import { generateDataset } from '../../etl/src/generate/generate';
import { loadIntoClickHouse } from '../../etl/src/clickhouse/load';
import type { ClickHouseCluster } from './clickhouse';
import { append, EDGE_FX, EDGE_ORDERS, EDGE_REFUNDS, EDGE_SURVEYS } from './edge-rows';

/**
 * The reference cross-check's data (seed 11, 6000 refunds, plus the edge rows) loaded into a DuckDB file and
 * into a ClickHouse database, for tests that compare a module's answers on both engines.
 */
const CANONICAL = ['agents', 'incentive_plans', 'policy_changes', 'fx_rates', 'orders', 'refunds', 'surveys'];

export interface ReferenceData {
  duckFile: string;
  /** Most frequent values and dates inside the data, to build filters from. */
  top: { channel: string; reason_code: string; campaign: string; product_id: string; team: string; agent_id: string; plan_id: string };
  span: { mid: string; late: string };
}

export async function loadReference(dir: string, ch: ClickHouseCluster, database: string): Promise<ReferenceData> {
  await generateDataset({ out: join(dir, 'gen'), refunds: 6000, seed: 11 });
  append(join(dir, 'gen'), 'fx_rates', EDGE_FX);
  append(join(dir, 'gen'), 'orders', EDGE_ORDERS);
  append(join(dir, 'gen'), 'refunds', EDGE_REFUNDS);
  append(join(dir, 'gen'), 'surveys', EDGE_SURVEYS);
  const files = CANONICAL.map((t) => join(dir, 'gen', `${t}.csv`)).filter((f) => existsSync(f));
  const duckFile = join(dir, 'ref.duckdb');
  const inst = await openDatabase(duckFile);
  const conn = await connect(inst);
  let data: ReferenceData;
  try {
    await loadFiles(conn, files);
    const [top] = await queryRows<ReferenceData['top']>(
      conn,
      `SELECT mode(channel) AS channel, mode(reason_code) AS reason_code, mode(campaign) AS campaign, mode(product_id) AS product_id,
              mode(team) AS team, mode(agent_id) AS agent_id, (SELECT max(plan_id) FROM incentive_plans) AS plan_id FROM refund_facts`,
    );
    const [span] = await queryRows<ReferenceData['span']>(
      conn,
      `SELECT strftime(min(requested_at) + (max(requested_at) - min(requested_at)) / 2, '%Y-%m-%d') AS mid,
              strftime(max(requested_at) - INTERVAL 20 DAY, '%Y-%m-%d') AS late FROM refund_facts`,
    );
    data = { duckFile, top, span };
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
  const summary = await loadIntoClickHouse(ch.url(database), files);
  if (summary.outcome !== 'committed') throw new Error(`ClickHouse load: ${summary.outcome}`);
  return data;
}

/** Copies tables of a ClickHouse database into an embedded current ClickHouse (chdb) at `path`; returns the committed version. */
export async function copyToChdb(ch: ClickHouseCluster, database: string, path: string, tables: readonly string[]): Promise<number> {
  const names = new ChNames(database, null);
  const engine = await ClickHouseEngine.connect(ch.url(database));
  const session = new Session(path);
  try {
    session.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
    for (const t of ALL_TABLES) session.query(mergeTreeDdl(names.local(t.name), t));
    const version = await engine.committedVersion();
    for (const t of new Set([...tables, 'fact_versions', 'load_versions', 'meta'])) {
      const rows = await engine.warehouse.query<Record<string, unknown>>(`SELECT * FROM ${engine.names.all(t)}`, 0, {
        output_format_json_quote_64bit_integers: 0,
      });
      if (rows.length) session.query(`INSERT INTO ${names.local(t)} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
    }
    return version;
  } finally {
    session.close();
    await engine.close();
  }
}
