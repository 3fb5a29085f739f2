import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DEFAULTS, GRAINS, REASON_FAMILIES, type Grain, type RefundFilter } from '@refunds/shared';
import { colorAt, FAMILY_COLORS } from '../common/chart';
import { DataTable, type Column } from '../common/DataTable';
import { useDrill } from '../common/DrillDown';
import { addDays } from '../common/filters';
import { useI18n } from '../common/i18n';
import { markerLines, useTimeMarkers } from '../common/markers';
import type { MessageKey } from '../common/messages';
import { Page } from '../common/Page';
import { Panel } from '../common/Panel';
import { ParamSelect, useParamChoice, type ParamChoice } from '../common/ParamSelect';
import { Sparkline } from '../common/Sparkline';
import { EmptyState, ErrorState, Loadable, Skeleton } from '../common/States';
import { useFilters } from '../common/useFilters';
import { useGql } from '../common/useGql';
import { useBreakdown } from '../common/useBreakdown';
import { pivot } from './pivot';
import type * as G from '../common/generated/graphql';

type ReasonPoint = G.ReasonTrendsQuery['reasonTrends'][number];
type Spike = G.RefundSpikesQuery['refundSpikes'][number];

const TRENDS = /* GraphQL */ `query ReasonTrends($f: RefundFilter, $grain: Grain) { reasonTrends(filter: $f, grain: $grain) { period reasonCode reasonFamily refunds refundedAmount share } }`;
const SPIKES = /* GraphQL */ `query RefundSpikes($f: RefundFilter, $min: Int, $alpha: Float) { refundSpikes(filter: $f, minCount: $min, alpha: $alpha) { productId productLine week count expected ratio pValue topReasonCode history } }`;

const SPIKES_PER_PAGE = 10;
const GRAIN: ParamChoice<Grain> = { param: 'grain', options: GRAINS, fallback: 'WEEK', testId: 'grain-select' };

function ReasonTrend({
  data,
  grain,
  family,
  onFamily,
  onReason,
}: {
  data: ReasonPoint[];
  grain: Grain;
  family: string | null;
  onFamily: (f: string) => void;
  onReason: (r: string) => void;
}) {
  const { t, fmt, code } = useI18n();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const markers = useTimeMarkers();
  const rows = family ? data.filter((d) => d.reasonFamily === family) : data;
  const seriesOf = (d: ReasonPoint) => (family ? d.reasonCode : d.reasonFamily);
  const { table, series, periods } = pivot(
    rows,
    (d) => d.period,
    seriesOf,
    (d) => d.refunds,
  );
  const ordered = family ? series : REASON_FAMILIES.filter((f) => series.includes(f));
  const label = (s: string) => (family ? s : code('family', s));
  const color = (s: string, i: number) => (family ? colorAt(i) : (FAMILY_COLORS[s] ?? colorAt(i)));
  const levelKey: MessageKey = family ? 'rs.level.reason' : 'rs.level.family';
  const title = t('rs.trend', { grain: t(`grain.${grain}` as MessageKey), level: t(levelKey) });

  const totals = new Map<string, { refunds: number; amount: number; family: string }>();
  for (const d of rows) {
    const k = seriesOf(d);
    const e = totals.get(k) ?? { refunds: 0, amount: 0, family: d.reasonFamily };
    e.refunds += d.refunds;
    e.amount += d.refundedAmount;
    totals.set(k, e);
  }
  const all = [...totals.values()].reduce((s, e) => s + e.refunds, 0);
  const totalRows = [...totals].map(([key, e]) => ({ key, ...e, share: all ? e.refunds / all : null })).sort((a, b) => b.refunds - a.refunds);
  const cols: Column<(typeof totalRows)[number]>[] = [
    {
      key: 'key',
      header: t(family ? 'rs.col.reason' : 'rs.col.family'),
      value: (r) => r.key,
      text: (r) => label(r.key),
      render: (r) => (
        <span>
          <span className="swatch" style={{ background: color(r.key, ordered.indexOf(r.key)) }} />
          {label(r.key)}
        </span>
      ),
    },
    { key: 'refunds', header: t('rs.col.refunds'), numeric: true, value: (r) => r.refunds, text: (r) => fmt.number(r.refunds) },
    { key: 'share', header: t('rs.col.share'), numeric: true, value: (r) => r.share, text: (r) => fmt.percent(r.share) },
    { key: 'amount', header: t('drill.col.refundedAmount'), numeric: true, value: (r) => r.amount, text: (r) => fmt.currency(r.amount) },
  ];

  return (
    <>
      <Panel title={title} chart hint={family ? t('rs.hintReason') : t('rs.hintFamily')}>
        <div className="chart" data-testid="reason-trend">
          <ResponsiveContainer width="100%" height={320}>
            <BarChart data={table} margin={{ top: 16, right: 12, bottom: 4, left: 4 }}>
              <CartesianGrid stroke="#e5e7eb" vertical={false} />
              <XAxis dataKey="period" tickFormatter={(v: string) => fmt.date(v, 'short')} minTickGap={14} tick={{ fontSize: 11 }} />
              <YAxis tickFormatter={(v: number) => fmt.compact(v)} tick={{ fontSize: 11 }} width={44} />
              <Tooltip labelFormatter={(v) => fmt.date(String(v))} formatter={(v, n) => [fmt.number(Number(v)), n]} />
              <Legend
                onClick={(e) => {
                  const k = String(e.dataKey ?? '');
                  if (!family && k) onFamily(k);
                  else if (k) onReason(k);
                }}
                wrapperStyle={{ cursor: 'pointer', fontSize: 12 }}
              />
              {ordered.map((s, i) => (
                <Bar
                  key={s}
                  dataKey={s}
                  name={label(s)}
                  stackId="a"
                  maxBarSize={48}
                  fill={color(s, i)}
                  isAnimationActive={false}
                  cursor="pointer"
                  onClick={(bar) => {
                    const period = (bar.payload as { period?: string } | undefined)?.period;
                    if (!period) return;
                    const filter: RefundFilter = family ? { ...refundFilter, reasonCodes: [s] } : refundFilter;
                    drill({
                      title: `${label(s)} · ${fmt.date(period)}`,
                      filter,
                      drill: { periodStart: period, grain, ...(family ? {} : { reasonFamilies: [s] }) },
                    });
                  }}
                />
              ))}
              {markerLines(markers, periods, grain)}
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Panel>
      <Panel title={t('rs.byReason')}>
        <DataTable
          title={`${t('rs.byReason')} (${t(levelKey)})`}
          rows={totalRows}
          columns={cols}
          rowKey={(r) => r.key}
          onRowClick={(r) => (family ? onReason(r.key) : onFamily(r.key))}
          compact
        />
      </Panel>
    </>
  );
}

function ProductBreakdown({ filter, reason, title }: { filter: RefundFilter; reason: string | null; title: string }) {
  const { t, fmt } = useI18n();
  const drill = useDrill();
  const f: RefundFilter = reason ? { ...filter, reasonCodes: [reason] } : filter;
  const sample = useBreakdown(f, undefined, 'PRODUCT', 15);
  const counts = sample.bars ?? [];
  return (
    <Panel
      title={title}
      chart
      hint={
        sample.total !== null && sample.shown < sample.total
          ? t('rs.productsTop', { k: fmt.number(counts.length), n: fmt.number(sample.shown), total: fmt.number(sample.total) })
          : undefined
      }
    >
      <CountBars
        sample={sample}
        title={title}
        testId="product-breakdown"
        minHeight={160}
        keyWidth={110}
        color="#b91c1c"
        compactTicks
        onPick={(k) => {
          if (k !== '—') drill({ title: `${reason ?? ''} · ${k}`, filter: f, drill: { productIds: [k] } });
        }}
      />
    </Panel>
  );
}

function SpikeList({ spikes, onPick }: { spikes: Spike[]; onPick: (s: Spike) => void }) {
  const { t, fmt } = useI18n();
  const [page, setPage] = useState(0);
  // The server lists the most significant first.
  const sorted = spikes;
  const shown = sorted.slice(page * SPIKES_PER_PAGE, (page + 1) * SPIKES_PER_PAGE);
  const series = (s: Spike): number[] => s.history ?? [];
  type Row = Spike & { i: number };
  const cols: Column<Row>[] = [
    { key: 'product', header: t('rs.col.product'), value: (r) => r.productId },
    { key: 'line', header: t('rs.col.productLine'), value: (r) => r.productLine ?? '' },
    { key: 'week', header: t('rs.col.week'), value: (r) => r.week, text: (r) => fmt.date(r.week) },
    { key: 'count', header: t('rs.col.count'), numeric: true, value: (r) => r.count, text: (r) => fmt.number(r.count) },
    { key: 'expected', header: t('rs.col.expected'), numeric: true, value: (r) => r.expected, text: (r) => fmt.decimal(r.expected, 1) },
    { key: 'ratio', header: t('rs.col.ratio'), numeric: true, value: (r) => r.ratio, text: (r) => `×${fmt.decimal(r.ratio, 1)}` },
    { key: 'p', header: t('rs.col.pValue'), numeric: true, value: (r) => r.pValue, text: (r) => fmt.pValue(r.pValue) },
    { key: 'top', header: t('rs.col.topReason'), value: (r) => r.topReasonCode ?? '' },
    {
      key: 'spark',
      header: t('rs.col.trend'),
      value: (r) => series(r).join(' '),
      render: (r) => {
        const v = series(r);
        return <Sparkline values={v} highlight={v.length - 1} label={`${r.productId}: ${v.join(', ')}`} />;
      },
    },
  ];
  const rows: Row[] = shown.map((s, i) => ({ ...s, i }));
  const pages = Math.ceil(sorted.length / SPIKES_PER_PAGE);
  return (
    <>
      <DataTable
        title={t('rs.spikes')}
        rows={rows}
        exportRows={sorted.map((s, i) => ({ ...s, i: i + 10_000 }))}
        columns={cols}
        rowKey={(r) => `${r.productId}|${r.week}`}
        onRowClick={onPick}
      />
      {pages > 1 && (
        <div className="pager">
          <button type="button" className="btn" disabled={page === 0} onClick={() => setPage(page - 1)}>
            ← {t('pager.prev')}
          </button>
          <span>{t('pager.range', { from: page * SPIKES_PER_PAGE + 1, to: Math.min(sorted.length, (page + 1) * SPIKES_PER_PAGE), total: sorted.length })}</span>
          <button type="button" className="btn" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
            {t('pager.next')} →
          </button>
        </div>
      )}
    </>
  );
}

export default function ReasonsPage() {
  const { t, fmt, code } = useI18n();
  const { refundFilter, param, setParams, setFilter } = useFilters();
  const grain = useParamChoice(GRAIN);
  const family = param('family');
  // `code`, not `reason`: the filter owns the `reason` key (reason codes).
  const reason = family ? param('code') : null;
  const product = param('product');
  const week = param('week');
  const trends = useGql<G.ReasonTrendsQuery>(TRENDS, { f: refundFilter, grain });
  const spikes = useGql<G.RefundSpikesQuery>(SPIKES, { f: refundFilter, min: DEFAULTS.spikeMinCount, alpha: DEFAULTS.spikeAlpha });

  const crumbs = (
    <nav className="breadcrumb" aria-label="drill">
      <button type="button" className="link" onClick={() => setParams({ family: null, code: null })} aria-current={!family ? 'page' : undefined}>
        {t('rs.all')}
      </button>
      {family && (
        <>
          <span className="sep">›</span>
          <button type="button" className="link" onClick={() => setParams({ code: null })} aria-current={!reason ? 'page' : undefined}>
            {code('family', family)}
          </button>
        </>
      )}
      {reason && (
        <>
          <span className="sep">›</span>
          <span>{reason}</span>
        </>
      )}
    </nav>
  );

  const controls = <ParamSelect choice={GRAIN} label={t('common.grain')} optionLabel={(g) => t(`grain.${g}` as MessageKey)} />;

  return (
    <Page id="reasons" title={t('rs.title')} controls={controls}>
      {product && (
        <div className="focus-banner" role="status">
          <span>{t('rs.focus', { product, week: week ? fmt.date(week) : '—' })}</span>
          <button type="button" className="btn" onClick={() => setFilter({ from: null, to: null, productLines: [] }, { product: null, week: null })}>
            {t('rs.clearFocus')}
          </button>
        </div>
      )}
      {crumbs}
      <Loadable state={trends} what={t('rs.title')} isEmpty={(d) => d.reasonTrends.length === 0} empty={t('empty.noRefunds')}>
        {(d) => (
          <div className="grid-2-1">
            <ReasonTrend
              data={d.reasonTrends}
              grain={grain}
              family={family}
              onFamily={(f) => setParams({ family: f, code: null })}
              onReason={(r) => setParams({ code: r })}
            />
          </div>
        )}
      </Loadable>
      {reason && <ProductBreakdown filter={refundFilter} reason={reason} title={t('rs.products', { reason })} />}
      {product && <ProductFocus product={product} />}
      <Panel title={t('rs.spikes')} hint={t('rs.spikeHint')}>
        {spikes.error ? (
          <ErrorState error={spikes.error} what={t('rs.spikes')} onRetry={spikes.reload} />
        ) : !spikes.data ? (
          <Skeleton kind="table" />
        ) : spikes.data.refundSpikes.length === 0 ? (
          <EmptyState>{t('empty.noSpikes', { min: DEFAULTS.spikeMinCount, alpha: fmt.decimal(DEFAULTS.spikeAlpha, 3) })}</EmptyState>
        ) : (
          <SpikeList
            spikes={spikes.data.refundSpikes}
            onPick={(s) =>
              setFilter(
                { from: s.week, to: addDays(s.week, 7), productLines: s.productLine ? [s.productLine] : [] },
                { product: s.productId, week: s.week, family: 'defect', code: null },
              )
            }
          />
        )}
      </Panel>
    </Page>
  );
}

/** Reason codes of one product in the current range (the page is focused on a spike). */
function ProductFocus({ product }: { product: string }) {
  const { t } = useI18n();
  const { refundFilter } = useFilters();
  const drill = useDrill();
  const sample = useBreakdown(refundFilter, { productIds: [product] }, 'REASON_CODE', 12);
  const title = `${t('rs.col.product')} ${product}: ${t('rs.level.reason')}`;
  return (
    <Panel title={title} chart>
      <CountBars
        sample={sample}
        title={title}
        minHeight={140}
        keyWidth={150}
        color="#1d4ed8"
        onPick={(k) => drill({ title: `${product} · ${k}`, filter: { ...refundFilter, reasonCodes: [k] }, drill: { productIds: [product] } })}
      />
    </Panel>
  );
}

/** A breakdown sample as horizontal count bars (or its error, loading or empty state); a click on a bar picks its key. */
function CountBars({
  sample,
  title,
  testId,
  minHeight,
  keyWidth,
  color,
  compactTicks = false,
  onPick,
}: {
  sample: ReturnType<typeof useBreakdown>;
  title: string;
  testId?: string;
  minHeight: number;
  keyWidth: number;
  color: string;
  compactTicks?: boolean;
  onPick: (key: string) => void;
}) {
  const { t, fmt } = useI18n();
  const counts = sample.bars ?? [];
  if (sample.error) return <ErrorState error={sample.error} what={title} onRetry={sample.reload} />;
  if (!sample.bars) return <Skeleton />;
  if (counts.length === 0) return <EmptyState>{t('empty.noRefunds')}</EmptyState>;
  return (
    <div className="chart" data-testid={testId}>
      <ResponsiveContainer width="100%" height={Math.max(minHeight, counts.length * 26 + 40)}>
        <BarChart data={counts} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid stroke="#e5e7eb" horizontal={false} />
          <XAxis type="number" tickFormatter={compactTicks ? (v: number) => fmt.compact(v) : undefined} tick={{ fontSize: 11 }} allowDecimals={false} />
          <YAxis type="category" dataKey="key" width={keyWidth} tick={{ fontSize: 11 }} />
          <Tooltip formatter={(v) => [fmt.number(Number(v)), t('rs.col.refunds')]} />
          <Bar
            dataKey="count"
            fill={color}
            isAnimationActive={false}
            cursor="pointer"
            onClick={(bar) => {
              const k = (bar.payload as { key?: string } | undefined)?.key;
              if (k) onPick(k);
            }}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
