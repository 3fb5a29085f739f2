import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DECIDED, DEFAULTS, DIMENSION_BY_NAME, type DimensionName, type RefundFilter } from '@refunds/shared';
import { colorAt, DECISION_COLORS } from '../common/chart';
import { DataTable, type Column } from '../common/DataTable';
import { useDrill, type DrillRequest } from '../common/DrillDown';
import { useI18n } from '../common/i18n';
import { MetricLabel } from '../common/MetricLabel';
import { Page } from '../common/Page';
import { Panel, PanelLoadable } from '../common/Panel';
import { EmptyState, ErrorState, Skeleton } from '../common/States';
import type { RefundDrill } from '../common/types';
import { useFilters } from '../common/useFilters';
import { useGql } from '../common/useGql';
import { RejectionEffectPanel } from './RejectionEffectPanel';
import { curveQuery, curveRows, WINDOWS } from './curve';
import type * as G from '../common/generated/graphql';

type ExperienceGroup = G.CustomerExperienceQuery['customerExperience'][number];
type RepurchaseGroup = G.RepurchaseAfterRefundQuery['repurchaseAfterRefund'][number];

const GROUPS: readonly DimensionName[] = ['DECISION', 'CHANNEL', 'CUSTOMER_TYPE', 'CAMPAIGN'];
const EXPERIENCE = /* GraphQL */ `query CustomerExperience($f: RefundFilter, $g: Dimension) { customerExperience(filter: $f, groupBy: $g) { key refunds csatAvg csatRate csatResponses nps npsResponses } }`;
const REPURCHASE = /* GraphQL */ `query RepurchaseAfterRefund($f: RefundFilter, $g: Dimension, $w: Int) { repurchaseAfterRefund(filter: $f, windowDays: $w, groupBy: $g) { key eligible repurchased repurchaseRate repurchaseRevenue } }`;
const WINDOW = DEFAULTS.repurchaseWindowDays;

/** The refunds behind one group of a dimension. */
function drillFor(dim: DimensionName, key: string, filter: RefundFilter): Pick<DrillRequest, 'filter' | 'drill'> {
  const decided: RefundDrill = { decisions: [...DECIDED] };
  switch (dim) {
    case 'DECISION':
      return { filter, drill: { decisions: [key] } };
    case 'CHANNEL':
      return { filter: { ...filter, channels: [key] }, drill: decided };
    case 'CUSTOMER_TYPE':
      return { filter, drill: { ...decided, customerTypes: [key] } };
    case 'CAMPAIGN':
      return { filter: { ...filter, campaigns: [key] }, drill: decided };
    case 'AGENT':
      return { filter: { ...filter, agentIds: [key] }, drill: decided };
    case 'TEAM':
      return { filter: { ...filter, teams: [key] }, drill: decided };
    case 'PRODUCT_LINE':
      return { filter: { ...filter, productLines: [key] }, drill: decided };
    case 'REASON_CODE':
      return { filter: { ...filter, reasonCodes: [key] }, drill: decided };
    case 'PERIOD':
      return { filter, drill: { ...decided, periodStart: key, grain: 'WEEK' } };
  }
}

function useKeyLabel(dim: DimensionName) {
  const { code } = useI18n();
  return (key: string | null) =>
    key === null || key === '' ? '—' : dim === 'DECISION' ? code('decision', key) : dim === 'CUSTOMER_TYPE' ? code('customerType', key) : key;
}

function GroupBars<T extends { key: string | null }>({
  title,
  rows,
  value,
  format,
  dim,
  n,
  metric,
  domain,
  ticks,
}: {
  title: string;
  rows: T[];
  value: (r: T) => number | null;
  format: (v: number | null) => string;
  dim: DimensionName;
  n: (r: T) => number;
  metric: string;
  domain?: [number, number];
  ticks?: number[];
}) {
  const { t, fmt } = useI18n();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const keyLabel = useKeyLabel(dim);
  const data = rows.map((r) => ({ key: r.key ?? '', label: keyLabel(r.key), value: value(r), n: n(r) }));
  return (
    <Panel title={title} exportTitle={title} chart>
      <div className="chart" data-metric={metric}>
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={data} margin={{ top: 16, right: 8, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={0} />
            <YAxis tickFormatter={(v: number) => format(v)} tick={{ fontSize: 11 }} width={52} domain={domain ?? ['auto', 'auto']} ticks={ticks} />
            <Tooltip formatter={(v, _n, item) => [`${format(Number(v))} (n = ${fmt.number((item.payload as { n: number }).n)})`, title]} />
            <Bar
              dataKey="value"
              isAnimationActive={false}
              cursor="pointer"
              label={{ position: 'top', fontSize: 11, formatter: (v: unknown) => (typeof v === 'number' ? format(v) : '') }}
              onClick={(bar) => {
                const p = bar.payload as { key: string; label: string } | undefined;
                if (p?.key) drill({ title: `${p.label} · ${title}`, ...drillFor(dim, p.key, refundFilter) });
              }}
            >
              {data.map((d, i) => (
                <Cell key={d.key || i} fill={dim === 'DECISION' ? (DECISION_COLORS[d.key] ?? colorAt(i)) : colorAt(i)} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small">{t('overview.n', { n: data.map((d) => `${d.label} ${fmt.number(d.n)}`).join(' · ') })}</p>
    </Panel>
  );
}

function Curve() {
  const { t, fmt, code } = useI18n();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const q = useGql<Record<string, RepurchaseGroup[]>>(curveQuery(), { f: refundFilter });
  const title = t('out.curve');
  return (
    <Panel title={title} chart hint={t('out.curveHint')}>
      {q.error ? (
        <ErrorState error={q.error} what={title} onRetry={q.reload} />
      ) : !q.data ? (
        <Skeleton />
      ) : (
        (() => {
          const { rows, decisions } = curveRows(q.data);
          if (decisions.length === 0) return <EmptyState>{t('empty.noEligible', { days: WINDOWS[0] })}</EmptyState>;
          return (
            <div className="chart" data-testid="repurchase-curve">
              <ResponsiveContainer width="100%" height={300}>
                <LineChart
                  data={rows}
                  margin={{ top: 16, right: 16, bottom: 16, left: 4 }}
                  onClick={(s) => {
                    const days = Number(s.activeLabel);
                    if (!Number.isFinite(days)) return;
                    const key =
                      typeof s.activeDataKey === 'string' && (DECIDED as readonly string[]).includes(s.activeDataKey) ? [s.activeDataKey] : [...DECIDED];
                    drill({
                      title: `${t('out.days', { n: days })} · ${key.map((k) => code('decision', k)).join(', ')}`,
                      filter: refundFilter,
                      drill: { decisions: key },
                    });
                  }}
                >
                  <CartesianGrid stroke="#e5e7eb" />
                  <XAxis
                    dataKey="days"
                    type="number"
                    domain={[0, WINDOWS[WINDOWS.length - 1]]}
                    ticks={[...WINDOWS]}
                    tick={{ fontSize: 11 }}
                    label={{ value: t('out.days', { n: '' }).trim(), position: 'insideBottom', offset: -8, fontSize: 12 }}
                  />
                  <YAxis tickFormatter={(v: number) => fmt.percent(v, 0)} tick={{ fontSize: 11 }} width={48} domain={[0, 'auto']} />
                  <Tooltip labelFormatter={(v) => t('out.days', { n: String(v) })} formatter={(v, n) => [fmt.percent(Number(v)), n]} />
                  <Legend verticalAlign="top" />
                  {decisions.map((d, i) => (
                    <Line
                      key={d}
                      dataKey={d}
                      name={code('decision', d)}
                      stroke={DECISION_COLORS[d] ?? colorAt(i)}
                      strokeWidth={2}
                      dot={{ r: 3 }}
                      activeDot={{ r: 5 }}
                      connectNulls
                      isAnimationActive={false}
                    />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
          );
        })()
      )}
    </Panel>
  );
}

export default function OutcomesPage() {
  const { t, fmt, locale, metricLabel } = useI18n();
  const { refundFilter, param, setParams } = useFilters();
  const dim: DimensionName = (GROUPS as readonly string[]).includes(param('by') ?? '') ? (param('by') as DimensionName) : 'DECISION';
  const dimLabel = (DIMENSION_BY_NAME.get(dim)?.label[locale] ?? dim).toLowerCase();
  const keyLabel = useKeyLabel(dim);
  const exp = useGql<G.CustomerExperienceQuery>(EXPERIENCE, { f: refundFilter, g: dim });
  const rep = useGql<G.RepurchaseAfterRefundQuery>(REPURCHASE, { f: refundFilter, g: dim, w: WINDOW });

  const controls = (
    <label className="control">
      <span className="field-label">{t('out.groupBy')}</span>
      <select value={dim} onChange={(e) => setParams({ by: e.target.value === 'DECISION' ? null : e.target.value })} data-testid="groupby-select">
        {GROUPS.map((g) => (
          <option key={g} value={g}>
            {DIMENSION_BY_NAME.get(g)?.label[locale] ?? g}
          </option>
        ))}
      </select>
    </label>
  );

  type Row = { key: string | null; e?: ExperienceGroup; r?: RepurchaseGroup };
  const merged: Row[] = [];
  const idx = new Map<string, Row>();
  for (const e of exp.data?.customerExperience ?? []) {
    const row: Row = { key: e.key, e };
    idx.set(e.key ?? '', row);
    merged.push(row);
  }
  for (const r of rep.data?.repurchaseAfterRefund ?? []) {
    const row = idx.get(r.key ?? '');
    if (row) row.r = r;
    else merged.push({ key: r.key, r });
  }
  const cols: Column<Row>[] = [
    { key: 'key', header: DIMENSION_BY_NAME.get(dim)?.label[locale] ?? dim, value: (r) => r.key, text: (r) => keyLabel(r.key) },
    {
      key: 'csatAvg',
      header: <MetricLabel name="csatAvg" />,
      headerText: metricLabel('csatAvg'),
      numeric: true,
      value: (r) => r.e?.csatAvg ?? null,
      text: (r) => fmt.metric('csatAvg', r.e?.csatAvg),
    },
    {
      key: 'csatRate',
      header: <MetricLabel name="csatRate" />,
      headerText: metricLabel('csatRate'),
      numeric: true,
      value: (r) => r.e?.csatRate ?? null,
      text: (r) => fmt.metric('csatRate', r.e?.csatRate),
    },
    {
      key: 'csatN',
      header: `${metricLabel('csatAvg')} n`,
      numeric: true,
      value: (r) => r.e?.csatResponses ?? null,
      text: (r) => fmt.number(r.e?.csatResponses),
    },
    {
      key: 'nps',
      header: <MetricLabel name="nps" />,
      headerText: metricLabel('nps'),
      numeric: true,
      value: (r) => r.e?.nps ?? null,
      text: (r) => fmt.metric('nps', r.e?.nps),
    },
    { key: 'npsN', header: `${metricLabel('nps')} n`, numeric: true, value: (r) => r.e?.npsResponses ?? null, text: (r) => fmt.number(r.e?.npsResponses) },
    {
      key: 'rep',
      header: <MetricLabel name="repurchaseRate" />,
      headerText: metricLabel('repurchaseRate'),
      numeric: true,
      value: (r) => r.r?.repurchaseRate ?? null,
      text: (r) => fmt.metric('repurchaseRate', r.r?.repurchaseRate),
    },
    { key: 'eligible', header: t('out.eligible'), numeric: true, value: (r) => r.r?.eligible ?? null, text: (r) => fmt.number(r.r?.eligible) },
    {
      key: 'revenue',
      header: <MetricLabel name="repurchaseRevenue" />,
      headerText: metricLabel('repurchaseRevenue'),
      numeric: true,
      value: (r) => r.r?.repurchaseRevenue ?? null,
      text: (r) => fmt.currency(r.r?.repurchaseRevenue),
    },
  ];

  const noSurveys = (d: { customerExperience: ExperienceGroup[] }) => d.customerExperience.every((g) => g.csatResponses === 0 && g.npsResponses === 0);
  // Say why it is empty: no refunds at all, or refunds without surveys.
  const surveyEmpty = (d: { customerExperience: ExperienceGroup[] } | null) =>
    d && d.customerExperience.every((g) => g.refunds === 0) ? t('empty.noRefunds') : t('empty.noSurveys');

  return (
    <Page id="outcomes" title={t('out.title')} controls={controls}>
      <div className="grid-3">
        <PanelLoadable state={exp} title={t('out.csat', { dim: dimLabel })} isEmpty={noSurveys} empty={surveyEmpty(exp.data)}>
          {(d) => (
            <GroupBars
              title={t('out.csat', { dim: dimLabel })}
              metric="csatAvg"
              dim={dim}
              rows={d.customerExperience.filter((g) => g.csatResponses > 0)}
              value={(g) => g.csatAvg}
              n={(g) => g.csatResponses}
              format={(v) => fmt.decimal(v, 2)}
              domain={[1, 5]}
            />
          )}
        </PanelLoadable>
        <PanelLoadable state={exp} title={t('out.nps', { dim: dimLabel })} isEmpty={noSurveys} empty={surveyEmpty(exp.data)}>
          {(d) => (
            <GroupBars
              title={t('out.nps', { dim: dimLabel })}
              metric="nps"
              dim={dim}
              rows={d.customerExperience.filter((g) => g.npsResponses > 0)}
              value={(g) => g.nps}
              n={(g) => g.npsResponses}
              format={(v) => fmt.number(v, 0)}
              domain={[-120, 120]}
              ticks={[-100, -50, 0, 50, 100]}
            />
          )}
        </PanelLoadable>
        <PanelLoadable
          state={rep}
          title={t('out.rep', { dim: dimLabel, days: WINDOW })}
          isEmpty={(d) => d.repurchaseAfterRefund.every((g) => g.eligible === 0)}
          empty={t('empty.noEligible', { days: WINDOW })}
        >
          {(d) => (
            <GroupBars
              title={t('out.rep', { dim: dimLabel, days: WINDOW })}
              metric="repurchaseRate"
              dim={dim}
              rows={d.repurchaseAfterRefund.filter((g) => g.eligible > 0)}
              value={(g) => g.repurchaseRate}
              n={(g) => g.eligible}
              format={(v) => fmt.percent(v, 0)}
              domain={[0, 1]}
            />
          )}
        </PanelLoadable>
      </div>
      <Curve />
      <RejectionEffectPanel />
      {(exp.data || rep.data) && (
        <Panel title={t('out.table', { dim: dimLabel })}>
          {merged.length === 0 ? (
            <EmptyState>{t('empty.noRefunds')}</EmptyState>
          ) : (
            <DataTable title={t('out.table', { dim: dimLabel })} rows={merged} columns={cols} rowKey={(r) => r.key ?? '—'} compact />
          )}
        </Panel>
      )}
    </Page>
  );
}
