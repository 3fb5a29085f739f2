'use strict';
/**
 * Runs service methods of the built server (server/dist: its Nest providers do not load under Jest) on one warehouse and prints
 * the answers as JSON, one per call. Each call names a module of server/src/modules, whose `<Module>Service` is built on its
 * `<Module>Repository` reading the warehouse. Input on stdin:
 *   { "engine": "duckdb", "file": "...", "rollups": false, "calls": [{ "module": "overview", "method": "trend", "args": [{}, "WEEK"] }] }
 *   { "engine": "clickhouse", "url": "clickhouse://...", "calls": [...] }
 *   { "engine": "chdb", "path": "<chdb session folder>", "database": "refunds", "version": 1, "calls": [...] }
 * Output: { "version": <chdb's ClickHouse version or null>, "answers": [...] }. Used by test/integration/clickhouse-*.test.ts.
 */
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
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
      return { w: await engine.pin({ rollups: spec.rollups }), close: () => engine.close() };
    }
    case 'chdb': {
      const { Session } = require('chdb');
      const { ChNames, clickhouseDialect, compileClickHouse } = require(join(root, 'shared/engine-clickhouse/dist/index.js'));
      const session = new Session(spec.path);
      const w = {
        dialect: clickhouseDialect(new ChNames(spec.database, null)),
        // The copied rollups (copyToChdb) are the cluster's at the copied version.
        rollups: Boolean(spec.rollups),
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
    const services = new Map();
    const answers = [];
    for (const call of spec.calls) {
      if (!services.has(call.module)) services.set(call.module, service(call.module, r.w));
      answers.push(await services.get(call.module)[call.method](...call.args));
    }
    process.stdout.write(JSON.stringify({ version: r.version ?? null, answers }));
  } finally {
    await r.close();
  }
}

const pascal = (m) => m.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());

/**
 * An app-record store (TypeORM repository) with no rows, for repositories that take one after the warehouse (policy's
 * app-entered changes): the answers compared are the warehouse's alone.
 */
const EMPTY_STORE = { find: async () => [], findOne: async () => null };

/**
 * `<Module>Service` over `<Module>Repository` on the warehouse (repositories take the warehouse first, then an empty app store if
 * any). The warehouse is also the service's second argument, for services that read the warehouse service itself (catalog: its
 * reporting currency, which this reader lacks: absent from the answers).
 */
function service(module, w) {
  const dir = join(root, 'server/dist/modules', module);
  const Repository = require(join(dir, `${module}.repository.js`))[`${pascal(module)}Repository`];
  const Service = require(join(dir, `${module}.service.js`))[`${pascal(module)}Service`];
  return new Service(new Repository(w, EMPTY_STORE), w);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
