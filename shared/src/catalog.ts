import { DECIDED, type Decision, type Label } from './types';

/**
 * The metric catalog: every number the API returns, declared once as data. The server compiles
 * SQL from the dimension and filter entries and exposes the whole catalog to the client, which
 * shows `formula` and `caveat` as tooltips. Choices that metrics.md leaves open are written down
 * here, in the caveat of the metric they affect.
 */

export type Unit = 'count' | 'rate' | 'currency' | 'hours' | 'score5' | 'nps' | 'ratio' | 'pvalue' | 'correlation';

/**
 * A measure of the warehouse model (shared/warehouse/src/rollups.ts MEASURES, by name), summed over
 * the refunds of the given decisions (all refunds when omitted).
 */
export interface MeasureRef {
  measure: string;
  decisions?: readonly Decision[];
}

/** Tables that hold measures: the daily rollups, the weekly product counts and the daily order counts. */
export type RollupName = 'refund_daily' | 'agent_daily' | 'cohort_daily' | 'product_weekly' | 'order_daily';

/**
 * How the warehouse computes a metric. `sum` and `ratio` are compiled by the server's metric
 * compiler (server/src/common/semantic/metric-query.ts); `derived` metrics are statistics a
 * service computes from the tallies it names (matched comparisons, tests, correlations).
 */
export type MetricCompute =
  | { kind: 'sum'; sum: MeasureRef }
  | { kind: 'ratio'; numerator: MeasureRef; minus?: MeasureRef; denominator: MeasureRef; scale?: number }
  | { kind: 'derived'; reads: readonly MeasureRef[] };

export interface MetricSource {
  compute: MetricCompute;
  /** The tables that can answer it (an empty list: refund_facts only). */
  rollups: readonly RollupName[];
  /** Columns it groups or matches by, besides decision: each rollup named must have them. */
  keys?: readonly string[];
}

export interface MetricDef extends MetricSource {
  name: string;
  label: Label;
  unit: Unit;
  formula: Label;
  caveat?: Label;
  /** Which way is good for the customer; undefined when neither is. */
  better?: 'higher' | 'lower';
}

const DAILY: readonly RollupName[] = ['refund_daily', 'agent_daily', 'cohort_daily'];
const all = (measure: string): MeasureRef => ({ measure });
const decided = (measure: string): MeasureRef => ({ measure, decisions: DECIDED });
const of = (measure: string, ...decisions: Decision[]): MeasureRef => ({ measure, decisions });
const sum = (ref: MeasureRef, rollups = DAILY): MetricSource => ({ compute: { kind: 'sum', sum: ref }, rollups });
const ratio = (numerator: MeasureRef, denominator: MeasureRef, rollups = DAILY): MetricSource => ({
  compute: { kind: 'ratio', numerator, denominator },
  rollups,
});
const derived = (reads: MeasureRef[], rollups: readonly RollupName[], keys?: readonly string[]): MetricSource => ({
  compute: { kind: 'derived', reads },
  rollups,
  ...(keys ? { keys } : {}),
});
const AGENT = ['agent_id'];
/** The strata of the matched comparison (metrics.md "What a rejection costs"). */
const STRATA = ['reason_code', 'product_line', 'amount_band', 'customer_type'];
const ECONOMICS = [of('eco_eligible', 'approved', 'rejected'), of('eco_requested', 'rejected'), of('eco_rev', 'approved', 'rejected')];

/** The measures of each metric: the one place a metric's numerator and denominator are bound. */
const SOURCES: Record<string, MetricSource> = {
  refunds: sum(all('n')),
  decided: sum(decided('n')),
  refundedAmount: sum(all('refunded_amount')),
  approvalRate: ratio(of('n', 'approved', 'partial'), decided('n')),
  rejectionRate: ratio(of('n', 'rejected'), decided('n')),
  partialRate: ratio(of('n', 'partial'), decided('n')),
  // refunds over the orders of order_daily, which has channel and campaign only (see the caveat)
  refundRate: derived([all('n')], ['refund_daily']),
  resolutionHours: ratio(decided('res_sum'), decided('res_n')),
  slaMetRate: ratio(decided('sla_met'), decided('n')),
  overduePending: sum(of('overdue', 'pending')),
  payoutFailureRate: ratio(all('payout_failed'), all('payout_n')),
  evidenceCompleteRate: ratio(all('evidence_true'), all('evidence_n')),
  reviewGapCount: sum(of('review_gap', 'approved', 'partial')),
  csatAvg: ratio(all('csat_sum'), all('csat_n')),
  csatRate: ratio(all('csat_hi'), all('csat_n')),
  nps: { compute: { kind: 'ratio', numerator: all('nps_pro'), minus: all('nps_det'), denominator: all('nps_n'), scale: 100 }, rollups: DAILY },
  repurchaseRate: ratio(decided('rep_yes'), decided('rep_eligible')),
  repurchaseRevenue: derived([decided('rep_rev'), decided('rep_eligible')], DAILY),
  savings: derived(ECONOMICS, DAILY),
  revenueGap: derived(ECONOMICS, DAILY),
  net: derived(ECONOMICS, DAILY),
  att: derived([...ECONOMICS, of('eco_rev2', 'approved', 'rejected'), of('eco_yes', 'approved', 'rejected')], ['cohort_daily'], STRATA),
  naiveGap: derived(ECONOMICS, DAILY),
  coverage: derived([of('eco_eligible', 'approved', 'rejected')], ['cohort_daily'], STRATA),
  handled: { ...sum(decided('n'), ['agent_daily']), keys: AGENT },
  escalationRate: { ...ratio(decided('escalated'), decided('n'), ['agent_daily']), keys: AGENT },
  contactsPerRefund: { ...ratio(decided('contacts_sum'), decided('n'), ['agent_daily']), keys: AGENT },
  reopenRate: { ...ratio(decided('reopened'), decided('n'), ['agent_daily']), keys: AGENT },
  refundCostPerCase: { ...ratio(decided('refunded_amount'), decided('n'), ['agent_daily']), keys: AGENT },
  inconsistencyRate: derived([decided('n'), of('n', 'approved', 'partial')], ['cohort_daily'], ['reason_code', 'product_line', 'amount_band', 'channel']),
  spikePValue: derived([all('n')], ['product_weekly'], ['product_id']),
  alignment: derived([decided('n')], ['agent_daily'], AGENT),
  // a window around a change time, at any hour: refund_facts only
  policyDelta: derived(
    [
      decided('n'),
      decided('sla_met'),
      decided('res_sum'),
      decided('res_n'),
      decided('rep_yes'),
      decided('rep_eligible'),
      all('csat_sum'),
      all('csat_hi'),
      all('csat_n'),
    ],
    [],
  ),
  pearson: derived([decided('n')], ['agent_daily'], AGENT),
  spearman: derived([decided('n')], ['agent_daily'], AGENT),
};

const m = (
  name: string,
  unit: Unit,
  en: string,
  zh: string,
  formulaEn: string,
  formulaZh: string,
  extra: Partial<Pick<MetricDef, 'caveat' | 'better'>> = {},
): MetricDef => {
  const source = SOURCES[name];
  if (!source) throw new Error(`metric ${name} names no measures`);
  return { name, unit, label: { en, 'zh-CN': zh }, formula: { en: formulaEn, 'zh-CN': formulaZh }, ...extra, ...source };
};

export const METRICS: readonly MetricDef[] = [
  m('refunds', 'count', 'Refunds', '退款申请数', 'Count of refund requests matching the filter (by requested_at).', '按申请时间筛选后的退款申请数。'),
  m('decided', 'count', 'Decided', '已决定', 'Refunds whose decision is approved, partial or rejected.', '决定为批准、部分批准或拒绝的退款。'),
  m(
    'refundedAmount',
    'currency',
    'Refunded amount',
    '退款金额',
    'Sum of refunded_amount in the reporting currency (fx rate of the latest date on or before requested_at).',
    '退款金额之和（按申请日或之前最近汇率折算为报告币种）。',
  ),
  m('approvalRate', 'rate', 'Approval rate', '批准率', '(approved + partial) / decided.', '（批准 + 部分批准）/ 已决定。'),
  m('rejectionRate', 'rate', 'Rejection rate', '拒绝率', 'rejected / decided.', '拒绝 / 已决定。', { better: 'lower' }),
  m('partialRate', 'rate', 'Partial rate', '部分批准率', 'partial / decided.', '部分批准 / 已决定。'),
  m(
    'refundRate',
    'rate',
    'Refund rate',
    '退款率',
    'Refunds / orders whose ordered_at is in the time range and whose channel and campaign pass the filter.',
    '退款数 / 时间范围内且渠道、活动符合筛选的订单数。',
    {
      better: 'lower',
      caveat: {
        en: 'Product line, reason, agent and team filters do not apply to the order count (orders carry no such fields). Null without orders.',
        'zh-CN': '产品线、原因、客服和团队筛选不作用于订单数（订单无这些字段）。无订单数据时为空。',
      },
    },
  ),
  m(
    'resolutionHours',
    'hours',
    'Resolution time (h)',
    '处理时长（小时）',
    'Hours from requested_at to decided_at over decided refunds: mean, p50, p90.',
    '已决定退款从申请到决定的小时数：均值、中位数、P90。',
    { better: 'lower' },
  ),
  m('slaMetRate', 'rate', 'SLA met', 'SLA 达成率', 'Share of decided refunds with resolution hours <= slaHours (48).', '处理时长 ≤ 48 小时的已决定退款占比。', {
    better: 'higher',
  }),
  m(
    'overduePending',
    'count',
    'Overdue pending',
    '超期待处理',
    'Pending refunds with requested_at + 48 h before the as-of time.',
    '申请时间 + 48 小时早于截至时间的待处理退款。',
    {
      better: 'lower',
      caveat: {
        en: 'As-of time: the latest requested_at in the whole data set, not in the filtered range.',
        'zh-CN': '截至时间：全部数据中最晚的申请时间，而非筛选范围内。',
      },
    },
  ),
  m('payoutFailureRate', 'rate', 'Payout failures', '打款失败率', 'payout_status failed / payout_status not null.', '打款失败 / 有打款状态。', {
    better: 'lower',
  }),
  m('evidenceCompleteRate', 'rate', 'Evidence complete', '凭证齐全率', 'evidence_complete true / evidence_complete not null.', '凭证齐全 / 有凭证记录。'),
  m(
    'reviewGapCount',
    'count',
    'Review gaps',
    '复核缺口',
    'Approved or partial refunds with refunded_amount >= 1000 and no reviewer, or reviewer = agent.',
    '退款金额 ≥ 1000 的批准/部分批准退款中无复核人或复核人即经办人的数量。',
    { better: 'lower' },
  ),
  m(
    'csatAvg',
    'score5',
    'CSAT',
    '满意度均分',
    'Mean CSAT score (1..5) of surveys linked to the refunds by refund_id.',
    '通过 refund_id 关联到退款的满意度评分（1..5）均值。',
    {
      better: 'higher',
      caveat: {
        en: 'Computed per survey response (not an average of per-refund averages); surveys without a refund_id are not linked to any refund.',
        'zh-CN': '按每条问卷回答计算（不是每笔退款平均值的平均）；无 refund_id 的问卷不关联任何退款。',
      },
    },
  ),
  m('csatRate', 'rate', 'CSAT satisfied', '满意率', 'Share of CSAT scores >= 4.', '满意度评分 ≥ 4 的占比。', { better: 'higher' }),
  m('nps', 'nps', 'NPS', '净推荐值', '100 x (share of scores 9..10 - share of scores 0..6) of linked NPS surveys.', '100 ×（9..10 分占比 − 0..6 分占比）。', {
    better: 'higher',
    caveat: { en: 'Per response, over NPS surveys linked by refund_id.', 'zh-CN': '按回答计算，仅含通过 refund_id 关联的 NPS 问卷。' },
  }),
  m(
    'repurchaseRate',
    'rate',
    'Repurchase',
    '复购率',
    'Decided refunds whose customer ordered again (another order) within W days after decided_at, over refunds with decided_at + W <= the latest ordered_at.',
    '决定后 W 天内客户再次下单（其他订单）的已决定退款占比；仅计入决定时间 + W 天不晚于最新订单时间的退款。',
    {
      better: 'higher',
      caveat: {
        en: 'Censored: refunds too recent to have a full window are excluded, not counted as lost.',
        'zh-CN': '删失：窗口未满的近期退款不计入，而非算作未复购。',
      },
    },
  ),
  m(
    'repurchaseRevenue',
    'currency',
    'Repurchase revenue',
    '复购金额',
    'Mean over eligible refunds of the sum of the amounts of orders in the window.',
    '合格退款在窗口内的订单金额之和的均值。',
    { better: 'higher' },
  ),
  m(
    'savings',
    'currency',
    'Rejection savings',
    '拒绝节省',
    'Sum of requested_amount of rejected eligible refunds (window W, default 90).',
    '合格的被拒绝退款的申请金额之和。',
  ),
  m(
    'revenueGap',
    'currency',
    'Revenue gap',
    '收入差距',
    '(repurchaseRevenue(approved) - repurchaseRevenue(rejected)) x rejected count.',
    '（批准退款的复购金额 − 拒绝退款的复购金额）× 拒绝数。',
    {
      caveat: {
        en: 'An association, not a proven cause: customers whose refunds are rejected may differ in other ways. Null when there are no eligible approved or no eligible rejected refunds (a mean over an empty set).',
        'zh-CN': '这是相关性，不是已证实的因果：被拒绝的客户可能在其他方面不同。',
      },
    },
  ),
  m('net', 'currency', 'Net of rejections', '拒绝净收益', 'savings - revenueGap.', '节省 − 收入差距。', {
    caveat: { en: 'An association, not a proven cause.', 'zh-CN': '相关性，并非因果。' },
  }),
  m(
    'att',
    'currency',
    'Cost of a rejection (matched)',
    '每次拒绝的代价（匹配）',
    'Within strata of reason x product line x amount band x new/returning customer, over approved and rejected refunds with a full window: sum over matched strata of n_rejected x (mean repurchase revenue of rejected - of approved) / matched rejected. 95% interval: att -/+ 1.96 sqrt(sum (n_t/N_t)^2 (v_t/n_t + v_a/n_a)).',
    '在“原因 × 产品线 × 金额区间 × 新/老客户”分层内，对窗口已满的批准与拒绝退款：各匹配层按拒绝数加权的（被拒绝客户复购金额均值 − 被批准客户均值）。95% 区间：att ∓ 1.96 √(Σ (n_t/N_t)² (v_t/n_t + v_a/n_a))。',
    {
      caveat: {
        en: 'Assumes no unmeasured difference drives both the decision and repurchase (one that could: the agent’s manner on the call). Only strata with both a rejected and an approved refund count (coverage = matched / all eligible rejected); partial refunds are left out. Below 80% coverage or 30 matched rejected refunds no headline figure is shown.',
        'zh-CN':
          '假设没有未测量的差异同时影响决定与复购（可能存在的例子：客服在通话中的态度）。只计入同时有拒绝与批准退款的分层（覆盖率 = 匹配数 / 全部合格拒绝数）；部分退款不计入。覆盖率低于 80% 或匹配的拒绝少于 30 笔时不显示主数字。',
      },
    },
  ),
  m(
    'naiveGap',
    'currency',
    'Naive gap',
    '简单差值',
    'Mean repurchase revenue of all eligible rejected refunds - of all eligible approved ones, unmatched.',
    '全部合格被拒绝退款的复购金额均值 − 全部合格批准退款的均值，未匹配。',
    {
      caveat: {
        en: 'Compares unlike customers: rejected ones are more often new, bought cheaper items and asked for other reasons.',
        'zh-CN': '比较的是不同类型的客户：被拒绝的客户更常是新客户、商品更便宜、原因不同。',
      },
    },
  ),
  m('coverage', 'rate', 'Coverage', '覆盖率', 'Matched rejected refunds / all eligible rejected refunds.', '匹配的拒绝退款 / 全部合格的拒绝退款。'),
  m('handled', 'count', 'Handled', '处理量', 'Decided refunds with this agent_id.', '该客服处理的已决定退款数。', {
    caveat: {
      en: 'Agents with fewer than minCases (30) handled refunds are flagged insufficient: shown greyed, never ranked or correlated. Refunds without an agent are not in any scorecard.',
      'zh-CN': '处理量低于 minCases（30）的客服标记为样本不足：灰显，不参与排名和相关分析。无客服的退款不计入任何记分卡。',
    },
  }),
  m('escalationRate', 'rate', 'Escalation rate', '升级率', 'Escalated share of handled refunds.', '已处理退款中升级的占比。', { better: 'lower' }),
  m('contactsPerRefund', 'ratio', 'Contacts per refund', '每单联系次数', 'Mean contacts over handled refunds.', '已处理退款的平均联系次数。', {
    better: 'lower',
  }),
  m('reopenRate', 'rate', 'Reopen rate', '重开率', 'Reopened share of handled refunds.', '已处理退款中被重开/申诉的占比。', { better: 'lower' }),
  m('refundCostPerCase', 'currency', 'Refund cost per case', '单均退款成本', 'sum(refunded_amount) / handled.', '退款金额之和 / 处理量。', {
    caveat: {
      en: 'An empty refunded_amount counts as 0; the denominator is handled (decided refunds of the agent).',
      'zh-CN': '退款金额为空按 0 计；分母为处理量。',
    },
  }),
  m(
    'inconsistencyRate',
    'rate',
    'Channel inconsistency',
    '渠道不一致率',
    'Decided refunds of eligible channels in inconsistent cohorts / those in comparable cohorts.',
    '不一致组内合格渠道的已决定退款 / 可比组内合格渠道的已决定退款。',
    {
      better: 'lower',
      caveat: {
        en: 'Cohort = reason code x product line x band of requested_amount (reporting currency). Only comparable cohorts are listed, each with its eligible channels (>= 20 decided); the chi-square test runs over those channels, without continuity correction.',
        'zh-CN': '组 = 原因 × 产品线 × 申请金额区间（报告币种）。只列出可比组及其合格渠道（≥ 20 个已决定）；卡方检验在这些渠道上进行，无连续性校正。',
      },
    },
  ),
  m(
    'spikePValue',
    'pvalue',
    'Spike p-value',
    '激增 p 值',
    'P(X >= c) for X ~ Poisson(max(expected, 0.5)), where c = defect-family refunds of the product that week and expected = mean of the previous min(8, k) weeks.',
    'X ~ Poisson(max(期望, 0.5)) 时 P(X ≥ c)，c 为该产品当周缺陷类退款数，期望为之前 min(8, k) 周的均值。',
    {
      caveat: {
        en: "Weeks reported are those whose Monday falls in the date range; earlier weeks still feed the expectation. Other filters narrow every count. No verdict in a product's first 4 weeks.",
        'zh-CN': '报告的周为周一落在日期范围内的周；更早的周仍用于计算期望。其他筛选作用于所有计数。产品前 4 周不判定。',
      },
    },
  ),
  m(
    'alignment',
    'correlation',
    'Incentive alignment',
    '激励一致性',
    "Spearman rho between agents' incentive score and outcome score.",
    '客服激励得分与结果得分的 Spearman 相关系数。',
    {
      better: 'higher',
      caveat: {
        en: 'KPI z-scores use population sd across sufficient agents (a missing KPI counts as z = 0); outcome z-scores use the agents where that outcome is present; an agent with no outcome is left out. Rank 1 = highest score, ties share the average rank. Without planId or weights the plan in effect on the last day of the range is used; weights win over planId.',
        'zh-CN':
          'KPI z 分数使用充分样本客服的总体标准差（缺失 KPI 记 z = 0）；结果 z 分数仅用有该结果的客服；无任何结果的客服不计入。排名 1 为最高分，并列取平均排名。未给 planId 或权重时使用范围最后一天生效的方案；权重优先于 planId。',
      },
    },
  ),
  m(
    'policyDelta',
    'rate',
    'Policy impact',
    '政策影响',
    "post - pre over refunds requested in [T - W, T) and [T, T + W) within the change's scope; 95% CI by the unpooled two-proportion normal approximation (rates) or Welch's t (resolution hours, CSAT average); difference-in-differences = in-scope delta - out-of-scope delta.",
    '变更范围内 [T − W, T) 与 [T, T + W) 申请的退款之后减之前；比率用非合并两比例正态近似的 95% 置信区间，处理时长与满意度均分用 Welch t 检验；双重差分 = 范围内变化 − 范围外变化。',
    {
      caveat: {
        en: 'Rates and resolution hours over decided refunds; CSAT over every linked response; repurchase with the 30-day window, censored. A before/after comparison, not a controlled experiment.',
        'zh-CN': '比率和处理时长基于已决定退款；满意度基于所有关联回答；复购用 30 天窗口并删失。这是前后对比，而非对照实验。',
      },
    },
  ),
  m(
    'pearson',
    'correlation',
    'Pearson r',
    'Pearson 相关',
    'Pearson r with a Fisher-z 95% CI; null when n < 4.',
    'Pearson 相关系数及 Fisher z 95% 置信区间；n < 4 时为空。',
    {
      caveat: {
        en: 'Across sufficient agents where both values exist; null when n < 2 or a side is constant; the interval is null when n < 4.',
        'zh-CN': '在两项都有值的充分样本客服上计算；n < 2 或一侧为常数时为空；n < 4 时区间为空。',
      },
    },
  ),
  m('spearman', 'correlation', 'Spearman rho', 'Spearman 相关', 'Pearson on average ranks (ties averaged).', '平均秩上的 Pearson 相关（并列取平均秩）。'),
];

export const METRIC_BY_NAME: ReadonlyMap<string, MetricDef> = new Map(METRICS.map((d) => [d.name, d]));

/** metrics.md: "The agent KPI names for incentive plans are exactly" these. */
export const AGENT_KPIS = [
  'handled',
  'approvalRate',
  'rejectionRate',
  'resolutionHours',
  'escalationRate',
  'contactsPerRefund',
  'reopenRate',
  'refundCostPerCase',
] as const;
export type AgentKpi = (typeof AGENT_KPIS)[number];

export const OUTCOMES = ['csatAvg', 'nps', 'repurchaseRate'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const isAgentKpi = (s: string): s is AgentKpi => (AGENT_KPIS as readonly string[]).includes(s);
export const isOutcome = (s: string): s is Outcome => (OUTCOMES as readonly string[]).includes(s);

/** Group-by dimensions (api-contract.md `enum Dimension`), each bound to one fact column. */
export type DimensionName = 'DECISION' | 'CHANNEL' | 'PRODUCT_LINE' | 'REASON_CODE' | 'AGENT' | 'TEAM' | 'CAMPAIGN' | 'CUSTOMER_TYPE' | 'PERIOD';

export interface DimensionDef {
  name: DimensionName;
  label: Label;
  /** Column of the refund fact table; PERIOD is computed from requested_at with a grain. */
  column: string;
}

export const DIMENSIONS: readonly DimensionDef[] = [
  { name: 'DECISION', column: 'decision', label: { en: 'Decision', 'zh-CN': '决定' } },
  { name: 'CHANNEL', column: 'channel', label: { en: 'Channel', 'zh-CN': '渠道' } },
  { name: 'PRODUCT_LINE', column: 'product_line', label: { en: 'Product line', 'zh-CN': '产品线' } },
  { name: 'REASON_CODE', column: 'reason_code', label: { en: 'Reason', 'zh-CN': '原因' } },
  { name: 'AGENT', column: 'agent_id', label: { en: 'Agent', 'zh-CN': '客服' } },
  { name: 'TEAM', column: 'team', label: { en: 'Team', 'zh-CN': '团队' } },
  { name: 'CAMPAIGN', column: 'campaign', label: { en: 'Campaign', 'zh-CN': '活动' } },
  { name: 'CUSTOMER_TYPE', column: 'customer_type', label: { en: 'Customer type', 'zh-CN': '客户类型' } },
  { name: 'PERIOD', column: 'requested_at', label: { en: 'Period', 'zh-CN': '周期' } },
];
export const DIMENSION_BY_NAME: ReadonlyMap<DimensionName, DimensionDef> = new Map(DIMENSIONS.map((d) => [d.name, d]));

/** RefundFilter list fields -> the fact column each one narrows. */
export const FILTER_COLUMNS = {
  channels: 'channel',
  productLines: 'product_line',
  reasonCodes: 'reason_code',
  agentIds: 'agent_id',
  teams: 'team',
  campaigns: 'campaign',
} as const;
export type FilterListField = keyof typeof FILTER_COLUMNS;

/** Defaults of metrics.md, in one place. */
export const DEFAULTS = {
  slaHours: 48,
  reviewThreshold: 1000,
  repurchaseWindowDays: 30,
  economicsWindowDays: 90,
  policyWindowDays: 90,
  spikeMinCount: 5,
  spikeAlpha: 0.001,
  consistencyMinCases: 20,
  consistencyGap: 0.15,
  agentMinCases: 30,
  reportingCurrency: 'CNY',
  /** Windows whose repurchase revenue the ETL precomputes; other windows are computed per query. */
  repurchaseWindows: [7, 14, 30, 60, 90, 180, 365] as const,
  amountBands: [0, 50, 200, 1000] as const,
} as const;

/** Checks the catalog's own invariants; run by a unit test and at server boot. */
export function validateCatalog(): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const d of METRICS) {
    if (names.has(d.name)) problems.push(`metric ${d.name} declared twice`);
    if (d.compute.kind === 'derived' && d.compute.reads.length === 0) problems.push(`metric ${d.name} reads no measures`);
    names.add(d.name);
    if (!d.label.en || !d.label['zh-CN']) problems.push(`metric ${d.name} lacks a label`);
    if (!d.formula.en || !d.formula['zh-CN']) problems.push(`metric ${d.name} lacks a formula`);
  }
  for (const k of [...AGENT_KPIS, ...OUTCOMES]) if (!names.has(k)) problems.push(`KPI/outcome ${k} has no catalog entry`);
  for (const d of DIMENSIONS) if (!/^[a-z_]+$/.test(d.column)) problems.push(`dimension ${d.name} has an unsafe column`);
  for (const c of Object.values(FILTER_COLUMNS)) if (!/^[a-z_]+$/.test(c)) problems.push(`filter column ${c} is unsafe`);
  for (const name of Object.keys(SOURCES)) if (!names.has(name)) problems.push(`measures declared for ${name}, which is no metric`);
  return problems;
}
