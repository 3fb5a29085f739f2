/**
 * Independent reference implementation of metrics.md (the spec, `../shared/spec/` beside the
 * repository) over the raw canonical files (data-contract.md). Written from the spec text only (not from the server or the ETL), to
 * cross-check the GraphQL API. Pure TypeScript, no database.
 *
 * Arithmetic: amounts are kept exact as bigint in units of 1e-12 of the reporting currency (input
 * amounts and fx rates with up to 6 decimals, so amount x rate is exact); they become numbers only
 * at the end. Counts and rates are plain numbers.
 *
 * Readings of points metrics.md leaves open (the API's documented choices where it has one):
 * - as-of time for overduePending = the latest requested_at over all loaded refunds (unfiltered).
 * - a survey counts for a refund only through its refund_id (customer_id is not used).
 * - repurchase horizon = the latest ordered_at over all loaded orders (unfiltered).
 * - refundRate denominator = orders with ordered_at in [from, to) whose channel and campaign pass
 *   the filter's channels / campaigns; product line, reason, agent and team filters do not apply to
 *   orders. An order with a null channel (campaign) fails a channels (campaigns) filter.
 * - newCustomer: no order of the customer with ordered_at strictly before the refunded order's
 *   ordered_at; when the refunded order is not in orders, the refund's requested_at is used.
 * - refundSpikes: weeks reported are those whose Monday is in [from, to); every non-time filter
 *   applies to all counts (c, the history behind `expected`, and the product's first refund week);
 *   the time filter does not cut counts (a reported week counts all its days; history before
 *   `from` feeds `expected`). topReasonCode = the most frequent reason_code among the week's
 *   defect-family refunds of the product (ties: alphabetically first). productLine = the most
 *   frequent non-null product_line among the product's refunds (ties: alphabetically first).
 * - channelConsistency: decided refunds after the filter; cohorts with a null product_line form
 *   their own cohort (productLine null); amount band on requested_amount converted to the
 *   reporting currency; only comparable cohorts are returned, each with its eligible channels only;
 *   chi-square over the eligible channels, 2 columns (approved+partial, rejected), no continuity
 *   correction, df = channels - 1; p-value null when a column total is 0 (statistic undefined).
 *   inconsistencyRate null when there is no comparable cohort.
 * - repurchaseRevenue = mean over eligible refunds of the sum of amounts (reporting currency, fx at
 *   each order's ordered_at) of the customer's other orders in (decided_at, decided_at + W days].
 * - rejectionEconomics: repurchaseRevenue(approved) over eligible `approved` refunds only (partial
 *   excluded); `eligible` = all eligible decided refunds (approved, partial, rejected);
 *   revenueGap / net null when either revenue is null (no eligible approved or rejected refund).
 * - group key null when the dimension value is null; PERIOD keys YYYY-MM-DD.
 * - A filter list that is absent, null or empty does not restrict.
 * - A refund decided (approved/partial/rejected) without decided_at is counted as decided but left
 *   out of resolution-time and repurchase metrics.
 * - Rows that break a data-contract rule are not loaded (a rejects list is kept), as the loader must.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv, type CsvRecord } from './csv';

// ---------------------------------------------------------------------------------------------
// Types

export type Decision = 'approved' | 'partial' | 'rejected' | 'pending' | 'withdrawn';
export type ReasonFamilyName = 'defect' | 'logistics' | 'customer' | 'billing' | 'service' | 'other';
export type GrainName = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER';
export type DimensionName = 'DECISION' | 'CHANNEL' | 'PRODUCT_LINE' | 'REASON_CODE' | 'AGENT' | 'TEAM' | 'CAMPAIGN' | 'CUSTOMER_TYPE' | 'PERIOD';

/** Money in units of 1e-12 of the reporting currency. */
export type Money = bigint;

export interface RefRefund {
  refundId: string;
  orderId: string;
  customerId: string;
  agentId: string | null;
  team: string | null;
  channel: string;
  productId: string | null;
  productLine: string | null;
  reasonCode: string;
  requestedAt: number;
  decidedAt: number | null;
  decision: Decision;
  requestedAmount: Money;
  refundedAmount: Money | null;
  currency: string;
  payoutStatus: 'succeeded' | 'failed' | 'pending' | null;
  evidenceComplete: boolean | null;
  reviewerId: string | null;
  campaign: string | null;
  line: number;
}

export interface RefOrder {
  orderId: string;
  customerId: string;
  orderedAt: number;
  amount: Money;
  channel: string | null;
  campaign: string | null;
}

export interface RefSurvey {
  surveyId: string;
  refundId: string | null;
  customerId: string;
  kind: 'csat' | 'nps';
  score: number;
  respondedAt: number;
}

export interface RefReject {
  table: string;
  /** Physical line of the record's start (header = 1). */
  line: number;
  /** Record number (header = 1). */
  recordNo: number;
  column: string;
  value: string | null;
  reason: string;
}

export interface RefundFilter {
  from?: string | null;
  to?: string | null;
  channels?: readonly string[] | null;
  productLines?: readonly string[] | null;
  reasonCodes?: readonly string[] | null;
  agentIds?: readonly string[] | null;
  teams?: readonly string[] | null;
  campaigns?: readonly string[] | null;
}

// ---------------------------------------------------------------------------------------------
// Configuration

export const REPORTING_CURRENCY = 'CNY';

/** The reason-family sentence of metrics.md, as written there; any other code is `other`. */
const REASON_FAMILY_SPEC = `\`defect\` (quality_defect, defective, damaged, not_as_described,
wrong_item, missing_parts), \`logistics\` (late_delivery, lost_in_transit,
damaged_in_transit), \`customer\` (changed_mind, misunderstanding, ordered_by_mistake,
size, color, style, unwanted, found_cheaper), \`billing\` (duplicate_charge,
price_adjustment), \`service\` (service_not_delivered, subscription_cancel)`;

/** reason_code -> family, read out of the sentence above. */
const FAMILY_OF_CODE: ReadonlyMap<string, ReasonFamilyName> = new Map(
  [...REASON_FAMILY_SPEC.matchAll(/`(\w+)` \(([^)]*)\)/g)].flatMap(([, family, codes]) =>
    codes.split(',').map((code): [string, ReasonFamilyName] => [code.trim(), family as ReasonFamilyName]),
  ),
);

export function reasonFamily(code: string): ReasonFamilyName {
  return FAMILY_OF_CODE.get(code) ?? 'other';
}

const MS_HOUR = 3_600_000;
const MS_DAY = 86_400_000;
const DECIDED: ReadonlySet<Decision> = new Set<Decision>(['approved', 'partial', 'rejected']);
const DECISIONS: ReadonlySet<string> = new Set(['approved', 'partial', 'rejected', 'pending', 'withdrawn']);
export const isDecided = (r: RefRefund): boolean => DECIDED.has(r.decision);

// ---------------------------------------------------------------------------------------------
// Exact decimals

const SCALE6 = 1_000_000n;
const SCALE12 = 1_000_000_000_000n;

/** Parses a plain decimal ("123.45", "-1", "7.1764") into an integer at scale 1e6; null if not a decimal. */
export function parseDecimal6(s: string): bigint | null {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(s.trim()) ?? /^([+-]?)()\.(\d+)$/.exec(s.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  if (frac.length > 6 && /[1-9]/.test(frac.slice(6))) throw new Error(`reference: more than 6 decimals in ${s}`);
  const whole = BigInt(m[2] === '' ? '0' : m[2]);
  const f = BigInt((frac + '000000').slice(0, 6));
  const v = whole * SCALE6 + f;
  return m[1] === '-' ? -v : v;
}

export function moneyToNumber(m: Money): number {
  const neg = m < 0n;
  const a = neg ? -m : m;
  const v = Number(a / SCALE12) + Number(a % SCALE12) / 1e12;
  return neg ? -v : v;
}

// ---------------------------------------------------------------------------------------------
// Time

/** ms since epoch of an ISO 8601 timestamp; without an offset it is UTC. Null when unparseable. */
export function parseTimestamp(s: string): number | null {
  const t = s.trim();
  let iso = t;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = `${t}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)) iso = `${t.replace(' ', 'T')}Z`;
  else if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) return null;
  const ms = Date.parse(iso.replace(' ', 'T'));
  return Number.isNaN(ms) ? null : ms;
}

/** UTC date (YYYY-MM-DD) of an instant. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Midnight UTC of a YYYY-MM-DD date. */
export function dateMs(d: string): number {
  const ms = Date.parse(`${d}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new Error(`bad date ${d}`);
  return ms;
}

/** First day (YYYY-MM-DD, UTC) of the period containing `ms`. WEEK = ISO week, Monday start. */
export function periodStart(ms: number, grain: GrainName): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  switch (grain) {
    case 'DAY':
      return utcDate(ms);
    case 'WEEK': {
      const day = Math.floor(ms / MS_DAY);
      const sinceMonday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
      return utcDate((day - sinceMonday) * MS_DAY);
    }
    case 'MONTH':
      return utcDate(Date.UTC(y, mo, 1));
    case 'QUARTER':
      return utcDate(Date.UTC(y, mo - (mo % 3), 1));
  }
}

// ---------------------------------------------------------------------------------------------
// Normalisation and loading

export const normChannel = (s: string): string => s.trim().toLowerCase();
export const normReason = (s: string): string => s.trim().toLowerCase().replace(/ /g, '_');
export const normCurrency = (s: string): string => s.trim().toUpperCase();

function parseBool(s: string | null): boolean | null | 'bad' {
  if (s === null) return null;
  const v = s.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  if (v === '') return null;
  return 'bad';
}

/** fx: per currency, dates ascending with their rate (scale 1e6). */
export class FxTable {
  private readonly byCur = new Map<string, Array<{ date: string; rate: bigint }>>();

  add(currency: string, date: string, rate: bigint): void {
    const list = this.byCur.get(currency) ?? [];
    list.push({ date, rate });
    this.byCur.set(currency, list);
  }

  finish(): void {
    for (const list of this.byCur.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** Rate (scale 1e6) of the latest date on or before `date`; 1 for the reporting currency. */
  rate(currency: string, date: string): bigint | null {
    if (currency === REPORTING_CURRENCY) return SCALE6;
    const list = this.byCur.get(currency);
    if (!list) return null;
    let lo = 0;
    let hi = list.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].date <= date) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best < 0 ? null : list[best].rate;
  }
}

export interface RefDataset {
  refunds: RefRefund[];
  orders: RefOrder[];
  surveys: RefSurvey[];
  agents: Map<string, { agentId: string; name: string | null; team: string | null }>;
  rejects: RefReject[];
  fx: FxTable;
  /** Latest requested_at over all refunds. */
  asOf: number | null;
  /** Latest ordered_at over all orders. */
  horizon: number | null;
  ordersById: Map<string, RefOrder>;
  /** Each customer's orders, ordered_at ascending. */
  ordersByCustomer: Map<string, RefOrder[]>;
  surveysByRefund: Map<string, RefSurvey[]>;
}

function readTable(folder: string, name: string): Array<{ line: number; recordNo: number; record: CsvRecord }> | null {
  const p = join(folder, `${name}.csv`);
  if (!existsSync(p)) return null;
  return parseCsv(readFileSync(p, 'utf8')).rows;
}

/** Loads a folder of canonical CSV files, applying the data contract's rules and normalisations. */
export function loadDataset(folder: string): RefDataset {
  const rejects: RefReject[] = [];
  let recordNo = 0;
  const reject = (table: string, line: number, column: string, value: string | null, reason: string): void => {
    rejects.push({ table, line, recordNo, column, value, reason });
  };

  // fx_rates
  const fx = new FxTable();
  for (const { line, recordNo: rn, record } of readTable(folder, 'fx_rates') ?? []) {
    recordNo = rn;
    const date = record.date?.trim() ?? null;
    const cur = record.currency === null ? null : normCurrency(record.currency);
    const rate = record.rate_to_reporting === null ? null : parseDecimal6(record.rate_to_reporting);
    if (date === null || !/^\d{4}-\d{2}-\d{2}$/.test(date.slice(0, 10))) {
      reject('fx_rates', line, 'date', record.date, 'bad date');
      continue;
    }
    if (cur === null || !/^[A-Z]{3}$/.test(cur)) {
      reject('fx_rates', line, 'currency', record.currency, 'bad currency');
      continue;
    }
    if (rate === null || rate <= 0n) {
      reject('fx_rates', line, 'rate_to_reporting', record.rate_to_reporting, 'rate must be > 0');
      continue;
    }
    fx.add(cur, date.slice(0, 10), rate);
  }
  fx.finish();

  // agents
  const agents: RefDataset['agents'] = new Map();
  for (const { line, recordNo: rn, record } of readTable(folder, 'agents') ?? []) {
    recordNo = rn;
    if (record.agent_id === null) {
      reject('agents', line, 'agent_id', null, 'required');
      continue;
    }
    agents.set(record.agent_id, { agentId: record.agent_id, name: record.name, team: record.team });
  }

  // orders
  const ordersById = new Map<string, RefOrder>();
  for (const { line, recordNo: rn, record } of readTable(folder, 'orders') ?? []) {
    recordNo = rn;
    const req = (['order_id', 'customer_id', 'ordered_at'] as const).find((c) => record[c] === null);
    if (req) {
      reject('orders', line, req, null, 'required');
      continue;
    }
    const orderedAt = parseTimestamp(record.ordered_at as string);
    if (orderedAt === null) {
      reject('orders', line, 'ordered_at', record.ordered_at, 'bad timestamp');
      continue;
    }
    const amount6 = record.amount === null ? 0n : parseDecimal6(record.amount);
    if (amount6 === null || amount6 < 0n) {
      reject('orders', line, 'amount', record.amount, 'amount must be a decimal >= 0');
      continue;
    }
    const cur = record.currency === null ? REPORTING_CURRENCY : normCurrency(record.currency);
    const rate = fx.rate(cur, utcDate(orderedAt));
    if (rate === null) {
      reject('orders', line, 'currency', record.currency, 'no fx rate');
      continue;
    }
    ordersById.set(record.order_id as string, {
      orderId: record.order_id as string,
      customerId: record.customer_id as string,
      orderedAt,
      amount: amount6 * rate,
      channel: record.channel === null ? null : normChannel(record.channel),
      campaign: record.campaign,
    });
  }
  const orders = [...ordersById.values()];

  // refunds
  const refundsById = new Map<string, RefRefund>();
  for (const { line, recordNo: rn, record } of readTable(folder, 'refunds') ?? []) {
    recordNo = rn;
    const bad = (column: string, reason: string): void => reject('refunds', line, column, record[column] ?? null, reason);
    const req = (['refund_id', 'order_id', 'customer_id', 'channel', 'reason_code', 'requested_at', 'decision', 'requested_amount'] as const).find(
      (c) => record[c] === null || (record[c] as string).trim() === '',
    );
    if (req) {
      bad(req, 'required');
      continue;
    }
    const requestedAt = parseTimestamp(record.requested_at as string);
    if (requestedAt === null) {
      bad('requested_at', 'bad timestamp');
      continue;
    }
    const decidedAt = record.decided_at === null ? null : parseTimestamp(record.decided_at);
    if (record.decided_at !== null && decidedAt === null) {
      bad('decided_at', 'bad timestamp');
      continue;
    }
    if (decidedAt !== null && decidedAt < requestedAt) {
      bad('decided_at', 'decided_at before requested_at');
      continue;
    }
    const paidAt = record.paid_at === null ? null : parseTimestamp(record.paid_at);
    if (record.paid_at !== null && (paidAt === null || (decidedAt !== null && paidAt < decidedAt))) {
      bad('paid_at', 'bad paid_at');
      continue;
    }
    const decision = (record.decision as string).trim().toLowerCase();
    if (!DECISIONS.has(decision)) {
      bad('decision', 'unknown decision');
      continue;
    }
    if (decision === 'pending' && decidedAt !== null) {
      bad('decided_at', 'pending refund with decided_at');
      continue;
    }
    const req6 = parseDecimal6(record.requested_amount as string);
    if (req6 === null || req6 < 0n) {
      bad('requested_amount', 'must be >= 0');
      continue;
    }
    const ref6 = record.refunded_amount === null ? null : parseDecimal6(record.refunded_amount);
    if (record.refunded_amount !== null && (ref6 === null || ref6 < 0n || ref6 > req6)) {
      bad('refunded_amount', 'must be in 0..requested_amount');
      continue;
    }
    if (decision === 'rejected' && ref6 !== null && ref6 !== 0n) {
      bad('refunded_amount', 'must be 0 when rejected');
      continue;
    }
    const cur = record.currency === null ? REPORTING_CURRENCY : normCurrency(record.currency);
    if (!/^[A-Z]{3}$/.test(cur)) {
      bad('currency', 'not ISO 4217');
      continue;
    }
    const rate = fx.rate(cur, utcDate(requestedAt));
    if (rate === null) {
      bad('currency', 'no fx rate');
      continue;
    }
    const payout = record.payout_status === null ? null : record.payout_status.trim().toLowerCase();
    if (payout !== null && payout !== 'succeeded' && payout !== 'failed' && payout !== 'pending') {
      bad('payout_status', 'unknown payout_status');
      continue;
    }
    const evidence = parseBool(record.evidence_complete);
    const boolCols = ['escalated', 'reopened'] as const;
    const badBool = boolCols.find((c) => parseBool(record[c]) === 'bad');
    if (evidence === 'bad' || badBool) {
      bad(badBool ?? 'evidence_complete', 'bad boolean');
      continue;
    }
    if (record.contacts !== null && !/^\s*\d+\s*$/.test(record.contacts)) {
      bad('contacts', 'contacts must be an integer >= 0');
      continue;
    }
    const agentId = record.agent_id;
    refundsById.set(record.refund_id as string, {
      refundId: record.refund_id as string,
      orderId: record.order_id as string,
      customerId: record.customer_id as string,
      agentId,
      team: agentId === null ? null : (agents.get(agentId)?.team ?? null),
      channel: normChannel(record.channel as string),
      productId: record.product_id,
      productLine: record.product_line,
      reasonCode: normReason(record.reason_code as string),
      requestedAt,
      decidedAt,
      decision: decision as Decision,
      requestedAmount: req6 * rate,
      refundedAmount: ref6 === null ? null : ref6 * rate,
      currency: cur,
      payoutStatus: payout,
      evidenceComplete: evidence,
      reviewerId: record.reviewer_id,
      campaign: record.campaign,
      line,
    });
  }
  const refunds = [...refundsById.values()];

  // surveys
  const surveys: RefSurvey[] = [];
  const surveyIds = new Set<string>();
  for (const { line, recordNo: rn, record } of readTable(folder, 'surveys') ?? []) {
    recordNo = rn;
    const req = (['survey_id', 'customer_id', 'kind', 'score', 'responded_at'] as const).find((c) => record[c] === null);
    if (req) {
      reject('surveys', line, req, null, 'required');
      continue;
    }
    const kind = (record.kind as string).trim().toLowerCase();
    const score = Number(record.score);
    const respondedAt = parseTimestamp(record.responded_at as string);
    if ((kind !== 'csat' && kind !== 'nps') || !Number.isInteger(score) || respondedAt === null) {
      reject('surveys', line, 'kind', record.kind, 'bad survey');
      continue;
    }
    if ((kind === 'csat' && (score < 1 || score > 5)) || (kind === 'nps' && (score < 0 || score > 10))) {
      reject('surveys', line, 'score', record.score, 'score out of range');
      continue;
    }
    if (surveyIds.has(record.survey_id as string)) {
      const i = surveys.findIndex((s) => s.surveyId === record.survey_id);
      surveys.splice(i, 1);
    }
    surveyIds.add(record.survey_id as string);
    surveys.push({ surveyId: record.survey_id as string, refundId: record.refund_id, customerId: record.customer_id as string, kind, score, respondedAt });
  }

  const ordersByCustomer = new Map<string, RefOrder[]>();
  for (const o of orders) {
    const list = ordersByCustomer.get(o.customerId) ?? [];
    list.push(o);
    ordersByCustomer.set(o.customerId, list);
  }
  for (const list of ordersByCustomer.values()) list.sort((a, b) => a.orderedAt - b.orderedAt);
  const surveysByRefund = new Map<string, RefSurvey[]>();
  for (const s of surveys) {
    if (s.refundId === null) continue;
    const list = surveysByRefund.get(s.refundId) ?? [];
    list.push(s);
    surveysByRefund.set(s.refundId, list);
  }
  let asOf: number | null = null;
  for (const r of refunds) if (asOf === null || r.requestedAt > asOf) asOf = r.requestedAt;
  let horizon: number | null = null;
  for (const o of orders) if (horizon === null || o.orderedAt > horizon) horizon = o.orderedAt;

  return { refunds, orders, surveys, agents, rejects, fx, asOf, horizon, ordersById, ordersByCustomer, surveysByRefund };
}

// ---------------------------------------------------------------------------------------------
// Filters

const active = (list: readonly string[] | null | undefined): list is readonly string[] => Array.isArray(list) && list.length > 0;

function passesTime(ms: number, f: RefundFilter): boolean {
  if (f.from && ms < dateMs(f.from)) return false;
  if (f.to && ms >= dateMs(f.to)) return false;
  return true;
}

function passesNonTime(r: RefRefund, f: RefundFilter): boolean {
  if (active(f.channels) && !f.channels.includes(r.channel)) return false;
  if (active(f.productLines) && (r.productLine === null || !f.productLines.includes(r.productLine))) return false;
  if (active(f.reasonCodes) && !f.reasonCodes.includes(r.reasonCode)) return false;
  if (active(f.agentIds) && (r.agentId === null || !f.agentIds.includes(r.agentId))) return false;
  if (active(f.teams) && (r.team === null || !f.teams.includes(r.team))) return false;
  if (active(f.campaigns) && (r.campaign === null || !f.campaigns.includes(r.campaign))) return false;
  return true;
}

export function filterRefunds(ds: RefDataset, f: RefundFilter = {}): RefRefund[] {
  return ds.refunds.filter((r) => passesTime(r.requestedAt, f) && passesNonTime(r, f));
}

/** The refundRate denominator: orders in the time range whose channel and campaign pass. */
export function filterOrders(ds: RefDataset, f: RefundFilter = {}): RefOrder[] {
  return ds.orders.filter(
    (o) =>
      passesTime(o.orderedAt, f) &&
      (!active(f.channels) || (o.channel !== null && f.channels.includes(o.channel))) &&
      (!active(f.campaigns) || (o.campaign !== null && f.campaigns.includes(o.campaign))),
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers

const rate = (num: number, den: number): number | null => (den === 0 ? null : num / den);
const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

export function isNewCustomer(ds: RefDataset, r: RefRefund): boolean {
  const order = ds.ordersById.get(r.orderId);
  const t = order ? order.orderedAt : r.requestedAt;
  const list = ds.ordersByCustomer.get(r.customerId) ?? [];
  return !list.some((o) => o.orderedAt < t);
}

/** The refund field a plain dimension groups by; CUSTOMER_TYPE and PERIOD are derived. */
const DIMENSION_FIELD = {
  DECISION: 'decision',
  CHANNEL: 'channel',
  PRODUCT_LINE: 'productLine',
  REASON_CODE: 'reasonCode',
  AGENT: 'agentId',
  TEAM: 'team',
  CAMPAIGN: 'campaign',
} as const satisfies Record<Exclude<DimensionName, 'CUSTOMER_TYPE' | 'PERIOD'>, keyof RefRefund>;

export function dimensionKey(ds: RefDataset, r: RefRefund, dim: DimensionName, periodGrain: GrainName = 'MONTH'): string | null {
  if (dim === 'CUSTOMER_TYPE') return isNewCustomer(ds, r) ? 'new' : 'returning';
  if (dim === 'PERIOD') return periodStart(r.requestedAt, periodGrain);
  return r[DIMENSION_FIELD[dim]];
}

function groupBy<T>(items: readonly T[], key: (t: T) => string | null): Map<string | null, T[]> {
  const m = new Map<string | null, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Repurchase

export interface RepurchaseOutcome {
  eligible: boolean;
  repurchased: boolean;
  revenue: Money;
}

/** Repurchase outcome of a decided refund for window W days (eligible = decided_at + W <= horizon). */
export function repurchaseOutcome(ds: RefDataset, r: RefRefund, windowDays: number): RepurchaseOutcome {
  if (!isDecided(r) || r.decidedAt === null || ds.horizon === null) return { eligible: false, repurchased: false, revenue: 0n };
  const end = r.decidedAt + windowDays * MS_DAY;
  if (end > ds.horizon) return { eligible: false, repurchased: false, revenue: 0n };
  let repurchased = false;
  let revenue = 0n;
  for (const o of ds.ordersByCustomer.get(r.customerId) ?? []) {
    if (o.orderId === r.orderId) continue;
    if (o.orderedAt > r.decidedAt && o.orderedAt <= end) {
      repurchased = true;
      revenue += o.amount;
    }
  }
  return { eligible: true, repurchased, revenue };
}

export interface RepurchaseStats {
  eligible: number;
  repurchased: number;
  repurchaseRate: number | null;
  repurchaseRevenue: number | null;
}

export function repurchaseStats(ds: RefDataset, refunds: readonly RefRefund[], windowDays: number): RepurchaseStats {
  let eligible = 0;
  let repurchased = 0;
  let revenue = 0n;
  for (const r of refunds) {
    const o = repurchaseOutcome(ds, r, windowDays);
    if (!o.eligible) continue;
    eligible++;
    if (o.repurchased) repurchased++;
    revenue += o.revenue;
  }
  return {
    eligible,
    repurchased,
    repurchaseRate: rate(repurchased, eligible),
    repurchaseRevenue: eligible === 0 ? null : moneyToNumber(revenue) / eligible,
  };
}

// ---------------------------------------------------------------------------------------------
// Customer experience

export interface ExperienceStats {
  csatAvg: number | null;
  csatRate: number | null;
  csatResponses: number;
  nps: number | null;
  npsResponses: number;
}

export function experienceStats(ds: RefDataset, refunds: readonly RefRefund[]): ExperienceStats {
  const csat: number[] = [];
  const nps: number[] = [];
  for (const r of refunds) {
    for (const s of ds.surveysByRefund.get(r.refundId) ?? []) (s.kind === 'csat' ? csat : nps).push(s.score);
  }
  const promoters = nps.filter((x) => x >= 9).length;
  const detractors = nps.filter((x) => x <= 6).length;
  return {
    csatAvg: mean(csat),
    csatRate: rate(csat.filter((x) => x >= 4).length, csat.length),
    csatResponses: csat.length,
    nps: nps.length === 0 ? null : 100 * (promoters / nps.length - detractors / nps.length),
    npsResponses: nps.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Overview

export interface OverviewOptions {
  slaHours?: number;
  reviewThreshold?: number;
  repurchaseWindowDays?: number;
}

export interface RefOverview {
  refunds: number;
  decided: number;
  refundedAmount: number;
  approvalRate: number | null;
  rejectionRate: number | null;
  partialRate: number | null;
  orders: number;
  refundRate: number | null;
  slaMetRate: number | null;
  overduePending: number;
  payoutFailureRate: number | null;
  evidenceCompleteRate: number | null;
  reviewGapCount: number;
  csatAvg: number | null;
  csatRate: number | null;
  nps: number | null;
  repurchaseRate: number | null;
  repurchaseEligible: number;
}

export function overview(ds: RefDataset, f: RefundFilter = {}, opts: OverviewOptions = {}): RefOverview {
  const slaHours = opts.slaHours ?? 48;
  const threshold = (parseDecimal6(String(opts.reviewThreshold ?? 1000)) as bigint) * SCALE6;
  const rs = filterRefunds(ds, f);
  const decided = rs.filter(isDecided);
  const count = (d: Decision): number => decided.filter((r) => r.decision === d).length;
  const withTimes = decided.filter((r) => r.decidedAt !== null);
  const slaMet = withTimes.filter((r) => ((r.decidedAt as number) - r.requestedAt) / MS_HOUR <= slaHours).length;
  const asOf = ds.asOf;
  const overdue = rs.filter((r) => r.decision === 'pending' && asOf !== null && r.requestedAt + slaHours * MS_HOUR < asOf).length;
  const payout = rs.filter((r) => r.payoutStatus !== null);
  const evidence = rs.filter((r) => r.evidenceComplete !== null);
  const reviewGap = rs.filter(
    (r) =>
      (r.decision === 'approved' || r.decision === 'partial') &&
      r.refundedAmount !== null &&
      r.refundedAmount >= threshold &&
      (r.reviewerId === null || r.reviewerId === r.agentId),
  ).length;
  let refunded = 0n;
  for (const r of rs) if (r.refundedAmount !== null) refunded += r.refundedAmount;
  const orders = filterOrders(ds, f).length;
  const exp = experienceStats(ds, rs);
  const rep = repurchaseStats(ds, decided, opts.repurchaseWindowDays ?? 30);
  return {
    refunds: rs.length,
    decided: decided.length,
    refundedAmount: moneyToNumber(refunded),
    approvalRate: rate(count('approved') + count('partial'), decided.length),
    rejectionRate: rate(count('rejected'), decided.length),
    partialRate: rate(count('partial'), decided.length),
    orders,
    refundRate: rate(rs.length, orders),
    slaMetRate: rate(slaMet, withTimes.length),
    overduePending: overdue,
    payoutFailureRate: rate(payout.filter((r) => r.payoutStatus === 'failed').length, payout.length),
    evidenceCompleteRate: rate(evidence.filter((r) => r.evidenceComplete === true).length, evidence.length),
    reviewGapCount: reviewGap,
    csatAvg: exp.csatAvg,
    csatRate: exp.csatRate,
    nps: exp.nps,
    repurchaseRate: rep.repurchaseRate,
    repurchaseEligible: rep.eligible,
  };
}

// ---------------------------------------------------------------------------------------------
// Reason trends

export interface RefReasonTrendPoint {
  period: string;
  reasonCode: string;
  reasonFamily: ReasonFamilyName;
  refunds: number;
  refundedAmount: number;
  share: number;
}

export function reasonTrends(ds: RefDataset, f: RefundFilter = {}, grain: GrainName = 'WEEK'): RefReasonTrendPoint[] {
  const rs = filterRefunds(ds, f);
  const byPeriod = groupBy(rs, (r) => periodStart(r.requestedAt, grain));
  const out: RefReasonTrendPoint[] = [];
  for (const [period, list] of byPeriod) {
    for (const [code, group] of groupBy(list, (r) => r.reasonCode)) {
      let amount = 0n;
      for (const r of group) if (r.refundedAmount !== null) amount += r.refundedAmount;
      out.push({
        period: period as string,
        reasonCode: code as string,
        reasonFamily: reasonFamily(code as string),
        refunds: group.length,
        refundedAmount: moneyToNumber(amount),
        share: group.length / list.length,
      });
    }
  }
  return out.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : a.reasonCode < b.reasonCode ? -1 : a.reasonCode > b.reasonCode ? 1 : 0));
}

/** Volume and decisions per period (the API's refundTrend, beyond the contract). */
export interface RefTrendPoint {
  period: string;
  refunds: number;
  decided: number;
  approvalRate: number | null;
  rejectionRate: number | null;
  refundedAmount: number;
}

export function refundTrend(ds: RefDataset, f: RefundFilter = {}, grain: GrainName = 'WEEK'): RefTrendPoint[] {
  const out: RefTrendPoint[] = [];
  for (const [period, list] of groupBy(filterRefunds(ds, f), (r) => periodStart(r.requestedAt, grain))) {
    const decided = list.filter(isDecided);
    const yes = decided.filter((r) => r.decision === 'approved' || r.decision === 'partial').length;
    let amount = 0n;
    for (const r of list) if (r.refundedAmount !== null) amount += r.refundedAmount;
    out.push({
      period: period as string,
      refunds: list.length,
      decided: decided.length,
      approvalRate: rate(yes, decided.length),
      rejectionRate: rate(decided.length - yes, decided.length),
      refundedAmount: moneyToNumber(amount),
    });
  }
  return out.sort((a, b) => (a.period < b.period ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Poisson upper tail and chi-square

const LOG_FACT: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACT.length; i <= n; i++) LOG_FACT[i] = LOG_FACT[i - 1] + Math.log(i);
  return LOG_FACT[n];
}

function poissonLogPmf(k: number, lambda: number): number {
  return -lambda + k * Math.log(lambda) - logFactorial(k);
}

/** P(X >= c) for X ~ Poisson(lambda), lambda > 0. */
export function poissonUpperTail(c: number, lambda: number): number {
  if (c <= 0) return 1;
  if (c <= lambda) {
    // 1 - P(X <= c - 1)
    let below = 0;
    for (let i = 0; i < c; i++) below += Math.exp(poissonLogPmf(i, lambda));
    return Math.max(0, 1 - below);
  }
  // sum of the upper tail directly (no cancellation); terms decrease for i > lambda
  let sum = 0;
  for (let i = c; ; i++) {
    const t = Math.exp(poissonLogPmf(i, lambda));
    sum += t;
    if (t <= sum * 1e-17 || i > c + 10_000) break;
  }
  return Math.min(1, sum);
}

/** ln Gamma(x), Lanczos (g = 7, n = 9), relative error ~1e-15. */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0];
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnPre = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // series for P
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 100_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPre));
  }
  // Continued fraction for Q: 1 / (x+1-a - 1(1-a) / (x+3-a - 2(2-a) / (x+5-a - ...))), evaluated
  // from the bottom up at a fixed depth; the depth doubles until two depths agree.
  const fraction = (depth: number): number => {
    let tail = 0;
    for (let i = depth; i >= 1; i--) tail = (i * (i - a)) / (x + 2 * i + 1 - a - tail);
    return 1 / (x + 1 - a - tail);
  };
  let depth = 32;
  let previous = fraction(depth);
  let current = fraction(2 * depth);
  while (Math.abs(current - previous) > 1e-15 * Math.abs(current) && depth < 1 << 20) {
    depth *= 2;
    previous = current;
    current = fraction(2 * depth);
  }
  return Math.exp(lnPre) * current;
}

/** Upper tail of the chi-square distribution with df degrees of freedom. */
export function chiSquareSurvival(stat: number, df: number): number {
  return gammaQ(df / 2, stat / 2);
}

// ---------------------------------------------------------------------------------------------
// Refund spikes

/** Which product-week a spike row speaks of (metrics.md: product_id, product_line, week, top reason_code). */
interface RefSpikeWeek {
  week: string;
  productId: string;
  productLine: string | null;
  topReasonCode: string;
}

/** Its numbers: count c, expected, ratio = c / max(expected, 0.5) and the Poisson tail. */
interface RefSpikeNumbers {
  count: number;
  expected: number;
  ratio: number;
  pValue: number;
}

export type RefSpike = RefSpikeWeek & RefSpikeNumbers;

export interface SpikeCandidate extends RefSpikeWeek, RefSpikeNumbers {
  k: number;
  spike: boolean;
}

/** Every product-week with a verdict (k >= 4, c > 0) in the reported weeks, spike or not. */
export function spikeCandidates(ds: RefDataset, f: RefundFilter = {}, minCount = 5, alpha = 0.001): SpikeCandidate[] {
  const base = ds.refunds.filter((r) => r.productId !== null && passesNonTime(r, f));
  const out: SpikeCandidate[] = [];
  for (const [productId, list] of groupBy(base, (r) => r.productId)) {
    const firstWeek = list.reduce((m, r) => Math.min(m, dateMs(periodStart(r.requestedAt, 'WEEK'))), Infinity);
    const lineCounts = new Map<string, number>();
    for (const r of list) if (r.productLine !== null) lineCounts.set(r.productLine, (lineCounts.get(r.productLine) ?? 0) + 1);
    const productLine = [...lineCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? null;
    const defect = list.filter((r) => reasonFamily(r.reasonCode) === 'defect');
    const byWeek = groupBy(defect, (r) => periodStart(r.requestedAt, 'WEEK'));
    const cOf = (weekMs: number): number => byWeek.get(utcDate(weekMs))?.length ?? 0;
    for (const [week, weekRefunds] of byWeek) {
      const w = week as string;
      if (f.from && w < f.from) continue;
      if (f.to && w >= f.to) continue;
      const weekMs = dateMs(w);
      const k = Math.round((weekMs - firstWeek) / (7 * MS_DAY));
      if (k < 4) continue;
      const m = Math.min(8, k);
      let sum = 0;
      for (let j = 1; j <= m; j++) sum += cOf(weekMs - j * 7 * MS_DAY);
      const expected = sum / m;
      const lambda = Math.max(expected, 0.5);
      const c = weekRefunds.length;
      const pValue = poissonUpperTail(c, lambda);
      const reasons = new Map<string, number>();
      for (const r of weekRefunds) reasons.set(r.reasonCode, (reasons.get(r.reasonCode) ?? 0) + 1);
      const top = [...reasons.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
      out.push({
        productId: productId as string,
        productLine,
        week: w,
        count: c,
        expected,
        ratio: c / lambda,
        pValue,
        topReasonCode: top,
        k,
        spike: c >= minCount && pValue < alpha,
      });
    }
  }
  return out.sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : a.productId < b.productId ? -1 : 1));
}

export function refundSpikes(ds: RefDataset, f: RefundFilter = {}, minCount = 5, alpha = 0.001): RefSpike[] {
  return spikeCandidates(ds, f, minCount, alpha)
    .filter((s) => s.spike)
    .map(({ k: _k, spike: _s, ...rest }) => rest);
}

// ---------------------------------------------------------------------------------------------
// Channel consistency

export const AMOUNT_BANDS: ReadonlyArray<{ lo: number; hi: number | null }> = [
  { lo: 0, hi: 50 },
  { lo: 50, hi: 200 },
  { lo: 200, hi: 1000 },
  { lo: 1000, hi: null },
];

/** The exact fraction p/q of a number's shortest decimal representation (0.15 -> 15/100). */
export function decimalFraction(x: number): { p: bigint; q: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(x));
  if (!m) throw new Error(`not a finite number: ${x}`);
  const frac = m[3] ?? '';
  let p = BigInt(m[2] + frac);
  let q = 10n ** BigInt(frac.length);
  const e = Number(m[4] ?? '0');
  if (e > 0) p *= 10n ** BigInt(e);
  else if (e < 0) q *= 10n ** BigInt(-e);
  return { p: m[1] === '-' ? -p : p, q };
}

export function amountBand(m: Money): number {
  for (let i = AMOUNT_BANDS.length - 1; i >= 0; i--) {
    if (m >= BigInt(AMOUNT_BANDS[i].lo) * SCALE12) return i;
  }
  return 0;
}

export interface RefCohort {
  reasonCode: string;
  productLine: string | null;
  /** Index into AMOUNT_BANDS. */
  band: number;
  gap: number;
  pValue: number | null;
  chiSquare: number | null;
  inconsistent: boolean;
  channels: Array<{ channel: string; n: number; approvalRate: number }>;
}

export interface RefChannelConsistency {
  inconsistencyRate: number | null;
  comparableCohorts: number;
  inconsistentCohorts: number;
  cohorts: RefCohort[];
}

export function channelConsistency(ds: RefDataset, f: RefundFilter = {}, minCases = 20, gapThreshold = 0.15): RefChannelConsistency {
  const decided = filterRefunds(ds, f).filter(isDecided);
  const cohorts = groupBy(decided, (r) => JSON.stringify([r.reasonCode, r.productLine, amountBand(r.requestedAmount)]));
  const out: RefCohort[] = [];
  let comparableN = 0;
  let inconsistentN = 0;
  for (const [key, list] of cohorts) {
    const [reasonCode, productLine, band] = JSON.parse(key as string) as [string, string | null, number];
    const chans: Array<{ channel: string; n: number; yes: number; no: number }> = [];
    for (const [ch, rs] of groupBy(list, (r) => r.channel)) {
      if (rs.length < minCases) continue;
      const yes = rs.filter((r) => r.decision === 'approved' || r.decision === 'partial').length;
      chans.push({ channel: ch as string, n: rs.length, yes, no: rs.length - yes });
    }
    if (chans.length < 2) continue;
    chans.sort((a, b) => (a.channel < b.channel ? -1 : 1));
    const rates = chans.map((c) => c.yes / c.n);
    const gap = Math.max(...rates) - Math.min(...rates);
    // compared exactly (0.9 - 0.8 is 0.0999... in doubles, yet the gap is 1/10 >= 0.1)
    const hi = chans.reduce((m, c) => (BigInt(c.yes) * BigInt(m.n) > BigInt(m.yes) * BigInt(c.n) ? c : m));
    const lo = chans.reduce((m, c) => (BigInt(c.yes) * BigInt(m.n) < BigInt(m.yes) * BigInt(c.n) ? c : m));
    const thr = decimalFraction(gapThreshold);
    const inconsistent = (BigInt(hi.yes) * BigInt(lo.n) - BigInt(lo.yes) * BigInt(hi.n)) * thr.q >= thr.p * BigInt(hi.n) * BigInt(lo.n);
    const N = chans.reduce((s, c) => s + c.n, 0);
    const yesT = chans.reduce((s, c) => s + c.yes, 0);
    const noT = N - yesT;
    let chi: number | null = null;
    let p: number | null = null;
    if (yesT > 0 && noT > 0) {
      chi = 0;
      for (const c of chans) {
        const ey = (c.n * yesT) / N;
        const en = (c.n * noT) / N;
        chi += (c.yes - ey) ** 2 / ey + (c.no - en) ** 2 / en;
      }
      p = chiSquareSurvival(chi, chans.length - 1);
    }
    comparableN += N;
    if (inconsistent) inconsistentN += N;
    out.push({
      reasonCode,
      productLine,
      band,
      gap,
      pValue: p,
      chiSquare: chi,
      inconsistent,
      channels: chans.map((c) => ({ channel: c.channel, n: c.n, approvalRate: c.yes / c.n })),
    });
  }
  return {
    inconsistencyRate: rate(inconsistentN, comparableN),
    comparableCohorts: out.length,
    inconsistentCohorts: out.filter((c) => c.inconsistent).length,
    cohorts: out,
  };
}

// ---------------------------------------------------------------------------------------------
// Customer experience and repurchase, grouped

export interface RefExperienceGroup extends ExperienceStats {
  key: string | null;
  refunds: number;
}

export function customerExperience(
  ds: RefDataset,
  f: RefundFilter = {},
  groupByDim: DimensionName = 'DECISION',
  periodGrain: GrainName = 'MONTH',
): RefExperienceGroup[] {
  const rs = filterRefunds(ds, f);
  const out: RefExperienceGroup[] = [];
  for (const [key, list] of groupBy(rs, (r) => dimensionKey(ds, r, groupByDim, periodGrain))) {
    out.push({ key, refunds: list.length, ...experienceStats(ds, list) });
  }
  return out;
}

export interface RefRepurchaseGroup extends RepurchaseStats {
  key: string | null;
}

export function repurchaseAfterRefund(
  ds: RefDataset,
  f: RefundFilter = {},
  windowDays = 30,
  groupByDim: DimensionName = 'DECISION',
  periodGrain: GrainName = 'MONTH',
): RefRepurchaseGroup[] {
  const decided = filterRefunds(ds, f).filter(isDecided);
  const out: RefRepurchaseGroup[] = [];
  for (const [key, list] of groupBy(decided, (r) => dimensionKey(ds, r, groupByDim, periodGrain))) {
    out.push({ key, ...repurchaseStats(ds, list, windowDays) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rejection economics

export interface RefRejectionEconomics {
  savings: number;
  revenueGap: number | null;
  net: number | null;
  rejectedCount: number;
  eligible: number;
  approvedRevenue: number | null;
  rejectedRevenue: number | null;
}

export function rejectionEconomics(ds: RefDataset, f: RefundFilter = {}, windowDays = 90): RefRejectionEconomics {
  const eligible = filterRefunds(ds, f)
    .filter(isDecided)
    .map((r) => ({ r, o: repurchaseOutcome(ds, r, windowDays) }))
    .filter((x) => x.o.eligible);
  const rejected = eligible.filter((x) => x.r.decision === 'rejected');
  const approved = eligible.filter((x) => x.r.decision === 'approved');
  let savings = 0n;
  for (const x of rejected) savings += x.r.requestedAmount;
  const revOf = (xs: typeof eligible): number | null => {
    if (xs.length === 0) return null;
    let s = 0n;
    for (const x of xs) s += x.o.revenue;
    return moneyToNumber(s) / xs.length;
  };
  const ra = revOf(approved);
  const rr = revOf(rejected);
  const gap = ra === null || rr === null ? null : (ra - rr) * rejected.length;
  return {
    savings: moneyToNumber(savings),
    revenueGap: gap,
    net: gap === null ? null : moneyToNumber(savings) - gap,
    rejectedCount: rejected.length,
    eligible: eligible.length,
    approvedRevenue: ra,
    rejectedRevenue: rr,
  };
}

// ---------------------------------------------------------------------------------------------
// What a rejection costs (matched comparison), from metrics.md, one refund at a time

export const REJECTION_EFFECT_FIELDS = [
  'att',
  'attLow',
  'attHigh',
  'rateAtt',
  'rateLow',
  'rateHigh',
  'naiveGap',
  'rateNaiveGap',
  'matchedRejected',
  'matchedStrata',
  'coverage',
  'lostRevenue',
  'savings',
  'net',
] as const;

/** Every field is null when no stratum holds both a rejected and an approved refund. */
export type RefRejectionEffect = Record<(typeof REJECTION_EFFECT_FIELDS)[number], number | null>;

function meanOf(xs: readonly number[]): number {
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}

/** Sample variance, divisor n - 1; 0 for one value. Two-pass, unlike the API's sums of squares. */
function varianceOf(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = meanOf(xs);
  return xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1);
}

export function rejectionEffect(ds: RefDataset, f: RefundFilter = {}, windowDays = 90): RefRejectionEffect {
  const units = filterRefunds(ds, f)
    .filter((r) => r.decision === 'approved' || r.decision === 'rejected')
    .map((r) => ({ r, o: repurchaseOutcome(ds, r, windowDays) }))
    .filter((x) => x.o.eligible)
    .map((x) => ({
      rejected: x.r.decision === 'rejected',
      requested: x.r.requestedAmount,
      revenue: moneyToNumber(x.o.revenue),
      repurchased: x.o.repurchased ? 1 : 0,
      stratum: JSON.stringify([x.r.reasonCode, x.r.productLine, amountBand(x.r.requestedAmount), isNewCustomer(ds, x.r)]),
    }));
  const strata = groupBy(units, (u) => u.stratum);
  const matched = [...strata.values()]
    .map((us) => ({ t: us.filter((u) => u.rejected), a: us.filter((u) => !u.rejected) }))
    .filter((s) => s.t.length > 0 && s.a.length > 0);
  if (matched.length === 0) return Object.fromEntries(REJECTION_EFFECT_FIELDS.map((k) => [k, null])) as RefRejectionEffect;
  const nT = matched.reduce((a, s) => a + s.t.length, 0);
  const estimate = (pick: (u: (typeof units)[number]) => number) => {
    let effect = 0;
    let variance = 0;
    for (const s of matched) {
      const w = s.t.length / nT;
      const t = s.t.map(pick);
      const a = s.a.map(pick);
      effect += w * (meanOf(t) - meanOf(a));
      variance += w * w * (varianceOf(t) / t.length + varianceOf(a) / a.length);
    }
    const half = 1.959964 * Math.sqrt(variance);
    return { effect, low: effect - half, high: effect + half };
  };
  const rev = estimate((u) => u.revenue);
  const rep = estimate((u) => u.repurchased);
  const allT = units.filter((u) => u.rejected);
  const allA = units.filter((u) => !u.rejected);
  let savingsMoney = 0n;
  for (const s of matched) for (const u of s.t) savingsMoney += u.requested;
  const savings = moneyToNumber(savingsMoney);
  const lostRevenue = -rev.effect * nT;
  return {
    att: rev.effect,
    attLow: rev.low,
    attHigh: rev.high,
    rateAtt: rep.effect,
    rateLow: rep.low,
    rateHigh: rep.high,
    naiveGap: meanOf(allT.map((u) => u.revenue)) - meanOf(allA.map((u) => u.revenue)),
    rateNaiveGap: meanOf(allT.map((u) => u.repurchased)) - meanOf(allA.map((u) => u.repurchased)),
    matchedRejected: nT,
    matchedStrata: matched.length,
    coverage: nT / allT.length,
    lostRevenue,
    savings,
    net: savings - lostRevenue,
  };
}
