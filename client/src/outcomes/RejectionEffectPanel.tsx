import { DEFAULTS } from '@refunds/shared';
import { useMemo, useState } from 'react';
import { CartesianGrid, ErrorBar, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { DataTable, type Column } from '../common/DataTable';
import { useDrill } from '../common/DrillDown';
import { useExportSentence } from '../common/exportRegistry';
import { useI18n } from '../common/i18n';
import { MetricLabel } from '../common/MetricLabel';
import { Panel } from '../common/Panel';
import { ParamSelect, useParamChoice, type ParamChoice } from '../common/ParamSelect';
import { EmptyState, ErrorState, Skeleton } from '../common/States';
import { effectTrustworthy } from '../common/types';
import { useFilters } from '../common/useFilters';
import { useGql } from '../common/useGql';
import { EFFECT_FIELDS } from '../overview/queries';
import type * as G from '../common/generated/graphql';

const EFFECT_WINDOW: ParamChoice<number> = { param: 'ew', options: [30, 60, 90, 180], fallback: DEFAULTS.economicsWindowDays, testId: 'effect-window' };

type Stratum = G.RejectionEffectDetailQuery['rejectionEffect']['strata'][number];

const QUERY = /* GraphQL */ `query RejectionEffectDetail($f: RefundFilter, $w: Int) { rejectionEffect(filter: $f, windowDays: $w) { ...RejectionEffectFields strata { reasonCode productLine amountBand customerType rejected approved revenueDiff rateDiff contribution } } }
  ${EFFECT_FIELDS}`;

type SortKey = 'contribution' | 'rejected' | 'approved' | 'revenueDiff' | 'rateDiff';

interface Point {
  label: string;
  value: number;
  err: [number, number];
}

/** Matched and naive estimates as points with their 95% intervals (the naive gap has none). */
/** `exportTitle` puts the plot in the page's PNG and PDF export (the meeting pack) under that name. */
function EffectPlot({ points, format, testId, exportTitle }: { points: Point[]; format: (v: number) => string; testId: string; exportTitle: string }) {
  return (
    <div className="chart" data-testid={testId} data-export-chart={exportTitle}>
      <ResponsiveContainer width="100%" height={130}>
        <ScatterChart margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis type="number" dataKey="value" tickFormatter={format} tick={{ fontSize: 11 }} domain={['auto', 'auto']} />
          <YAxis type="category" dataKey="label" width={110} tick={{ fontSize: 12 }} />
          <ReferenceLine x={0} stroke="#6b7280" />
          <Tooltip formatter={(v) => format(Number(v))} />
          <Scatter data={points} fill="#1d4ed8" isAnimationActive={false}>
            <ErrorBar dataKey="err" direction="x" width={8} stroke="#1d4ed8" />
          </Scatter>
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Outcomes: what a rejection costs, matched like with like, beside the naive gap (issue: rejection effect). */
export function RejectionEffectPanel() {
  const { t, fmt, code } = useI18n();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const windowDays = useParamChoice(EFFECT_WINDOW);
  const q = useGql<G.RejectionEffectDetailQuery>(QUERY, { f: refundFilter, w: windowDays });
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'contribution', desc: true });
  const e = q.data?.rejectionEffect;
  const title = t('out.effect');

  const strata = useMemo(() => {
    const rows = [...(e?.strata ?? [])];
    const v = (r: Stratum) => {
      const x = r[sort.key];
      return sort.key === 'contribution' ? Math.abs(x ?? 0) : (x ?? -Infinity);
    };
    return rows.sort((a, b) => (sort.desc ? v(b) - v(a) : v(a) - v(b)));
  }, [e, sort]);

  useExportSentence(
    effectTrustworthy(e)
      ? t('out.effectSentence', {
          days: windowDays,
          att: fmt.currency(e.att),
          low: fmt.currency(e.attLow),
          high: fmt.currency(e.attHigh),
          naive: fmt.currency(e.naiveGap),
          coverage: fmt.percent(e.coverage),
        })
      : null,
  );

  const head = (key: SortKey, label: string) => (
    <button
      type="button"
      className="sort"
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : undefined}
      onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : true })}
    >
      {label} {sort.key === key ? (sort.desc ? '▼' : '▲') : ''}
    </button>
  );
  /** A numeric column the table can be sorted by. */
  const sortable = (key: SortKey, label: string, text: (r: Stratum) => string): Column<Stratum> => ({
    key,
    header: head(key, label),
    headerText: label,
    numeric: true,
    value: (r) => r[key],
    text,
  });
  const orDash = (v: number | null, format: (v: number) => string) => (v === null ? '—' : format(v));
  const cols: Column<Stratum>[] = [
    { key: 'reason', header: t('out.effect.reason'), value: (r) => r.reasonCode },
    { key: 'line', header: t('out.effect.line'), value: (r) => r.productLine ?? '—' },
    { key: 'band', header: t('out.effect.band'), value: (r) => r.amountBand },
    { key: 'type', header: t('out.effect.customerType'), value: (r) => r.customerType, text: (r) => code('customerType', r.customerType) },
    sortable('rejected', t('out.effect.rejected'), (r) => fmt.number(r.rejected)),
    sortable('approved', t('out.effect.approved'), (r) => fmt.number(r.approved)),
    sortable('revenueDiff', t('out.effect.revenueDiff'), (r) => (r.revenueDiff === null ? t('out.effect.unmatched') : fmt.currency(r.revenueDiff))),
    sortable('rateDiff', t('out.effect.rateDiff'), (r) => orDash(r.rateDiff, fmt.percent)),
    sortable('contribution', t('out.effect.contribution'), (r) => orDash(r.contribution, fmt.currency)),
  ];

  const windowPicker = (
    <ParamSelect choice={EFFECT_WINDOW} label={t('out.effect.window')} optionLabel={(d) => t('out.days', { n: d })} labelClass="field inline" />
  );

  return (
    <Panel id="rejection-effect" title={title} hint={t('out.effectHint')} actions={windowPicker}>
      {q.error ? (
        <ErrorState error={q.error} what={title} onRetry={q.reload} />
      ) : !e ? (
        <Skeleton />
      ) : e.att === null ? (
        <EmptyState>{t('out.effectNone', { days: windowDays })}</EmptyState>
      ) : (
        <div data-testid="effect-panel">
          {!effectTrustworthy(e) && (
            <p className="caveat" data-testid="effect-low-coverage">
              ⚠{' '}
              {t('overview.effectWithheld', {
                coverage: fmt.percent(e.coverage),
                matched: fmt.number(e.matchedRejected ?? 0),
                eligible: fmt.number(e.eligibleRejected),
              })}
            </p>
          )}
          <div className="effect-grid">
            <div>
              <h3>
                <MetricLabel name="att" /> · {t('out.effect.revenue', { days: windowDays })}
              </h3>
              <EffectPlot
                testId="effect-revenue"
                exportTitle={`${title}: ${t('out.effect.revenueTitle', { days: windowDays })}`}
                format={(v) => fmt.currency(v)}
                points={[
                  { label: t('out.effect.matched'), value: e.att, err: [e.att - (e.attLow ?? e.att), (e.attHigh ?? e.att) - e.att] },
                  ...(e.naiveGap === null ? [] : [{ label: t('out.effect.naive'), value: e.naiveGap, err: [0, 0] as [number, number] }]),
                ]}
              />
            </div>
            <div>
              <h3>{t('out.effect.rate', { days: windowDays })}</h3>
              <EffectPlot
                testId="effect-rate"
                exportTitle={`${title}: ${t('out.effect.rate', { days: windowDays })}`}
                format={(v) => fmt.percent(v)}
                points={[
                  {
                    label: t('out.effect.matched'),
                    value: e.rateAtt ?? 0,
                    err: [(e.rateAtt ?? 0) - (e.rateLow ?? 0), (e.rateHigh ?? 0) - (e.rateAtt ?? 0)],
                  },
                  ...(e.rateNaiveGap === null ? [] : [{ label: t('out.effect.naive'), value: e.rateNaiveGap, err: [0, 0] as [number, number] }]),
                ]}
              />
            </div>
          </div>
          <p className="muted">
            <MetricLabel name="coverage" />: {fmt.percent(e.coverage)} ·{' '}
            {t('overview.effectMatched', { matched: fmt.number(e.matchedRejected ?? 0), eligible: fmt.number(e.eligibleRejected) })} ·{' '}
            {t('out.effect.strataCount', { n: fmt.number(e.matchedStrata ?? 0) })} · <MetricLabel name="savings" />: {fmt.currency(e.savings)} ·{' '}
            {t('out.effect.lost')}: {fmt.currency(e.lostRevenue)} · <MetricLabel name="net" />: {fmt.currency(e.net)}
          </p>
          {strata.length === 0 ? (
            <EmptyState>{t('empty.noRefunds')}</EmptyState>
          ) : (
            <DataTable
              title={t('out.effect.strata')}
              rows={strata.slice(0, 15)}
              exportRows={strata}
              columns={cols}
              rowKey={(r) => `${r.reasonCode}|${r.productLine}|${r.amountBand}|${r.customerType}`}
              onRowClick={(r) =>
                drill({
                  title: `${r.reasonCode} · ${r.productLine ?? '—'} · ${r.amountBand} · ${code('customerType', r.customerType)}`,
                  filter: { ...refundFilter, reasonCodes: [r.reasonCode], ...(r.productLine === null ? {} : { productLines: [r.productLine] }) },
                  drill: { decisions: ['approved', 'rejected'], amountBand: r.amountBand, customerTypes: [r.customerType] },
                })
              }
              compact
            />
          )}
        </div>
      )}
    </Panel>
  );
}
