/**
 * Reconciliation (../shared/spec/reconciliation.md): the shop (src_shop_orders), the payment
 * provider (src_payments) and the helpdesk (src_tickets) each report refunds; every load that
 * touches them rebuilds the merged refunds from all stored source records, in SQL. Because the
 * result is a function of the stored records only, importing the sources in any order, together or
 * one at a time, and again, gives the same refunds.
 *
 * The SQL is built from the declarations below (which source gives each field, in which order);
 * `reconcile.sql` beside this file is the generated text, checked in for review and kept equal by a
 * unit test.
 *
 * Choices the spec leaves open (also in the README):
 * - each payment without a ticket is a refund of its own (its id is the refund id);
 * - a field the first source of its row lacks falls back to the next one (a payment-only refund
 *   takes its channel from the shop order, else from the payment);
 * - requested_amount is the shop order's total (in the refund's currency), else the payment
 *   export's charge amount, else the ticket's amount, else the refunded sum; never below the
 *   refunded amount;
 * - times are kept coherent: decided_at is no later than the first succeeded payment and not
 *   before requested_at, paid_at not before decided_at;
 * - a rejected or withdrawn refund without a succeeded payment refunds 0 (the helpdesk's word),
 *   whatever the shop says; a pending one has no refunded amount yet;
 * - only canceled payments: withdrawn, with no payout status (no money was meant to move).
 */

export type Source = 'shop' | 'payments' | 'helpdesk';

/** One candidate value of a field: the SQL over the episode row `e`, and the source it comes from. */
interface Candidate {
  source: Source;
  expr: string;
}

/** Columns of the episode relation `e` (built in EPISODES_SQL). */
const t = (c: string) => `e.t_${c}`;
const s = (c: string) => `e.s_${c}`;
const p = (c: string) => `e.p_${c}`;

/** A source's column of the episode relation, by the source's name. */
const COLUMN_OF: Record<Source, (c: string) => string> = { shop: s, helpdesk: t, payments: p };

/**
 * A field of the precedence table: its sources in order, each giving the column of the field's name
 * unless `columns` names another expression for it.
 */
function precedence(field: string, sources: Source[], columns: Partial<Record<Source, string>> = {}): { field: string; candidates: Candidate[] } {
  return { field, candidates: sources.map((source) => ({ source, expr: columns[source] ?? COLUMN_OF[source](field) })) };
}

/** Fields taken as the first non-null candidate: the precedence table of reconciliation.md. */
export const PRECEDENCE: ReadonlyArray<{ field: string; candidates: Candidate[] }> = [
  precedence('order_id', ['shop', 'helpdesk', 'payments'], { helpdesk: `trim(${t('order_ref')})`, payments: `trim(${p('order_ref')})` }),
  precedence('customer_id', ['shop', 'helpdesk', 'payments']),
  precedence('product_id', ['shop', 'helpdesk', 'payments']),
  precedence('product_line', ['shop', 'helpdesk', 'payments']),
  precedence('campaign', ['shop', 'helpdesk', 'payments']),
  precedence('requested_at', ['helpdesk', 'payments', 'shop'], { payments: p('first_at'), shop: s('refund_at') }),
  precedence('agent_id', ['helpdesk', 'payments']),
  precedence('channel', ['helpdesk', 'shop', 'payments']),
  precedence('reason_code', ['helpdesk', 'payments', 'shop']),
  precedence('reason_text', ['helpdesk', 'payments', 'shop']),
  precedence('currency', ['payments', 'shop', 'helpdesk']),
];

/** Helpdesk-only fields, copied from the ticket. */
const TICKET_FIELDS = ['contacts', 'escalated', 'reopened', 'evidence_complete', 'reviewer_id', 'policy_version'] as const;

const SOURCE_COLUMN: Record<Source, string> = { shop: s('source'), payments: p('source'), helpdesk: t('source') };

function coalesce(c: Candidate[]): string {
  return c.length === 1 ? c[0].expr : `coalesce(${c.map((x) => x.expr).join(', ')})`;
}

function lineage(c: Candidate[]): string {
  return `CASE ${c.map((x) => `WHEN ${x.expr} IS NOT NULL THEN ${SOURCE_COLUMN[x.source]}`).join(' ')} END`;
}

/**
 * Episodes: one row per refund (a ticket, a payment no ticket claims, or a refunded shop order no
 * other source has), with the ticket's (t_), the payments' aggregate (p_) and the shop order's (s_)
 * columns. Creates temp tables `_pay` (payment -> ticket) and `_ep`.
 */
export const EPISODES_SQL: readonly string[] = [
  // A payment belongs to the latest ticket of its order created at most 30 days before it and at
  // most 1 day after it.
  `CREATE OR REPLACE TEMP TABLE _pay AS
   WITH cand AS (
     SELECT p.payment_id, t.refund_id AS ticket_ref,
            row_number() OVER (PARTITION BY p.payment_id ORDER BY t.requested_at DESC, t.refund_id DESC) AS rn
     FROM src_payments p JOIN src_tickets t ON t.order_key = p.order_key
     WHERE t.requested_at >= p.created_at - INTERVAL 30 DAY AND t.requested_at <= p.created_at + INTERVAL 1 DAY)
   SELECT p.*, c.ticket_ref, coalesce(c.ticket_ref, p.payment_id) AS ep_id
   FROM src_payments p LEFT JOIN cand c ON c.payment_id = p.payment_id AND c.rn = 1`,
  `CREATE OR REPLACE TEMP TABLE _pagg AS
   SELECT ep_id,
     count(*) AS n,
     count(*) FILTER (WHERE status = 'succeeded') AS n_succeeded,
     count(*) FILTER (WHERE status = 'pending') AS n_pending,
     count(*) FILTER (WHERE status = 'failed') AS n_failed,
     count(*) FILTER (WHERE status = 'canceled') AS n_canceled,
     sum(amount) FILTER (WHERE status = 'succeeded') AS succeeded_sum,
     sum(amount) AS amount_sum,
     min(created_at) AS first_at,
     min(created_at) FILTER (WHERE status = 'succeeded') AS first_paid_at,
     max(created_at) FILTER (WHERE status = 'succeeded') AS last_paid_at,
     string_agg(payment_id, ',' ORDER BY created_at, payment_id) AS ids,
     arg_min(payment_id, created_at) AS first_id,
     arg_min(source, created_at) AS source_name,
     arg_min(order_ref, created_at) AS order_ref,
     arg_min(customer_id, created_at) AS customer_id,
     arg_min(currency, created_at) AS currency,
     max(order_amount) AS order_amount,
     arg_min(agent_id, created_at) FILTER (WHERE agent_id IS NOT NULL) AS agent_id,
     arg_min(channel, created_at) FILTER (WHERE channel IS NOT NULL) AS channel,
     arg_min(product_id, created_at) FILTER (WHERE product_id IS NOT NULL) AS product_id,
     arg_min(product_line, created_at) FILTER (WHERE product_line IS NOT NULL) AS product_line,
     arg_min(reason_code, created_at) FILTER (WHERE reason_code IS NOT NULL) AS reason_code,
     arg_min(reason_text, created_at) FILTER (WHERE reason_text IS NOT NULL) AS reason_text,
     arg_min(campaign, created_at) FILTER (WHERE campaign IS NOT NULL) AS campaign
   FROM _pay GROUP BY ep_id`,
  // The episodes and how many refunds their order has.
  `CREATE OR REPLACE TEMP TABLE _eps AS
   WITH eps AS (
     SELECT refund_id AS refund_id, 'ticket' AS kind, order_key FROM src_tickets
     UNION ALL
     SELECT payment_id, 'payment', order_key FROM _pay WHERE ticket_ref IS NULL
     UNION ALL
     SELECT 'shopify:' || o.order_id, 'shop', o.order_key FROM src_shop_orders o
     WHERE o.financial_status IN ('refunded', 'partially_refunded')
       AND NOT EXISTS (SELECT 1 FROM src_tickets x WHERE x.order_key = o.order_key)
       AND NOT EXISTS (SELECT 1 FROM src_payments x WHERE x.order_key = o.order_key)),
   per_order AS (SELECT order_key, count(*) AS n FROM eps WHERE order_key IS NOT NULL GROUP BY order_key)
   SELECT eps.refund_id, eps.kind, eps.order_key, coalesce(po.n, 1) AS refunds_of_order
   FROM eps LEFT JOIN per_order po ON po.order_key = eps.order_key`,
  `CREATE OR REPLACE TEMP TABLE _ep AS
   SELECT eps.refund_id, eps.kind, eps.order_key, eps.refunds_of_order,
     ${['refund_id', 'ticket_id', 'source', 'order_ref', 'customer_id', 'agent_id', 'channel', 'product_id', 'product_line', 'reason_code', 'reason_text', 'requested_at', 'decided_at', 'paid_at', 'decision', 'requested_amount', 'refunded_amount', 'currency', 'payout_method', 'payout_status', 'campaign', ...TICKET_FIELDS].map((c) => `t.${c} AS t_${c}`).join(',\n     ')},
     ${['n', 'n_succeeded', 'n_pending', 'n_failed', 'n_canceled', 'succeeded_sum', 'amount_sum', 'first_at', 'first_paid_at', 'last_paid_at', 'ids', 'first_id', 'order_ref', 'customer_id', 'currency', 'order_amount', 'agent_id', 'channel', 'product_id', 'product_line', 'reason_code', 'reason_text', 'campaign'].map((c) => `pa.${c} AS p_${c}`).join(',\n     ')},
     pa.source_name AS p_source,
     ${['order_id', 'source', 'customer_id', 'amount', 'currency', 'channel', 'campaign', 'product_id', 'product_line', 'financial_status', 'refunded_amount', 'refund_at', 'reason_code', 'reason_text'].map((c) => `o.${c} AS s_${c}`).join(',\n     ')}
   FROM _eps eps
   LEFT JOIN src_tickets t ON eps.kind = 'ticket' AND t.refund_id = eps.refund_id
   LEFT JOIN _pagg pa ON pa.ep_id = eps.refund_id AND eps.kind <> 'shop'
   LEFT JOIN src_shop_orders o ON o.order_key = eps.order_key`,
];

const has = (col: string) => `coalesce(${col}, 0) > 0`;

/** The order total the succeeded sum is held against: the shop's (same currency), the charge's, the ticket's. */
const TOTAL = `coalesce(CASE WHEN ${s('currency')} IS NOT DISTINCT FROM ${p('currency')} THEN ${s('amount')} END, ${p('order_amount')}, nullif(${t('requested_amount')}, 0))`;

const PAYMENT_DECISION = `CASE
    WHEN ${has(p('n_succeeded'))} THEN CASE WHEN ${TOTAL} IS NULL OR ${p('succeeded_sum')} >= ${TOTAL} - 0.005 THEN 'approved' ELSE 'partial' END
    WHEN ${has(p('n_pending'))} THEN CASE WHEN ${t('refund_id')} IS NULL THEN 'approved' END
    WHEN ${has(p('n_failed'))} THEN 'approved'
    WHEN ${has(p('n_canceled'))} THEN 'withdrawn'
  END`;

const SHOP_DECISION = `CASE ${s('financial_status')} WHEN 'refunded' THEN 'approved' WHEN 'partially_refunded' THEN 'partial' END`;

/** Money the shop reports for the refund, when it is this order's only refund. */
const SHOP_REFUNDED = `CASE WHEN e.refunds_of_order = 1 THEN ${s('refunded_amount')} END`;

/**
 * Builds `_rec1`: the merged refunds (canonical columns, typed), their lineage and source ids, before
 * REC_SQL makes them coherent. Requires EPISODES_SQL to have run.
 */
export function mergedSql(): string {
  const fields = PRECEDENCE.map((f) => `${coalesce(f.candidates)} AS ${f.field},\n     ${lineage(f.candidates)} AS src_${f.field}`).join(',\n     ');
  return `CREATE OR REPLACE TEMP TABLE _rec0 AS
   SELECT e.*,
     ${fields},
     coalesce(CASE WHEN ${has(p('n'))} THEN ${PAYMENT_DECISION} END, ${t('decision')}, ${SHOP_DECISION}, 'approved') AS decision,
     CASE WHEN ${has(p('n'))} AND (${PAYMENT_DECISION}) IS NOT NULL THEN ${p('source')} WHEN ${t('decision')} IS NOT NULL THEN ${t('source')} ELSE ${s('source')} END AS src_decision
   FROM _ep e;
  CREATE OR REPLACE TEMP TABLE _rec1 AS
   SELECT e.*,
     CASE
       WHEN e.decision = 'pending' THEN NULL
       WHEN e.decision IN ('rejected', 'withdrawn') AND NOT ${has(p('n_succeeded'))} THEN 0
       WHEN ${has(p('n'))} THEN coalesce(${p('succeeded_sum')}, 0)
       WHEN ${SHOP_REFUNDED} IS NOT NULL THEN ${SHOP_REFUNDED}
       ELSE ${t('refunded_amount')}
     END AS refunded_amount,
     CASE
       WHEN e.decision = 'pending' THEN NULL
       WHEN e.decision IN ('rejected', 'withdrawn') AND NOT ${has(p('n_succeeded'))} THEN coalesce(${t('source')}, ${p('source')}, ${s('source')})
       WHEN ${has(p('n'))} THEN ${p('source')}
       WHEN ${SHOP_REFUNDED} IS NOT NULL THEN ${s('source')}
       ELSE ${t('source')}
     END AS src_refunded_amount,
     CASE
       WHEN ${has(p('n'))} THEN CASE WHEN ${has(p('n_succeeded'))} THEN 'succeeded' WHEN ${has(p('n_failed'))} THEN 'failed' WHEN ${has(p('n_pending'))} THEN 'pending' END
       WHEN e.kind = 'shop' OR (${SHOP_REFUNDED} > 0 AND e.decision IN ('approved', 'partial')) THEN 'succeeded'
       ELSE ${t('payout_status')}
     END AS payout_status,
     CASE WHEN ${has(p('n_succeeded'))} THEN ${p('last_paid_at')} WHEN ${has(p('n'))} OR e.kind = 'shop' THEN NULL ELSE ${t('paid_at')} END AS paid_at0,
     CASE WHEN e.decision = 'pending' THEN NULL
          ELSE least(coalesce(${t('decided_at')}, ${p('first_at')}, ${s('refund_at')}, e.requested_at), coalesce(${p('first_paid_at')}, ${t('decided_at')}, ${p('first_at')}, ${s('refund_at')}, e.requested_at))
     END AS decided_at0
   FROM _rec0 e`;
}

/**
 * `_rec`: times made coherent (decided_at not before requested_at, paid_at not before either), the
 * requested amount never below the refunded one, and the ticket-only fields. Requires mergedSql.
 */
export const REC_SQL = `CREATE OR REPLACE TEMP TABLE _rec AS
   SELECT e.*,
     CASE WHEN e.decided_at0 IS NOT NULL THEN greatest(e.decided_at0, e.requested_at) END AS decided_at,
     CASE WHEN e.paid_at0 IS NOT NULL THEN greatest(e.paid_at0, coalesce(e.decided_at0, e.paid_at0), e.requested_at) END AS paid_at,
     greatest(coalesce(
       CASE WHEN e.s_currency IS NOT DISTINCT FROM e.currency THEN e.s_amount END,
       e.p_order_amount, nullif(e.t_requested_amount, 0), e.p_succeeded_sum, e.p_amount_sum, 0), coalesce(e.refunded_amount, 0)) AS requested_amount,
     coalesce(e.t_payout_method, CASE WHEN coalesce(e.p_n, 0) > 0 OR e.kind = 'shop' THEN 'original_payment' END) AS payout_method,
     e.t_contacts AS contacts, e.t_escalated AS escalated, e.t_reopened AS reopened, e.t_evidence_complete AS evidence_complete, e.t_reviewer_id AS reviewer_id, e.t_policy_version AS policy_version
   FROM _rec1 e`;

/** The canonical refunds columns of `_rec` as text, the relation the refunds validation reads. */
export function mergedAsSource(columns: readonly string[]): string {
  const cols = columns.map(
    (c) => `CAST(${c === 'channel' ? `coalesce(channel, 'web')` : c === 'reason_code' ? `coalesce(reason_code, 'unknown')` : c} AS VARCHAR) AS "${c}"`,
  );
  return `(SELECT row_number() OVER (ORDER BY refund_id) AS __line, ${cols.join(', ')} FROM _rec)`;
}

/** Conflicts of reconciliation.md, listed, never resolved. */
export const CONFLICTS_SQL = `CREATE OR REPLACE TEMP TABLE _conflicts AS
  WITH flags AS (
    SELECT EXISTS (SELECT 1 FROM src_tickets) AS has_tickets,
           EXISTS (SELECT 1 FROM src_payments) AS has_payments,
           EXISTS (SELECT 1 FROM src_shop_orders) AS has_shop,
           (SELECT max(created_at) FROM src_payments) AS latest_payment)
  SELECT 'AMOUNT_MISMATCH' AS kind, e.refund_id, e.order_id,
         printf('succeeded payments %.2f %s; shop Refunded Amount %.2f %s', coalesce(e.p_succeeded_sum, 0), coalesce(e.p_currency, ''), e.s_refunded_amount, coalesce(e.s_currency, '')) AS detail
  FROM _rec e WHERE coalesce(e.p_n, 0) > 0 AND e.refunds_of_order = 1 AND e.s_refunded_amount IS NOT NULL
    AND abs(coalesce(e.p_succeeded_sum, 0) - e.s_refunded_amount) > 0.01
  UNION ALL
  SELECT 'DECISION_MISMATCH', e.refund_id, e.order_id,
         printf('ticket %s says %s; payments %s succeeded (%.2f %s)', e.t_ticket_id, e.t_decision, e.p_ids, e.p_succeeded_sum, coalesce(e.p_currency, ''))
  FROM _rec e WHERE e.t_decision IN ('rejected', 'withdrawn') AND coalesce(e.p_n_succeeded, 0) > 0
  UNION ALL
  SELECT 'APPROVED_NOT_PAID', e.refund_id, e.order_id,
         printf('ticket %s solved as %s on %s; no payment by %s', e.t_ticket_id, e.t_decision, strftime(e.t_decided_at, '%Y-%m-%d'), strftime(f.latest_payment, '%Y-%m-%d'))
  FROM _rec e, flags f WHERE f.has_payments AND e.kind = 'ticket' AND e.t_decision IN ('approved', 'partial')
    AND e.t_decided_at < f.latest_payment - INTERVAL 7 DAY AND NOT coalesce(e.p_n, 0) > 0
  UNION ALL
  SELECT 'PAID_WITHOUT_TICKET', e.refund_id, e.order_id,
         printf('payment %s (%s, %.2f %s) belongs to no ticket', e.p_ids, CASE WHEN coalesce(e.p_n_succeeded, 0) > 0 THEN 'succeeded' ELSE 'not succeeded' END, coalesce(e.p_amount_sum, 0), coalesce(e.p_currency, ''))
  FROM _rec e, flags f WHERE f.has_tickets AND e.kind = 'payment'
  UNION ALL
  SELECT 'UNKNOWN_ORDER', e.refund_id, e.order_id,
         printf('%s %s names order %s, which the shop export does not have', CASE e.kind WHEN 'ticket' THEN 'ticket' ELSE 'payment' END,
                CASE e.kind WHEN 'ticket' THEN e.t_ticket_id ELSE e.p_ids END, e.order_id)
  FROM _rec e, flags f WHERE f.has_shop AND e.kind IN ('ticket', 'payment') AND e.s_order_id IS NULL AND e.order_key IS NOT NULL`;

/** Where each field of a merged refund came from, and its source records' ids. */
export const LINEAGE_SQL = `CREATE OR REPLACE TEMP TABLE _lineage AS
  SELECT refund_id, order_key, t_ticket_id AS ticket_id, p_ids AS payment_ids, s_order_id AS shop_order_id,
    t_source AS ticket_source, p_source AS payment_source, s_source AS shop_source,
    to_json({${[...PRECEDENCE.map((f) => f.field), 'decision', 'refunded_amount'].map((f) => `'${f}': src_${f}`).join(', ')}})::VARCHAR AS lineage
  FROM _rec`;

/** Every statement, in order, that builds `_rec`, `_conflicts` and `_lineage` (the checked-in reconcile.sql). */
export function reconcileStatements(): string[] {
  return [...EPISODES_SQL, ...mergedSql().split(/;\n/), REC_SQL, CONFLICTS_SQL, LINEAGE_SQL].map((q) => q.trim());
}

/** The statements written out above as they run (no part generated): reconcile.sql names them instead of repeating them. */
export const WRITTEN_OUT: ReadonlySet<string> = new Set([...EPISODES_SQL.slice(0, 3), REC_SQL, CONFLICTS_SQL].map((q) => q.trim()));

/**
 * reconcile.sql: every statement in order, the generated ones in full and the ones written out in
 * this file by the table they create.
 */
export function reconcileSqlFile(): string {
  const header = '-- Generated from reconcile.ts (reconcileSqlFile); do not edit. `UPDATE_SQL=1 npx jest reconcile` rewrites it.\n\n';
  const shown = reconcileStatements().map((q) => {
    if (!WRITTEN_OUT.has(q)) return `${q};`;
    const table = /^CREATE OR REPLACE TEMP TABLE (\w+)/.exec(q)?.[1] ?? '?';
    return `-- ${table}: written out in reconcile.ts as it runs.`;
  });
  return header + shown.join('\n\n') + '\n';
}
