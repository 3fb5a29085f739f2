import { Bar, CartesianGrid, ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Link } from 'react-router-dom';
import { DEFAULTS, METRIC_BY_NAME } from '@refunds/shared';
import { approvalRateLine } from '../common/trend-lines';
import { useDrill } from '../common/DrillDown';
import { addDays, daysBetween } from '../common/filters';
import { useI18n } from '../common/i18n';
import { markerLines, useTimeMarkers } from '../common/markers';
import { MetricLabel } from '../common/MetricLabel';
import { Page } from '../common/Page';
import { Panel } from '../common/Panel';
import { EmptyState, ErrorState, Loadable, Skeleton } from '../common/States';
import { changeTone } from '../common/format';
import { useExportNumbers, useExportSentence, useExportTable } from '../common/exportRegistry';
import { effectTrustworthy, type TrendPoint } from '../common/types';
import { useFilters } from '../common/useFilters';
import { useGql } from '../common/useGql';
import { CARDS } from './cards';
import { ECONOMICS_QUERY, EFFECT_QUERY, OVERVIEW_QUERY, TREND_QUERY } from './queries';
import type * as G from '../common/generated/graphql';

function Cards({ data }: { data: G.OverviewQuery['overview'] }) {
  const { t, fmt, metricLabel } = useI18n();
  const { refundFilter, filter } = useFilters();
  const drill = useDrill();
  const prev = data.previous;
  const prevRange = filter.from && filter.to ? { from: addDays(filter.from, -daysBetween(filter.from, filter.to)), to: filter.from } : null;

  useExportTable({
    title: t('overview.title'),
    headers: ['metric', 'value', 'previous', 'n'],
    rows: CARDS.map((c) => [c.metric, data[c.metric], prev ? prev[c.metric] : null, c.n ? (data[c.n] as number | null) : null]),
    text: [],
  });
  useExportNumbers(
    '',
    CARDS.map((c) => ({
      label: metricLabel(c.metric),
      value: fmt.metric(c.metric, data[c.metric]),
      note: [
        prev ? t('overview.previous', { v: fmt.metric(c.metric, prev[c.metric]) }) : '',
        c.n ? t('overview.n', { n: fmt.number(data[c.n] as number | null) }) : '',
      ]
        .filter(Boolean)
        .join(', '),
    })),
  );

  return (
    <>
      {prevRange && prev && (
        <p className="muted small">{t('overview.prevRange', { from: fmt.date(prevRange.from), to: fmt.date(addDays(prevRange.to, -1)) })}</p>
      )}
      {!prev && <p className="muted small">{t('overview.noPrevious')}</p>}
      <div className="cards" data-testid="overview-cards">
        {CARDS.map((c) => {
          const v = data[c.metric];
          const p = prev ? prev[c.metric] : undefined;
          const tone = changeTone(METRIC_BY_NAME.get(c.metric)?.better, v, p);
          const n = c.n ? (data[c.n] as number | null) : null;
          const noSurveys = (c.metric === 'csatAvg' && data.csatResponses === 0) || (c.metric === 'nps' && data.npsResponses === 0);
          const clickable = c.drill !== undefined && data.refunds > 0;
          const open = () => drill({ title: metricLabel(c.metric), filter: refundFilter, drill: c.drill?.length ? { decisions: c.drill } : undefined });
          return (
            <div
              key={c.metric}
              className={`card${clickable ? ' clickable' : ''}`}
              data-testid={`card-${c.metric}`}
              onClick={clickable ? open : undefined}
              onKeyDown={clickable ? (e) => e.key === 'Enter' && open() : undefined}
              tabIndex={clickable ? 0 : undefined}
            >
              <div className="card-label">
                <MetricLabel name={c.metric} />
              </div>
              <div className="card-value" data-value={v ?? ''}>
                {fmt.metric(c.metric, v)}
              </div>
              {noSurveys ? (
                <div className="card-note muted">{t('empty.noSurveys')}</div>
              ) : (
                <div className="card-note">
                  {prev && (
                    <>
                      <span className="muted">{t('overview.previous', { v: fmt.metric(c.metric, p) })}</span>{' '}
                      <span className={`change tone-${tone}`}>
                        {tone > 0 ? '▲ ' : tone < 0 ? '▼ ' : ''}
                        {fmt.change(c.metric, v, p)}
                      </span>
                    </>
                  )}
                  {c.n && n !== null && <span className="muted n"> {t('overview.n', { n: fmt.number(n) })}</span>}
                </div>
              )}
            </div>
          );
        })}
      </div>
      <p className="muted small">
        {t('overview.resolution', {
          mean: fmt.number(data.resolutionHoursMean, 1),
          p50: fmt.number(data.resolutionHoursP50, 1),
          p90: fmt.number(data.resolutionHoursP90, 1),
        })}
      </p>
    </>
  );
}

function TrendChart() {
  const { t, fmt, metricLabel } = useI18n();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const markers = useTimeMarkers();
  const q = useGql<G.RefundTrendQuery>(TREND_QUERY, { f: refundFilter, grain: 'WEEK' });
  const title = t('overview.trend');
  useExportTable(
    q.data
      ? {
          title,
          headers: ['period', 'refunds', 'decided', 'approvalRate', 'rejectionRate', 'refundedAmount'],
          rows: q.data.refundTrend.map((p) => [p.period, p.refunds, p.decided, p.approvalRate, p.rejectionRate, p.refundedAmount]),
          text: [],
        }
      : null,
  );
  const openWeek = (period: string) =>
    drill({ title: `${t('grain.WEEK')} ${fmt.date(period)}`, filter: refundFilter, drill: { periodStart: period, grain: 'WEEK' } });
  return (
    <Panel title={title} chart hint={t('overview.clickHint')}>
      <Loadable state={q} what={title} isEmpty={(d) => d.refundTrend.length === 0} empty={t('empty.noTrend')}>
        {(d) => {
          const periods = d.refundTrend.map((p) => p.period);
          return (
            <div className="chart" data-testid="trend-chart">
              <ResponsiveContainer width="100%" height={300}>
                <ComposedChart
                  data={d.refundTrend}
                  margin={{ top: 16, right: 16, bottom: 4, left: 4 }}
                  onClick={(s, e) => {
                    // Points of the line and the rest of a week's column; bars answer their own clicks,
                    // since the chart's hover state can lag a quick click.
                    const onBar = e.target instanceof Element && e.target.closest('.recharts-bar-rectangle');
                    if (!onBar && typeof s.activeLabel === 'string') openWeek(s.activeLabel);
                  }}
                >
                  <CartesianGrid stroke="#e5e7eb" vertical={false} />
                  <XAxis dataKey="period" tickFormatter={(v: string) => fmt.date(v, 'short')} minTickGap={16} tick={{ fontSize: 11 }} />
                  <YAxis yAxisId="n" tickFormatter={(v: number) => fmt.compact(v)} tick={{ fontSize: 11 }} width={48} />
                  <YAxis
                    yAxisId="rate"
                    orientation="right"
                    domain={[0, 1]}
                    tickFormatter={(v: number) => fmt.percent(v, 0)}
                    tick={{ fontSize: 11 }}
                    width={48}
                  />
                  <Tooltip
                    labelFormatter={(v) => fmt.date(String(v))}
                    formatter={(v, name) => [name === metricLabel('approvalRate') ? fmt.percent(Number(v)) : fmt.number(Number(v)), name]}
                  />
                  <Legend />
                  <Bar
                    yAxisId="n"
                    dataKey="refunds"
                    name={metricLabel('refunds')}
                    fill="#1d4ed8"
                    cursor="pointer"
                    isAnimationActive={false}
                    onClick={(bar) => {
                      const p = (bar.payload as TrendPoint | undefined)?.period;
                      if (p) openWeek(p);
                    }}
                  />
                  {approvalRateLine(metricLabel('approvalRate'), { clickable: true })}
                  {markerLines(markers, periods, 'WEEK', 'n')}
                </ComposedChart>
              </ResponsiveContainer>
            </div>
          );
        }}
      </Loadable>
    </Panel>
  );
}

function MatchedEffect({ days }: { days: number }) {
  const { t, fmt } = useI18n();
  const { refundFilter, search } = useFilters();
  const q = useGql<G.RejectionEffectQuery>(EFFECT_QUERY, { f: refundFilter, w: days });
  const e = q.data?.rejectionEffect;
  const headline = effectTrustworthy(e)
    ? t(e.att <= 0 ? 'overview.effectCost' : 'overview.effectGain', {
        cost: fmt.currency(Math.abs(e.att)),
        low: fmt.currency(-e.attHigh),
        high: fmt.currency(-e.attLow),
        days,
      })
    : null;
  useExportSentence(headline);
  if (q.error || !e) return q.error ? <ErrorState error={q.error} what={t('overview.effect')} onRetry={q.reload} /> : <Skeleton kind="line" />;
  const naive =
    e.naiveGap === null ? null : t(e.naiveGap <= 0 ? 'overview.effectNaiveLess' : 'overview.effectNaiveMore', { gap: fmt.currency(Math.abs(e.naiveGap)) });
  return (
    <div className="effect" data-testid="rejection-effect">
      {headline ? (
        <p className="sentence" data-testid="effect-headline">
          {headline}
        </p>
      ) : (
        <p className="muted" data-testid="effect-withheld">
          {t('overview.effectWithheld', {
            coverage: fmt.percent(e.coverage),
            matched: fmt.number(e.matchedRejected ?? 0),
            eligible: fmt.number(e.eligibleRejected),
          })}
        </p>
      )}
      {naive && (
        <p>
          <MetricLabel name="naiveGap" />: {naive} <span className="muted">{t('overview.effectWhy')}</span>
        </p>
      )}
      <p className="muted">
        <MetricLabel name="coverage" />: {fmt.percent(e.coverage)} (
        {t('overview.effectMatched', { matched: fmt.number(e.matchedRejected ?? 0), eligible: fmt.number(e.eligibleRejected) })}){' '}
        <Link to={{ pathname: '/outcomes', search: search.toString(), hash: 'rejection-effect' }} data-testid="effect-details">
          {t('overview.effectDetails')}
        </Link>
      </p>
    </div>
  );
}

function Economics() {
  const { t, fmt, metricDef, locale } = useI18n();
  const { refundFilter } = useFilters();
  const days = DEFAULTS.economicsWindowDays;
  const q = useGql<G.RejectionEconomicsQuery>(ECONOMICS_QUERY, { f: refundFilter, w: days });
  const e = q.data?.rejectionEconomics;
  const sentence =
    e && e.rejectedCount > 0
      ? t((e.revenueGap ?? 0) >= 0 ? 'overview.economicsLess' : 'overview.economicsMore', {
          savings: fmt.currency(e.savings),
          gap: fmt.currency(Math.abs(e.revenueGap ?? 0)),
          days,
        })
      : null;
  const caveat = metricDef('revenueGap')?.caveat?.[locale] ?? '';
  useExportSentence(
    sentence
      ? `${sentence} ${t('overview.economicsNet', { net: fmt.currency(e?.net), rejected: fmt.number(e?.rejectedCount), eligible: fmt.number(e?.eligible) })} ${caveat}`
      : null,
  );
  const title = t('overview.economics');
  return (
    <Panel title={title}>
      {q.error ? (
        <ErrorState error={q.error} what={title} onRetry={q.reload} />
      ) : !e ? (
        <Skeleton kind="line" />
      ) : !sentence ? (
        <EmptyState>{t('empty.noEconomics', { days })}</EmptyState>
      ) : (
        <div className="economics" data-testid="economics">
          <MatchedEffect days={days} />
          <p className="sentence-secondary">{sentence}</p>
          <p>
            <MetricLabel name="net" />: <strong>{fmt.currency(e.net)}</strong>.{' '}
            {t('overview.economicsBasis', { rejected: fmt.number(e.rejectedCount), eligible: fmt.number(e.eligible) })}
          </p>
          <p className="caveat">⚠ {caveat}</p>
        </div>
      )}
    </Panel>
  );
}

export default function OverviewPage() {
  const { t } = useI18n();
  const { refundFilter } = useFilters();
  const q = useGql<G.OverviewQuery>(OVERVIEW_QUERY, { f: refundFilter });
  const title = t('overview.title');
  return (
    <Page id="overview" title={title}>
      <section className="cards-section" aria-label={title}>
        {q.error ? (
          <ErrorState error={q.error} what={title} onRetry={q.reload} />
        ) : !q.data ? (
          <div className="cards">
            {Array.from({ length: 11 }, (_, i) => (
              <Skeleton key={i} kind="card" />
            ))}
          </div>
        ) : q.data.overview.refunds === 0 ? (
          <EmptyState>{t('empty.noRefunds')}</EmptyState>
        ) : (
          <Cards data={q.data.overview} />
        )}
      </section>
      <div className="grid-2-1">
        <TrendChart />
        <Economics />
      </div>
    </Page>
  );
}
