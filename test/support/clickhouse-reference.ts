import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import { connect, loadFiles, openDatabase, queryRows } from '@refunds/etl';
import { ALL_TABLES, ChNames, ClickHouseEngine, mergeTreeDdl } from '@refunds/engine-clickhouse';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { loadIntoClickHouse } from '../../etl/src/clickhouse/load';
import { startClickHouseCluster, type ClickHouseCluster } from './clickhouse';
import { append, EDGE_FX, EDGE_ORDERS, EDGE_REFUNDS, EDGE_SURVEYS } from './edge-rows';
import type { RunSpec } from './run-services';

/**
 * The reference data of the ClickHouse ports (test/integration/clickhouse-*.test.ts): the cross-check's
 * data set (seed 11, 6000 refunds, and the edge rows) in a DuckDB file and on a two-shard 18.16
 * cluster, with values of it that make selective filters, and a copy for current ClickHouse (chdb).
 */
const CANONICAL = ['agents', 'incentive_plans', 'policy_changes', 'fx_rates', 'orders', 'refunds', 'surveys'];

export interface Reference {
  ch: ClickHouseCluster;
  dir: string;
  duckFile: string;
  /** The most frequent value of some fact columns, and two days inside the data (YYYY-MM-DD). */
  top: { channel: string; reason_code: string; campaign: string; product_line: string; agent_id: string };
  span: { mid: string; late: string };
  duckdb: RunSpec;
  duckdbRollups: RunSpec;
  cluster: RunSpec;
  stop(): Promise<void>;
}

export async function loadReference(prefix: string): Promise<Reference> {
  const ch = await startClickHouseCluster();
  const dir = tempDir(prefix);
  await generateDataset({ out: join(dir, 'gen'), refunds: 6000, seed: 11 });
  append(join(dir, 'gen'), 'fx_rates', EDGE_FX);
  append(join(dir, 'gen'), 'orders', EDGE_ORDERS);
  append(join(dir, 'gen'), 'refunds', EDGE_REFUNDS);
  append(join(dir, 'gen'), 'surveys', EDGE_SURVEYS);
  const files = CANONICAL.map((t) => join(dir, 'gen', `${t}.csv`)).filter((f) => existsSync(f));
  const duckFile = join(dir, 'ref.duckdb');
  const inst = await openDatabase(duckFile);
  const conn = await connect(inst);
  let top: Reference['top'];
  let span: Reference['span'];
  try {
    await loadFiles(conn, files);
    [top] = await queryRows<Reference['top']>(
      conn,
      `SELECT mode(channel) AS channel, mode(reason_code) AS reason_code, mode(campaign) AS campaign, mode(product_line) AS product_line,
              mode(agent_id) AS agent_id FROM refund_facts`,
    );
    [span] = await queryRows<Reference['span']>(
      conn,
      `SELECT strftime(min(requested_at) + (max(requested_at) - min(requested_at)) / 2, '%Y-%m-%d') AS mid,
              strftime(max(requested_at) - INTERVAL 20 DAY, '%Y-%m-%d') AS late FROM refund_facts`,
    );
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
  const summary = await loadIntoClickHouse(ch.url('refunds'), files);
  if (summary.outcome !== 'committed') throw new Error(`the reference load into ClickHouse ended ${summary.outcome}`);
  return {
    ch,
    dir,
    duckFile,
    top,
    span,
    duckdb: { engine: 'duckdb', file: duckFile },
    duckdbRollups: { engine: 'duckdb', file: duckFile, rollups: true },
    cluster: { engine: 'clickhouse', url: ch.url('refunds') },
    stop: () => ch.stop(),
  };
}

/** Copies `tables` (with the versioning tables) from the cluster into an embedded current ClickHouse; the spec to read it. */
export async function copyToChdb(ref: Reference, tables: readonly string[]): Promise<RunSpec & { engine: 'chdb' }> {
  const path = join(ref.dir, 'chdb');
  const names = new ChNames('refunds', null);
  const engine = await ClickHouseEngine.connect(ref.ch.url('refunds'));
  const session = new Session(path);
  try {
    session.query('CREATE DATABASE IF NOT EXISTS refunds');
    for (const t of ALL_TABLES) session.query(mergeTreeDdl(names.local(t.name), t));
    const version = await engine.committedVersion();
    for (const t of new Set([...tables, 'fact_versions', 'load_versions'])) {
      const rows = await engine.warehouse.query<Record<string, unknown>>(`SELECT * FROM ${engine.names.all(t)}`, 0, {
        output_format_json_quote_64bit_integers: 0,
      });
      session.query(`INSERT INTO ${names.local(t)} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
    }
    return { engine: 'chdb', path, database: 'refunds', version };
  } finally {
    session.close();
    await engine.close();
  }
}

/** Equal, doubles to 1e-9 relative (Kahan sums in another order). */
export const closeTo = (x: unknown, y: unknown): boolean =>
  typeof x === 'number' && typeof y === 'number' ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)) : x === y;

/** Where two answers differ (at most `limit`), walking objects and arrays; numbers compared with `closeTo`. */
export function answerDifferences(got: unknown, want: unknown, path = '', limit = 20): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, p: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(b)) {
      if (!Array.isArray(a)) out.push(`${p}: got ${JSON.stringify(a)}, want an array`);
      else if (a.length !== b.length) out.push(`${p}: ${a.length} items, want ${b.length}`);
      else b.forEach((x, i) => walk(a[i], x, `${p}[${i}]`));
    } else if (b !== null && typeof b === 'object') {
      if (a === null || typeof a !== 'object') out.push(`${p}: got ${JSON.stringify(a)}, want an object`);
      else {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p ? `${p}.${k}` : k);
      }
    } else if (!closeTo(a, b)) out.push(`${p}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
  };
  walk(got, want, path);
  return out;
}
