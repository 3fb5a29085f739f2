-- Generated from reconcile.ts (reconcileSqlFile); do not edit. `UPDATE_SQL=1 npx jest reconcile` rewrites it.

-- _pay: written out in reconcile.ts as it runs.

-- _pagg: written out in reconcile.ts as it runs.

-- _eps: written out in reconcile.ts as it runs.

CREATE OR REPLACE TEMP TABLE _ep AS
   SELECT eps.refund_id, eps.kind, eps.order_key, eps.refunds_of_order,
     t.refund_id AS t_refund_id,
     t.ticket_id AS t_ticket_id,
     t.source AS t_source,
     t.order_ref AS t_order_ref,
     t.customer_id AS t_customer_id,
     t.agent_id AS t_agent_id,
     t.channel AS t_channel,
     t.product_id AS t_product_id,
     t.product_line AS t_product_line,
     t.reason_code AS t_reason_code,
     t.reason_text AS t_reason_text,
     t.requested_at AS t_requested_at,
     t.decided_at AS t_decided_at,
     t.paid_at AS t_paid_at,
     t.decision AS t_decision,
     t.requested_amount AS t_requested_amount,
     t.refunded_amount AS t_refunded_amount,
     t.currency AS t_currency,
     t.payout_method AS t_payout_method,
     t.payout_status AS t_payout_status,
     t.campaign AS t_campaign,
     t.contacts AS t_contacts,
     t.escalated AS t_escalated,
     t.reopened AS t_reopened,
     t.evidence_complete AS t_evidence_complete,
     t.reviewer_id AS t_reviewer_id,
     t.policy_version AS t_policy_version,
     pa.n AS p_n,
     pa.n_succeeded AS p_n_succeeded,
     pa.n_pending AS p_n_pending,
     pa.n_failed AS p_n_failed,
     pa.n_canceled AS p_n_canceled,
     pa.succeeded_sum AS p_succeeded_sum,
     pa.amount_sum AS p_amount_sum,
     pa.first_at AS p_first_at,
     pa.first_paid_at AS p_first_paid_at,
     pa.last_paid_at AS p_last_paid_at,
     pa.ids AS p_ids,
     pa.first_id AS p_first_id,
     pa.order_ref AS p_order_ref,
     pa.customer_id AS p_customer_id,
     pa.currency AS p_currency,
     pa.order_amount AS p_order_amount,
     pa.agent_id AS p_agent_id,
     pa.channel AS p_channel,
     pa.product_id AS p_product_id,
     pa.product_line AS p_product_line,
     pa.reason_code AS p_reason_code,
     pa.reason_text AS p_reason_text,
     pa.campaign AS p_campaign,
     pa.source_name AS p_source,
     o.order_id AS s_order_id,
     o.source AS s_source,
     o.customer_id AS s_customer_id,
     o.amount AS s_amount,
     o.currency AS s_currency,
     o.channel AS s_channel,
     o.campaign AS s_campaign,
     o.product_id AS s_product_id,
     o.product_line AS s_product_line,
     o.financial_status AS s_financial_status,
     o.refunded_amount AS s_refunded_amount,
     o.refund_at AS s_refund_at,
     o.reason_code AS s_reason_code,
     o.reason_text AS s_reason_text
   FROM _eps eps
   LEFT JOIN src_tickets t ON eps.kind = 'ticket' AND t.refund_id = eps.refund_id
   LEFT JOIN _pagg pa ON pa.ep_id = eps.refund_id AND eps.kind <> 'shop'
   LEFT JOIN src_shop_orders o ON o.order_key = eps.order_key;

CREATE OR REPLACE TEMP TABLE _rec0 AS
   SELECT e.*,
     coalesce(e.s_order_id, trim(e.t_order_ref), trim(e.p_order_ref)) AS order_id,
     CASE WHEN e.s_order_id IS NOT NULL THEN e.s_source WHEN trim(e.t_order_ref) IS NOT NULL THEN e.t_source WHEN trim(e.p_order_ref) IS NOT NULL THEN e.p_source END AS src_order_id,
     coalesce(e.s_customer_id, e.t_customer_id, e.p_customer_id) AS customer_id,
     CASE WHEN e.s_customer_id IS NOT NULL THEN e.s_source WHEN e.t_customer_id IS NOT NULL THEN e.t_source WHEN e.p_customer_id IS NOT NULL THEN e.p_source END AS src_customer_id,
     coalesce(e.s_product_id, e.t_product_id, e.p_product_id) AS product_id,
     CASE WHEN e.s_product_id IS NOT NULL THEN e.s_source WHEN e.t_product_id IS NOT NULL THEN e.t_source WHEN e.p_product_id IS NOT NULL THEN e.p_source END AS src_product_id,
     coalesce(e.s_product_line, e.t_product_line, e.p_product_line) AS product_line,
     CASE WHEN e.s_product_line IS NOT NULL THEN e.s_source WHEN e.t_product_line IS NOT NULL THEN e.t_source WHEN e.p_product_line IS NOT NULL THEN e.p_source END AS src_product_line,
     coalesce(e.s_campaign, e.t_campaign, e.p_campaign) AS campaign,
     CASE WHEN e.s_campaign IS NOT NULL THEN e.s_source WHEN e.t_campaign IS NOT NULL THEN e.t_source WHEN e.p_campaign IS NOT NULL THEN e.p_source END AS src_campaign,
     coalesce(e.t_requested_at, e.p_first_at, e.s_refund_at) AS requested_at,
     CASE WHEN e.t_requested_at IS NOT NULL THEN e.t_source WHEN e.p_first_at IS NOT NULL THEN e.p_source WHEN e.s_refund_at IS NOT NULL THEN e.s_source END AS src_requested_at,
     coalesce(e.t_agent_id, e.p_agent_id) AS agent_id,
     CASE WHEN e.t_agent_id IS NOT NULL THEN e.t_source WHEN e.p_agent_id IS NOT NULL THEN e.p_source END AS src_agent_id,
     coalesce(e.t_channel, e.s_channel, e.p_channel) AS channel,
     CASE WHEN e.t_channel IS NOT NULL THEN e.t_source WHEN e.s_channel IS NOT NULL THEN e.s_source WHEN e.p_channel IS NOT NULL THEN e.p_source END AS src_channel,
     coalesce(e.t_reason_code, e.p_reason_code, e.s_reason_code) AS reason_code,
     CASE WHEN e.t_reason_code IS NOT NULL THEN e.t_source WHEN e.p_reason_code IS NOT NULL THEN e.p_source WHEN e.s_reason_code IS NOT NULL THEN e.s_source END AS src_reason_code,
     coalesce(e.t_reason_text, e.p_reason_text, e.s_reason_text) AS reason_text,
     CASE WHEN e.t_reason_text IS NOT NULL THEN e.t_source WHEN e.p_reason_text IS NOT NULL THEN e.p_source WHEN e.s_reason_text IS NOT NULL THEN e.s_source END AS src_reason_text,
     coalesce(e.p_currency, e.s_currency, e.t_currency) AS currency,
     CASE WHEN e.p_currency IS NOT NULL THEN e.p_source WHEN e.s_currency IS NOT NULL THEN e.s_source WHEN e.t_currency IS NOT NULL THEN e.t_source END AS src_currency,
     coalesce(CASE WHEN coalesce(e.p_n, 0) > 0 THEN CASE
    WHEN coalesce(e.p_n_succeeded, 0) > 0 THEN CASE WHEN coalesce(CASE WHEN e.s_currency IS NOT DISTINCT FROM e.p_currency THEN e.s_amount END, e.p_order_amount, nullif(e.t_requested_amount, 0)) IS NULL OR e.p_succeeded_sum >= coalesce(CASE WHEN e.s_currency IS NOT DISTINCT FROM e.p_currency THEN e.s_amount END, e.p_order_amount, nullif(e.t_requested_amount, 0)) - 0.005 THEN 'approved' ELSE 'partial' END
    WHEN coalesce(e.p_n_pending, 0) > 0 THEN CASE WHEN e.t_refund_id IS NULL THEN 'approved' END
    WHEN coalesce(e.p_n_failed, 0) > 0 THEN 'approved'
    WHEN coalesce(e.p_n_canceled, 0) > 0 THEN 'withdrawn'
  END END, e.t_decision, CASE e.s_financial_status WHEN 'refunded' THEN 'approved' WHEN 'partially_refunded' THEN 'partial' END, 'approved') AS decision,
     CASE WHEN coalesce(e.p_n, 0) > 0 AND (CASE
    WHEN coalesce(e.p_n_succeeded, 0) > 0 THEN CASE WHEN coalesce(CASE WHEN e.s_currency IS NOT DISTINCT FROM e.p_currency THEN e.s_amount END, e.p_order_amount, nullif(e.t_requested_amount, 0)) IS NULL OR e.p_succeeded_sum >= coalesce(CASE WHEN e.s_currency IS NOT DISTINCT FROM e.p_currency THEN e.s_amount END, e.p_order_amount, nullif(e.t_requested_amount, 0)) - 0.005 THEN 'approved' ELSE 'partial' END
    WHEN coalesce(e.p_n_pending, 0) > 0 THEN CASE WHEN e.t_refund_id IS NULL THEN 'approved' END
    WHEN coalesce(e.p_n_failed, 0) > 0 THEN 'approved'
    WHEN coalesce(e.p_n_canceled, 0) > 0 THEN 'withdrawn'
  END) IS NOT NULL THEN e.p_source WHEN e.t_decision IS NOT NULL THEN e.t_source ELSE e.s_source END AS src_decision
   FROM _ep e;

CREATE OR REPLACE TEMP TABLE _rec1 AS
   SELECT e.*,
     CASE
       WHEN e.decision = 'pending' THEN NULL
       WHEN e.decision IN ('rejected', 'withdrawn') AND NOT coalesce(e.p_n_succeeded, 0) > 0 THEN 0
       WHEN coalesce(e.p_n, 0) > 0 THEN coalesce(e.p_succeeded_sum, 0)
       WHEN CASE WHEN e.refunds_of_order = 1 THEN e.s_refunded_amount END IS NOT NULL THEN CASE WHEN e.refunds_of_order = 1 THEN e.s_refunded_amount END
       ELSE e.t_refunded_amount
     END AS refunded_amount,
     CASE
       WHEN e.decision = 'pending' THEN NULL
       WHEN e.decision IN ('rejected', 'withdrawn') AND NOT coalesce(e.p_n_succeeded, 0) > 0 THEN coalesce(e.t_source, e.p_source, e.s_source)
       WHEN coalesce(e.p_n, 0) > 0 THEN e.p_source
       WHEN CASE WHEN e.refunds_of_order = 1 THEN e.s_refunded_amount END IS NOT NULL THEN e.s_source
       ELSE e.t_source
     END AS src_refunded_amount,
     CASE
       WHEN coalesce(e.p_n, 0) > 0 THEN CASE WHEN coalesce(e.p_n_succeeded, 0) > 0 THEN 'succeeded' WHEN coalesce(e.p_n_failed, 0) > 0 THEN 'failed' WHEN coalesce(e.p_n_pending, 0) > 0 THEN 'pending' END
       WHEN e.kind = 'shop' OR (CASE WHEN e.refunds_of_order = 1 THEN e.s_refunded_amount END > 0 AND e.decision IN ('approved', 'partial')) THEN 'succeeded'
       ELSE e.t_payout_status
     END AS payout_status,
     CASE WHEN coalesce(e.p_n_succeeded, 0) > 0 THEN e.p_last_paid_at WHEN coalesce(e.p_n, 0) > 0 OR e.kind = 'shop' THEN NULL ELSE e.t_paid_at END AS paid_at0,
     CASE WHEN e.decision = 'pending' THEN NULL
          ELSE least(coalesce(e.t_decided_at, e.p_first_at, e.s_refund_at, e.requested_at), coalesce(e.p_first_paid_at, e.t_decided_at, e.p_first_at, e.s_refund_at, e.requested_at))
     END AS decided_at0
   FROM _rec0 e;

-- _rec: written out in reconcile.ts as it runs.

-- _conflicts: written out in reconcile.ts as it runs.

CREATE OR REPLACE TEMP TABLE _lineage AS
  SELECT refund_id, order_key, t_ticket_id AS ticket_id, p_ids AS payment_ids, s_order_id AS shop_order_id,
    t_source AS ticket_source, p_source AS payment_source, s_source AS shop_source,
    to_json({'order_id': src_order_id, 'customer_id': src_customer_id, 'product_id': src_product_id, 'product_line': src_product_line, 'campaign': src_campaign, 'requested_at': src_requested_at, 'agent_id': src_agent_id, 'channel': src_channel, 'reason_code': src_reason_code, 'reason_text': src_reason_text, 'currency': src_currency, 'decision': src_decision, 'refunded_amount': src_refunded_amount})::VARCHAR AS lineage
  FROM _rec;
