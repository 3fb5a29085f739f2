import type { DuckDBConnection } from '@duckdb/node-api';
import { runSql } from '@refunds/engine-duckdb';
import { decidedSql, raw, REV_WINDOWS, revColumn, sql } from '@refunds/warehouse';

export type FactsScope = 'all' | 'affected';

/**
 * Recomputes refund_facts. With scope 'affected', only the customers listed in the temp table
 * `_affected_customers` are recomputed: their repurchase facts depend only on their own orders.
 * Their new facts are also left in the temp table `_facts_new` (the rollup update compares them
 * with the old ones).
 */
export async function recomputeFacts(conn: DuckDBConnection, scope: FactsScope, reportingCurrency: string): Promise<void> {
  const onlyAffected = scope === 'affected';
  const restrict = (col: string) => (onlyAffected ? raw(`WHERE ${col} IN (SELECT customer_id FROM _affected_customers)`) : raw(''));
  const revSums = REV_WINDOWS.map((w) => `coalesce(fsum(o.amount) FILTER (WHERE o.ordered_at <= r.decided_at + INTERVAL ${w} DAY), 0) AS ${revColumn(w)}`).join(
    ',\n      ',
  );
  const revSelect = REV_WINDOWS.map((w) => `CASE WHEN r.decided_at IS NULL THEN NULL ELSE coalesce(rv.${revColumn(w)}, 0) END`).join(', ');

  // Named as in refund_facts (the SELECT below fills it by position).
  if (onlyAffected) await runSql(conn, `CREATE OR REPLACE TEMP TABLE _facts_new AS SELECT * FROM refund_facts LIMIT 0`);
  if (onlyAffected) await runSql(conn, `DELETE FROM refund_facts WHERE customer_id IN (SELECT customer_id FROM _affected_customers)`);
  else await runSql(conn, `DELETE FROM refund_facts`);

  const q = sql`
  INSERT INTO ${raw(onlyAffected ? '_facts_new' : 'refund_facts')}
  WITH
  r0 AS (SELECT * FROM refunds ${restrict('customer_id')}),
  o_raw AS (SELECT * FROM orders ${restrict('customer_id')}),
  -- fx rates looked up once per (currency, day) rather than per row: a handful of pairs, not millions
  fx_days AS (
    SELECT DISTINCT currency, CAST(requested_at AS DATE) AS d FROM r0 WHERE currency <> ${reportingCurrency}
    UNION SELECT DISTINCT currency, CAST(ordered_at AS DATE) FROM o_raw WHERE currency <> ${reportingCurrency}),
  fx_day AS (SELECT x.currency, x.d, f.rate_to_reporting AS rate FROM fx_days x ASOF LEFT JOIN fx_rates f ON x.currency = f.currency AND x.d >= f.date),
  o AS (
    SELECT o.order_id, o.customer_id, o.ordered_at,
      coalesce(o.amount, 0) * CASE WHEN coalesce(o.currency, ${reportingCurrency}) = ${reportingCurrency} THEN 1 ELSE fd.rate END AS amount
    FROM o_raw o LEFT JOIN fx_day fd ON fd.currency = o.currency AND fd.d = CAST(o.ordered_at AS DATE)
  ),
  r AS (
    SELECT r0.*, CASE WHEN coalesce(r0.currency, ${reportingCurrency}) = ${reportingCurrency} THEN 1 ELSE fd.rate END AS rate
    FROM r0 LEFT JOIN fx_day fd ON fd.currency = r0.currency AND fd.d = CAST(r0.requested_at AS DATE)
  ),
  -- the refund's own order (it need not be among the customer's orders)
  ro AS (SELECT order_id, ordered_at FROM orders ${raw(onlyAffected ? 'WHERE order_id IN (SELECT order_id FROM r0)' : '')}),
  first_order AS (SELECT customer_id, min(ordered_at) AS first_at FROM o GROUP BY customer_id),
  rv AS (
    SELECT r.refund_id, min(o.ordered_at) AS next_order_at,
      ${raw(revSums)}
    FROM r JOIN o ON o.customer_id = r.customer_id AND o.order_id <> r.order_id AND o.ordered_at > r.decided_at
    GROUP BY r.refund_id
  ),
  sv AS (
    SELECT s.refund_id,
      count(*) FILTER (WHERE kind = 'csat') AS csat_n,
      coalesce(sum(score) FILTER (WHERE kind = 'csat'), 0) AS csat_sum,
      count(*) FILTER (WHERE kind = 'csat' AND score >= 4) AS csat_hi,
      count(*) FILTER (WHERE kind = 'nps') AS nps_n,
      count(*) FILTER (WHERE kind = 'nps' AND score >= 9) AS nps_pro,
      count(*) FILTER (WHERE kind = 'nps' AND score <= 6) AS nps_det,
      coalesce(sum(score * score) FILTER (WHERE kind = 'csat'), 0) AS csat_sq
    FROM surveys s ${raw(onlyAffected ? 'WHERE s.refund_id IN (SELECT refund_id FROM r0)' : '')}
    GROUP BY s.refund_id
  )
  SELECT r.refund_id, r.order_id, r.customer_id, r.agent_id, r.channel, r.product_id, r.product_line,
    r.reason_code, coalesce(rf.family, 'other'), r.requested_at, r.decided_at, r.paid_at, r.decision,
    r.requested_amount * r.rate, r.refunded_amount * r.rate, coalesce(r.currency, ${reportingCurrency}), r.payout_status,
    coalesce(r.contacts, 0), coalesce(r.escalated, false), coalesce(r.reopened, false), r.evidence_complete,
    r.reviewer_id, r.policy_version, r.campaign, a.team,
    CASE WHEN fo.first_at IS NULL OR fo.first_at >= coalesce(ro.ordered_at, r.requested_at) THEN 'new' ELSE 'returning' END,
    CASE WHEN ${decidedSql('r.decision')} THEN epoch(r.decided_at - r.requested_at) / 3600.0 END,
    rv.next_order_at,
    ${raw(revSelect)},
    coalesce(sv.csat_n, 0), coalesce(sv.csat_sum, 0), coalesce(sv.csat_hi, 0),
    coalesce(sv.nps_n, 0), coalesce(sv.nps_pro, 0), coalesce(sv.nps_det, 0),
    coalesce(sv.csat_sq, 0)
  FROM r
  LEFT JOIN reason_families rf ON rf.reason_code = r.reason_code
  LEFT JOIN agents a ON a.agent_id = r.agent_id
  LEFT JOIN ro ON ro.order_id = r.order_id
  LEFT JOIN first_order fo ON fo.customer_id = r.customer_id
  LEFT JOIN rv ON rv.refund_id = r.refund_id
  LEFT JOIN sv ON sv.refund_id = r.refund_id
  ${raw(onlyAffected ? '' : 'ORDER BY r.requested_at')}`;
  await runSql(conn, q);
  if (onlyAffected) await runSql(conn, `INSERT INTO refund_facts SELECT * FROM _facts_new`);
}
