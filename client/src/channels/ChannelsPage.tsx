import { useState } from 'react';
import { DEFAULTS } from '@refunds/shared';
import { sequentialColor } from '../common/chart';
import { DataTable, type Column } from '../common/DataTable';
import { useDrill } from '../common/DrillDown';
import { useExportNumbers } from '../common/exportRegistry';
import { HeatMap } from '../common/HeatMap';
import { useI18n } from '../common/i18n';
import { MetricLabel } from '../common/MetricLabel';
import { NumberParamInput } from '../common/NumberParamInput';
import { Page } from '../common/Page';
import { Panel } from '../common/Panel';
import { EmptyState, Loadable } from '../common/States';
import { useFilters } from '../common/useFilters';
import { useGql } from '../common/useGql';
import { cohortKey, consistencyParams, orderCohorts, type Cohort } from './cohorts';
import type * as G from '../common/generated/graphql';

type Consistency = G.ChannelConsistencyQuery['channelConsistency'];

const QUERY = /* GraphQL */ `query ChannelConsistency($f: RefundFilter, $m: Int, $g: Float) { channelConsistency(filter: $f, minCases: $m, gapThreshold: $g) { inconsistencyRate comparableCohorts inconsistentCohorts n cohorts { reasonCode productLine amountBand gap pValue inconsistent channels { channel n approvalRate } } } }`;

const FIRST_ROWS = 25;

function Body({ data, minCases }: { data: Consistency; minCases: number }) {
  const { t, fmt } = useI18n();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const [all, setAll] = useState(false);
  const cohorts = orderCohorts(data.cohorts, minCases);
  const shown = all ? cohorts : cohorts.slice(0, FIRST_ROWS);
  const channels = [...new Set(shown.flatMap((c) => c.channels.map((ch) => ch.channel)))].sort();
  const byKey = new Map(shown.map((c) => [cohortKey(c), c]));
  const label = (c: Cohort) => `${c.reasonCode} · ${c.productLine ?? '—'} · ${c.amountBand}`;

  useExportNumbers('', [
    { label: t('ch.title'), value: fmt.percent(data.inconsistencyRate) },
    { label: t('ch.comparable'), value: fmt.number(data.comparableCohorts) },
    { label: t('ch.inconsistent'), value: fmt.number(data.inconsistentCohorts) },
  ]);

  const cols: Column<Cohort>[] = [
    { key: 'cohort', header: t('ch.cohort'), value: (c) => label(c) },
    { key: 'gap', header: t('ch.gap'), numeric: true, value: (c) => c.gap, text: (c) => fmt.percent(c.gap) },
    { key: 'p', header: t('ch.pValue'), numeric: true, value: (c) => c.pValue, text: (c) => fmt.pValue(c.pValue) },
    {
      key: 'flag',
      header: t('ch.flagCol'),
      value: (c) => c.inconsistent,
      text: (c) => (c.inconsistent ? t('common.yes') : t('common.no')),
      render: (c) => (c.inconsistent ? <span className="badge">{t('ch.flag')}</span> : ''),
    },
    ...channels.map<Column<Cohort>>((ch) => ({
      key: `ch-${ch}`,
      header: ch,
      numeric: true,
      value: (c) => c.channels.find((x) => x.channel === ch)?.approvalRate ?? null,
      text: (c) => {
        const x = c.channels.find((y) => y.channel === ch);
        return x ? `${fmt.percent(x.approvalRate, 0)} (${fmt.number(x.n)})` : '';
      },
    })),
  ];

  return (
    <>
      <div className="stat-row">
        <div className="stat">
          <span className="card-label">
            <MetricLabel name="inconsistencyRate" />
          </span>
          <div className="big-number" data-testid="inconsistency-rate">
            {fmt.percent(data.inconsistencyRate)}
          </div>
          <div className="muted small">{t('ch.denominator', { n: fmt.number(data.n) })}</div>
        </div>
        <div className="stat">
          <span className="card-label">{t('ch.comparable')}</span>
          <div className="big-number">{fmt.number(data.comparableCohorts)}</div>
        </div>
        <div className="stat">
          <span className="card-label">{t('ch.inconsistent')}</span>
          <div className="big-number">{fmt.number(data.inconsistentCohorts)}</div>
        </div>
      </div>
      {cohorts.length === 0 ? (
        <EmptyState>{t('empty.noCohorts', { min: minCases })}</EmptyState>
      ) : (
        <>
          <Panel title={t('ch.heat')} chart hint={t('ch.legend', { min: minCases })}>
            <div data-testid="channel-heatmap">
              <HeatMap
                ariaLabel={t('ch.heat')}
                rows={shown.map((c) => ({ key: cohortKey(c), label: label(c), flag: c.inconsistent ? `▲ ${fmt.percent(c.gap, 0)}` : undefined }))}
                cols={channels.map((ch) => ({ key: ch, label: ch }))}
                labelWidth={340}
                cellWidth={92}
                cell={(row, col) => {
                  const c = byKey.get(row);
                  const x = c?.channels.find((y) => y.channel === col);
                  if (!c || !x) return null;
                  const small = x.n < minCases;
                  return {
                    color: sequentialColor(x.approvalRate),
                    text: fmt.percent(x.approvalRate, 0),
                    sub: `n=${fmt.number(x.n)}`,
                    hatched: small,
                    title: `${label(c)} · ${col}: ${fmt.percent(x.approvalRate)} (n = ${x.n})`,
                  };
                }}
                onCellClick={(row, col) => {
                  const c = byKey.get(row);
                  if (!c) return;
                  drill({
                    title: `${label(c)} · ${col}`,
                    filter: { ...refundFilter, channels: [col], reasonCodes: [c.reasonCode], ...(c.productLine ? { productLines: [c.productLine] } : {}) },
                    drill: { amountBand: c.amountBand, decisions: ['approved', 'partial', 'rejected'] },
                  });
                }}
              />
              <div className="legend-row">
                <span>
                  <span className="swatch" style={{ background: sequentialColor(0), border: '1px solid #d1d5db' }} /> 0%
                </span>
                <span>
                  <span className="swatch" style={{ background: sequentialColor(0.5) }} /> 50%
                </span>
                <span>
                  <span className="swatch" style={{ background: sequentialColor(1) }} /> 100%
                </span>
              </div>
            </div>
            {cohorts.length > FIRST_ROWS && (
              <button type="button" className="btn" onClick={() => setAll(!all)}>
                {all ? t('ch.showLess') : t('ch.showAll', { n: cohorts.length })}
              </button>
            )}
          </Panel>
          <Panel title={t('ch.cohort')}>
            <DataTable
              title={t('ch.cohort')}
              rows={shown}
              exportRows={cohorts}
              columns={cols}
              rowKey={cohortKey}
              rowClass={(c) => (c.inconsistent ? 'selected' : undefined)}
              compact
            />
          </Panel>
        </>
      )}
    </>
  );
}

export default function ChannelsPage() {
  const { t } = useI18n();
  const { refundFilter, param } = useFilters();
  const { minCases, gap } = consistencyParams(param);
  const q = useGql<G.ChannelConsistencyQuery>(QUERY, { f: refundFilter, m: minCases, g: gap });
  const controls = (
    <div className="controls">
      <NumberParamInput label={t('ch.minCases')} param="minCases" value={minCases} fallback={DEFAULTS.consistencyMinCases} min={1} max={1000} />
      <NumberParamInput label={t('ch.gapThreshold')} param="gap" value={gap} fallback={DEFAULTS.consistencyGap} min={0} max={1} step={0.01} />
    </div>
  );
  return (
    <Page id="channels" title={t('ch.title')} controls={controls}>
      <Loadable state={q} what={t('ch.title')}>
        {(d) => <Body data={d.channelConsistency} minCases={minCases} />}
      </Loadable>
    </Page>
  );
}
