'use strict';
/**
 * Runs the `overview` contract query (and the overview's trend at every grain) of the built server (server/dist: its Nest providers do not
 * load under Jest) on one warehouse and prints the answers as JSON, one per filter. Input on stdin:
 *   { "engine": "duckdb", "file": "...", "filters": [...] }
 *   { "engine": "clickhouse", "url": "clickhouse://...", "filters": [...] }
 *   { "engine": "chdb", "path": "<chdb session folder>", "database": "refunds", "version": 1, "filters": [...] }
 * Each filter runs with the previous period and percentiles; answers are `{ overview, trend: { DAY, WEEK, MONTH, QUARTER } }`. Used by test/integration/clickhouse-overview.test.ts.
 */
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const { OverviewRepository } = require(join(root, 'server/dist/modules/overview/overview.repository.js'));
const { OverviewService } = require(join(root, 'server/dist/modules/overview/overview.service.js'));
const { DUCKDB } = require(join(root, 'shared/warehouse/dist/index.js'));

async function reader(spec) {
  switch (spec.engine) {
    case 'duckdb': {
      const { openDatabase, connect, queryRows } = require(join(root, 'shared/engine-duckdb/dist/index.js'));
      const inst = await openDatabase(spec.file);
      const conn = await connect(inst);
      return {
        w: { dialect: DUCKDB, rollups: Boolean(spec.rollups), query: (q) => queryRows(conn, q) },
        close: async () => {
          conn.closeSync();
          inst.closeSync();
        },
      };
    }
    case 'clickhouse': {
      const { ClickHouseEngine } = require(join(root, 'shared/engine-clickhouse/dist/index.js'));
      const engine = await ClickHouseEngine.connect(spec.url);
      return { w: await engine.pin(), close: () => engine.close() };
    }
    case 'chdb': {
      const { Session } = require('chdb');
      const { ChNames, clickhouseDialect, compileClickHouse } = require(join(root, 'shared/engine-clickhouse/dist/index.js'));
      const session = new Session(spec.path);
      const w = {
        dialect: clickhouseDialect(new ChNames(spec.database, null)),
        rollups: false,
        query: async (q) =>
          session
            .query(`${compileClickHouse(q, spec.version)} FORMAT JSONEachRow SETTINGS output_format_json_quote_64bit_integers = 0`, 'TSVRaw')
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l)),
      };
      return { w, close: async () => session.close(), version: session.query('SELECT version()', 'TSVRaw').trim() };
    }
    default:
      throw new Error(`unknown engine ${spec.engine}`);
  }
}

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const spec = JSON.parse(input);
  const r = await reader(spec);
  try {
    const service = new OverviewService(new OverviewRepository(r.w));
    const answers = [];
    for (const f of spec.filters) {
      const trend = {};
      for (const grain of ['DAY', 'WEEK', 'MONTH', 'QUARTER']) trend[grain] = await service.trend(f, grain);
      answers.push({ overview: await service.overview(f, true, true), trend });
    }
    process.stdout.write(JSON.stringify({ version: r.version ?? null, answers }));
  } finally {
    await r.close();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
