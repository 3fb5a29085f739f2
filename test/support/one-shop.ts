import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection } from '@duckdb/node-api';
import { connect, convertExport, loadFiles, openDatabase, queryRows, type LoadSummary } from '@refunds/etl';
import { formatCsv, parseCsv } from '../../etl/src/importers/csv';
import { specFixtures } from '../../etl/src/testing/fixtures';
import { tempDir } from '../../etl/src/testing/factory';
import { mulberry32 } from '@refunds/shared';

/** The spec's one-shop exports (../shared/fixtures/one-shop) and variants of them, for reconciliation tests. */
export const ONE_SHOP = specFixtures('one-shop');

export interface TruthEpisode {
  order: number;
  ticket_id: number | null;
  payments: string[];
  decision: string;
  refunded_cny: number;
  payout_failed: boolean;
  agent: string | null;
  csat: 'good' | 'bad' | null;
  conflicts: string[];
}

export interface Truth {
  refunds: number;
  refunded_cny: number;
  orders: number;
  episodes: TruthEpisode[];
}

export function readTruth(dir = ONE_SHOP): Truth {
  return JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Truth;
}

export type ShopSource = 'shopify-orders' | 'stripe-refunds' | 'zendesk-tickets';
export const SOURCES: readonly ShopSource[] = ['shopify-orders', 'stripe-refunds', 'zendesk-tickets'];

/** The export files of one source in a one-shop folder. */
export function sourceFiles(dir: string, source: ShopSource): string[] {
  switch (source) {
    case 'shopify-orders':
      return [join(dir, 'orders_export.csv')];
    case 'stripe-refunds':
      return [join(dir, 'refunds.json')];
    case 'zendesk-tickets':
      return [join(dir, 'tickets_export.csv'), join(dir, 'satisfaction_ratings.json')];
  }
}

function shuffle<T>(items: T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

interface Csv {
  header: string[];
  rows: string[][];
}

function readCsv(file: string): Csv {
  const { records } = parseCsv(readFileSync(file, 'utf8'));
  return { header: records[0], rows: records.slice(1) };
}

function writeCsvFile(file: string, csv: Csv): void {
  const rows = csv.rows.map((r) => Object.fromEntries(csv.header.map((h, i) => [h, r[i] ?? ''])));
  writeFileSync(file, formatCsv(csv.header, rows));
}

interface StripeList {
  object: string;
  data: Array<{ id: string; amount: number; created: number; status: string; currency: string; metadata: Record<string, string> } & Record<string, unknown>>;
}

export interface VariantOptions {
  seed: number;
  /** how each system spells order #1002 */
  spelling?: { shop: (n: string) => string; payments: (n: string) => string; helpdesk: (n: string) => string };
  /** shuffle the rows of every export */
  shuffle?: boolean;
  /** the Stripe metadata key that carries the order number (reconciliation.md: order_id or order_number) */
  paymentsOrderKey?: 'order_id' | 'order_number';
  /** a second refund on this order, `days` after its first ticket: a new ticket and a succeeded payment */
  secondRefund?: { order: string; days: number; amount: number };
}

/**
 * Writes a variant of the one-shop exports into a new folder: order numbers spelled per system,
 * rows in another order, optionally a second refund on one order weeks later. Returns the folder.
 */
export function writeVariant(opts: VariantOptions): string {
  const dir = tempDir('one-shop-variant-');
  const rand = mulberry32(opts.seed);
  const bare = (s: string) => s.trim().replace(/^#/, '');
  const spell = opts.spelling;

  const orders = readCsv(join(ONE_SHOP, 'orders_export.csv'));
  const nameCol = orders.header.indexOf('Name');
  if (spell) for (const r of orders.rows) r[nameCol] = spell.shop(bare(r[nameCol]));
  if (opts.shuffle) {
    // line items of one order stay together, the first (order) row first
    const groups = new Map<string, string[][]>();
    for (const r of orders.rows) groups.set(r[nameCol], [...(groups.get(r[nameCol]) ?? []), r]);
    orders.rows = shuffle([...groups.values()], rand).flat();
  }
  writeCsvFile(join(dir, 'orders_export.csv'), orders);

  const tickets = readCsv(join(ONE_SHOP, 'tickets_export.csv'));
  const orderCol = tickets.header.findIndex((h) => h.startsWith('Order number'));
  if (spell) for (const r of tickets.rows) if (r[orderCol] !== '') r[orderCol] = spell.helpdesk(bare(r[orderCol]));

  const stripe = JSON.parse(readFileSync(join(ONE_SHOP, 'refunds.json'), 'utf8')) as StripeList;
  if (spell) for (const p of stripe.data) if (p.metadata.order_id) p.metadata.order_id = spell.payments(bare(p.metadata.order_id));
  if (opts.paymentsOrderKey === 'order_number') {
    for (const p of stripe.data) {
      const { order_id: order, ...rest } = p.metadata;
      p.metadata = order === undefined ? rest : { ...rest, order_number: order };
    }
  }

  if (opts.secondRefund) {
    const { order, days, amount } = opts.secondRefund;
    const idCol = tickets.header.indexOf('Id');
    const createdCol = tickets.header.indexOf('Created at');
    const first = tickets.rows.find((r) => bare(r[orderCol]) === order);
    if (!first) throw new Error(`no ticket for order ${order} in the fixture`);
    const second = [...first];
    const at = new Date(Date.parse(first[createdCol].replace(' ', 'T') + 'Z') + days * 86_400_000);
    const fmt = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
    second[idCol] = '59999';
    for (const h of ['Created at', 'Updated at', 'Assigned at', 'Initially assigned at']) second[tickets.header.indexOf(h)] = fmt(at);
    second[tickets.header.indexOf('Solved at')] = fmt(new Date(at.getTime() + 20 * 3_600_000));
    second[tickets.header.indexOf('Tags')] = 'refund damaged_in_transit refund_partial';
    second[tickets.header.indexOf('Satisfaction Score')] = 'Unoffered';
    tickets.rows.push(second);
    const firstPayment = stripe.data.find((p) => bare(p.metadata.order_id ?? '') === order);
    if (!firstPayment) throw new Error(`no payment for order ${order} in the fixture`);
    stripe.data.push({
      ...firstPayment,
      id: 're_SECOND',
      amount: Math.round(amount * 100),
      status: 'succeeded',
      created: Math.floor(at.getTime() / 1000) + 22 * 3600,
    });
  }
  if (opts.shuffle) {
    tickets.rows = shuffle(tickets.rows, rand);
    stripe.data = shuffle(stripe.data, rand);
  }
  writeCsvFile(join(dir, 'tickets_export.csv'), tickets);
  writeFileSync(join(dir, 'refunds.json'), JSON.stringify(stripe, null, 1));
  copyFileSync(join(ONE_SHOP, 'satisfaction_ratings.json'), join(dir, 'satisfaction_ratings.json'));
  copyFileSync(join(ONE_SHOP, 'fx_rates.csv'), join(dir, 'fx_rates.csv'));
  return dir;
}

/** A fresh DuckDB file with the shop's fx rates loaded; the caller imports into it. */
export async function openShopDatabase(dir = ONE_SHOP): Promise<{ conn: DuckDBConnection; path: string; close: () => void }> {
  const path = join(tempDir('one-shop-db-'), 'shop.duckdb');
  const inst = await openDatabase(path);
  const conn = await connect(inst);
  await loadFiles(conn, [join(dir, 'fx_rates.csv')]);
  return {
    conn,
    path,
    close: () => {
      conn.closeSync();
      inst.closeSync();
    },
  };
}

/** Runs `fn` on a fresh shop database (the fx rates of `dir` loaded) and closes it afterwards, also when `fn` fails. */
export async function withShopDatabase<T>(fn: (db: Awaited<ReturnType<typeof openShopDatabase>>) => Promise<T>, dir = ONE_SHOP): Promise<T> {
  const db = await openShopDatabase(dir);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/** What `etl import --format F` does: convert the exports, then load them (one transaction). */
export async function importSources(conn: DuckDBConnection, dir: string, sources: readonly ShopSource[]): Promise<LoadSummary> {
  const outs: string[] = [];
  for (const source of sources) {
    const out = tempDir('one-shop-converted-');
    await convertExport(source, sourceFiles(dir, source), out);
    outs.push(out);
  }
  return loadFiles(conn, outs);
}

export interface ShopState {
  refunds: number;
  refundedCny: number;
  payoutFailures: number;
  decisions: Record<string, number>;
  conflicts: Array<{ kind: string; order: string }>;
  /** per refund id: decision, refunded (reporting currency), agent name, CSAT score */
  byRefund: Record<string, { order: string; decision: string; refunded: number; agent: string | null; csat: number | null; payments: string | null }>;
}

/** The reconciled state as the warehouse holds it, read with plain SQL. */
export async function readState(conn: DuckDBConnection): Promise<ShopState> {
  const [totals] = await queryRows<{ n: number; amount: number | null; failures: number }>(
    conn,
    `SELECT count(*) AS n, round(sum(refunded_amount), 2) AS amount, count(*) FILTER (WHERE payout_status = 'failed') AS failures FROM refund_facts`,
  );
  const decisions = await queryRows<{ decision: string; n: number }>(conn, `SELECT decision, count(*) AS n FROM refunds GROUP BY decision`);
  const conflicts = await queryRows<{ kind: string; order_key: string }>(
    conn,
    `SELECT kind, lower(regexp_replace(trim(order_id), '^#', '')) AS order_key FROM reconciliation_conflicts ORDER BY kind, order_key`,
  );
  const rows = await queryRows<{
    refund_id: string;
    order_key: string;
    decision: string;
    refunded: number | null;
    agent: string | null;
    csat: number | null;
    payments: string | null;
  }>(
    conn,
    `SELECT f.refund_id, lower(regexp_replace(trim(f.order_id), '^#', '')) AS order_key, f.decision, round(f.refunded_amount, 2) AS refunded,
            a.name AS agent, (SELECT max(score) FROM surveys s WHERE s.refund_id = f.refund_id AND s.kind = 'csat') AS csat, rs.payment_ids AS payments
     FROM refund_facts f LEFT JOIN agents a ON a.agent_id = f.agent_id LEFT JOIN refund_sources rs ON rs.refund_id = f.refund_id`,
  );
  return {
    refunds: totals.n,
    refundedCny: totals.amount ?? 0,
    payoutFailures: totals.failures,
    decisions: Object.fromEntries(decisions.map((d) => [d.decision, d.n])),
    conflicts: conflicts.map((c) => ({ kind: c.kind, order: c.order_key })),
    byRefund: Object.fromEntries(
      rows.map((r) => [
        r.refund_id,
        { order: r.order_key, decision: r.decision, refunded: r.refunded ?? 0, agent: r.agent, csat: r.csat, payments: r.payments },
      ]),
    ),
  };
}

/** The state truth.json describes, in the shape of readState (refund id = ticket id, else the payment id). */
export function expectedState(truth: Truth): Omit<ShopState, 'byRefund'> & { byRefund: ShopState['byRefund'] } {
  const decisions: Record<string, number> = {};
  for (const e of truth.episodes) decisions[e.decision] = (decisions[e.decision] ?? 0) + 1;
  return {
    refunds: truth.refunds,
    refundedCny: truth.refunded_cny,
    payoutFailures: truth.episodes.filter((e) => e.payout_failed).length,
    decisions,
    conflicts: truth.episodes
      .flatMap((e) => e.conflicts.map((kind) => ({ kind, order: String(e.order) })))
      .sort((a, b) => (a.kind === b.kind ? a.order.localeCompare(b.order) : a.kind.localeCompare(b.kind))),
    byRefund: Object.fromEntries(
      truth.episodes.map((e) => [
        e.ticket_id !== null ? String(e.ticket_id) : e.payments[0],
        {
          order: String(e.order),
          decision: e.decision,
          refunded: e.refunded_cny,
          agent: e.agent,
          csat: e.csat === 'good' ? 5 : e.csat === 'bad' ? 1 : null,
          payments: e.payments.length ? e.payments.join(',') : null,
        },
      ]),
    ),
  };
}
