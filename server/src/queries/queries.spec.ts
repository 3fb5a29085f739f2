import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { SCHEMA_DDL, Sql, sql, type BindValue } from '@refunds/warehouse';
import type { GeneratedQuery } from './generate';

/**
 * The checked-in `<query>.sql` files against what the code generates. The generator runs from the
 * build (server/dist, as `npm test` builds first): the services it drives are Nest providers, whose
 * modules do not load under Jest.
 */
const GENERATOR = resolve(__dirname, '..', '..', 'dist', 'queries', 'generate.js');
/** The analytics queries of api-contract.md (alertRules, alertDeliveries and auditLog read the app store). */
const CONTRACT = [
  'overview',
  'reasonTrends',
  'refundSpikes',
  'channelConsistency',
  'customerExperience',
  'repurchaseAfterRefund',
  'rejectionEconomics',
  'agentScorecards',
  'kpiOutcomeCorrelations',
  'incentiveAlignment',
  'policyImpact',
  'rejectionEffect',
  'reconciliation',
];

describe('the checked-in SQL of every contract query is what the code generates', () => {
  let generated: GeneratedQuery[];
  let conn: DuckDBConnection;
  beforeAll(async () => {
    if (!existsSync(GENERATOR)) throw new Error(`${GENERATOR} is missing: run npm run build first`);
    generated = JSON.parse(execFileSync(process.execPath, [GENERATOR, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as GeneratedQuery[];
    conn = await connect(await openDatabase(':memory:'));
    for (const ddl of SCHEMA_DDL) await runSql(conn, ddl);
  });
  afterAll(() => conn?.closeSync());

  test('one file per analytics query of api-contract.md', () => {
    expect(generated.map((g) => g.name)).toEqual(CONTRACT);
  });

  test.each(CONTRACT)('%s.sql', async (name) => {
    const g = generated.find((x) => x.name === name)!;
    expect(g.statements.length).toBeGreaterThan(0);
    // On a difference: run `npm run sql:generate` and review the diff of the .sql file.
    expect(g.file).toBe(readFileSync(join(__dirname, `${name}.sql`), 'utf8'));
    for (const s of g.statements) {
      // placeholders are numbered in order ($1, $2, ...), so the text splits into the parts between them
      const q = new Sql(s.text.split(/\$\d+/), s.values as BindValue[]);
      await queryRows(conn, sql`EXPLAIN ${q}`);
    }
  });
});
