import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, loadFiles, openDatabase, queryRows } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { order, refund, survey, tempDir, writeTables } from '../../etl/src/testing/factory';
import { ClickHouseWarehouse } from '../../etl/src/clickhouse/client';
import { factsAt } from '../../etl/src/clickhouse/derive';
import { committedVersion, loadIntoClickHouse, readLatest } from '../../etl/src/clickhouse/load';
import { ChNames, FACTS_COLUMNS } from '../../etl/src/clickhouse/schema';
import { describeOnCluster } from '../support/clickhouse';
import { CH_ROLLUP_SIGNATURE, ClickHouseEngine, compileClickHouse, pinnedRead, ROLLUP_TABLES } from '@refunds/engine-clickhouse';
import { MEASURE_BY_NAME, raw, sql, type Warehouse } from '@refunds/warehouse';
import { append, EDGE_FX, EDGE_ORDERS, EDGE_REFUNDS, EDGE_SURVEYS } from '../support/edge-rows';

const CANONICAL = ['agents', 'incentive_plans', 'policy_changes', 'fx_rates', 'orders', 'refunds', 'surveys'];

type Row = Record<string, unknown>;

/**
 * DuckDB's refund_facts after loading each batch in turn, in the warehouse's representation:
 * timestamps in microseconds, booleans 0/1.
 */
async function duckFacts(dir: string, ...batches: string[][]): Promise<Map<string, Row>> {
  const inst = await openDatabase(join(dir, `ref-${Math.random().toString(36).slice(2)}.duckdb`));
  const conn = await connect(inst);
  try {
    for (const files of batches) await loadFiles(conn, files);
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

async function factsOf(w: ClickHouseWarehouse, names: ChNames, v: number): Promise<Row[]> {
  return w.query<Row>(`SELECT * FROM ${factsAt(names, v)} ORDER BY refund_id`, 0, { output_format_json_quote_64bit_integers: 0 });
}

/** Column-by-column differences (the first 20); doubles agree to 1e-9 relative (Kahan sums in another order). */
function mismatches(rows: Row[], expected: Map<string, Row>): string[] {
  const out: string[] = [];
  if (rows.length !== expected.size) out.push(`ClickHouse has ${rows.length} facts, DuckDB ${expected.size}`);
  for (const r of rows) {
    const e = expected.get(String(r.refund_id));
    if (!e) {
      out.push(`${String(r.refund_id)}: not in DuckDB`);
      continue;
    }
    for (const c of FACTS_COLUMNS) {
      if (c.name === '_version') continue;
      const a = norm(r[c.name]);
      const b = norm(e[c.name]);
      const same = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b;
      if (!same) out.push(`${String(r.refund_id)}.${c.name}: ClickHouse ${JSON.stringify(a)} DuckDB ${JSON.stringify(b)}`);
    }
  }
  return out.slice(0, 20);
}

describeOnCluster('loading into a two-shard ClickHouse cluster', 2, (cluster) => {
  let dir: string;
  let files: string[];
  beforeAll(async () => {
    dir = tempDir('refunds-chload-');
    // The reference cross-check's data: seed 11, 6000 refunds, plus its hand-made edge rows.
    await generateDataset({ out: join(dir, 'gen'), refunds: 6000, seed: 11 });
    append(join(dir, 'gen'), 'fx_rates', EDGE_FX);
    append(join(dir, 'gen'), 'orders', EDGE_ORDERS);
    append(join(dir, 'gen'), 'refunds', EDGE_REFUNDS);
    append(join(dir, 'gen'), 'surveys', EDGE_SURVEYS);
    files = CANONICAL.map((t) => join(dir, 'gen', `${t}.csv`)).filter((f) => existsSync(f));
  }, 120_000);

  test('facts derived inside ClickHouse equal DuckDB refund_facts, column by column, on generated data and edge rows, with both shards holding data', async () => {
    // Small pages, so the rows go in many inserts; small slices, so each shard derives its facts in several statements.
    const summary = await loadIntoClickHouse(cluster().url('refunds'), files, { batchRows: 700, deriveCustomers: 500 });
    expect(summary.outcome).toBe('committed');
    const expected = await duckFacts(dir, files);
    expect(expected.size).toBeGreaterThan(6000);
    expect(summary.tables.find((t) => t.table === 'refunds')).toMatchObject({ rejected: 4 });

    const w = await ClickHouseWarehouse.connect(cluster().url('refunds'));
    try {
      const names = new ChNames('refunds', w.cluster);
      const v = await committedVersion(w, names);
      expect(v).toBe(summary.dataVersion);
      const rows = await factsOf(w, names, v);
      expect(mismatches(rows, expected)).toEqual([]);
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
      // Each shard derived over 500 customers, so in slices; sipHash64 splits a shard's customers, the
      // sharding key's cityHash64 would put them all in one slice.
      for (const i of [0, 1]) {
        const [s] = await w.query<{ n: string; bySip: string; byCity: string }>(
          `SELECT count() AS n, uniqExact(sipHash64(customer_id) % 4) AS bySip, uniqExact(cityHash64(customer_id) % 2) AS byCity
           FROM refunds.fact_versions_local WHERE _version = ${v}`,
          i,
        );
        expect([Number(s.n) > 500, Number(s.bySip), Number(s.byCity)]).toEqual([true, 4, 1]);
      }
      for (const s of perShard) {
        expect(Number(s.refunds)).toBeGreaterThan(500);
        expect(Number(s.orders)).toBeGreaterThan(500);
        expect(Number(s.facts)).toBeGreaterThan(500);
      }
      const [{ split }] = await w.query<{ split: string }>(
        `SELECT count() AS split FROM (SELECT customer_id FROM remote('127.0.0.1:${cluster().shards[0].tcp}', refunds.refunds_local)
           WHERE customer_id IN (SELECT customer_id FROM remote('127.0.0.1:${cluster().shards[1].tcp}', refunds.orders_local)))`,
      );
      expect(Number(split)).toBe(0);
    } finally {
      await w.close();
    }
  });

  test("rollups built inside ClickHouse equal DuckDB's after a first load (built whole) and an increment that moves every cut-off (updated group by group on both engines)", async () => {
    // The increment: a refund's decision changed, a later request (the overdue cut-off moves), later
    // orders (the repurchase and economics cut-offs move), one of them a repurchase of the changed refund.
    const inc = join(dir, 'rollup-inc');
    mkdirSync(inc, { recursive: true });
    const header = (t: string) => readFileSync(join(dir, 'gen', `${t}.csv`), 'utf8').split('\n')[0];
    writeFileSync(
      join(inc, 'refunds.csv'),
      [
        header('refunds'),
        'RX05,OX50,CX05,A02,phone,PX2,home,Changed Mind,,2026-01-08T00:00:00Z,2026-01-09T12:00:00Z,,approved,300.00,300.00,CNY,,,3,true,false,no,,v4,',
        'RX90,OX90,CX90,A01,web,PX1,electronics,defective,,2026-03-01T00:00:00Z,,,pending,40.00,,CNY,,,0,false,false,,,v4,',
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(inc, 'orders.csv'),
      [header('orders'), 'OX90,CX90,2026-02-20T00:00:00Z,40.00,CNY,web,', 'OX92,CX05,2026-03-10T00:00:00Z,55.00,CNY,phone,'].join('\n') + '\n',
    );
    const second = [join(inc, 'refunds.csv'), join(inc, 'orders.csv')];

    const url = cluster().url('rollups');
    expect(await loadIntoClickHouse(url, files, { batchRows: 5000 })).toMatchObject({ outcome: 'committed', rollups: 'full' });
    const done = await loadIntoClickHouse(url, second);
    expect(done).toMatchObject({ outcome: 'committed', rollups: 'incremental' });

    // DuckDB after the same two loads: its rollups were built whole and then updated incrementally.
    const inst = await openDatabase(join(dir, 'rollups-ref.duckdb'));
    const conn = await connect(inst);
    const engine = await ClickHouseEngine.connect(url);
    try {
      await loadFiles(conn, files);
      expect((await loadFiles(conn, second)).rollups).toBe('incremental');
      const pinned = await engine.pin();
      expect(pinned.rollups).toBe(true);
      expect(await engine.rollupsAt(done.dataVersion)).toBe(true);
      /** Every rollup read at `w`'s version against DuckDB's, group by group. */
      const compare = async (w: Warehouse) => {
        for (const t of ROLLUP_TABLES) {
          const cols = t.columns.map((c) => c.name).filter((c) => c !== '_version' && c !== '_gk');
          const measures = cols.filter((c) => MEASURE_BY_NAME.has(c) || c === 'n' || c === 'first_wk');
          const groups = cols.filter((c) => !measures.includes(c));
          const agg = (c: string) => (c === 'first_wk' ? `min(${c})` : `sum(${c})`);
          // Each shard holds the rows of its own customers: a group's rows over both shards add up.
          const chRows = await w.query<Row>(
            sql`SELECT ${raw(groups.map((g) => `${g} AS k_${g}`).join(', '))}, ${raw(measures.map((m) => `${agg(m)} AS v_${m}`).join(', '))}
                FROM ${raw(engine.dialect.table(t.name))} GROUP BY ${raw(groups.map((g) => `k_${g}`).join(', '))}`,
          );
          const duckRows = await queryRows<Row>(
            conn,
            `SELECT ${groups.map((g) => `${g === 'day' || g === 'wk' ? `CAST(${g} AS VARCHAR)` : g} AS k_${g}`).join(', ')}, ${measures
              .map((m) => `${m === 'first_wk' ? `CAST(${agg(m)} AS VARCHAR)` : agg(m)} AS v_${m}`)
              .join(', ')} FROM ${t.name} GROUP BY ALL`,
          );
          const keyOf = (r: Row) => JSON.stringify(groups.map((g) => r[`k_${g}`] ?? null));
          const duck = new Map(duckRows.map((r) => [keyOf(r), r]));
          const diffs: string[] = [];
          if (chRows.length !== duckRows.length) diffs.push(`${t.name}: ClickHouse ${chRows.length} groups, DuckDB ${duckRows.length}`);
          for (const r of chRows) {
            const e = duck.get(keyOf(r));
            if (!e) {
              diffs.push(`${t.name} ${keyOf(r)}: not in DuckDB`);
              continue;
            }
            for (const m of measures) {
              const a = norm(r[`v_${m}`]);
              const b = norm(e[`v_${m}`]);
              const same = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b;
              if (!same) diffs.push(`${t.name} ${keyOf(r)}.${m}: ClickHouse ${JSON.stringify(a)} DuckDB ${JSON.stringify(b)}`);
            }
          }
          expect(diffs.slice(0, 10)).toEqual([]);
          expect(duckRows.length).toBeGreaterThan(0);
        }
      };
      await compare(pinned);
      // The increment's changes are in them: RX05 approved, the new request pending (and overdue by the new cut-off).
      const [day] = await pinned.query<{ n: number; overdue: number }>(
        sql`SELECT sum(n) AS n, sum(overdue) AS overdue FROM ${raw(engine.dialect.table('refund_daily'))} WHERE day = toDate('2026-03-01')`,
      );
      expect(day).toEqual({ n: 1, overdue: 0 });
      // Both shards built their own rows in the first load; the increment recomputed a few groups on each
      // (those of its refunds and orders, and of the facts whose side of a moved cut-off changed) and superseded their rows.
      for (const i of [0, 1]) {
        const count = async (q: string) => Number((await cluster().query(i, q)).trim());
        const first = await count(`SELECT count() FROM rollups.refund_daily_local WHERE _version = ${done.dataVersion - 1}`);
        const again = await count(`SELECT count() FROM rollups.refund_daily_local WHERE _version = ${done.dataVersion}`);
        const replaced = await count(`SELECT count() FROM rollups.refund_daily_superseded_local WHERE _version = ${done.dataVersion}`);
        expect(first).toBeGreaterThan(1000);
        expect(again).toBeGreaterThan(0);
        expect(again).toBeLessThan(first / 4);
        expect(replaced).toBeGreaterThan(0);
      }
      // A version built by another definition is read from refund_facts.
      expect(CH_ROLLUP_SIGNATURE).toMatch(/^[0-9a-f]{12}$/);
      expect(await engine.rollupsAt(done.dataVersion - 1)).toBe(true);
      expect(await engine.rollupsAt(done.dataVersion + 1)).toBe(false);

      // A third load, once the rows the increment replaced are old enough for no reader (here at once):
      // it deletes them (and the crashed load's rows), and every rollup still equals DuckDB's after it.
      const third = join(dir, 'rollup-third');
      mkdirSync(third, { recursive: true });
      writeFileSync(join(third, 'orders.csv'), [header('orders'), 'OX93,CX90,2026-03-20T00:00:00Z,25.00,CNY,app,'].join('\n') + '\n');
      // A load that dies after building its rollups, before its commit: readers still see the increment's.
      await expect(
        loadIntoClickHouse(url, [join(third, 'orders.csv')], {
          onClickHousePhase: (p) => {
            if (p === 'rolled-up') throw new Error('simulated crash after the rollups');
          },
        }),
      ).rejects.toThrow(/simulated crash/);
      expect(await engine.committedVersion()).toBe(done.dataVersion);
      const [{ pending }] = await pinned.query<{ pending: number }>(
        sql`SELECT count() AS pending FROM rollups.refund_daily WHERE _version > ${done.dataVersion}`,
      );
      expect(pending).toBeGreaterThan(0); // its rows are there, under a version nobody reads
      await compare(await engine.pin());
      const last = await loadIntoClickHouse(url, [join(third, 'orders.csv')], { rollupKeepMs: 0 });
      expect(last).toMatchObject({ outcome: 'committed', rollups: 'incremental' });
      expect((await loadFiles(conn, [join(third, 'orders.csv')])).rollups).toBe('incremental');
      const dead = `SELECT count() FROM rollups.refund_daily_local WHERE (_gk, _version) IN
        (SELECT gk, row_version FROM rollups.refund_daily_superseded_local WHERE _version <= ${done.dataVersion})`;
      for (const i of [0, 1]) {
        let left = -1;
        for (let tries = 0; tries < 100 && left !== 0; tries++) {
          if (tries > 0) await new Promise((r) => setTimeout(r, 100));
          left = Number((await cluster().query(i, dead)).trim());
        }
        expect(left).toBe(0);
      }
      await compare(await engine.pin());

      // product_lines as an older definition left it (no first_wk; a stray row): the next load creates it
      // again as declared and builds every group, and every rollup equals DuckDB's again.
      for (const i of [0, 1]) {
        await cluster().query(i, 'DROP TABLE rollups.product_lines');
        await cluster().query(i, 'DROP TABLE rollups.product_lines_local');
        await cluster().query(
          i,
          `CREATE TABLE rollups.product_lines_local (product_id Nullable(String), product_line Nullable(String), reason_code Nullable(String),
             channel Nullable(String), campaign Nullable(String), n Int64, _gk UInt64, _version UInt64) ENGINE = MergeTree ORDER BY _version`,
        );
        await cluster().query(i, `INSERT INTO rollups.product_lines_local VALUES ('P-OLD', 'x', 'y', 'web', '', 99, 1, ${last.dataVersion})`);
      }
      const fourth = join(dir, 'rollup-fourth');
      mkdirSync(fourth, { recursive: true });
      writeFileSync(join(fourth, 'orders.csv'), [header('orders'), 'OX94,CX05,2026-03-21T00:00:00Z,15.00,CNY,web,'].join('\n') + '\n');
      expect(await loadIntoClickHouse(url, [join(fourth, 'orders.csv')])).toMatchObject({ outcome: 'committed', rollups: 'full' });
      expect((await loadFiles(conn, [join(fourth, 'orders.csv')])).rollups).toBe('incremental');
      for (const i of [0, 1]) {
        const cols = (await cluster().query(i, `SELECT name FROM system.columns WHERE database = 'rollups' AND table = 'product_lines_local'`))
          .trim()
          .split('\n');
        expect(cols).toEqual(ROLLUP_TABLES.find((t) => t.name === 'product_lines')!.columns.map((c) => c.name));
      }
      await compare(await engine.pin());
    } finally {
      conn.closeSync();
      inst.closeSync();
      await engine.close();
    }
  }, 300_000);

  test('a load is seen whole or not at all: a crashed load leaves the previous version answering; reloading changes nothing', async () => {
    const url = cluster().url('versions');
    // Two customers on different shards (the Distributed tables shard by cityHash64(customer_id) % 2).
    const shardOf = async (c: string) => Number((await cluster().query(0, `SELECT cityHash64('${c}') % 2`)).trim());
    const cands = Array.from({ length: 20 }, (_, i) => `CUST${i}`);
    const shards = await Promise.all(cands.map(shardOf));
    const ca = cands[shards.indexOf(0)];
    const cb = cands[shards.indexOf(1)];
    const first = writeTables({
      orders: [
        order({ order_id: 'OA1', customer_id: ca, ordered_at: '2024-02-01T10:00:00Z', amount: 100 }),
        order({ order_id: 'OB1', customer_id: cb, ordered_at: '2024-01-15T10:00:00Z', amount: 50 }),
      ],
      refunds: [
        refund({ refund_id: 'X', order_id: 'OA1', customer_id: ca, decided_at: '2024-03-02T10:00:00Z', requested_amount: 100, refunded_amount: 100 }),
        refund({ refund_id: 'Y', order_id: 'OB1', customer_id: cb, decided_at: '2024-03-02T10:00:00Z', requested_amount: 50, refunded_amount: 50 }),
      ],
      surveys: [survey({ survey_id: 'S1', refund_id: 'X', customer_id: ca, score: 5 })],
    });
    // The second batch: a repurchase for X, and Y replaced by a rejected refund of the other customer (it moves shards;
    // its order and a new survey of it stay with the first customer, on the other shard).
    const second = writeTables({
      orders: [order({ order_id: 'OA2', customer_id: ca, ordered_at: '2024-03-05T10:00:00Z', amount: 70 })],
      refunds: [
        refund({
          refund_id: 'Y',
          order_id: 'OB1',
          customer_id: ca,
          decided_at: '2024-03-03T10:00:00Z',
          decision: 'rejected',
          requested_amount: 50,
          refunded_amount: 0,
        }),
      ],
      // A survey of Y under the customer Y had before: it sits on the other shard.
      surveys: [survey({ survey_id: 'S2', refund_id: 'Y', customer_id: cb, kind: 'csat', score: 2 })],
    });
    const v1 = (await loadIntoClickHouse(url, [first])).dataVersion;
    const w = await ClickHouseWarehouse.connect(url);
    try {
      const names = new ChNames('versions', w.cluster);
      const before = await factsOf(w, names, v1);
      expect(mismatches(before, await duckFacts(dir, [first]))).toEqual([]);
      expect(before.map((r) => [r.refund_id, r.customer_id, r.next_order_at])).toEqual([
        ['X', ca, null],
        ['Y', cb, null],
      ]);

      // A load that dies after writing rows and facts, before its commit.
      await expect(
        loadIntoClickHouse(url, [second], {
          onClickHousePhase: (p) => {
            if (p === 'derived') throw new Error('simulated crash before the commit');
          },
        }),
      ).rejects.toThrow(/simulated crash/);
      expect(await committedVersion(w, names)).toBe(v1);
      const [{ n }] = await w.query<{ n: string }>(`SELECT count() AS n FROM versions.refund_facts WHERE _version > ${v1}`);
      expect(Number(n)).toBeGreaterThan(0); // its rows are there, written under a version nobody reads
      expect(await factsOf(w, names, await committedVersion(w, names))).toEqual(before);

      const done = await loadIntoClickHouse(url, [second]);
      expect(done.dataVersion).toBeGreaterThan(v1);
      const v2 = await committedVersion(w, names);
      expect(v2).toBe(done.dataVersion);
      const after = await factsOf(w, names, v2);
      expect(mismatches(after, await duckFacts(dir, [first], [second]))).toEqual([]);
      // Computed by hand: X sees the 70 repurchase 3 days after its decision; Y is now the other customer's, rejected, once.
      expect(done.tables.find((t) => t.table === 'orders')).toMatchObject({ loaded: 1, replaced: 0, unchanged: 0 });
      const x = after.find((r) => r.refund_id === 'X')!;
      expect([x.next_order_at, x.rev_7]).toEqual([Date.parse('2024-03-05T10:00:00Z') * 1000, 70]);
      expect(after.filter((r) => r.refund_id === 'Y').map((r) => [r.customer_id, r.decision, r.csat_n, r.customer_type])).toEqual([[ca, 'rejected', 1, 'new']]);
      // The crashed load's rows were deleted by the next one.
      for (const t of ['refunds', 'orders', 'refund_facts', 'fact_versions'])
        expect(Number((await w.query<{ n: string }>(`SELECT count() AS n FROM versions.${t} WHERE _version = ${v1 + 1}`))[0].n)).toBe(0);
      expect((await readLatest(w, names, 'refunds', v2)).map((r) => r.refund_id).sort()).toEqual(['X', 'Y']);
      // What the server reads (rows no load up to the version replaced, shard-locally) is the newest row per key.
      const served = async (t: 'orders' | 'refunds' | 'surveys', v: number) =>
        (await w.query<Row>(compileClickHouse(sql`SELECT * FROM ${raw(pinnedRead(names, t))}`, v))).map((r) => JSON.stringify(r)).sort();
      const newest = async (t: 'orders' | 'refunds' | 'surveys', v: number) => (await readLatest(w, names, t, v)).map((r) => JSON.stringify(r)).sort();
      for (const t of ['orders', 'refunds', 'surveys'] as const) for (const v of [v1, v2]) expect(await served(t, v)).toEqual(await newest(t, v));
      expect((await served('refunds', v2)).map((r) => (JSON.parse(r) as Row).customer_id)).toEqual([ca, ca]);
      // The earlier version still reads as it was (a reader that pinned it keeps its answer).
      expect(await factsOf(w, names, v1)).toEqual(before);

      // The same batch again: a new version, the same facts.
      const again = await loadIntoClickHouse(url, [second]);
      expect(again.dataVersion).toBeGreaterThan(v2);
      // Counted as DuckDB counts them: nothing loaded, every row unchanged.
      expect(again.tables.map((t) => [t.table, t.loaded, t.replaced, t.unchanged])).toEqual([
        ['orders', 0, 0, 1],
        ['refunds', 0, 0, 1],
        ['surveys', 0, 0, 1],
      ]);
      const unversioned = (rows: Row[]) => rows.map(({ _version, ...r }) => r);
      expect(unversioned(await factsOf(w, names, again.dataVersion))).toEqual(unversioned(after));
      const history = await w.query<{ load_id: string; outcome: string }>(
        `SELECT load_id, argMax(outcome, finished_at) AS outcome FROM versions.load_history GROUP BY load_id ORDER BY load_id`,
      );
      expect(history.map((h) => h.outcome)).toEqual(['committed', 'failed', 'committed', 'committed']);
    } finally {
      await w.close();
    }
  });

  test('one load at a time: a second load is refused while the first runs, and the first still commits', async () => {
    const url = cluster().url('concurrent');
    const batch = writeTables({
      orders: [order({ order_id: 'O1', customer_id: 'C1' })],
      refunds: [refund({ refund_id: 'R1', order_id: 'O1', customer_id: 'C1' })],
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let reached: () => void = () => undefined;
    const atInsert = new Promise<void>((r) => (reached = r));
    const first = loadIntoClickHouse(url, [batch], {
      onClickHousePhase: async (p) => {
        if (p !== 'inserted') return;
        reached();
        await held;
      },
    });
    await atInsert;
    await expect(loadIntoClickHouse(url, [batch])).rejects.toMatchObject({
      code: 'LOAD_IN_PROGRESS',
      message: expect.stringMatching(/load 1 into clickhouse:\/\/refunds:\*\*\*@.* is still running/),
    });
    release();
    expect((await first).outcome).toBe('committed');
    const again = await loadIntoClickHouse(url, [batch]);
    expect(again.dataVersion).toBe(2);
    const w = await ClickHouseWarehouse.connect(url);
    try {
      const [h] = await w.query<{ files: string }>(`SELECT files FROM concurrent.load_history WHERE load_id = 2 AND outcome = 'committed'`);
      expect(JSON.parse(h.files)).toEqual(
        expect.arrayContaining([expect.objectContaining({ table: 'refunds', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]),
      );
    } finally {
      await w.close();
    }
  });

  // Last: it kills a shard.
  test('a shard going down gives an error, never a partial number', async () => {
    const w = await ClickHouseWarehouse.connect(cluster().url('refunds'));
    try {
      const names = new ChNames('refunds', w.cluster);
      const v = await committedVersion(w, names);
      const whole = `SELECT count() AS n, sum(rev_30) AS rev FROM ${factsAt(names, v)}`;
      const [all] = await w.query<{ n: string }>(whole);
      expect(Number(all.n)).toBeGreaterThan(2500);
      // Mid-query: each block sleeps, so the query is still running on both shards when one dies.
      const slow = w.query(`SELECT count() AS n FROM ${names.all('refund_facts')} WHERE sleep(0.5) = 0`, 0, { max_block_size: 500 });
      const outcome = slow.then(
        (rows) => ({ rows }),
        (e: unknown) => ({ error: e as Error }),
      );
      await new Promise((r) => setTimeout(r, 400));
      await cluster().kill(1);
      const mid = await outcome;
      expect('error' in mid ? mid.error.message : `answered ${JSON.stringify(mid)}`).toMatch(
        /refunds:\*\*\*@.*(Connection refused|connect|Attempt to read after eof|NETWORK_ERROR|ECONNRESET|socket)/i,
      );
      // And after: the Distributed table does not skip the missing shard.
      await expect(w.query(whole)).rejects.toThrow(/Connection refused|connect/i);
    } finally {
      await w.close();
    }
  });
});
