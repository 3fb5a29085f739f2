import { AGENT_KPIS, DECISIONS } from '@refunds/shared';
import { DECIDED_SQL } from './fragments';

/**
 * The data contract (data-contract.md): one declaration of every table the loader validates, the
 * importers write and the generator produces.
 */

/** Column types of the data contract; each maps to one parse rule in the loader (etl/src/load/validate.ts). */
export type ColumnType = 'string' | 'timestamp' | 'date' | 'decimal' | 'integer' | 'boolean';
export type Normalize = 'lower' | 'upper' | 'reason';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  required?: boolean;
  normalize?: Normalize;
  enum?: readonly string[];
  /** Value used when the cell is empty (contract defaults: contacts 0, escalated false). */
  default?: string;
  /** Lower bound for numbers; `exclusive` for "> 0". */
  min?: { value: number; exclusive?: boolean };
  /** Must be exactly three letters once normalized (ISO 4217). */
  currencyCode?: boolean;
  /** How importers write the value when it differs from `type` (a hire date: a day, loaded as a timestamp). */
  importAs?: 'date';
}

/**
 * A rule over several typed columns of one row. `bad` is a SQL condition over the typed
 * columns (trusted text from this file); `column` is the one the reject names.
 */
export interface RowRule {
  column: string;
  bad: string;
  reason: string;
}

export interface TableSpec {
  name: TableName;
  key: readonly string[];
  columns: readonly ColumnSpec[];
  rules: readonly RowRule[];
  /** Amount columns converted with fx_rates at this timestamp column; rows without a rate are rejected. */
  fx?: { currency: string; at: string };
}

export const TABLE_NAMES = [
  'agents',
  'incentive_plans',
  'policy_changes',
  'fx_rates',
  'orders',
  'refunds',
  'surveys',
  'src_tickets',
  'src_payments',
  'src_shop_orders',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];
export const isTableName = (s: string): s is TableName => (TABLE_NAMES as readonly string[]).includes(s);

const refunds = {
  name: 'refunds',
  key: ['refund_id'],
  fx: { currency: 'currency', at: 'requested_at' },
  columns: [
    { name: 'refund_id', type: 'string', required: true },
    { name: 'order_id', type: 'string', required: true },
    { name: 'customer_id', type: 'string', required: true },
    { name: 'agent_id', type: 'string' },
    { name: 'channel', type: 'string', required: true, normalize: 'lower' },
    { name: 'product_id', type: 'string' },
    { name: 'product_line', type: 'string' },
    { name: 'reason_code', type: 'string', required: true, normalize: 'reason' },
    { name: 'reason_text', type: 'string' },
    { name: 'requested_at', type: 'timestamp', required: true },
    { name: 'decided_at', type: 'timestamp' },
    { name: 'paid_at', type: 'timestamp' },
    { name: 'decision', type: 'string', required: true, normalize: 'lower', enum: DECISIONS },
    { name: 'requested_amount', type: 'decimal', required: true, min: { value: 0 } },
    { name: 'refunded_amount', type: 'decimal', min: { value: 0 } },
    { name: 'currency', type: 'string', normalize: 'upper', currencyCode: true },
    { name: 'payout_method', type: 'string' },
    { name: 'payout_status', type: 'string', normalize: 'lower', enum: ['succeeded', 'failed', 'pending'] },
    { name: 'contacts', type: 'integer', default: '0', min: { value: 0 } },
    { name: 'escalated', type: 'boolean', default: 'false' },
    { name: 'reopened', type: 'boolean', default: 'false' },
    { name: 'evidence_complete', type: 'boolean' },
    { name: 'reviewer_id', type: 'string' },
    { name: 'policy_version', type: 'string' },
    { name: 'campaign', type: 'string' },
  ],
  rules: [
    { column: 'decided_at', bad: `decided_at < requested_at`, reason: 'decided_at is before requested_at' },
    { column: 'paid_at', bad: `paid_at < decided_at`, reason: 'paid_at is before decided_at' },
    {
      column: 'decided_at',
      bad: `${DECIDED_SQL.text} AND decided_at IS NULL`,
      reason: 'a decided refund (approved, partial, rejected) needs decided_at',
    },
    { column: 'decided_at', bad: `decision = 'pending' AND decided_at IS NOT NULL`, reason: 'decided_at must be empty while the refund is pending' },
    { column: 'refunded_amount', bad: `refunded_amount > requested_amount`, reason: 'refunded_amount exceeds requested_amount' },
    { column: 'refunded_amount', bad: `decision = 'rejected' AND refunded_amount <> 0`, reason: 'refunded_amount must be 0 when rejected' },
    {
      column: 'refunded_amount',
      bad: `decision = 'pending' AND refunded_amount IS NOT NULL`,
      reason: 'refunded_amount must be empty while the refund is pending',
    },
  ],
} as const satisfies TableSpec;

const orders = {
  name: 'orders',
  key: ['order_id'],
  fx: { currency: 'currency', at: 'ordered_at' },
  columns: [
    { name: 'order_id', type: 'string', required: true },
    { name: 'customer_id', type: 'string', required: true },
    { name: 'ordered_at', type: 'timestamp', required: true },
    { name: 'amount', type: 'decimal', min: { value: 0 } },
    { name: 'currency', type: 'string', normalize: 'upper', currencyCode: true },
    { name: 'channel', type: 'string', normalize: 'lower' },
    { name: 'campaign', type: 'string' },
  ],
  rules: [],
} as const satisfies TableSpec;

const surveys = {
  name: 'surveys',
  key: ['survey_id'],
  columns: [
    { name: 'survey_id', type: 'string', required: true },
    { name: 'refund_id', type: 'string' },
    { name: 'customer_id', type: 'string', required: true },
    { name: 'kind', type: 'string', required: true, normalize: 'lower', enum: ['csat', 'nps'] },
    { name: 'score', type: 'integer', required: true },
    { name: 'responded_at', type: 'timestamp', required: true },
    { name: 'comment', type: 'string' },
  ],
  rules: [
    { column: 'score', bad: `kind = 'csat' AND (score < 1 OR score > 5)`, reason: 'a csat score must be 1..5' },
    { column: 'score', bad: `kind = 'nps' AND (score < 0 OR score > 10)`, reason: 'an nps score must be 0..10' },
  ],
} as const satisfies TableSpec;

const agents = {
  name: 'agents',
  key: ['agent_id'],
  columns: [
    { name: 'agent_id', type: 'string', required: true },
    { name: 'name', type: 'string' },
    { name: 'team', type: 'string' },
    { name: 'manager_id', type: 'string' },
    { name: 'hired_at', type: 'timestamp', importAs: 'date' },
  ],
  rules: [],
} as const satisfies TableSpec;

const incentivePlans = {
  name: 'incentive_plans',
  key: ['plan_id', 'kpi'],
  columns: [
    { name: 'plan_id', type: 'string', required: true },
    { name: 'effective_from', type: 'date', required: true },
    { name: 'effective_to', type: 'date' },
    { name: 'team', type: 'string' },
    { name: 'kpi', type: 'string', required: true, enum: AGENT_KPIS },
    { name: 'weight', type: 'decimal', required: true, min: { value: 0, exclusive: true } },
    { name: 'direction', type: 'string', required: true, normalize: 'lower', enum: ['higher_is_better', 'lower_is_better'] },
  ],
  rules: [{ column: 'effective_to', bad: `effective_to < effective_from`, reason: 'effective_to is before effective_from' }],
} as const satisfies TableSpec;

const policyChanges = {
  name: 'policy_changes',
  key: ['change_id'],
  columns: [
    { name: 'change_id', type: 'string', required: true },
    { name: 'effective_at', type: 'timestamp', required: true },
    { name: 'title', type: 'string' },
    { name: 'description', type: 'string' },
    { name: 'scope_channel', type: 'string', normalize: 'lower' },
    { name: 'scope_product_line', type: 'string' },
  ],
  rules: [],
} as const satisfies TableSpec;

const fxRates = {
  name: 'fx_rates',
  key: ['date', 'currency'],
  columns: [
    { name: 'date', type: 'date', required: true },
    { name: 'currency', type: 'string', required: true, normalize: 'upper', currencyCode: true },
    { name: 'rate_to_reporting', type: 'decimal', required: true, min: { value: 0, exclusive: true } },
  ],
  rules: [],
} as const satisfies TableSpec;

/**
 * Source records (reconciliation.md): what the shop, the payment provider and the helpdesk each say
 * about refunds, kept per source so that every import can rebuild the merged refunds from all of
 * them (`etl/src/reconcile`). The importers write them; a user may load them as files too.
 */
const ticketExtra: ColumnSpec[] = [
  { name: 'ticket_id', type: 'string', required: true },
  { name: 'source', type: 'string', required: true, normalize: 'lower' },
  { name: 'order_ref', type: 'string' },
  { name: 'order_key', type: 'string' },
];

/** A helpdesk refund ticket: the refund as the helpdesk importer makes it, plus its keys. */
const srcTickets: TableSpec = {
  name: 'src_tickets',
  key: ['refund_id'],
  columns: [...refunds.columns.map((c) => (c.name === 'order_id' ? { ...c, required: false } : c)), ...ticketExtra],
  rules: refunds.rules,
};

/** A payment refund (Stripe): money that moved, or was meant to. */
const srcPayments: TableSpec = {
  name: 'src_payments',
  key: ['payment_id'],
  columns: [
    { name: 'payment_id', type: 'string', required: true },
    { name: 'source', type: 'string', required: true, normalize: 'lower' },
    { name: 'order_ref', type: 'string' },
    { name: 'order_key', type: 'string' },
    { name: 'customer_id', type: 'string' },
    { name: 'created_at', type: 'timestamp', required: true },
    { name: 'status', type: 'string', required: true, normalize: 'lower', enum: ['succeeded', 'pending', 'failed', 'canceled'] },
    { name: 'amount', type: 'decimal', required: true, min: { value: 0 } },
    { name: 'currency', type: 'string', normalize: 'upper', currencyCode: true },
    { name: 'order_amount', type: 'decimal', min: { value: 0 } },
    { name: 'agent_id', type: 'string' },
    { name: 'channel', type: 'string', normalize: 'lower' },
    { name: 'product_id', type: 'string' },
    { name: 'product_line', type: 'string' },
    { name: 'reason_code', type: 'string', normalize: 'reason' },
    { name: 'reason_text', type: 'string' },
    { name: 'campaign', type: 'string' },
  ],
  rules: [],
};

/** A shop order (every order, refunded or not: it gives refunds their order, customer and product). */
const srcShopOrders: TableSpec = {
  name: 'src_shop_orders',
  key: ['order_key'],
  columns: [
    { name: 'order_key', type: 'string', required: true },
    { name: 'order_id', type: 'string', required: true },
    { name: 'source', type: 'string', required: true, normalize: 'lower' },
    { name: 'customer_id', type: 'string', required: true },
    { name: 'ordered_at', type: 'timestamp', required: true },
    { name: 'amount', type: 'decimal', min: { value: 0 } },
    { name: 'currency', type: 'string', normalize: 'upper', currencyCode: true },
    { name: 'channel', type: 'string', normalize: 'lower' },
    { name: 'campaign', type: 'string' },
    { name: 'product_id', type: 'string' },
    { name: 'product_line', type: 'string' },
    { name: 'financial_status', type: 'string', normalize: 'lower' },
    { name: 'refunded_amount', type: 'decimal', min: { value: 0 } },
    { name: 'refund_at', type: 'timestamp' },
    { name: 'reason_code', type: 'string', normalize: 'reason' },
    { name: 'reason_text', type: 'string' },
  ],
  rules: [],
};

export const SOURCE_TABLES = ['src_tickets', 'src_payments', 'src_shop_orders'] as const satisfies readonly TableName[];
export type SourceTable = (typeof SOURCE_TABLES)[number];
export const isSourceTable = (t: string): t is SourceTable => (SOURCE_TABLES as readonly string[]).includes(t);

/** In load order: fx_rates before the tables converted with them. */
export const TABLES: readonly TableSpec[] = [agents, incentivePlans, policyChanges, fxRates, orders, refunds, surveys, srcTickets, srcPayments, srcShopOrders];
export const TABLE_BY_NAME: ReadonlyMap<TableName, TableSpec> = new Map(TABLES.map((t) => [t.name, t]));

/** The engine type of each column type, on both engines (why these on ClickHouse: engine-clickhouse/src/schema.ts). */
export const ENGINE_TYPES: Readonly<Record<ColumnType, { duckdb: string; clickhouse: string }>> = {
  string: { duckdb: 'VARCHAR', clickhouse: 'String' },
  timestamp: { duckdb: 'TIMESTAMP', clickhouse: 'Int64' },
  date: { duckdb: 'DATE', clickhouse: 'Date' },
  decimal: { duckdb: 'DOUBLE', clickhouse: 'Float64' },
  integer: { duckdb: 'INTEGER', clickhouse: 'Int32' },
  boolean: { duckdb: 'BOOLEAN', clickhouse: 'UInt8' },
};

export const sqlType = (t: ColumnType): string => ENGINE_TYPES[t].duckdb;

// ---------------------------------------------------------------------------------------
// The canonical tables as the importers see them (etl/src/importers): derived from the specs above.

const CANONICAL = {
  refunds,
  orders,
  surveys,
  agents,
  incentive_plans: incentivePlans,
  policy_changes: policyChanges,
  fx_rates: fxRates,
} as const;

/** The canonical tables an importer may write, in data-contract.md order. */
export type CanonicalTable = keyof typeof CANONICAL;
export const CANONICAL_TABLES = Object.keys(CANONICAL) as CanonicalTable[];
export type ColumnOf<T extends CanonicalTable> = (typeof CANONICAL)[T]['columns'][number]['name'];

type ColumnsPerTable = { readonly [T in CanonicalTable]: readonly ColumnOf<T>[] };
const perTable = (f: (spec: TableSpec) => readonly string[]) => Object.fromEntries(CANONICAL_TABLES.map((t) => [t, f(CANONICAL[t])])) as ColumnsPerTable;

/** Columns per canonical table, in data-contract.md order (the importers' output header order). */
export const TABLE_COLUMNS = perTable((t) => t.columns.map((c) => c.name));
/** Key columns per canonical table: rows sharing a key replace each other. */
export const TABLE_KEY = perTable((t) => t.key);
/** Columns a row cannot be loaded without (data-contract "required"). */
export const REQUIRED_COLUMNS = perTable((t) => t.columns.filter((c) => c.required).map((c) => c.name));

/** How an importer converts a value of a column before the loader sees it. */
export type ValueKind = 'timestamp' | 'date' | 'decimal' | 'integer' | 'boolean' | 'currency' | 'lower' | 'code' | 'string';

function valueKind(c: ColumnSpec): ValueKind {
  if (c.importAs) return c.importAs;
  if (c.currencyCode) return 'currency';
  if (c.normalize === 'lower') return 'lower';
  if (c.normalize === 'reason') return 'code';
  return c.type;
}

const KIND_BY_COLUMN: ReadonlyMap<string, ValueKind> = new Map(
  CANONICAL_TABLES.flatMap((t) => (CANONICAL[t].columns as readonly ColumnSpec[]).map((c) => [`${t}.${c.name}`, valueKind(c)] as const)),
);

export function kindOf(table: CanonicalTable, column: string): ValueKind {
  return KIND_BY_COLUMN.get(`${table}.${column}`) ?? 'string';
}
