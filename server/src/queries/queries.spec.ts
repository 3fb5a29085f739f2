import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { SCHEMA_DDL, Sql, sql, type BindValue } from '@refunds/warehouse';
import { contractFragments, expandFragments } from './fragments';
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

/** The fragments of fragments.sql: a `-- name($1, ...): what` line, then its text up to a blank line. */
function fragmentsOf(file: string) {
  return [...file.matchAll(/^-- (\w+)\([^)]*\): .*\n((?:.+\n)+)/gm)].map((m) => ({ name: m[1], about: '', text: m[2].trim() }));
}

/** Statement n of a query file as shown there (null when the file names an earlier file's statement). */
function statementOf(file: string, n: number): string | null {
  const block = file.split(/^-- \[\d+\] binds: .*\n/m)[n];
  return block.startsWith('-- The statement of') ? null : block.trim().replace(/;$/, '');
}

/** The SQL without white space: the files are indented, the code's text is not. */
const tokens = (text: string) => text.replace(/\s+/g, '');

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

  test('one file per analytics query of api-contract.md, and fragments.sql', () => {
    expect(generated.map((g) => g.name)).toEqual([...CONTRACT, 'fragments']);
    expect(generated.find((g) => g.name === 'fragments')!.file).toBe(readFileSync(join(__dirname, 'fragments.sql'), 'utf8'));
  });

  test('a query file with the fragments of the checked-in fragments.sql written out is what the code runs', () => {
    const defs = fragmentsOf(readFileSync(join(__dirname, 'fragments.sql'), 'utf8'));
    expect(defs.map((f) => f.name)).toEqual(expect.arrayContaining(['days_filter', 'decided_days_filter', 'times_filter']));
    for (const f of defs) expect(tokens(f.text)).toBe(tokens(contractFragments().find((c) => c.name === f.name)!.text));
    let named = 0;
    for (const g of generated.filter((x) => x.name !== 'fragments')) {
      const file = readFileSync(join(__dirname, `${g.name}.sql`), 'utf8');
      for (const [i, s] of g.statements.entries()) {
        const shown = statementOf(file, i + 1);
        if (shown === null) continue; // written out in an earlier file
        if (defs.some((f) => shown.includes(`${f.name}(`))) named++;
        expect(tokens(expandFragments(shown, defs))).toBe(tokens(s.text));
      }
    }
    expect(named).toBeGreaterThan(5);
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
