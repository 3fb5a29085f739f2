// The straightforward SQL a user would write from shared/spec/metrics.md directly over the raw tables
// (refunds, orders, surveys, agents, fx_rates, incentive_plans, policy_changes), never refund_facts.
// Each entry gives the SQL for a variant and, where cheap, a check that it agrees with the API's answer
// (so the speed-up compares like with like). Statistics the API computes in JS (Poisson and chi-square
// p-values, Fisher CIs, z-scores) are left to JS here too: they cost microseconds.

const REPORTING = 'CNY';
const DECIDED = `('approved', 'partial', 'rejected')`;
const FAMILIES = {
  defect: ['quality_defect', 'defective', 'damaged', 'not_as_described', 'wrong_item', 'missing_parts'],
  logistics: ['late_delivery', 'lost_in_transit', 'damaged_in_transit'],
  customer: ['changed_mind', 'misunderstanding', 'ordered_by_mistake', 'size', 'color', 'style', 'unwanted', 'found_cheaper'],
  billing: ['duplicate_charge', 'price_adjustment'],
  service: ['service_not_delivered', 'subscription_cancel'],
};
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const list = (xs) => `(${xs.map(q).join(', ')})`;
const familyCase = (col) =>
  `CASE ${Object.entries(FAMILIES)
    .map(([f, codes]) => `WHEN ${col} IN ${list(codes)} THEN '${f}'`)
    .join(' ')} ELSE 'other' END`;

/** The filter as a condition over refunds aliased `r` (teams via the agents table). */
function where(f = {}, { time = true } = {}) {
  const c = [];
  if (time && f.from) c.push(`r.requested_at >= TIMESTAMP ${q(f.from)}`);
  if (time && f.to) c.push(`r.requested_at < TIMESTAMP ${q(f.to)}`);
  if (f.channels?.length) c.push(`r.channel IN ${list(f.channels)}`);
  if (f.productLines?.length) c.push(`r.product_line IN ${list(f.productLines)}`);
  if (f.reasonCodes?.length) c.push(`r.reason_code IN ${list(f.reasonCodes)}`);
  if (f.agentIds?.length) c.push(`r.agent_id IN ${list(f.agentIds)}`);
  if (f.campaigns?.length) c.push(`r.campaign IN ${list(f.campaigns)}`);
  if (f.teams?.length) c.push(`r.agent_id IN (SELECT agent_id FROM agents WHERE team IN ${list(f.teams)})`);
  return c.length ? c.join(' AND ') : 'TRUE';
}

/** Refunds passing the filter, with the fx rate of their requested_at day (metrics.md: amounts after fx_rates). */
const rf = (f, opts) => `rf AS (
  SELECT r.*, CASE WHEN coalesce(r.currency, '${REPORTING}') = '${REPORTING}' THEN 1 ELSE fx.rate_to_reporting END AS rate
  FROM refunds r ASOF LEFT JOIN fx_rates fx ON fx.currency = r.currency AND CAST(r.requested_at AS DATE) >= fx.date
  WHERE ${where(f, opts)})`;

/** Orders in the reporting currency. */
const oc = `oc AS (
  SELECT o.order_id, o.customer_id, o.ordered_at,
    coalesce(o.amount, 0) * CASE WHEN coalesce(o.currency, '${REPORTING}') = '${REPORTING}' THEN 1 ELSE fx.rate_to_reporting END AS amount
  FROM orders o ASOF LEFT JOIN fx_rates fx ON fx.currency = o.currency AND CAST(o.ordered_at AS DATE) >= fx.date)`;

/** The repurchase window join: another order of the customer in (decided_at, decided_at + W]. */
const windowJoin = (e, o, w) =>
  `${o}.customer_id = ${e}.customer_id AND ${o}.order_id <> ${e}.order_id AND ${o}.ordered_at > ${e}.decided_at AND ${o}.ordered_at <= ${e}.decided_at + INTERVAL ${w} DAY`;

const resHours = `epoch(decided_at - requested_at) / 3600.0`;

/** Per-agent KPIs and outcomes (shared by scorecards, correlations and alignment). */
function agentSql(f) {
  return `WITH ${rf(f)},
  h AS (SELECT max(ordered_at) AS horizon FROM orders),
  d AS (SELECT * FROM rf WHERE decision IN ${DECIDED} AND agent_id IS NOT NULL),
  k AS (
    SELECT agent_id, count(*) AS handled,
      count(*) FILTER (WHERE decision IN ('approved', 'partial')) / count(*) AS "approvalRate",
      count(*) FILTER (WHERE decision = 'rejected') / count(*) AS "rejectionRate",
      avg(${resHours}) AS "resolutionHours",
      count(*) FILTER (WHERE coalesce(escalated, false)) / count(*) AS "escalationRate",
      avg(coalesce(contacts, 0)) AS "contactsPerRefund",
      count(*) FILTER (WHERE coalesce(reopened, false)) / count(*) AS "reopenRate",
      coalesce(sum(refunded_amount * rate), 0) / count(*) AS "refundCostPerCase"
    FROM d GROUP BY agent_id),
  sv AS (
    SELECT d.agent_id, avg(s.score) FILTER (WHERE s.kind = 'csat') AS "csatAvg",
      100.0 * (count(*) FILTER (WHERE s.kind = 'nps' AND s.score >= 9) - count(*) FILTER (WHERE s.kind = 'nps' AND s.score <= 6))
        / nullif(count(*) FILTER (WHERE s.kind = 'nps'), 0) AS nps
    FROM d JOIN surveys s ON s.refund_id = d.refund_id GROUP BY d.agent_id),
  rp AS (
    SELECT agent_id, count(*) FILTER (WHERE repurchased) / count(*) AS "repurchaseRate"
    FROM (
      SELECT d.refund_id, d.agent_id, count(o.order_id) > 0 AS repurchased
      FROM d CROSS JOIN h LEFT JOIN orders o ON ${windowJoin('d', 'o', 30)}
      WHERE d.decided_at + INTERVAL 30 DAY <= h.horizon
      GROUP BY d.refund_id, d.agent_id)
    GROUP BY agent_id)
  SELECT k.*, a.name, a.team, k.handled < 30 AS insufficient, sv."csatAvg", sv.nps, rp."repurchaseRate"
  FROM k LEFT JOIN agents a USING (agent_id) LEFT JOIN sv USING (agent_id) LEFT JOIN rp USING (agent_id)
  ORDER BY k.handled DESC, k.agent_id`;
}

const KPIS = ['handled', 'approvalRate', 'rejectionRate', 'resolutionHours', 'escalationRate', 'contactsPerRefund', 'reopenRate', 'refundCostPerCase'];
const OUTCOMES = ['csatAvg', 'nps', 'repurchaseRate'];

const num = (x) => (x === null || x === undefined ? null : Number(x));
const close = (a, b, tol = 1e-6) => (a === null || b === null ? a === b : Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)));

/** check(api, rows) -> null when equal, else a short description of the difference. */
function checkFields(pairs) {
  const bad = pairs.filter(([, a, b, tol]) => !close(num(a), num(b), tol));
  return bad.length ? bad.map(([n, a, b]) => `${n} api=${a} sql=${b}`).join('; ') : null;
}

/**
 * Checks API items against the straightforward rows of the same key (the item's property `itemKey`, the
 * row's column `rowKey`). Each field: [label, the item's property, the row's column, tolerance].
 */
function checkByKey(items, itemKey, rows, rowKey, fields) {
  const by = new Map(rows.map((r) => [r[rowKey], r]));
  return checkFields(
    items.flatMap((it) => fields.map(([label, prop, column, tol]) => [`${it[itemKey]}.${label}`, it[prop], by.get(it[itemKey])?.[column] ?? null, tol])),
  );
}

export const NAIVE = {
  overview: (v) => ({
    sql: `WITH ${rf(v.filter)},
      h AS (SELECT max(ordered_at) AS horizon FROM orders),
      as_of AS (SELECT max(requested_at) AS t FROM refunds)
    SELECT a.*, s.*, o.*, p.*
    FROM (
      SELECT count(*) AS refunds,
        count(*) FILTER (WHERE decision IN ${DECIDED}) AS decided,
        coalesce(sum(refunded_amount * rate), 0) AS "refundedAmount",
        count(*) FILTER (WHERE decision IN ('approved', 'partial')) / nullif(count(*) FILTER (WHERE decision IN ${DECIDED}), 0) AS "approvalRate",
        count(*) FILTER (WHERE decision = 'rejected') / nullif(count(*) FILTER (WHERE decision IN ${DECIDED}), 0) AS "rejectionRate",
        count(*) FILTER (WHERE decision = 'partial') / nullif(count(*) FILTER (WHERE decision IN ${DECIDED}), 0) AS "partialRate",
        count(*) FILTER (WHERE decision IN ${DECIDED} AND ${resHours} <= 48) / nullif(count(*) FILTER (WHERE decision IN ${DECIDED}), 0) AS "slaMetRate",
        avg(${resHours}) FILTER (WHERE decision IN ${DECIDED}) AS res_mean,
        quantile_cont(${resHours}, 0.5) FILTER (WHERE decision IN ${DECIDED}) AS res_p50,
        quantile_cont(${resHours}, 0.9) FILTER (WHERE decision IN ${DECIDED}) AS res_p90,
        count(*) FILTER (WHERE decision = 'pending' AND requested_at + INTERVAL 48 HOUR < (SELECT t FROM as_of)) AS "overduePending",
        count(*) FILTER (WHERE payout_status = 'failed') / nullif(count(payout_status), 0) AS "payoutFailureRate",
        count(*) FILTER (WHERE evidence_complete) / nullif(count(evidence_complete), 0) AS "evidenceCompleteRate",
        count(*) FILTER (WHERE decision IN ('approved', 'partial') AND refunded_amount * rate >= 1000
                         AND (reviewer_id IS NULL OR reviewer_id = agent_id)) AS "reviewGapCount"
      FROM rf) a,
    (SELECT avg(s.score) FILTER (WHERE s.kind = 'csat') AS "csatAvg",
        100.0 * (count(*) FILTER (WHERE s.kind = 'nps' AND s.score >= 9) - count(*) FILTER (WHERE s.kind = 'nps' AND s.score <= 6))
          / nullif(count(*) FILTER (WHERE s.kind = 'nps'), 0) AS nps
      FROM surveys s JOIN rf ON rf.refund_id = s.refund_id) s,
    (SELECT count(*) AS orders FROM orders r WHERE ${where({ from: v.filter.from, to: v.filter.to, channels: v.filter.channels, campaigns: v.filter.campaigns }).replaceAll('r.requested_at', 'r.ordered_at')}) o,
    (SELECT count(*) FILTER (WHERE repurchased) / nullif(count(*), 0) AS "repurchaseRate" FROM (
        SELECT e.refund_id, count(o.order_id) > 0 AS repurchased
        FROM rf e CROSS JOIN h LEFT JOIN orders o ON ${windowJoin('e', 'o', 30)}
        WHERE e.decision IN ${DECIDED} AND e.decided_at + INTERVAL 30 DAY <= h.horizon
        GROUP BY e.refund_id)) p`,
    check: (api, rows) => {
      const r = rows[0];
      const o = api.overview;
      return checkFields([
        ['refunds', o.refunds, r.refunds, 0],
        ['decided', o.decided, r.decided, 0],
        ['refundedAmount', o.refundedAmount, r.refundedAmount, 1e-6],
        ['approvalRate', o.approvalRate, r.approvalRate],
        ['overduePending', o.overduePending, r.overduePending, 0],
        ['reviewGapCount', o.reviewGapCount, r.reviewGapCount, 0],
        ['csatAvg', o.csatAvg, r.csatAvg],
        ['refundRate', o.refundRate, r.orders ? Number(r.refunds) / Number(r.orders) : null],
        ['repurchaseRate', o.repurchaseRate, r.repurchaseRate],
      ]);
    },
  }),

  reasonTrends: (v) => ({
    sql: `WITH ${rf(v.filter)},
      g AS (
        SELECT strftime(date_trunc('week', requested_at), '%Y-%m-%d') AS period, reason_code, ${familyCase('reason_code')} AS family,
          count(*) AS refunds, coalesce(sum(refunded_amount * rate), 0) AS refunded_amount
        FROM rf GROUP BY ALL)
    SELECT *, refunds / sum(refunds) OVER (PARTITION BY period) AS share FROM g ORDER BY period, reason_code`,
    check: (api, rows) => (api.reasonTrends.length === rows.length ? null : `points api=${api.reasonTrends.length} sql=${rows.length}`),
  }),

  refundSpikes: (v) => ({
    // The time filter picks the weeks reported; the history before `from` still feeds `expected`.
    sql: `WITH ${rf(v.filter, { time: false })},
      w AS (SELECT product_id, product_line, reason_code, CAST(date_trunc('week', requested_at) AS DATE) AS wk,
                   reason_code IN ${list(FAMILIES.defect)} AS defect FROM rf WHERE product_id IS NOT NULL),
      first_wk AS (SELECT product_id, min(wk) AS first_wk, mode(product_line) AS product_line FROM w GROUP BY product_id),
      c AS (SELECT product_id, wk, count(*) AS c FROM w WHERE defect GROUP BY product_id, wk),
      cand AS (
        SELECT c.*, datediff('week', fw.first_wk, c.wk) AS k, fw.product_line FROM c JOIN first_wk fw USING (product_id)
        WHERE c.c >= 5 AND datediff('week', fw.first_wk, c.wk) >= 4
          ${v.filter.from ? `AND c.wk >= DATE ${q(v.filter.from)}` : ''} ${v.filter.to ? `AND c.wk < DATE ${q(v.filter.to)}` : ''}),
      e AS (
        SELECT cand.product_id, cand.product_line, cand.wk, cand.c, cand.k, coalesce(sum(h.c), 0) / least(8, cand.k) AS expected
        FROM cand LEFT JOIN c h ON h.product_id = cand.product_id AND h.wk < cand.wk AND h.wk >= cand.wk - to_days(CAST(7 * least(8, cand.k) AS INTEGER))
        GROUP BY cand.product_id, cand.product_line, cand.wk, cand.c, cand.k),
      top AS (
        SELECT product_id, wk, reason_code, row_number() OVER (PARTITION BY product_id, wk ORDER BY count(*) DESC, reason_code) AS rn
        FROM w WHERE defect GROUP BY product_id, wk, reason_code)
    SELECT e.*, top.reason_code AS top_reason FROM e JOIN top ON top.product_id = e.product_id AND top.wk = e.wk AND top.rn = 1`,
    // The API keeps only Poisson-significant weeks, so only a containment check is cheap here.
    check: (api, rows) => {
      const have = new Set(rows.map((r) => `${r.product_id}|${String(r.wk instanceof Date ? r.wk.toISOString().slice(0, 10) : r.wk).slice(0, 10)}`));
      const missing = api.refundSpikes.filter((s) => !have.has(`${s.productId}|${s.week}`));
      return missing.length ? `${missing.length} API spikes not among the SQL candidates` : null;
    },
  }),

  channelConsistency: (v) => ({
    sql: `WITH ${rf(v.filter)},
      cells AS (
        SELECT reason_code, product_line,
          CASE WHEN requested_amount * rate < 50 THEN '[0,50)' WHEN requested_amount * rate < 200 THEN '[50,200)'
               WHEN requested_amount * rate < 1000 THEN '[200,1000)' ELSE '[1000,inf)' END AS band,
          channel, count(*) AS n, count(*) FILTER (WHERE decision IN ('approved', 'partial')) / count(*) AS approval_rate
        FROM rf WHERE decision IN ${DECIDED}
        GROUP BY ALL HAVING count(*) >= 20),
      cohorts AS (
        SELECT reason_code, product_line, band, max(approval_rate) - min(approval_rate) AS gap, sum(n) AS n,
          list({'channel': channel, 'n': n, 'rate': approval_rate}) AS channels
        FROM cells GROUP BY ALL HAVING count(*) >= 2)
    SELECT count(*) AS comparable, count(*) FILTER (WHERE gap >= 0.15) AS inconsistent,
      sum(n) FILTER (WHERE gap >= 0.15) / sum(n) AS inconsistency_rate, list(cohorts) AS cohorts
    FROM cohorts`,
    check: (api, rows) =>
      checkFields([
        ['comparableCohorts', api.channelConsistency.comparableCohorts, rows[0].comparable, 0],
        ['inconsistentCohorts', api.channelConsistency.inconsistentCohorts, rows[0].inconsistent, 0],
      ]),
  }),

  customerExperience: (v) => ({
    sql: `SELECT r.decision AS key, count(DISTINCT r.refund_id) AS refunds,
        avg(s.score) FILTER (WHERE s.kind = 'csat') AS csat_avg,
        count(*) FILTER (WHERE s.kind = 'csat' AND s.score >= 4) / nullif(count(*) FILTER (WHERE s.kind = 'csat'), 0) AS csat_rate,
        count(*) FILTER (WHERE s.kind = 'csat') AS csat_responses,
        100.0 * (count(*) FILTER (WHERE s.kind = 'nps' AND s.score >= 9) - count(*) FILTER (WHERE s.kind = 'nps' AND s.score <= 6))
          / nullif(count(*) FILTER (WHERE s.kind = 'nps'), 0) AS nps,
        count(*) FILTER (WHERE s.kind = 'nps') AS nps_responses
      FROM refunds r LEFT JOIN surveys s ON s.refund_id = r.refund_id
      WHERE ${where(v.filter)}
      GROUP BY r.decision ORDER BY 1`,
    check: (api, rows) =>
      checkByKey(api.customerExperience, 'key', rows, 'key', [
        ['csatResponses', 'csatResponses', 'csat_responses', 0],
        ['csatAvg', 'csatAvg', 'csat_avg'],
      ]),
  }),

  repurchaseAfterRefund: (v) => ({
    sql: `WITH h AS (SELECT max(ordered_at) AS horizon FROM orders), ${oc},
      e AS (
        SELECT r.refund_id, r.order_id, r.customer_id, r.decided_at, r.decision FROM refunds r, h
        WHERE r.decision IN ${DECIDED} AND r.decided_at + INTERVAL 30 DAY <= h.horizon AND ${where(v.filter)}),
      per AS (
        SELECT e.refund_id, e.decision, count(o.order_id) AS orders, coalesce(sum(o.amount), 0) AS revenue
        FROM e LEFT JOIN oc o ON ${windowJoin('e', 'o', 30)}
        GROUP BY e.refund_id, e.decision)
    SELECT decision AS key, count(*) AS eligible, count(*) FILTER (WHERE orders > 0) AS repurchased,
      count(*) FILTER (WHERE orders > 0) / count(*) AS repurchase_rate, avg(revenue) AS repurchase_revenue
    FROM per GROUP BY decision ORDER BY 1`,
    check: (api, rows) =>
      checkByKey(api.repurchaseAfterRefund, 'key', rows, 'key', [
        ['eligible', 'eligible', 'eligible', 0],
        ['repurchased', 'repurchased', 'repurchased', 0],
        ['revenue', 'repurchaseRevenue', 'repurchase_revenue', 1e-6],
      ]),
  }),

  rejectionEconomics: (v) => ({
    sql: `WITH h AS (SELECT max(ordered_at) AS horizon FROM orders), ${oc}, ${rf(v.filter)},
      e AS (SELECT rf.* FROM rf, h WHERE rf.decision IN ${DECIDED} AND rf.decided_at + INTERVAL 90 DAY <= h.horizon),
      per AS (
        SELECT e.refund_id, e.decision, e.requested_amount * e.rate AS requested, coalesce(sum(o.amount), 0) AS revenue
        FROM e LEFT JOIN oc o ON ${windowJoin('e', 'o', 90)}
        GROUP BY ALL)
    SELECT coalesce(sum(requested) FILTER (WHERE decision = 'rejected'), 0) AS savings,
      (avg(revenue) FILTER (WHERE decision = 'approved') - avg(revenue) FILTER (WHERE decision = 'rejected'))
        * count(*) FILTER (WHERE decision = 'rejected') AS revenue_gap,
      count(*) FILTER (WHERE decision = 'rejected') AS rejected_count, count(*) AS eligible
    FROM per`,
    check: (api, rows) =>
      checkFields([
        ['rejectedCount', api.rejectionEconomics.rejectedCount, rows[0].rejected_count, 0],
        ['eligible', api.rejectionEconomics.eligible, rows[0].eligible, 0],
        ['savings', api.rejectionEconomics.savings, rows[0].savings, 1e-6],
        ['revenueGap', api.rejectionEconomics.revenueGap, rows[0].revenue_gap, 1e-6],
      ]),
  }),

  agentScorecards: (v) => ({
    sql: agentSql(v.filter),
    check: (api, rows) =>
      checkByKey(api.agentScorecards, 'agentId', rows, 'agent_id', [
        ['handled', 'handled', 'handled', 0],
        ['repurchaseRate', 'repurchaseRate', 'repurchaseRate'],
        ['refundCostPerCase', 'refundCostPerCase', 'refundCostPerCase'],
      ]),
  }),

  kpiOutcomeCorrelations: (v) => {
    const pairs = KPIS.flatMap((k) =>
      OUTCOMES.map(
        (o) =>
          `SELECT '${k}' AS kpi, '${o}' AS outcome, CAST("${k}" AS DOUBLE) AS x, CAST("${o}" AS DOUBLE) AS y FROM cards WHERE NOT insufficient AND "${k}" IS NOT NULL AND "${o}" IS NOT NULL`,
      ),
    );
    const avgRank = (c) => `rank() OVER (PARTITION BY kpi, outcome ORDER BY ${c}) + (count(*) OVER (PARTITION BY kpi, outcome, ${c}) - 1) / 2.0`;
    return {
      sql: `WITH cards AS (${agentSql(v.filter)}),
        p AS (${pairs.join('\nUNION ALL ')}),
        rk AS (SELECT *, ${avgRank('x')} AS rx, ${avgRank('y')} AS ry FROM p)
      SELECT kpi, outcome, count(*) AS n, corr(y, x) AS pearson, corr(ry, rx) AS spearman FROM rk GROUP BY kpi, outcome`,
      check: (api, rows) => {
        const by = new Map(rows.map((r) => [`${r.kpi}|${r.outcome}`, r]));
        return checkFields(api.kpiOutcomeCorrelations.flatMap((c) => [[`${c.kpi}/${c.outcome}.n`, c.n, by.get(`${c.kpi}|${c.outcome}`)?.n ?? null, 0]]));
      },
    };
  },

  incentiveAlignment: (v) => ({
    // Per-agent KPIs in SQL; the plan (in effect at the end of the range) and the z-score / Spearman math in JS.
    sql: agentSql(v.filter),
    extraSql: `SELECT plan_id, effective_from, kpi, weight, direction FROM incentive_plans ORDER BY plan_id, kpi`,
    post: (rows, plans) => incentiveScores(rows, plans, v.filter.to ?? null),
    check: (api, rows, post) =>
      checkFields([
        ['n', api.incentiveAlignment.n, post.n, 0],
        ['alignment', api.incentiveAlignment.alignment, post.alignment, 1e-6],
      ]),
  }),

  policyImpact: (v) => ({
    sql: `WITH p AS (SELECT effective_at AS t, scope_channel AS sc, scope_product_line AS sp FROM policy_changes WHERE change_id = ${q(v.variables.changeId)}),
      h AS (SELECT max(ordered_at) AS horizon FROM orders),
      f AS (
        SELECT r.refund_id, r.order_id, r.customer_id, r.decided_at, r.decision IN ${DECIDED} AS decided, r.decision,
          CASE WHEN r.requested_at < p.t THEN 'pre' ELSE 'post' END AS period,
          coalesce((p.sc IS NULL OR r.channel = p.sc) AND (p.sp IS NULL OR r.product_line = p.sp), false) AS in_scope,
          ${resHours.replaceAll('decided_at', 'r.decided_at').replaceAll('requested_at', 'r.requested_at')} AS res
        FROM refunds r, p WHERE r.requested_at >= p.t - INTERVAL 90 DAY AND r.requested_at < p.t + INTERVAL 90 DAY),
      rep AS (
        SELECT f.refund_id, count(o.order_id) > 0 AS repurchased
        FROM f CROSS JOIN h LEFT JOIN orders o ON ${windowJoin('f', 'o', 30)}
        WHERE f.decided AND f.decided_at + INTERVAL 30 DAY <= h.horizon GROUP BY f.refund_id),
      cs AS (SELECT f.in_scope, f.period, count(*) AS csat_n, count(*) FILTER (WHERE s.score >= 4) AS csat_hi, avg(s.score) AS csat_mean, var_samp(s.score) AS csat_var
             FROM f JOIN surveys s ON s.refund_id = f.refund_id WHERE s.kind = 'csat' GROUP BY ALL),
      a AS (
        SELECT f.in_scope, f.period, count(*) FILTER (WHERE decided) AS decided,
          count(*) FILTER (WHERE decision IN ('approved', 'partial')) AS approved_or_partial,
          count(*) FILTER (WHERE decision = 'rejected') AS rejected,
          count(*) FILTER (WHERE decided AND res <= 48) AS sla_met,
          avg(res) FILTER (WHERE decided) AS res_mean, var_samp(res) FILTER (WHERE decided) AS res_var,
          count(rep.refund_id) AS rep_eligible, count(*) FILTER (WHERE rep.repurchased) AS rep_yes
        FROM f LEFT JOIN rep USING (refund_id) GROUP BY ALL)
    SELECT a.*, cs.csat_n, cs.csat_hi, cs.csat_mean, cs.csat_var FROM a LEFT JOIN cs USING (in_scope, period)`,
    check: (api, rows) => {
      const post = rows.filter((r) => r.in_scope && r.period === 'post');
      const m = api.policyImpact.metrics.find((x) => x.metric === 'approvalRate');
      return checkFields([['approvalRate.postN', m?.postN ?? null, post.length ? post[0].decided : null, 0]]);
    },
  }),
};

// --- incentive alignment math (metrics.md), for the straightforward variant ---

function planInEffect(plans, to) {
  const byId = new Map();
  for (const p of plans) {
    const from = p.effective_from instanceof Date ? p.effective_from.toISOString().slice(0, 10) : String(p.effective_from).slice(0, 10);
    const e = byId.get(p.plan_id) ?? { planId: p.plan_id, from, weights: [] };
    if (from < e.from) e.from = from;
    e.weights.push({ kpi: p.kpi, weight: Number(p.weight), dir: p.direction === 'lower_is_better' ? -1 : 1 });
    byId.set(p.plan_id, e);
  }
  const all = [...byId.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.planId < b.planId ? -1 : 1));
  if (!all.length) return null;
  const last = to ? new Date(Date.parse(`${to}T00:00:00Z`) - 86400000).toISOString().slice(0, 10) : null;
  const started = all.filter((p) => last === null || p.from <= last);
  return started.length ? started[started.length - 1] : all[0];
}

function zScores(values) {
  const present = values.filter((x) => x !== null);
  if (!present.length) return values.map(() => null);
  const mean = present.reduce((a, b) => a + b, 0) / present.length;
  const sd = Math.sqrt(present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length);
  return values.map((x) => (x === null ? null : sd === 0 ? 0 : (x - mean) / sd));
}

function avgRanks(xs) {
  const idx = xs.map((x, i) => [x, i]).sort((a, b) => b[0] - a[0]);
  const r = new Array(xs.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    for (let k = i; k <= j; k++) r[idx[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function pearson(x, y) {
  const n = x.length;
  if (n < 2) return null;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

function incentiveScores(rows, plans, to) {
  const agents = rows.filter((r) => !r.insufficient);
  const plan = planInEffect(plans, to);
  if (!plan) return { n: 0, alignment: null };
  const num0 = (x) => (x === null || x === undefined ? null : Number(x));
  const incentive = agents.map(() => 0);
  for (const w of plan.weights) {
    const z = zScores(agents.map((a) => num0(a[w.kpi])));
    z.forEach((v, i) => (incentive[i] += w.weight * w.dir * (v ?? 0)));
  }
  const zs = OUTCOMES.map((o) => zScores(agents.map((a) => num0(a[o]))));
  const outcome = agents.map((_, i) => {
    const p = zs.map((z) => z[i]).filter((v) => v !== null);
    return p.length ? p.reduce((a, b) => a + b, 0) / p.length : null;
  });
  const both = agents.map((_, i) => i).filter((i) => outcome[i] !== null);
  const alignment = pearson(avgRanks(both.map((i) => incentive[i])), avgRanks(both.map((i) => outcome[i])));
  return { n: both.length, alignment };
}
