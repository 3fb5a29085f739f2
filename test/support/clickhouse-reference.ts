import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'chdb';
import type { RefundFilter } from '@refunds/shared';
import { connect, loadFiles, openDatabase, queryRows } from '@refunds/etl';
import { ALL_TABLES, ChNames, ClickHouseEngine, mergeTreeDdl, ROLLUP_SUPERSEDED_TABLES, ROLLUP_TABLES } from '@refunds/engine-clickhouse';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { loadIntoClickHouse } from '../../etl/src/clickhouse/load';
import { describeOnCluster, type ClickHouseCluster } from './clickhouse';
import { append, EDGE_FX, EDGE_ORDERS, EDGE_REFUNDS, EDGE_SURVEYS } from './edge-rows';

/**
 * The reference data of the ClickHouse comparisons (seed 11 and the edge rows, plus any extra rows a
 * test appends), loaded into a DuckDB file and into the two-shard cluster, with filters drawn from it,
 * and a copy for current ClickHouse (chdb). The services then run on each (run-services.ts).
 */
const CANONICAL = ['agents', 'incentive_plans', 'policy_changes', 'fx_rates', 'orders', 'refunds', 'surveys'];

export interface Reference {
  dir: string;
  duckFile: string;
  /** No filter, time ranges (incl. before 1970 and up to 9999), the quoting channel, lists. */
  filters: RefundFilter[];
  /** Most frequent values and dates inside the data, to build more filters from. */
  top: { channel: string; reason_code: string; campaign: string; product_line: string; product_id: string; team: string; agent_id: string; plan_id: string };
  span: { mid: string; late: string };
}

export async function loadReference(
  ch: ClickHouseCluster,
  database: string,
  extra: Partial<Record<(typeof CANONICAL)[number], readonly string[]>> = {},
): Promise<Reference> {
  const dir = tempDir(`refunds-ch${database}-`);
  await generateDataset({ out: join(dir, 'gen'), refunds: 6000, seed: 11 });
  const rows: Record<string, readonly string[]> = { fx_rates: EDGE_FX, orders: EDGE_ORDERS, refunds: EDGE_REFUNDS, surveys: EDGE_SURVEYS };
  for (const t of CANONICAL) {
    const lines = [...(rows[t] ?? []), ...(extra[t] ?? [])];
    if (lines.length) append(join(dir, 'gen'), t, lines);
  }
  const files = CANONICAL.map((t) => join(dir, 'gen', `${t}.csv`)).filter((f) => existsSync(f));
  const duckFile = join(dir, 'ref.duckdb');
  const inst = await openDatabase(duckFile);
  const conn = await connect(inst);
  let filters: RefundFilter[];
  let top: Reference['top'];
  let span: Reference['span'];
  try {
    await loadFiles(conn, files);
    [top] = await queryRows<Reference['top']>(
      conn,
      `SELECT mode(channel) AS channel, mode(reason_code) AS reason_code, mode(campaign) AS campaign, mode(product_line) AS product_line,
              mode(product_id) AS product_id, mode(team) AS team, mode(agent_id) AS agent_id, (SELECT max(plan_id) FROM incentive_plans) AS plan_id
       FROM refund_facts`,
    );
    [span] = await queryRows<Reference['span']>(
      conn,
      `SELECT strftime(min(requested_at) + (max(requested_at) - min(requested_at)) / 2, '%Y-%m-%d') AS mid,
              strftime(max(requested_at) - INTERVAL 20 DAY, '%Y-%m-%d') AS late FROM refund_facts`,
    );
    filters = [
      {},
      { from: span.mid, to: span.late },
      { channels: [top.channel, "o'brien\\"] },
      { from: span.mid, reasonCodes: [top.reason_code], campaigns: [top.campaign] },
      { productLines: [top.product_line, "o'brien\\"] },
      { teams: ["o'brien\\"] },
      { from: '1990-01-01', to: span.mid },
      { from: '2000-01-01', to: '9999-12-31' },
    ];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
  const summary = await loadIntoClickHouse(ch.url(database), files);
  if (summary.outcome !== 'committed') throw new Error(`ClickHouse load: ${summary.outcome}`);
  return { dir, duckFile, filters, top, span };
}

/** What a test on the reference data reaches: the running two-shard cluster and the loaded reference. */
export interface OnReference {
  cluster(): ClickHouseCluster;
  ref(): Reference;
}

/** `describeOnCluster` (two shards) with the reference data loaded into `database` before the tests. */
export function describeOnReference(name: string, database: string, fn: (on: OnReference) => void): void {
  describeOnCluster(
    name,
    2,
    (cluster) => {
      let ref: Reference | undefined;
      beforeAll(async () => {
        ref = await loadReference(cluster(), database);
      }, 300_000);
      fn({
        cluster,
        ref: () => {
          if (!ref) throw new Error(`${name}: the reference data did not load`);
          return ref;
        },
      });
    },
    // Starting two servers on a busy machine can take minutes (the load has its own budget above).
    300_000,
  );
}

/**
 * Copies the tables the services read from the cluster into an embedded current ClickHouse (chdb,
 * plain MergeTree tables), and every rollup, at the cluster's committed version; returns the run spec's fields.
 */
export async function copyToChdb(
  ch: ClickHouseCluster,
  database: string,
  path: string,
  tables: readonly string[],
): Promise<{ path: string; database: string; version: number }> {
  const names = new ChNames(database, null);
  const engine = await ClickHouseEngine.connect(ch.url(database));
  const session = new Session(path);
  try {
    session.query(`CREATE DATABASE IF NOT EXISTS ${database}`);
    for (const t of ALL_TABLES) session.query(mergeTreeDdl(names.local(t.name), t));
    const version = await engine.committedVersion();
    const rollups = [...ROLLUP_TABLES, ...ROLLUP_SUPERSEDED_TABLES].map((t) => t.name);
    for (const t of new Set([...tables, 'fact_versions', 'load_versions', 'meta', ...rollups])) {
      // A rollup's superseded rows have no Distributed table: each shard's own.
      const local = ROLLUP_SUPERSEDED_TABLES.some((x) => x.name === t);
      const rows = (
        await Promise.all(
          (local ? engine.warehouse.nodes.map((_, i) => i) : [0]).map((i) =>
            engine.warehouse.query<Record<string, unknown>>(`SELECT * FROM ${local ? engine.names.local(t) : engine.names.all(t)}`, i, {
              output_format_json_quote_64bit_integers: 0,
            }),
          ),
        )
      ).flat();
      if (rows.length) session.query(`INSERT INTO ${names.local(t)} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
    }
    return { path, database, version };
  } finally {
    session.close();
    await engine.close();
  }
}

/** Doubles equal to 1e-9 relative (Kahan sums in another order), everything else exactly. */
const close = (x: unknown, y: unknown) => (typeof x === 'number' && typeof y === 'number' ? Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)) : x === y);

/** Where two answers differ, path by path (arrays element by element, objects key by key); at most `limit`. */
export function differences(got: unknown, want: unknown, path = '', limit = 20): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, p: string) => {
    if (out.length >= limit) return;
    if (Array.isArray(b)) {
      if (!Array.isArray(a) || a.length !== b.length) {
        out.push(`${p}: ${Array.isArray(a) ? a.length : JSON.stringify(a)} items, want ${b.length}`);
        return;
      }
      b.forEach((x, i) => walk(a[i], x, `${p}[${i}]`));
    } else if (b !== null && typeof b === 'object') {
      if (a === null || typeof a !== 'object') {
        out.push(`${p}: ${JSON.stringify(a)}, want an object`);
        return;
      }
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of keys) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${p}.${k}`);
    } else if (!close(a, b)) out.push(`${p}: got ${JSON.stringify(a)}, want ${JSON.stringify(b)}`);
  };
  walk(got, want, path);
  return out;
}
