import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DECIDED, DEFAULTS, DIMENSION_BY_NAME, type DimensionName, type RefundFilter } from '@refunds/shared';
import { colorAt, DECISION_COLORS } from '../common/chart';
import { DataTable, type Column } from '../common/DataTable';
import { useDrill, type DrillRequest } from '../common/DrillDown';
import { useI18n, type Formatters } from '../common/i18n';
import type { MessageKey } from '../common/messages';
import { useNumberColumns } from '../common/columns';
import { Page } from '../common/Page';
import { ParamSelect, useParamChoice, type ParamChoice } from '../common/ParamSelect';
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

const GROUP_BY: ParamChoice<DimensionName> = {
  param: 'by',
  options: ['DECISION', 'CHANNEL', 'CUSTOMER_TYPE', 'CAMPAIGN'],
  fallback: 'DECISION',
  testId: 'groupby-select',
};
const EXPERIENCE = /* GraphQL */ `query CustomerExperience($f: RefundFilter, $g: Dimension) { customerExperience(filter: $f, groupBy: $g) { key refunds csatAvg csatRate csatResponses nps npsResponses } }`;
const REPURCHASE = /* GraphQL */ `query RepurchaseAfterRefund($f: RefundFilter, $g: Dimension, $w: Int) { repurchaseAfterRefund(filter: $f, windowDays: $w, groupBy: $g) { key eligible repurchased repurchaseRate repurchaseRevenue } }`;
const WINDOW = DEFAULTS.repurchaseWindowDays;

/** The survey charts: the groups with answers, on a fixed axis. */
const SURVEY_CHARTS: readonly {
  metric: string;
  title: MessageKey;
  value: (g: ExperienceGroup) => number | null;
  n: (g: ExperienceGroup) => number;
  format: (fmt: Formatters, v: number | null) => string;
  domain: [number, number];
  ticks?: number[];
}[] = [
  { metric: 'csatAvg', title: 'out.csat', value: (g) => g.csatAvg, n: (g) => g.csatResponses, format: (fmt, v) => fmt.decimal(v, 2), domain: [1, 5] },
  {
    metric: 'nps',
    title: 'out.nps',
    value: (g) => g.nps,
    n: (g) => g.npsResponses,
    format: (fmt, v) => fmt.number(v, 0),
    domain: [-120, 120],
    ticks: [-100, -50, 0, 50, 100],
  },
];

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
  const { refundFilter } = useFilters();
  const { metricColumn, countColumn } = useNumberColumns();
  const dim = useParamChoice(GROUP_BY);
  const dimLabel = (DIMENSION_BY_NAME.get(dim)?.label[locale] ?? dim).toLowerCase();
  const keyLabel = useKeyLabel(dim);
  const exp = useGql<G.CustomerExperienceQuery>(EXPERIENCE, { f: refundFilter, g: dim });
  const rep = useGql<G.RepurchaseAfterRefundQuery>(REPURCHASE, { f: refundFilter, g: dim, w: WINDOW });

  const controls = <ParamSelect choice={GROUP_BY} label={t('out.groupBy')} optionLabel={(g) => DIMENSION_BY_NAME.get(g)?.label[locale] ?? g} />;

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
    metricColumn('csatAvg', (r) => r.e?.csatAvg),
    metricColumn('csatRate', (r) => r.e?.csatRate),
    countColumn('csatN', `${metricLabel('csatAvg')} n`, (r) => r.e?.csatResponses),
    metricColumn('nps', (r) => r.e?.nps),
    countColumn('npsN', `${metricLabel('nps')} n`, (r) => r.e?.npsResponses),
    metricColumn('repurchaseRate', (r) => r.r?.repurchaseRate, 'rep'),
    countColumn('eligible', t('out.eligible'), (r) => r.r?.eligible),
    metricColumn('repurchaseRevenue', (r) => r.r?.repurchaseRevenue, 'revenue'),
  ];

  const noSurveys = (d: { customerExperience: ExperienceGroup[] }) => d.customerExperience.every((g) => g.csatResponses === 0 && g.npsResponses === 0);
  // Say why it is empty: no refunds at all, or refunds without surveys.
  const surveyEmpty = (d: { customerExperience: ExperienceGroup[] } | null) =>
    d && d.customerExperience.every((g) => g.refunds === 0) ? t('empty.noRefunds') : t('empty.noSurveys');

  return (
    <Page id="outcomes" title={t('out.title')} controls={controls}>
      <div className="grid-3">
        {SURVEY_CHARTS.map((c) => (
          <PanelLoadable key={c.metric} state={exp} title={t(c.title, { dim: dimLabel })} isEmpty={noSurveys} empty={surveyEmpty(exp.data)}>
            {(d) => (
              <GroupBars
                title={t(c.title, { dim: dimLabel })}
                metric={c.metric}
                dim={dim}
                rows={d.customerExperience.filter((g) => c.n(g) > 0)}
                value={c.value}
                n={c.n}
                format={(v) => c.format(fmt, v)}
                domain={c.domain}
                ticks={c.ticks}
              />
            )}
          </PanelLoadable>
        ))}
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
