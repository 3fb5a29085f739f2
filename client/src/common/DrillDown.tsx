import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { RefundFilter } from '@refunds/shared';
import { DataTable, Pager, type Column } from './DataTable';
import { toCsv } from './csv';
import { downloadBlob } from './exportPack';
import { useI18n } from './i18n';
import type { MessageKey } from './messages';
import { useSession } from './session';
import { EmptyState, ErrorState, Skeleton } from './States';
import type { RefundDrill, RefundRow, RefundSources } from './types';
import { useGql } from './useGql';
import type * as G from './generated/graphql';

export interface DrillRequest {
  /** What was clicked, in words (the dialog title). */
  title: string;
  filter: RefundFilter;
  drill?: RefundDrill;
}

const Ctx = createContext<(r: DrillRequest) => void>(() => undefined);

/** Opens the refunds behind a clicked bar, point or cell. */
export function useDrill(): (r: DrillRequest) => void {
  return useContext(Ctx);
}

const QUERY = /* GraphQL */ `query Refunds($f: RefundFilter, $d: RefundDrill, $sortBy: String, $sortDir: String, $limit: Int, $offset: Int) { refunds(filter: $f, drill: $d, sortBy: $sortBy, sortDir: $sortDir, limit: $limit, offset: $offset) { total rows { refundId orderId customerId agentId agentName channel productId productLine reasonCode reasonFamily requestedAt decidedAt decision requestedAmount refundedAmount customerType sources { ticketId paymentIds shopOrderId fields { field source } } } } }`;

const LIMIT = 50;
const SORTABLE = new Set(['requestedAt', 'decidedAt', 'requestedAmount', 'refundedAmount']);

/** "ticket 50001 · payment re_1 · order #1027": the source records a reconciled refund was merged from. */
export function sourcesText(s: RefundSources | null | undefined): string {
  if (!s) return '';
  return [s.ticketId && `ticket ${s.ticketId}`, ...s.paymentIds.map((p) => `payment ${p}`), s.shopOrderId && `order ${s.shopOrderId}`]
    .filter(Boolean)
    .join(' · ');
}

/** Drops empty lists and undefined fields so the variables (and cache key) stay minimal. */
function cleanDrill(d: RefundDrill | undefined): RefundDrill | undefined {
  if (!d) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return Object.keys(out).length ? (out as RefundDrill) : undefined;
}

function DrillDialog({ req, onClose }: { req: DrillRequest; onClose: () => void }) {
  const { t, fmt, code } = useI18n();
  const { canSeeAgents } = useSession();
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<{ by: string; dir: 'asc' | 'desc' }>({ by: 'requestedAt', dir: 'desc' });
  const closeRef = useRef<HTMLButtonElement>(null);
  const q = useGql<G.RefundsQuery>(QUERY, {
    f: req.filter,
    d: cleanDrill(req.drill),
    sortBy: sort.by,
    sortDir: sort.dir,
    limit: LIMIT,
    offset,
  });

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const head = (key: string) => {
    const label = t(`drill.col.${key}` as MessageKey);
    if (!SORTABLE.has(key)) return label;
    const active = sort.by === key;
    return (
      <button
        type="button"
        className="sort"
        aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
        onClick={() => {
          setOffset(0);
          setSort({ by: key, dir: active && sort.dir === 'desc' ? 'asc' : 'desc' });
        }}
      >
        {label} {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
      </button>
    );
  };
  const col = (key: keyof RefundRow, opts: Partial<Column<RefundRow>> = {}): Column<RefundRow> => ({
    key,
    header: head(key),
    headerText: t(`drill.col.${key}` as MessageKey),
    value: (r) => {
      const v = r[key];
      return typeof v === 'object' && v !== null ? sourcesText(v) : v;
    },
    ...opts,
  });
  const columns: Column<RefundRow>[] = [
    col('refundId'),
    col('requestedAt', { text: (r) => fmt.date(r.requestedAt) }),
    col('decision', { text: (r) => code('decision', r.decision) }),
    col('decidedAt', { text: (r) => fmt.date(r.decidedAt) }),
    col('requestedAmount', { numeric: true, text: (r) => fmt.currency(r.requestedAmount, 2) }),
    col('refundedAmount', { numeric: true, text: (r) => fmt.currency(r.refundedAmount, 2) }),
    col('channel'),
    col('reasonCode'),
    col('productId'),
    col('productLine'),
    col('customerType', { text: (r) => (r.customerType ? code('customerType', r.customerType) : '—') }),
    col('customerId'),
    col('orderId'),
    col('sources', {
      value: (r) => sourcesText(r.sources),
      render: (r) => (r.sources ? <span title={r.sources.fields.map((f) => `${f.field}: ${f.source}`).join('\n')}>{sourcesText(r.sources)}</span> : '—'),
    }),
  ];
  // The product role never sees who handled a refund.
  if (canSeeAgents) columns.splice(3, 0, col('agentName', { value: (r) => r.agentName ?? r.agentId, text: (r) => r.agentName ?? r.agentId ?? '—' }));

  const data = q.data?.refunds;
  const exportCsv = () => {
    if (!data) return;
    downloadBlob(
      new Blob(
        [
          toCsv(
            columns.map((c) => c.headerText ?? c.key),
            data.rows.map((r) => columns.map((c) => c.value(r))),
          ),
        ],
        { type: 'text/csv;charset=utf-8' },
      ),
      `refunds-${offset + 1}.csv`,
    );
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="drill-title" data-testid="drill-dialog">
        <header className="modal-head">
          <h2 id="drill-title">{t('drill.title', { what: req.title })}</h2>
          {data && <span className="muted">{t('drill.total', { n: fmt.number(data.total) })}</span>}
          <div className="spacer" />
          <button type="button" className="btn" onClick={exportCsv} disabled={!data?.rows.length}>
            {t('drill.exportCsv')}
          </button>
          <button type="button" className="btn" ref={closeRef} onClick={onClose}>
            {t('drill.close')}
          </button>
        </header>
        <div className="modal-body">
          {q.error ? (
            <ErrorState error={q.error} what={t('drill.title', { what: req.title })} onRetry={q.reload} />
          ) : !data ? (
            <Skeleton kind="table" rows={8} />
          ) : data.rows.length === 0 ? (
            <EmptyState>{t('empty.noRows')}</EmptyState>
          ) : (
            <>
              <DataTable title={req.title} rows={data.rows} columns={columns} rowKey={(r) => r.refundId} compact />
              <Pager
                offset={offset}
                limit={LIMIT}
                total={data.total}
                onChange={setOffset}
                labels={{
                  prev: t('pager.prev'),
                  next: t('pager.next'),
                  range: t('pager.range', {
                    from: fmt.number(offset + 1),
                    to: fmt.number(Math.min(offset + LIMIT, data.total)),
                    total: fmt.number(data.total),
                  }),
                }}
              />
            </>
          )}
        </div>
      </div>
    </div>
  );
}

export function DrillProvider({ children }: { children: ReactNode }) {
  const [req, setReq] = useState<DrillRequest | null>(null);
  const close = useCallback(() => setReq(null), []);
  return (
    <Ctx.Provider value={setReq}>
      {children}
      {req && <DrillDialog key={JSON.stringify(req)} req={req} onClose={close} />}
    </Ctx.Provider>
  );
}
