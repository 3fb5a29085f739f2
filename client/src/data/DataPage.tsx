import { useCallback, useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { DataTable, type Column } from '../common/DataTable';
import { useI18n } from '../common/i18n';
import { Page } from '../common/Page';
import { Panel } from '../common/Panel';
import { EmptyState, ErrorState, Loadable, Skeleton } from '../common/States';
import { useFilters } from '../common/useFilters';
import { useGql } from '../common/useGql';
import { ReconciliationPanel } from './ReconciliationPanel';
import { useSession } from '../common/session';
import { UploadPanel } from './UploadPanel';
import { AuditLogPanel } from './AuditLog';
import { UsersPanel } from './Users';
import { AlertsPanel } from '../alerts/AlertsPanel';
import { tableCountColumns } from './tableColumns';
import type * as G from '../common/generated/graphql';

type LoadRecord = G.LoadHistoryQuery['loadHistory'][number];
type RejectedRow = G.LoadRejectsQuery['loadRejects'][number];

const HISTORY = /* GraphQL */ `query LoadHistory($limit: Int!) { loadHistory(limit: $limit) { loadId startedAt finishedAt durationMs outcome message rowsRead rowsLoaded rowsReplaced rowsUnchanged rowsRejected files { path sha256 table } tables { table read loaded replaced unchanged rejected } } }`;
const REJECTS = /* GraphQL */ `query LoadRejects($loadId: Int, $limit: Int!, $offset: Int!) { loadRejects(loadId: $loadId, limit: $limit, offset: $offset) { loadId table file line column value reason } }`;
const PAGE = 100;

function Rejects({ loadId, loads }: { loadId: number | null; loads: number }) {
  const { t, fmt } = useI18n();
  const [offset, setOffset] = useState(0);
  const q = useGql<G.LoadRejectsQuery>(REJECTS, { loadId, limit: PAGE, offset });
  const { reload } = q;
  // "The last load" changes when an upload commits one.
  useEffect(() => {
    if (loads > 0) reload();
  }, [loads, reload]);
  const rows = q.data?.loadRejects ?? [];
  const shownId = rows[0]?.loadId ?? loadId;
  const title = shownId !== null && shownId !== undefined ? t('data.rejects', { id: shownId }) : t('data.rejectsLatest');
  const cols: Column<RejectedRow>[] = [
    { key: 'table', header: t('data.col.table'), value: (r) => r.table },
    { key: 'file', header: t('data.col.file'), value: (r) => r.file, render: (r) => <span title={r.file}>{r.file.split(/[\\/]/).pop()}</span> },
    { key: 'line', header: t('data.col.line'), numeric: true, value: (r) => r.line, text: (r) => fmt.number(r.line) },
    { key: 'column', header: t('data.col.column'), value: (r) => r.column },
    { key: 'value', header: t('data.col.value'), value: (r) => r.value, text: (r) => r.value ?? '∅' },
    { key: 'reason', header: t('data.col.reason'), value: (r) => r.reason },
  ];
  return (
    <Panel title={title}>
      {q.error ? (
        <ErrorState error={q.error} what={title} onRetry={q.reload} />
      ) : !q.data ? (
        <Skeleton kind="table" />
      ) : rows.length === 0 && offset === 0 ? (
        <EmptyState>{t('empty.noRejects')}</EmptyState>
      ) : (
        <>
          <DataTable title={title} rows={rows} columns={cols} rowKey={(r, i) => `${r.file}|${r.line}|${r.column}|${i}`} compact />
          <div className="pager">
            <button type="button" className="btn" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              ← {t('pager.prev')}
            </button>
            <span>
              {fmt.number(offset + 1)}–{fmt.number(offset + rows.length)}
            </span>
            <button type="button" className="btn" disabled={rows.length < PAGE} onClick={() => setOffset(offset + PAGE)}>
              {t('pager.next')} →
            </button>
          </div>
        </>
      )}
    </Panel>
  );
}

function TableSummary({ load }: { load: LoadRecord | undefined }) {
  const { t, fmt } = useI18n();
  if (!load) return null;
  const cols = tableCountColumns<LoadRecord['tables'][number]>(t, fmt);
  const title = t('data.tables', { id: load.loadId });
  return (
    <Panel title={title}>
      <DataTable title={title} rows={load.tables} columns={cols} rowKey={(r) => r.table} compact />
    </Panel>
  );
}

export default function DataPage() {
  const { t, fmt } = useI18n();
  const { me } = useSession();
  const { param, setParams } = useFilters();
  const history = useGql<G.LoadHistoryQuery>(HISTORY, { limit: 50 });
  const [uploads, setUploads] = useState(0);
  const reloadHistory = history.reload;
  const committed = useCallback(() => {
    reloadHistory();
    setUploads((n) => n + 1);
  }, [reloadHistory]);
  const selected = param('load') ? Number(param('load')) : null;
  const cols: Column<LoadRecord>[] = [
    { key: 'id', header: t('data.col.load'), value: (r) => r.loadId, text: (r) => `#${r.loadId}` },
    { key: 'started', header: t('data.col.started'), value: (r) => r.startedAt, text: (r) => fmt.dateTime(r.startedAt) },
    { key: 'duration', header: t('data.col.duration'), numeric: true, value: (r) => r.durationMs, text: (r) => `${fmt.number(r.durationMs / 1000, 1)} s` },
    { key: 'outcome', header: t('data.col.outcome'), value: (r) => r.outcome, render: (r) => <span className={`badge ${/commit|ok|success/i.test(r.outcome) ? 'good' : 'neutral'}`}>{r.outcome}</span> },
    { key: 'read', header: t('data.col.read'), numeric: true, value: (r) => r.rowsRead, text: (r) => fmt.number(r.rowsRead) },
    { key: 'loaded', header: t('data.col.loaded'), numeric: true, value: (r) => r.rowsLoaded, text: (r) => fmt.number(r.rowsLoaded) },
    { key: 'replaced', header: t('data.col.replaced'), numeric: true, value: (r) => r.rowsReplaced, text: (r) => fmt.number(r.rowsReplaced) },
    { key: 'unchanged', header: t('data.col.unchanged'), numeric: true, value: (r) => r.rowsUnchanged, text: (r) => fmt.number(r.rowsUnchanged) },
    { key: 'rejected', header: t('data.col.rejected'), numeric: true, value: (r) => r.rowsRejected, text: (r) => fmt.number(r.rowsRejected) },
    { key: 'files', header: t('data.col.files'), value: (r) => r.files.map((f) => f.path).join('; '), text: (r) => r.files.map((f) => f.table).join(', ') },
    { key: 'message', header: t('data.col.message'), value: (r) => r.message ?? '' },
  ];
  return (
    <Page id="data" title={t('data.title')} filtered={false}>
      {me.role === 'admin' && <UploadPanel onCommitted={committed} />}
      <Loadable state={history} what={t('data.history')} isEmpty={(d) => d.loadHistory.length === 0} empty={t('empty.noLoads')}>
        {(d) => {
          const chartRows = [...d.loadHistory].reverse().map((r) => ({ ...r, label: `#${r.loadId}` }));
          return (
            <>
              <Panel title={t('data.rows')} chart>
                <div className="chart" data-testid="loads-chart">
                  <ResponsiveContainer width="100%" height={240}>
                    <BarChart data={chartRows} margin={{ top: 16, right: 8, bottom: 4, left: 4 }}>
                      <CartesianGrid stroke="#e5e7eb" vertical={false} />
                      <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                      <YAxis tickFormatter={(v: number) => fmt.compact(v)} tick={{ fontSize: 11 }} width={48} />
                      <Tooltip formatter={(v, n) => [fmt.number(Number(v)), n]} />
                      <Legend verticalAlign="top" />
                      {(
                        [
                          ['rowsLoaded', 'data.col.loaded', '#047857'],
                          ['rowsReplaced', 'data.col.replaced', '#1d4ed8'],
                          ['rowsUnchanged', 'data.col.unchanged', '#9ca3af'],
                          ['rowsRejected', 'data.col.rejected', '#b91c1c'],
                        ] as const
                      ).map(([key, label, color]) => (
                        <Bar key={key} dataKey={key} name={t(label)} stackId="rows" fill={color} maxBarSize={56} isAnimationActive={false} cursor="pointer" onClick={(bar) => { const id = (bar.payload as LoadRecord | undefined)?.loadId; if (id !== undefined) setParams({ load: String(id) }); }} />
                      ))}
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </Panel>
              <Panel title={t('data.history')}>
                <DataTable title={t('data.history')} rows={d.loadHistory} columns={cols} rowKey={(r) => String(r.loadId)} onRowClick={(r) => setParams({ load: String(r.loadId) })} rowClass={(r) => (r.loadId === selected ? 'selected' : undefined)} compact />
              </Panel>
              <TableSummary load={d.loadHistory.find((r) => r.loadId === selected) ?? d.loadHistory[0]} />
            </>
          );
        }}
      </Loadable>
      <ReconciliationPanel key={`recon-${uploads}`} />
      <Rejects key={selected ?? 'latest'} loadId={selected} loads={uploads} />
      <AlertsPanel key={`alerts-${uploads}`} />
      {me.role === 'admin' && <UsersPanel />}
      {me.role === 'admin' && <AuditLogPanel />}
    </Page>
  );
}
