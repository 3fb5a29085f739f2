import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, ErrorBar, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DEFAULTS, METRICS, type RefundFilter } from '@refunds/shared';
import { approvalRateLine } from '../common/trend-lines';
import { DataTable, type Column } from '../common/DataTable';
import { useDrill } from '../common/DrillDown';
import { useExportNumbers } from '../common/exportRegistry';
import { addDays, numberParam } from '../common/filters';
import { gql, GqlError } from '../common/graphql';
import { useI18n } from '../common/i18n';
import { markerLines, useAnnotations, usePolicyChanges, useTimeMarkers } from '../common/markers';
import { MetricLabel } from '../common/MetricLabel';
import { NumberParamInput } from '../common/NumberParamInput';
import { Page } from '../common/Page';
import { Panel } from '../common/Panel';
import { useSession } from '../common/session';
import { EmptyState, ErrorState, errorText, Loadable, Skeleton } from '../common/States';
import type { PolicyChange } from '../common/types';
import { useFilters } from '../common/useFilters';
import { clearGqlCache, useGql } from '../common/useGql';
import { deltaRows, isRateMetric, prePostRows, type ImpactMetric } from './impact';
import type * as G from '../common/generated/graphql';
import { ActionForm, InputField, SelectField } from '../common/Field';

type Impact = G.PolicyImpactQuery['policyImpact'];

const IMPACT = /* GraphQL */ `query PolicyImpact($id: String!, $w: Int) { policyImpact(changeId: $id, windowDays: $w) { changeId effectiveAt metrics { metric pre post preN postN delta low high pValue outOfScopeDelta diffInDiff } } }`;
const TREND = /* GraphQL */ `query PolicyTrend($f: RefundFilter) { refundTrend(filter: $f, grain: WEEK) { period refunds decided approvalRate rejectionRate refundedAmount } }`;
const ADD = /* GraphQL */ `mutation AddAnnotation($date: Date!, $metric: String, $note: String!) { addAnnotation(date: $date, metric: $metric, note: $note) { id } }`;
const DELETE = /* GraphQL */ `mutation DeleteAnnotation($id: Int!) { deleteAnnotation(id: $id) }`;

function scopeText(c: PolicyChange, all: string): string {
  const parts = [c.scopeChannel, c.scopeProductLine].filter(Boolean);
  return parts.length ? parts.join(' · ') : all;
}

function ImpactView({ impact, change, windowDays }: { impact: Impact; change: PolicyChange; windowDays: number }) {
  const { t, fmt, metricLabel } = useI18n();
  const drill = useDrill();
  const T = impact.effectiveAt.slice(0, 10);
  const scopeFilter: RefundFilter = {
    ...(change.scopeChannel ? { channels: [change.scopeChannel] } : {}),
    ...(change.scopeProductLine ? { productLines: [change.scopeProductLine] } : {}),
  };
  const prePost = prePostRows(impact.metrics).map((r) => ({ ...r, label: metricLabel(r.metric) }));
  const deltas = deltaRows(impact.metrics).map((r) => ({ ...r, label: metricLabel(r.metric) }));
  const means = impact.metrics.filter((m) => !isRateMetric(m.metric));
  const hasScope = !!(change.scopeChannel || change.scopeProductLine);
  const sig = (p: number | null) => p !== null && p < 0.05;

  useExportNumbers(
    `${change.title ?? change.changeId} · ${t('pol.effective', { date: fmt.date(T) })}`,
    impact.metrics.map((m) => ({
      label: metricLabel(m.metric),
      value: `${fmt.metric(m.metric, m.pre)} -> ${fmt.metric(m.metric, m.post)}`,
      note: `${t('pol.delta.col')} ${fmt.change(m.metric, m.post, m.pre)}, p = ${fmt.pValue(m.pValue)}${hasScope ? `, ${t('pol.did')} ${fmtDelta(m.metric, m.diffInDiff)}` : ''}`,
    })),
  );

  function fmtDelta(metric: string, v: number | null): string {
    if (v === null) return '—';
    const sign = v > 0 ? '+' : v < 0 ? '−' : '±';
    return isRateMetric(metric) ? `${sign}${fmt.decimal(Math.abs(v) * 100, 1)} ${t('pol.pp')}` : `${sign}${fmt.metric(metric, Math.abs(v))}`;
  }

  const openSide = (side: 'pre' | 'post') => {
    const from = side === 'pre' ? addDays(T, -windowDays) : T;
    const to = side === 'pre' ? T : addDays(T, windowDays);
    drill({ title: `${change.title ?? change.changeId} · ${side === 'pre' ? t('pol.pre') : t('pol.post')}`, filter: { ...scopeFilter, from, to } });
  };

  const cols: Column<ImpactMetric>[] = [
    { key: 'metric', header: t('pol.metric'), value: (m) => m.metric, text: (m) => metricLabel(m.metric), render: (m) => <MetricLabel name={m.metric} /> },
    { key: 'pre', header: t('pol.pre'), numeric: true, value: (m) => m.pre, text: (m) => `${fmt.metric(m.metric, m.pre)} (n ${fmt.number(m.preN)})` },
    { key: 'post', header: t('pol.post'), numeric: true, value: (m) => m.post, text: (m) => `${fmt.metric(m.metric, m.post)} (n ${fmt.number(m.postN)})` },
    {
      key: 'delta',
      header: t('pol.delta.col'),
      numeric: true,
      value: (m) => m.delta,
      text: (m) => fmtDelta(m.metric, m.delta),
      render: (m) => <strong className={sig(m.pValue) ? 'sig' : undefined}>{fmtDelta(m.metric, m.delta)}</strong>,
    },
    {
      key: 'ci',
      header: t('pol.ci'),
      numeric: true,
      value: (m) => (m.low === null || m.high === null ? null : `${m.low}..${m.high}`),
      text: (m) => `${fmtDelta(m.metric, m.low)} … ${fmtDelta(m.metric, m.high)}`,
    },
    {
      key: 'p',
      header: t('pol.p'),
      numeric: true,
      value: (m) => m.pValue,
      text: (m) => fmt.pValue(m.pValue),
      render: (m) => (
        <span>
          {fmt.pValue(m.pValue)} {sig(m.pValue) && <span className="badge good">p &lt; 0.05</span>}
        </span>
      ),
    },
  ];
  if (hasScope) {
    cols.push(
      { key: 'oos', header: t('pol.oos'), numeric: true, value: (m) => m.outOfScopeDelta, text: (m) => fmtDelta(m.metric, m.outOfScopeDelta) },
      { key: 'did', header: t('pol.did'), numeric: true, value: (m) => m.diffInDiff, text: (m) => fmtDelta(m.metric, m.diffInDiff) },
    );
  }

  return (
    <>
      <div className="grid-2">
        <Panel title={t('pol.prePost')} chart>
          {prePost.length === 0 ? (
            <EmptyState>{t('empty.noRefunds')}</EmptyState>
          ) : (
            <div className="chart" data-testid="prepost-chart">
              <ResponsiveContainer width="100%" height={300}>
                <BarChart
                  data={prePost}
                  margin={{ top: 16, right: 8, bottom: 4, left: 4 }}
                  onClick={(s) => typeof s.activeDataKey === 'string' && openSide(s.activeDataKey === 'post' ? 'post' : 'pre')}
                >
                  <CartesianGrid stroke="#e5e7eb" vertical={false} />
                  <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={0} />
                  <YAxis domain={[0, 1]} tickFormatter={(v: number) => fmt.percent(v, 0)} tick={{ fontSize: 11 }} width={44} />
                  <Tooltip formatter={(v, n) => [fmt.percent(Number(v)), n]} />
                  <Legend verticalAlign="top" />
                  <Bar dataKey="pre" name={t('pol.pre')} fill="#94a3b8" isAnimationActive={false} cursor="pointer" onClick={() => openSide('pre')}>
                    <ErrorBar dataKey="preErr" width={5} stroke="#111827" />
                  </Bar>
                  <Bar dataKey="post" name={t('pol.post')} fill="#1d4ed8" isAnimationActive={false} cursor="pointer" onClick={() => openSide('post')}>
                    <ErrorBar dataKey="postErr" width={5} stroke="#111827" />
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
        </Panel>
        <Panel title={t('pol.delta')} chart>
          {deltas.length === 0 ? (
            <EmptyState>{t('empty.noRefunds')}</EmptyState>
          ) : (
            <div className="chart" data-testid="delta-chart">
              <ResponsiveContainer width="100%" height={300}>
                <BarChart data={deltas} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
                  <CartesianGrid stroke="#e5e7eb" horizontal={false} />
                  <XAxis
                    type="number"
                    tickFormatter={(v: number) => `${fmt.number(v, 1)}`}
                    tick={{ fontSize: 11 }}
                    label={{ value: t('pol.pp'), position: 'insideBottomRight', offset: -4, fontSize: 11 }}
                  />
                  <YAxis type="category" dataKey="label" width={120} tick={{ fontSize: 11 }} />
                  <ReferenceLine x={0} stroke="#111827" />
                  <Tooltip formatter={(v) => [`${fmt.number(Number(v), 1)} ${t('pol.pp')}`, t('pol.delta.col')]} />
                  <Bar dataKey="deltaPp" name={t('pol.delta.col')} fill="#7c3aed" isAnimationActive={false} cursor="pointer" onClick={() => openSide('post')}>
                    <ErrorBar dataKey="ciPp" width={5} stroke="#111827" direction="x" />
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
        </Panel>
      </div>
      {means.length > 0 && (
        <div className="grid-2">
          {means.map((m) => {
            const title = t('pol.means', { metric: metricLabel(m.metric) });
            return (
              <Panel key={m.metric} title={title} chart>
                <div className="chart">
                  <ResponsiveContainer width="100%" height={200}>
                    <BarChart
                      data={[
                        { side: t('pol.pre'), key: 'pre', v: m.pre },
                        { side: t('pol.post'), key: 'post', v: m.post },
                      ]}
                      margin={{ top: 16, right: 8, bottom: 4, left: 4 }}
                    >
                      <CartesianGrid stroke="#e5e7eb" vertical={false} />
                      <XAxis dataKey="side" tick={{ fontSize: 11 }} />
                      <YAxis tickFormatter={(v: number) => fmt.metric(m.metric, v)} tick={{ fontSize: 11 }} width={48} />
                      <Tooltip formatter={(v) => [fmt.metric(m.metric, Number(v)), metricLabel(m.metric)]} />
                      <Bar
                        dataKey="v"
                        fill="#0e7490"
                        isAnimationActive={false}
                        cursor="pointer"
                        label={{ position: 'top', fontSize: 11, formatter: (v: unknown) => (typeof v === 'number' ? fmt.metric(m.metric, v) : '') }}
                        onClick={(bar) => openSide((bar.payload as { key: 'pre' | 'post' }).key)}
                      />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
                <p className="small">
                  {t('pol.delta.col')}: <strong>{fmtDelta(m.metric, m.delta)}</strong> ({t('pol.ci')} {fmtDelta(m.metric, m.low)} … {fmtDelta(m.metric, m.high)}
                  ), p = {fmt.pValue(m.pValue)}
                </p>
              </Panel>
            );
          })}
        </div>
      )}
      <Panel title={t('pol.table')}>
        <DataTable title={t('pol.table')} rows={impact.metrics} columns={cols} rowKey={(m) => m.metric} compact />
      </Panel>
      <AroundTrend change={change} windowDays={windowDays} scopeFilter={scopeFilter} />
    </>
  );
}

/** Weekly approval rate around the change, with every policy change and annotation as a reference line. */
function AroundTrend({ change, windowDays, scopeFilter }: { change: PolicyChange; windowDays: number; scopeFilter: RefundFilter }) {
  const { t, fmt, metricLabel } = useI18n();
  const markers = useTimeMarkers();
  const T = change.effectiveAt.slice(0, 10);
  const q = useGql<G.PolicyTrendQuery>(TREND, { f: { ...scopeFilter, from: addDays(T, -windowDays), to: addDays(T, windowDays) } });
  const title = `${metricLabel('approvalRate')} · ${metricLabel('refunds')} (${change.title ?? change.changeId})`;
  return (
    <Panel title={title} chart hint={t('pol.markersHint')}>
      <Loadable state={q} what={title} isEmpty={(d) => d.refundTrend.length === 0} empty={t('empty.noTrend')}>
        {(d) => (
          <div className="chart" data-testid="policy-trend">
            <ResponsiveContainer width="100%" height={260}>
              <ComposedChart data={d.refundTrend} margin={{ top: 16, right: 16, bottom: 4, left: 4 }}>
                <CartesianGrid stroke="#e5e7eb" vertical={false} />
                <XAxis dataKey="period" tickFormatter={(v: string) => fmt.date(v, 'short')} minTickGap={16} tick={{ fontSize: 11 }} />
                <YAxis yAxisId="n" tickFormatter={(v: number) => fmt.compact(v)} tick={{ fontSize: 11 }} width={44} />
                <YAxis yAxisId="rate" orientation="right" domain={[0, 1]} tickFormatter={(v: number) => fmt.percent(v, 0)} tick={{ fontSize: 11 }} width={44} />
                <Tooltip
                  labelFormatter={(v) => fmt.date(String(v))}
                  formatter={(v, n) => [n === metricLabel('approvalRate') ? fmt.percent(Number(v)) : fmt.number(Number(v)), n]}
                />
                <Legend verticalAlign="top" />
                <Bar yAxisId="n" dataKey="refunds" name={metricLabel('refunds')} fill="#94a3b8" isAnimationActive={false} />
                {approvalRateLine(metricLabel('approvalRate'))}
                {markerLines(
                  markers,
                  d.refundTrend.map((p) => p.period),
                  'WEEK',
                  'n',
                )}
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        )}
      </Loadable>
    </Panel>
  );
}

function Annotations() {
  const { t, fmt, metricLabel, locale } = useI18n();
  const { me, canWrite } = useSession();
  const a = useAnnotations();
  const [date, setDate] = useState('');
  const [metric, setMetric] = useState('');
  const [note, setNote] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = () => {
    clearGqlCache();
    a.reload();
  };
  const add = async () => {
    if (!date || !note.trim()) {
      setMsg({ ok: false, text: t('pol.noteRequired') });
      return;
    }
    setBusy(true);
    try {
      await gql(ADD, { date, metric: metric || null, note: note.trim() });
      setNote('');
      setMsg({ ok: true, text: t('pol.added') });
      refresh();
    } catch (e) {
      setMsg({ ok: false, text: e instanceof GqlError ? errorText(t, e) : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const remove = async (id: number) => {
    try {
      await gql(DELETE, { id });
      refresh();
    } catch (e) {
      setMsg({ ok: false, text: e instanceof GqlError ? errorText(t, e) : String(e) });
    }
  };
  const list = [...(a.data?.annotations ?? [])].sort((x, y) => y.date.localeCompare(x.date));
  return (
    <Panel title={t('pol.annotations')} hint={t('pol.markersHint')}>
      {a.error ? (
        <ErrorState error={a.error} what={t('pol.annotations')} onRetry={a.reload} />
      ) : !a.data ? (
        <Skeleton kind="table" rows={3} />
      ) : list.length === 0 ? (
        <EmptyState>{t('empty.noAnnotations')}</EmptyState>
      ) : (
        <ul className="annotation-list" data-testid="annotation-list">
          {list.map((n) => (
            <li key={n.id}>
              <strong>{fmt.date(n.date)}</strong>
              {n.metric && <span className="badge neutral">{metricLabel(n.metric)}</span>}
              <span className="spacer">{n.note}</span>
              <span className="muted small">{n.author}</span>
              {canWrite && (me.role === 'admin' || n.author === me.name) && (
                <button type="button" className="link danger" onClick={() => void remove(n.id)} aria-label={`delete ${n.note}`}>
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <h3 className="small">{t('pol.addAnnotation')}</h3>
      {!canWrite ? (
        <p className="muted small">{t('pol.readOnly')}</p>
      ) : (
        <ActionForm className="annotation-form" onSubmit={add}>
          <InputField label={t('pol.date')} type="date" value={date} onValue={setDate} required name="annotation-date" />
          <SelectField label={t('pol.metricOpt')} value={metric} onValue={setMetric} name="annotation-metric">
            <option value="">{t('common.none')}</option>
            {METRICS.filter((m) => !['pearson', 'spearman'].includes(m.name)).map((m) => (
              <option key={m.name} value={m.name}>
                {m.label[locale]}
              </option>
            ))}
          </SelectField>
          <InputField label={t('pol.note')} grow value={note} onValue={setNote} maxLength={500} required name="annotation-note" />
          <button type="submit" className="btn primary" disabled={busy}>
            {t('pol.add')}
          </button>
        </ActionForm>
      )}
      {msg && (
        <p className={msg.ok ? 'small' : 'error-text small'} role="status">
          {msg.text}
        </p>
      )}
    </Panel>
  );
}

export default function PolicyPage() {
  const { t, fmt } = useI18n();
  const { param, setParams } = useFilters();
  const changes = usePolicyChanges();
  const list = [...(changes.data?.policyChanges ?? [])].sort((a, b) => b.effectiveAt.localeCompare(a.effectiveAt));
  const selected = list.find((c) => c.changeId === param('change')) ?? list[0];
  const windowDays = numberParam(param('window'), DEFAULTS.policyWindowDays, 1, 730);
  const impact = useGql<G.PolicyImpactQuery>(IMPACT, { id: selected?.changeId ?? '', w: windowDays }, { skip: !selected });

  const controls = (
    <div className="controls">
      <SelectField
        labelClass="control"
        label={t('pol.pick')}
        value={selected?.changeId ?? ''}
        onValue={(change) => setParams({ change })}
        disabled={!list.length}
        data-testid="policy-select"
      >
        {list.map((c) => (
          <option key={c.changeId} value={c.changeId}>
            {fmt.date(c.effectiveAt)} · {c.title ?? c.changeId}
          </option>
        ))}
      </SelectField>
      <NumberParamInput label={t('pol.window')} param="window" value={windowDays} fallback={DEFAULTS.policyWindowDays} min={1} max={730} />
    </div>
  );

  return (
    <Page
      id="policy"
      title={t('pol.title')}
      controls={controls}
      filtered={false}
      exportLines={
        selected
          ? [
              `${selected.title ?? selected.changeId} · ${t('pol.effective', { date: fmt.date(selected.effectiveAt) })} · ${t('pol.scope', { scope: scopeText(selected, t('pol.allScope')) })} · ${t('pol.window')}: ${windowDays}`,
            ]
          : []
      }
    >
      {changes.error ? (
        <ErrorState error={changes.error} what={t('pol.pick')} onRetry={changes.reload} />
      ) : !changes.data ? (
        <Skeleton />
      ) : !selected ? (
        <EmptyState>{t('empty.noPolicies')}</EmptyState>
      ) : (
        <>
          <div className="focus-banner">
            <div>
              <strong>{selected.title ?? selected.changeId}</strong> · {t('pol.effective', { date: fmt.date(selected.effectiveAt) })} ·{' '}
              {t('pol.scope', { scope: scopeText(selected, t('pol.allScope')) })}
              {selected.description && <div className="small muted">{selected.description}</div>}
              {selected.source && <div className="small muted">{t('pol.source', { source: selected.source })}</div>}
            </div>
          </div>
          <Loadable state={impact} what={t('pol.title')}>
            {(d) => <ImpactView impact={d.policyImpact} change={selected} windowDays={windowDays} />}
          </Loadable>
        </>
      )}
      <Annotations />
    </Page>
  );
}
