import { join } from 'node:path';
import { Session } from 'chdb';
import { connect, loadFiles, openDatabase, queryRows } from '@refunds/etl';
import { generateDataset } from '../../etl/src/generate/generate';
import { tempDir } from '../../etl/src/testing/factory';
import { factsAt, factsInsertSql } from '../../etl/src/clickhouse/derive';
import { classifySql, exportExpr } from '../../etl/src/clickhouse/load';
import { chIdent } from '../../etl/src/clickhouse/literal';
import { ALL_TABLES, ChNames, FACTS_COLUMNS, mergeTreeDdl } from '../../etl/src/clickhouse/schema';
import { MEASURE_BY_NAME, TABLE_BY_NAME, type TableName } from '@refunds/warehouse';
import { currentRollup, ROLLUP_TABLES, rollupBuildSql } from '@refunds/engine-clickhouse';

/**
 * The same warehouse SQL on current ClickHouse (chdb embeds a current release): the tables, the
 * facts derivation and the pinned read run unchanged, and give DuckDB's refund_facts. The two-shard
 * test (clickhouse-load.test.ts) does the same on 18.16.
 */
const TABLES: TableName[] = ['agents', 'fx_rates', 'orders', 'refunds', 'surveys'];

type Row = Record<string, unknown>;

test('warehouse DDL, facts derivation and pinned reads run on current ClickHouse and match DuckDB', async () => {
  const dir = tempDir('refunds-chdb-');
  await generateDataset({ out: join(dir, 'gen'), refunds: 800, seed: 3 });
  const inst = await openDatabase(join(dir, 'ref.duckdb'));
  const conn = await connect(inst);
  const session = new Session(join(dir, 'chdb'));
  try {
    await loadFiles(
      conn,
      TABLES.map((t) => join(dir, 'gen', `${t}.csv`)),
    );
    const names = new ChNames('refunds', null);
    session.query('CREATE DATABASE IF NOT EXISTS refunds');
    for (const t of ALL_TABLES) session.query(mergeTreeDdl(names.local(t.name), t));
    const version = session.query('SELECT version()', 'TSVRaw').trim();
    expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(24);

    for (const t of TABLES) {
      const spec = TABLE_BY_NAME.get(t)!;
      const rows = await queryRows<Row>(conn, `SELECT ${spec.columns.map((c) => exportExpr(t, c.name)).join(', ')} FROM ${t}`);
      const lines = rows.map((r) => JSON.stringify({ ...r, _version: 1, _deleted: 0 })).join('\n');
      session.query(`INSERT INTO ${names.local(t)} FORMAT JSONEachRow\n${lines}`);
    }
    const families = await queryRows<Row>(conn, `SELECT reason_code, family FROM reason_families`);
    session.query(
      `INSERT INTO ${names.local('reason_families')} FORMAT JSONEachRow\n${families.map((f) => JSON.stringify({ ...f, _version: 1, _deleted: 0 })).join('\n')}`,
    );
    // The load's row classification: against version 0 every refund is new; against itself, unchanged.
    const counts = (committed: number) => {
      const c = JSON.parse(session.query(`${classifySql(names, 'refunds', committed, 1)} FORMAT JSONEachRow`, 'TSVRaw')) as Row;
      return [Number(c.fresh), Number(c.same), Number(c.changed)];
    };
    const n = (await queryRows<{ n: number }>(conn, 'SELECT count(*) AS n FROM refunds'))[0].n;
    expect(counts(0)).toEqual([Number(n), 0, 0]);
    expect(counts(1)).toEqual([0, Number(n), 0]);
    session.query(`INSERT INTO ${names.local('fact_versions')} SELECT DISTINCT customer_id, 1 FROM ${names.local('refunds')}`);
    // In three slices, as a large shard derives: together they are every customer's facts, once.
    for (const part of [0, 1, 2]) session.query(factsInsertSql(names, 1, 'CNY', { part, parts: 3 }));

    const got = session
      .query(`SELECT * FROM ${factsAt(names, 1)} FORMAT JSONEachRow SETTINGS output_format_json_quote_64bit_integers = 0`, 'TSVRaw')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Row);
    const cols = FACTS_COLUMNS.filter((c) => c.name !== '_version').map((c) =>
      ['requested_at', 'decided_at', 'paid_at', 'next_order_at'].includes(c.name)
        ? `epoch_us(${c.name}) AS ${c.name}`
        : c.type.includes('UInt8')
          ? `CAST(${c.name} AS INTEGER) AS ${c.name}`
          : c.name,
    );
    const expected = new Map((await queryRows<Row>(conn, `SELECT ${cols.join(', ')} FROM refund_facts`)).map((r) => [String(r.refund_id), r]));
    expect(got.length).toBe(expected.size);
    const mismatches: string[] = [];
    for (const r of got) {
      const e = expected.get(String(r.refund_id))!;
      for (const c of FACTS_COLUMNS) {
        if (c.name === '_version') continue;
        const a = r[c.name] ?? null;
        const b = typeof e[c.name] === 'bigint' ? Number(e[c.name]) : (e[c.name] ?? null);
        const same = typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)) : a === b;
        if (!same) mismatches.push(`${String(r.refund_id)}.${chIdent(c.name)}: chdb ${JSON.stringify(a)} DuckDB ${JSON.stringify(b)}`);
      }
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(got.filter((r) => r.next_order_at !== null).length).toBeGreaterThan(50);

    // The rollups' build statements, with the data's latest order and request as the loader passes them:
    // every measure of every rollup totals what DuckDB's rollups total.
    const [latest] = await queryRows<{ o: bigint; r: bigint }>(
      conn,
      'SELECT (SELECT max(epoch_us(ordered_at)) FROM orders) AS o, max(epoch_us(requested_at)) AS r FROM refunds',
    );
    const now = { ordered_at: BigInt(latest.o), requested_at: BigInt(latest.r) };
    for (const statement of rollupBuildSql(names, { version: 1, committed: 0, latest: now })) session.query(statement);
    // And an increment over it as if the latest order and request had moved by 10 days: the groups of
    // every fact between the old and new cut-offs are recomputed (to the same numbers) and superseded.
    const earlier = { ordered_at: now.ordered_at - 864_000_000_000n, requested_at: now.requested_at - 864_000_000_000n };
    for (const statement of rollupBuildSql(names, { version: 2, committed: 1, latest: now, increment: { latest: earlier } })) session.query(statement);
    const touched = Number(session.query(`SELECT count() FROM ${names.local('rollup_touched')} WHERE _version = 2`, 'TSVRaw'));
    expect(touched).toBeGreaterThan(100);
    const totals: string[] = [];
    for (const t of ROLLUP_TABLES) {
      const measures = t.columns.map((c) => c.name).filter((c) => MEASURE_BY_NAME.has(c) || c === 'n');
      const chdb = JSON.parse(
        session.query(
          `SELECT ${measures.map((m) => `sum(${m}) AS ${m}_t`).join(', ')}, count() AS rows_t FROM ${currentRollup(names, t.name, '2')} FORMAT JSONEachRow SETTINGS output_format_json_quote_64bit_integers = 0`,
          'TSVRaw',
        ),
      ) as Row;
      const [duck] = await queryRows<Row>(conn, `SELECT ${measures.map((m) => `sum(${m}) AS ${m}_t`).join(', ')}, count(*) AS rows_t FROM ${t.name}`);
      for (const k of [...measures.map((m) => `${m}_t`), 'rows_t']) {
        const a = Number(chdb[k]);
        const b = Number(duck[k]);
        if (!(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)))) totals.push(`${t.name}.${k}: chdb ${a} DuckDB ${b}`);
      }
    }
    expect(totals.slice(0, 20)).toEqual([]);
  } finally {
    session.close();
    conn.closeSync();
    inst.closeSync();
  }
});
