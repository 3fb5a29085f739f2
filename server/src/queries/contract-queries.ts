/**
 * The SQL of every analytics query of the interface contract (api-contract.md), generated on a fixed
 * request and checked in beside this file as `<query>.sql`, so a change to a metric shows up as a
 * readable diff. `npm run sql:generate` rewrites the files; queries.spec.ts fails when they differ
 * from what the code generates, and runs every statement with EXPLAIN on an empty DuckDB warehouse.
 *
 * Each request runs through the query's service and repository (as its resolver calls them) on an
 * empty in-memory warehouse with the schema, one policy change and one incentive plan; every
 * statement sent to DuckDB is recorded. The rollups are on, as in production. alertRules,
 * alertDeliveries and auditLog read the app store (TypeORM), not the warehouse, and have no file.
 * A statement that several queries send (the agent scorecard's) is spelt out in the first file
 * only; the others name it, and queries.spec.ts still EXPLAINs it for each of them. Text that many
 * statements carry (the request's filter...) is written out once in fragments.sql and named where a
 * statement has it (fragments.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { connect, openDatabase, queryRows, runSql } from '@refunds/engine-duckdb';
import { DUCKDB, SCHEMA_DDL, type BindValue, type Dialect, type Sql } from '@refunds/warehouse';
import type { Repository } from 'typeorm';
import type { PolicyChangeEntity } from '../app-db/entities';
import type { DuckDbService } from '../database/duckdb.service';
import { AgentsRepository } from '../modules/agents/agents.repository';
import { AgentsService } from '../modules/agents/agents.service';
import type { Principal } from '../modules/auth/auth.types';
import { ChannelsRepository } from '../modules/channels/channels.repository';
import { ChannelsService } from '../modules/channels/channels.service';
import { OutcomesRepository } from '../modules/outcomes/outcomes.repository';
import { OutcomesService } from '../modules/outcomes/outcomes.service';
import { OverviewRepository } from '../modules/overview/overview.repository';
import { OverviewService } from '../modules/overview/overview.service';
import { PolicyRepository } from '../modules/policy/policy.repository';
import { PolicyService } from '../modules/policy/policy.service';
import { ReasonsRepository } from '../modules/reasons/reasons.repository';
import { ReasonsService } from '../modules/reasons/reasons.service';
import { ReconciliationRepository } from '../modules/reconciliation/reconciliation.repository';
import { ReconciliationService } from '../modules/reconciliation/reconciliation.service';
import { contractFragments, FILTER, nameFragments, prettySql, renderFragmentsFile, type Fragment } from './fragments';

const ADMIN: Principal = { userId: null, name: 'sql-generate', role: 'admin', tokenId: null, via: 'bearer' };

interface Services {
  overview: OverviewService;
  reasons: ReasonsService;
  channels: ChannelsService;
  outcomes: OutcomesService;
  agents: AgentsService;
  policy: PolicyService;
  reconciliation: ReconciliationService;
}

interface ContractQuery {
  name: string;
  /** The GraphQL request, for the file's header. */
  request: string;
  run(s: Services): Promise<unknown>;
}

const F = 'filter: { from: "2025-01-01", to: "2025-04-01", channels: ["web", "chat"] }';

export const CONTRACT_QUERIES: readonly ContractQuery[] = [
  { name: 'overview', request: `overview(${F}) { ..., previous { ... }, resolutionHoursP50 }`, run: (s) => s.overview.overview(FILTER, true, true) },
  { name: 'reasonTrends', request: `reasonTrends(${F}, grain: WEEK)`, run: (s) => s.reasons.trends(FILTER, 'WEEK') },
  { name: 'refundSpikes', request: `refundSpikes(${F}, minCount: 5, alpha: 0.001)`, run: (s) => s.reasons.spikes(FILTER, 5, 0.001) },
  {
    name: 'channelConsistency',
    request: `channelConsistency(${F}, minCases: 20, gapThreshold: 0.15)`,
    run: (s) => s.channels.consistency(FILTER, 20, 0.15),
  },
  {
    name: 'customerExperience',
    request: `customerExperience(${F}, groupBy: DECISION)`,
    run: (s) => s.outcomes.experience(FILTER, 'DECISION', 'WEEK', ADMIN),
  },
  {
    name: 'repurchaseAfterRefund',
    request: `repurchaseAfterRefund(${F}, windowDays: 45, groupBy: PERIOD) (45: not a precomputed window)`,
    run: (s) => s.outcomes.repurchase(FILTER, 45, 'PERIOD', 'WEEK', ADMIN),
  },
  { name: 'rejectionEconomics', request: `rejectionEconomics(${F}, windowDays: 90)`, run: (s) => s.outcomes.economics(FILTER, 90) },
  { name: 'agentScorecards', request: `agentScorecards(${F}, minCases: 30)`, run: (s) => s.agents.scorecards(FILTER, 30, 'admin') },
  { name: 'kpiOutcomeCorrelations', request: `kpiOutcomeCorrelations(${F}, minCases: 30)`, run: (s) => s.agents.correlations(FILTER, 30) },
  {
    name: 'incentiveAlignment',
    request: `incentiveAlignment(${F}, planId: "P1", minCases: 30)`,
    run: (s) => s.agents.alignment(FILTER, 30, { planId: 'P1', weights: null }, 'admin'),
  },
  { name: 'policyImpact', request: 'policyImpact(changeId: "C1", windowDays: 90) (C1: channel web, 2025-03-01)', run: (s) => s.policy.impact('C1', 90) },
  { name: 'rejectionEffect', request: `rejectionEffect(${F}, windowDays: 90)`, run: (s) => s.outcomes.effect(FILTER, 90) },
  { name: 'reconciliation', request: `reconciliation(${F})`, run: (s) => s.reconciliation.reconciliation(FILTER) },
];

export interface Statement {
  text: string;
  values: BindValue[];
}

/** Stands in for DuckDbService: runs each query on the given connection and records it. */
class RecordingWarehouse {
  readonly dialect: Dialect = DUCKDB;
  readonly rollups = true;
  readonly reportingCurrency = 'CNY';
  statements: Statement[] = [];
  constructor(private readonly conn: DuckDBConnection) {}
  query<T>(q: Sql): Promise<T[]> {
    const { text, values } = q.render();
    if (!this.statements.some((s) => s.text === text)) this.statements.push({ text, values });
    return queryRows<T>(this.conn, q);
  }
}

/** An empty warehouse with the schema (what the EXPLAINs run on too). */
export async function emptyWarehouse(): Promise<DuckDBConnection> {
  const conn = await connect(await openDatabase(':memory:'));
  for (const ddl of SCHEMA_DDL) await runSql(conn, ddl);
  return conn;
}

/** The statements each contract query sends to the warehouse, in the order it sends them. */
export async function contractStatements(): Promise<Map<string, Statement[]>> {
  const conn = await emptyWarehouse();
  await runSql(conn, `INSERT INTO policy_changes VALUES ('C1', TIMESTAMP '2025-03-01 00:00:00', 'Stricter evidence', NULL, 'web', NULL)`);
  await runSql(conn, `INSERT INTO incentive_plans VALUES ('P1', DATE '2025-01-01', NULL, NULL, 'rejectionRate', 1, 'lower_is_better')`);
  const out = new Map<string, Statement[]>();
  try {
    for (const q of CONTRACT_QUERIES) {
      const rec = new RecordingWarehouse(conn);
      const db = rec as unknown as DuckDbService;
      const noStoredChanges = { find: () => Promise.resolve([]) } as unknown as Repository<PolicyChangeEntity>;
      await q.run({
        overview: new OverviewService(new OverviewRepository(db)),
        reasons: new ReasonsService(new ReasonsRepository(db)),
        channels: new ChannelsService(new ChannelsRepository(db)),
        outcomes: new OutcomesService(new OutcomesRepository(db)),
        agents: new AgentsService(new AgentsRepository(db)),
        policy: new PolicyService(new PolicyRepository(db, noStoredChanges)),
        reconciliation: new ReconciliationService(new ReconciliationRepository(db)),
      });
      out.set(q.name, rec.statements);
    }
  } finally {
    conn.closeSync();
  }
  return out;
}

const valueText = (v: BindValue) => JSON.stringify(typeof v === 'bigint' ? String(v) : v);

/** Where a statement is first written out: the query's file and the statement's number in it. */
type FirstPlace = Map<string, string>;

/**
 * The file of one contract query. A statement that an earlier file already spells out is named, not
 * repeated; the fragments a statement carries are named (fragments.sql writes them out).
 */
function renderQueryFile(
  q: ContractQuery,
  statements: readonly Statement[],
  firstPlace: FirstPlace,
  fragments: readonly Fragment[],
  used: Set<string>,
): string {
  const named = new Set<string>();
  const body = statements.map((s, i) => {
    const binds = `-- [${i + 1}] binds: ${s.values.length ? s.values.map((v, j) => `$${j + 1} = ${valueText(v)}`).join(', ') : 'none'}`;
    const first = firstPlace.get(s.text);
    if (first) return `${binds}\n-- The statement of ${first}.`;
    firstPlace.set(s.text, `${q.name}.sql [${i + 1}]`);
    const withNames = nameFragments(s.text, fragments);
    for (const name of withNames.used) named.add(name);
    return `${binds}\n${prettySql(withNames.text, fragments)};`;
  });
  for (const name of named) used.add(name);
  const head = [
    `-- ${q.name}: the warehouse SQL of one request, generated by \`npm run sql:generate\`; do not edit.`,
    `-- Request: ${q.request}`,
    '-- Engine: DuckDB, daily rollups on (the default).',
    ...(named.size ? [`-- Named fragments (written out in fragments.sql): ${[...named].join(', ')}.`] : []),
    `-- ${statements.length} statement${statements.length === 1 ? '' : 's'}, in the order the query sends them.`,
  ];
  return `${head.join('\n')}\n\n${body.join('\n\n')}\n`;
}

/** The file of every contract query, by name, in the order of CONTRACT_QUERIES, then fragments.sql as `fragments`. */
export function renderQueryFiles(statements: ReadonlyMap<string, readonly Statement[]>): Map<string, string> {
  const firstPlace: FirstPlace = new Map();
  const fragments = contractFragments();
  const used = new Set<string>();
  const files = new Map(CONTRACT_QUERIES.map((q) => [q.name, renderQueryFile(q, statements.get(q.name) ?? [], firstPlace, fragments, used)]));
  files.set(FRAGMENTS_FILE, renderFragmentsFile(fragments, used));
  return files;
}

/** The name (without .sql) of the file of named fragments. */
export const FRAGMENTS_FILE = 'fragments';
