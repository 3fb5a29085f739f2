import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, loadFiles, openDatabase, queryRows } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { ClickHouseWarehouse } from '../../etl/src/clickhouse/client';
import { factsAt } from '../../etl/src/clickhouse/derive';
import { committedVersion, loadIntoClickHouse } from '../../etl/src/clickhouse/load';
import { ChNames, FACTS_COLUMNS } from '../../etl/src/clickhouse/schema';
import { describeClickHouse, startClickHouseCluster, type ClickHouseCluster } from '../support/clickhouse';

const CANONICAL = ['agents', 'incentive_plans', 'policy_changes', 'fx_rates', 'orders', 'refunds', 'surveys'];

type Row = Record<string, unknown>;

/** DuckDB's refund_facts in the warehouse's representation: timestamps in microseconds, booleans 0/1. */
async function duckFacts(dir: string, files: string[]): Promise<Map<string, Row>> {
  const inst = await openDatabase(join(dir, 'ref.duckdb'));
  const conn = await connect(inst);
  try {
    await loadFiles(conn, files);
    const cols = FACTS_COLUMNS.filter((c) => c.name !== '_version').map((c) =>
      c.type.includes('Int64') && ['requested_at', 'decided_at', 'paid_at', 'next_order_at'].includes(c.name)
        ? `epoch_us(${c.name}) AS ${c.name}`
        : c.type.includes('UInt8')
          ? `CAST(${c.name} AS INTEGER) AS ${c.name}`
          : c.name,
    );
    const rows = await queryRows<Row>(conn, `SELECT ${cols.join(', ')} FROM refund_facts`);
    return new Map(rows.map((r) => [String(r.refund_id), r]));
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

function norm(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(v)) return Number(v);
  return v;
}

describeClickHouse('loading into a two-shard ClickHouse cluster', () => {
  let ch: ClickHouseCluster;
  let dir: string;
  let files: string[];
  beforeAll(async () => {
    ch = await startClickHouseCluster();
    dir = tempDir('refunds-chload-');
    await generateDataset({ out: join(dir, 'gen'), refunds: 3000, seed: 11 });
    files = CANONICAL.map((t) => join(dir, 'gen', `${t}.csv`)).filter((f) => existsSync(f));
  }, 120_000);
  afterAll(async () => {
    await ch?.stop();
  });

  test('facts derived inside ClickHouse equal DuckDB refund_facts, column by column, with both shards holding data', async () => {
    const summary = await loadIntoClickHouse(ch.url('refunds'), files);
    expect(summary.outcome).toBe('committed');
    const expected = await duckFacts(dir, files);
    expect(expected.size).toBeGreaterThan(2500);

    const w = await ClickHouseWarehouse.connect(ch.url('refunds'));
    try {
      const names = new ChNames('refunds', w.cluster);
      const v = await committedVersion(w, names);
      expect(v).toBe(summary.dataVersion);
      const rows = await w.query<Row>(`SELECT * FROM ${factsAt(names, v)}`, 0, { output_format_json_quote_64bit_integers: 0 });
      expect(rows.length).toBe(expected.size);
      const mismatches: string[] = [];
      for (const r of rows) {
        const e = expected.get(String(r.refund_id));
        if (!e) {
          mismatches.push(`${String(r.refund_id)}: not in DuckDB`);
          continue;
        }
        for (const c of FACTS_COLUMNS) {
          if (c.name === '_version') continue;
          const a = norm(r[c.name]);
          const b = norm(e[c.name]);
          const same = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b;
          if (!same) mismatches.push(`${String(r.refund_id)}.${c.name}: ClickHouse ${JSON.stringify(a)} DuckDB ${JSON.stringify(b)}`);
        }
      }
      expect(mismatches.slice(0, 20)).toEqual([]);
      // The comparison can fail: facts with repurchases, new and returning customers, surveys are all there.
      expect(rows.filter((r) => r.next_order_at !== null).length).toBeGreaterThan(100);
      expect(new Set(rows.map((r) => r.customer_type))).toEqual(new Set(['new', 'returning']));

      // Both shards hold data, and a customer's refunds, orders and facts sit on one shard.
      const perShard = await Promise.all(
        [0, 1].map(async (i) => {
          const [c] = await w.query<{ refunds: string; orders: string; facts: string }>(
            `SELECT (SELECT count() FROM refunds.refunds_local) AS refunds, (SELECT count() FROM refunds.orders_local) AS orders,
                    (SELECT count() FROM refunds.refund_facts_local) AS facts`,
            i,
          );
          return c;
        }),
      );
      for (const s of perShard) {
        expect(Number(s.refunds)).toBeGreaterThan(500);
        expect(Number(s.orders)).toBeGreaterThan(500);
        expect(Number(s.facts)).toBeGreaterThan(500);
      }
      const [{ split }] = await w.query<{ split: string }>(
        `SELECT count() AS split FROM (SELECT customer_id FROM remote('127.0.0.1:${ch.shards[0].tcp}', refunds.refunds_local)
           WHERE customer_id IN (SELECT customer_id FROM remote('127.0.0.1:${ch.shards[1].tcp}', refunds.orders_local)))`,
      );
      expect(Number(split)).toBe(0);
    } finally {
      await w.close();
    }
  });
});
