import { useEffect, useMemo, useState } from 'react';
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { AGENT_KPIS, DEFAULTS, OUTCOMES, type AgentKpi, type Direction, type Outcome } from '@refunds/shared';
import { divergingColor } from '../common/chart';
import { DataTable, type Column } from '../common/DataTable';
import { useDrill } from '../common/DrillDown';
import { useExportNumbers, useExportSentence } from '../common/exportRegistry';
import { HeatMap } from '../common/HeatMap';
import { useI18n } from '../common/i18n';
import { MetricLabel } from '../common/MetricLabel';
import { useNumberColumns } from '../common/columns';
import { NumberParamInput } from '../common/NumberParamInput';
import { Page } from '../common/Page';
import { ParamSelect, useParamChoice, type ParamChoice } from '../common/ParamSelect';
import { SelectField } from '../common/Field';
import { Panel, PanelLoadable } from '../common/Panel';
import { useSession } from '../common/session';
import { EmptyState, ErrorState, Skeleton } from '../common/States';
import { numberParam } from '../common/filters';
import { useFilters } from '../common/useFilters';
import { effectTrustworthy } from '../common/types';
import { useGql } from '../common/useGql';
import { EFFECT_QUERY } from '../overview/queries';
import { planRejections } from './planCost';
import { decodeWeights, encodeWeights, rankMoves, sameWeights, type RankMove, type Weight } from './whatif';
import type * as G from '../common/generated/graphql';

/** One field per catalog KPI and outcome: the columns index rows by AGENT_KPIS and OUTCOMES, so a missing one fails to compile. */
type Scorecard = G.AgentScorecardsQuery['agentScorecards'][number];

type Correlation = G.KpiOutcomeCorrelationsQuery['kpiOutcomeCorrelations'][number];

type Alignment = G.AlignmentFieldsFragment;

const KPI: ParamChoice<AgentKpi> = { param: 'kpi', options: AGENT_KPIS, fallback: 'handled', testId: 'kpi-select' };
const OUTCOME: ParamChoice<Outcome> = { param: 'outcome', options: OUTCOMES, fallback: 'csatAvg', testId: 'outcome-select' };

const SCORECARDS = /* GraphQL */ `query AgentScorecards($f: RefundFilter, $m: Int) { agentScorecards(filter: $f, minCases: $m) { agentId name team insufficient
  handled approvalRate rejectionRate resolutionHours escalationRate contactsPerRefund reopenRate refundCostPerCase csatAvg nps repurchaseRate } }`;
const CORRELATIONS = /* GraphQL */ `query KpiOutcomeCorrelations($f: RefundFilter, $m: Int) { kpiOutcomeCorrelations(filter: $f, minCases: $m) { kpi outcome n pearson pearsonLow pearsonHigh spearman } }`;
const ALIGN_FIELDS = /* GraphQL */ `fragment AlignmentFields on IncentiveAlignment { alignment n plan { planId source weights { kpi weight direction } } agents { agentId name incentiveScore outcomeScore incentiveRank outcomeRank } }`;
const ALIGNMENT = /* GraphQL */ `query IncentiveAlignment($f: RefundFilter, $m: Int, $plan: String) { incentiveAlignment(filter: $f, minCases: $m, planId: $plan) { ...AlignmentFields } }
  ${ALIGN_FIELDS}`;
const PLANS = /* GraphQL */ `query IncentivePlans { incentivePlans { planId effectiveFrom effectiveTo team weights { kpi weight direction } } }`;

const WHAT_IF = /* GraphQL */ `query WhatIfAlignment($f: RefundFilter, $m: Int, $w: [KpiWeightInput!]) { incentiveAlignment(filter: $f, minCases: $m, weights: $w) { ...AlignmentFields } }
  ${ALIGN_FIELDS}`;

function agentLabel(a: { agentId: string; name: string | null }, canSeeAgents: boolean): string {
  if (!canSeeAgents || !a.name) return a.agentId;
  return a.name;
}

function ScatterPanel({
  cards,
  kpi,
  outcome,
  minCases,
  corr,
}: {
  cards: Scorecard[];
  kpi: (typeof AGENT_KPIS)[number];
  outcome: (typeof OUTCOMES)[number];
  minCases: number;
  corr: Correlation | undefined;
}) {
  const { t, fmt, metricLabel } = useI18n();
  const { canSeeAgents } = useSession();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const points = cards
    .filter((c) => c[kpi] !== null && c[outcome] !== null)
    .map((c) => ({
      x: c[kpi] as number,
      y: c[outcome] as number,
      agentId: c.agentId,
      label: agentLabel(c, canSeeAgents),
      team: c.team,
      insufficient: c.insufficient,
      handled: c.handled,
    }));
  const ok = points.filter((p) => !p.insufficient);
  const grey = points.filter((p) => p.insufficient);
  const title = t('inc.scatter', { kpi: metricLabel(kpi), outcome: metricLabel(outcome) });
  const metricAxis = (dataKey: 'x' | 'y', metric: string) => ({
    type: 'number' as const,
    dataKey,
    name: metricLabel(metric),
    tickFormatter: (v: number) => fmt.metric(metric, v),
    tick: { fontSize: 11 },
    domain: ['auto', 'auto'] as [string, string],
  });
  const open = (p: { agentId: string; label: string } | undefined) => {
    if (!p || !canSeeAgents) return;
    drill({ title: p.label, filter: { ...refundFilter, agentIds: [p.agentId] }, drill: { decisions: ['approved', 'partial', 'rejected'] } });
  };
  return (
    <Panel title={title} exportTitle={title} chart hint={canSeeAgents ? t('inc.drillHint') : undefined}>
      {corr && (
        <p className="corr-line" data-testid="corr-line">
          {corr.pearson === null
            ? t('inc.corrNone', { n: fmt.number(corr.n) })
            : t('inc.corr', {
                r: fmt.decimal(corr.pearson),
                low: fmt.decimal(corr.pearsonLow),
                high: fmt.decimal(corr.pearsonHigh),
                rho: fmt.decimal(corr.spearman),
                n: fmt.number(corr.n),
              })}
        </p>
      )}
      {points.length === 0 ? (
        <EmptyState>{t('empty.noAgents')}</EmptyState>
      ) : (
        <div className="chart" data-testid="agent-scatter">
          <ResponsiveContainer width="100%" height={340}>
            <ScatterChart margin={{ top: 10, right: 20, bottom: 20, left: 10 }}>
              <CartesianGrid stroke="#e5e7eb" />
              <XAxis {...metricAxis('x', kpi)} label={{ value: metricLabel(kpi), position: 'insideBottom', offset: -10, fontSize: 12 }} />
              <YAxis {...metricAxis('y', outcome)} width={64} label={{ value: metricLabel(outcome), angle: -90, position: 'insideLeft', fontSize: 12 }} />
              <ZAxis range={[60, 60]} />
              <Tooltip
                cursor={{ strokeDasharray: '3 3' }}
                content={({ payload }) => {
                  const p = payload?.[0]?.payload as (typeof points)[number] | undefined;
                  if (!p) return null;
                  return (
                    <div className="recharts-default-tooltip" style={{ background: '#fff', border: '1px solid #d1d5db', padding: 8 }}>
                      <strong>{p.label}</strong>
                      {p.team ? ` · ${p.team}` : ''}
                      <br />
                      {metricLabel(kpi)}: {fmt.metric(kpi, p.x)}
                      <br />
                      {metricLabel(outcome)}: {fmt.metric(outcome, p.y)}
                      <br />
                      {t('inc.handled')}: {fmt.number(p.handled)}
                      {p.insufficient && (
                        <>
                          <br />
                          <em>{t('inc.insufficient', { min: minCases })}</em>
                        </>
                      )}
                    </div>
                  );
                }}
              />
              <Legend verticalAlign="top" formatter={(v) => <span style={{ color: '#1f2933' }}>{v}</span>} />
              <Scatter
                name={t('inc.agent')}
                data={ok}
                fill="#1d4ed8"
                onClick={(d) => open(d.payload as (typeof points)[number] | undefined)}
                isAnimationActive={false}
              />
              {grey.length > 0 && (
                <Scatter
                  name={t('inc.insufficient', { min: minCases })}
                  data={grey}
                  fill="#9ca3af"
                  onClick={(d) => open(d.payload as (typeof points)[number] | undefined)}
                  isAnimationActive={false}
                />
              )}
            </ScatterChart>
          </ResponsiveContainer>
        </div>
      )}
    </Panel>
  );
}

function Matrix({ corrs, kpi, outcome, onPick }: { corrs: Correlation[]; kpi: string; outcome: string; onPick: (kpi: string, outcome: string) => void }) {
  const { t, fmt, metricLabel } = useI18n();
  const byKey = new Map(corrs.map((c) => [`${c.kpi}|${c.outcome}`, c]));
  const title = t('inc.matrix');
  return (
    <Panel title={title} chart hint={t('inc.matrixHint')}>
      <div data-testid="corr-matrix">
        <HeatMap
          ariaLabel={title}
          rows={AGENT_KPIS.map((k) => ({ key: k, label: metricLabel(k), flag: k === kpi ? '●' : undefined }))}
          cols={OUTCOMES.map((o) => ({ key: o, label: `${metricLabel(o)}${o === outcome ? ' ●' : ''}` }))}
          labelWidth={180}
          flagWidth={16}
          cellWidth={100}
          cell={(r, c) => {
            const v = byKey.get(`${r}|${c}`);
            if (!v) return null;
            return {
              color: divergingColor(v.pearson),
              text: v.pearson === null ? '—' : fmt.decimal(v.pearson),
              sub: `n=${fmt.number(v.n)}`,
              hatched: v.pearson === null,
              title: `${metricLabel(r)} × ${metricLabel(c)}: r = ${fmt.decimal(v.pearson)} [${fmt.decimal(v.pearsonLow)}, ${fmt.decimal(v.pearsonHigh)}], ρ = ${fmt.decimal(v.spearman)}, n = ${v.n}`,
            };
          }}
          onCellClick={onPick}
        />
        <div className="legend-row">
          <span>
            <span className="swatch" style={{ background: divergingColor(-1) }} /> −1
          </span>
          <span>
            <span className="swatch" style={{ background: divergingColor(0), border: '1px solid #d1d5db' }} /> 0
          </span>
          <span>
            <span className="swatch" style={{ background: divergingColor(1) }} /> +1
          </span>
        </div>
      </div>
    </Panel>
  );
}

function WeightsEditor({ weights, onChange }: { weights: Weight[]; onChange: (w: Weight[]) => void }) {
  const { t } = useI18n();
  const get = (kpi: string) => weights.find((w) => w.kpi === kpi);
  const set = (kpi: string, patch: Partial<Weight>) => {
    const cur = get(kpi) ?? { kpi, weight: 0, direction: 'HIGHER_IS_BETTER' as Direction };
    const next = { ...cur, ...patch };
    onChange(
      [...weights.filter((w) => w.kpi !== kpi), next]
        .filter((w) => w.weight > 0)
        .sort((a, b) => AGENT_KPIS.indexOf(a.kpi as (typeof AGENT_KPIS)[number]) - AGENT_KPIS.indexOf(b.kpi as (typeof AGENT_KPIS)[number])),
    );
  };
  return (
    <table className="data-table compact weights-table" data-testid="weights-editor">
      <thead>
        <tr>
          <th>KPI</th>
          <th className="num">{t('inc.weight')}</th>
          <th>{t('inc.direction')}</th>
        </tr>
      </thead>
      <tbody>
        {AGENT_KPIS.map((k) => {
          const w = get(k);
          return (
            <tr key={k}>
              <td>
                <MetricLabel name={k} />
              </td>
              <td className="num">
                <input
                  type="number"
                  min={0}
                  max={10}
                  step={0.05}
                  value={w?.weight ?? 0}
                  aria-label={`${t('inc.weight')} ${k}`}
                  data-kpi={k}
                  onChange={(e) => set(k, { weight: Math.max(0, Number(e.target.value) || 0) })}
                />
              </td>
              <td>
                <select
                  value={w?.direction ?? 'HIGHER_IS_BETTER'}
                  aria-label={`${t('inc.direction')} ${k}`}
                  onChange={(e) => set(k, { direction: e.target.value as Direction, weight: w?.weight || 1 })}
                >
                  <option value="HIGHER_IS_BETTER">{t('dir.HIGHER_IS_BETTER')}</option>
                  <option value="LOWER_IS_BETTER">{t('dir.LOWER_IS_BETTER')}</option>
                </select>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function AlignmentPanel({ cards, minCases }: { cards: Scorecard[] | null; minCases: number }) {
  const { t, fmt, metricLabel } = useI18n();
  const { refundFilter, param, setParams } = useFilters();
  const { canSeeAgents } = useSession();
  const planId = param('plan');
  const plans = useGql<G.IncentivePlansQuery>(PLANS, undefined);
  const current = useGql<G.IncentiveAlignmentQuery>(ALIGNMENT, { f: refundFilter, m: minCases, plan: planId });
  const rawPlan = current.data?.incentiveAlignment.plan ?? null;
  const plan = rawPlan && rawPlan.weights.length > 0 ? rawPlan : null;
  const planWeights = useMemo(() => plan?.weights ?? [], [plan]);
  const urlWeights = decodeWeights(param('w'));
  const weights = urlWeights ?? planWeights;
  const debounced = useDebounced(encodeWeights(weights), 350);
  const proposedWeights = decodeWeights(debounced);
  const differs = !!proposedWeights && !sameWeights(proposedWeights, planWeights);
  const proposed = useGql<G.WhatIfAlignmentQuery>(WHAT_IF, { f: refundFilter, m: minCases, w: proposedWeights ?? [] }, { skip: !differs });

  const cur = current.data?.incentiveAlignment;
  const prop = differs ? proposed.data?.incentiveAlignment : cur;
  const rows = useMemo<RankMove[]>(() => {
    if (!cur) return [];
    const info = new Map((cards ?? []).map((c) => [c.agentId, { agentId: c.agentId, name: c.name, team: c.team, insufficient: c.insufficient }]));
    for (const a of cur.agents) if (!info.has(a.agentId)) info.set(a.agentId, { agentId: a.agentId, name: a.name, team: null, insufficient: false });
    return rankMoves(cur.agents, prop?.agents ?? null, [...info.values()]);
  }, [cur, prop, cards]);

  useExportNumbers(
    t('inc.alignment'),
    cur
      ? [
          { label: `${t('inc.current')}${plan?.planId ? ` (${plan.planId})` : ''}`, value: fmt.decimal(cur.alignment), note: t('inc.nAgents', { n: cur.n }) },
          ...(differs && prop ? [{ label: t('inc.proposed'), value: fmt.decimal(prop.alignment), note: encodeWeights(weights) }] : []),
        ]
      : null,
  );

  const setWeights = (w: Weight[]) => setParams({ w: sameWeights(w, planWeights) ? null : encodeWeights(w) || null }, { replace: true });
  const moveText = (m: number | null) => (m === null ? '—' : m > 0 ? `▲ ${m}` : m < 0 ? `▼ ${-m}` : '0');
  const columns: Column<RankMove>[] = [
    {
      key: 'agent',
      header: t('inc.agent'),
      value: (r) => (canSeeAgents ? (r.name ?? r.agentId) : r.agentId),
      render: (r) => (canSeeAgents ? (r.name ?? r.agentId) : r.agentId),
    },
    { key: 'team', header: t('inc.team'), value: (r) => r.team ?? '' },
    {
      key: 'cur',
      header: t('inc.currentRank'),
      numeric: true,
      value: (r) => r.currentRank,
      text: (r) => (r.insufficient ? t('inc.insufficient', { min: minCases }) : fmt.number(r.currentRank)),
    },
    {
      key: 'prop',
      header: t('inc.proposedRank'),
      numeric: true,
      value: (r) => r.proposedRank,
      text: (r) => (r.insufficient ? '—' : fmt.number(r.proposedRank)),
    },
    {
      key: 'move',
      header: t('inc.move'),
      numeric: true,
      value: (r) => r.move,
      text: (r) => moveText(r.move),
      render: (r) => <span className={r.move && r.move > 0 ? 'move-up' : r.move && r.move < 0 ? 'move-down' : undefined}>{moveText(r.move)}</span>,
    },
    { key: 'out', header: t('inc.outcomeRank'), numeric: true, value: (r) => r.outcomeRank, text: (r) => fmt.number(r.outcomeRank) },
  ];

  const alignBox = (label: string, a: Alignment | undefined | null, loading: boolean, testId: string) => (
    <div className="alignment-box" data-testid={testId}>
      <div className="card-label">{label}</div>
      {loading ? <Skeleton kind="line" /> : <div className="big-number">{fmt.decimal(a?.alignment)}</div>}
      {a && <div className="muted small">{t('inc.nAgents', { n: fmt.number(a.n) })}</div>}
    </div>
  );

  return (
    <Panel title={<MetricLabel name="alignment" />} exportTitle={t('inc.alignment')} hint={t('inc.alignmentExplain')}>
      {current.error ? (
        <ErrorState error={current.error} what={t('inc.alignment')} onRetry={current.reload} />
      ) : !cur ? (
        <Skeleton kind="chart" />
      ) : (
        <div className="grid-2-1 alignment-grid">
          <div>
            <div className="alignment-compare">
              {alignBox(`${t('inc.current')}${plan?.planId ? ` · ${plan.planId}` : ''}`, cur, false, 'alignment-current')}
              {differs ? (
                alignBox(t('inc.proposed'), proposed.data?.incentiveAlignment, proposed.loading, 'alignment-proposed')
              ) : (
                <div className="alignment-box muted" data-testid="alignment-proposed">
                  <div className="card-label">{t('inc.proposed')}</div>
                  <p className="small">{t('inc.sameAsCurrent')}</p>
                </div>
              )}
            </div>
            {!plan && <EmptyState>{t('empty.noPlan')}</EmptyState>}
            {plan && (
              <p className="small">
                {t('inc.planInEffect', { plan: plan.planId ?? plan.source })}:{' '}
                {plan.weights.map((w) => `${metricLabel(w.kpi)} ×${fmt.decimal(w.weight)} (${t(`dir.${w.direction}`)})`).join(' · ')}
              </p>
            )}
            {proposed.error && <ErrorState error={proposed.error} what={t('inc.proposed')} onRetry={proposed.reload} />}
            <h3 className="small">{t('inc.rankMoves')}</h3>
            {rows.length === 0 ? (
              <EmptyState>{t('empty.noAgents')}</EmptyState>
            ) : (
              <div className="table-scroll">
                <AgentTable title={t('inc.rankMoves')} rows={rows} columns={columns} />
              </div>
            )}
          </div>
          <div>
            <SelectField
              labelClass="control"
              label={t('inc.plan')}
              value={planId ?? ''}
              onValue={(plan) => setParams({ plan: plan || null, w: null })}
              data-testid="plan-select"
            >
              <option value="">{t('inc.planAuto')}</option>
              {(plans.data?.incentivePlans ?? []).map((p) => (
                <option key={p.planId} value={p.planId}>
                  {p.planId} · {fmt.date(p.effectiveFrom)} – {p.effectiveTo ? fmt.date(p.effectiveTo) : '…'}
                  {p.team ? ` · ${p.team}` : ''}
                </option>
              ))}
            </SelectField>
            <h3 className="small">{t('inc.whatIf')}</h3>
            <p className="hint">{t('inc.whatIfHint')}</p>
            <WeightsEditor weights={weights} onChange={setWeights} />
            {weights.length === 0 && <p className="hint">{t('inc.noWeights')}</p>}
            <button type="button" className="btn" onClick={() => setParams({ w: null }, { replace: true })} disabled={!urlWeights}>
              {t('inc.reset')}
            </button>
          </div>
        </div>
      )}
    </Panel>
  );
}

/** What the current plan's rejections cost: the matched cost of a rejection times the rejections of the agents it rewards most. */
function PlanRejectionCost({ cards, minCases }: { cards: Scorecard[] | null; minCases: number }) {
  const { t, fmt } = useI18n();
  const { refundFilter, param } = useFilters();
  const days = DEFAULTS.economicsWindowDays;
  const current = useGql<G.IncentiveAlignmentQuery>(ALIGNMENT, { f: refundFilter, m: minCases, plan: param('plan') });
  const effect = useGql<G.RejectionEffectQuery>(EFFECT_QUERY, { f: refundFilter, w: days });
  const e = effect.data?.rejectionEffect;
  const agents = current.data?.incentiveAlignment.agents;
  const top = agents && cards ? planRejections(agents, cards) : null;
  const sentence =
    top && top.agents > 0 && effectTrustworthy(e)
      ? t('inc.planCost', {
          agents: fmt.number(top.agents),
          rejected: fmt.number(top.rejected),
          cost: fmt.currency(-e.att * top.rejected),
          low: fmt.currency(-e.attHigh * top.rejected),
          high: fmt.currency(-e.attLow * top.rejected),
          per: fmt.currency(-e.att),
          days,
        })
      : null;
  useExportSentence(sentence);
  const title = t('inc.planCostTitle');
  return (
    <Panel title={title} hint={t('inc.planCostHint')}>
      {effect.error || current.error ? (
        <ErrorState error={(effect.error ?? current.error)!} what={title} onRetry={effect.error ? effect.reload : current.reload} />
      ) : !e || !top ? (
        <Skeleton kind="line" />
      ) : sentence ? (
        <p className="sentence" data-testid="plan-cost">
          {sentence}
        </p>
      ) : (
        <p className="muted" data-testid="plan-cost-withheld">
          {top.agents === 0
            ? t('inc.planCostNoAgents')
            : t('overview.effectWithheld', {
                coverage: fmt.percent(e.coverage),
                matched: fmt.number(e.matchedRejected ?? 0),
                eligible: fmt.number(e.eligibleRejected),
              })}
        </p>
      )}
    </Panel>
  );
}

/** One row per agent; agents under the minimum case count are greyed out. */
function AgentTable<R extends { agentId: string; insufficient: boolean }>({ title, rows, columns }: { title: string; rows: R[]; columns: Column<R>[] }) {
  return (
    <DataTable title={title} rows={rows} columns={columns} rowKey={(r) => r.agentId} rowClass={(r) => (r.insufficient ? 'insufficient' : undefined)} compact />
  );
}

function ScorecardTable({ cards, minCases }: { cards: Scorecard[]; minCases: number }) {
  const { t } = useI18n();
  const { metricColumn } = useNumberColumns();
  const { canSeeAgents } = useSession();
  const cols: Column<Scorecard>[] = [
    { key: 'agent', header: t('inc.agent'), value: (r) => agentLabel(r, canSeeAgents) },
    { key: 'team', header: t('inc.team'), value: (r) => r.team ?? '' },
    ...[...AGENT_KPIS, ...OUTCOMES].map((k) => metricColumn<Scorecard>(k, (r) => r[k])),
  ];
  const sorted = [...cards].sort((a, b) => Number(a.insufficient) - Number(b.insufficient) || (b.handled ?? 0) - (a.handled ?? 0));
  return (
    <Panel title={t('inc.scorecards')} hint={t('inc.greyLegend', { min: minCases })} className="table-scroll">
      <AgentTable title={t('inc.scorecards')} rows={sorted} columns={cols} />
    </Panel>
  );
}

export default function IncentivesPage() {
  const { t, metricLabel } = useI18n();
  const { refundFilter, param, setParams } = useFilters();
  const kpi = useParamChoice(KPI);
  const outcome = useParamChoice(OUTCOME);
  const minCases = numberParam(param('minCases'), DEFAULTS.agentMinCases, 1, Number.MAX_SAFE_INTEGER);
  const sc = useGql<G.AgentScorecardsQuery>(SCORECARDS, { f: refundFilter, m: minCases });
  const corr = useGql<G.KpiOutcomeCorrelationsQuery>(CORRELATIONS, { f: refundFilter, m: minCases });
  const pick = (k: string, o: string) => setParams({ kpi: k, outcome: o });
  const selected = corr.data?.kpiOutcomeCorrelations.find((c) => c.kpi === kpi && c.outcome === outcome);

  const controls = (
    <div className="controls">
      <ParamSelect choice={KPI} label={t('inc.kpi')} optionLabel={metricLabel} />
      <ParamSelect choice={OUTCOME} label={t('inc.outcome')} optionLabel={metricLabel} />
      <NumberParamInput label={t('inc.minCases')} param="minCases" value={minCases} fallback={DEFAULTS.agentMinCases} min={1} max={1000} />
    </div>
  );

  return (
    <Page id="incentives" title={t('inc.title')} controls={controls}>
      <div className="grid-2">
        <PanelLoadable
          state={sc}
          title={t('inc.scatter', { kpi: metricLabel(kpi), outcome: metricLabel(outcome) })}
          isEmpty={(d) => d.agentScorecards.length === 0}
          empty={t('empty.noAgents')}
        >
          {(d) => <ScatterPanel cards={d.agentScorecards} kpi={kpi} outcome={outcome} minCases={minCases} corr={selected} />}
        </PanelLoadable>
        <PanelLoadable
          state={corr}
          title={t('inc.matrix')}
          isEmpty={(d) => d.kpiOutcomeCorrelations.every((c) => c.pearson === null)}
          empty={t('inc.corrEmpty', { min: minCases })}
        >
          {(d) => <Matrix corrs={d.kpiOutcomeCorrelations} kpi={kpi} outcome={outcome} onPick={pick} />}
        </PanelLoadable>
      </div>
      <AlignmentPanel cards={sc.data?.agentScorecards ?? null} minCases={minCases} />
      <PlanRejectionCost cards={sc.data?.agentScorecards ?? null} minCases={minCases} />
      {sc.data && sc.data.agentScorecards.length > 0 && <ScorecardTable cards={sc.data.agentScorecards} minCases={minCases} />}
    </Page>
  );
}
