import { useState } from 'react';
import { DataTable, type Column } from '../common/DataTable';
import { useI18n } from '../common/i18n';
import type { MessageKey } from '../common/messages';
import { Panel } from '../common/Panel';
import { EmptyState, ErrorState, Skeleton } from '../common/States';
import { useGql } from '../common/useGql';
import type * as G from '../common/generated/graphql';

export type ReconciliationSource = G.ReconciliationQuery['reconciliation']['sources'][number];
export type ReconciliationConflict = G.ReconciliationQuery['reconciliation']['conflicts'][number];

const QUERY = /* GraphQL */ `query Reconciliation { reconciliation { sources { source role records refunds } conflicts { kind refundId orderId detail } counts { kind count } } }`;

/** The Data page's reconciliation section: what each system brought, and where they disagree (reconciliation.md). */
export function ReconciliationPanel() {
  const { t, fmt } = useI18n();
  const q = useGql<G.ReconciliationQuery>(QUERY, {});
  const [kind, setKind] = useState<string | null>(null);
  const title = t('recon.title');
  const kindLabel = (k: string) => t(`recon.kind.${k}` as MessageKey);

  const sourceCols: Column<ReconciliationSource>[] = [
    { key: 'source', header: t('recon.col.source'), value: (r) => r.source },
    { key: 'role', header: t('recon.col.role'), value: (r) => r.role, text: (r) => t(`recon.role.${r.role}` as MessageKey) },
    { key: 'records', header: t('recon.col.records'), numeric: true, value: (r) => r.records, text: (r) => fmt.number(r.records) },
    { key: 'refunds', header: t('recon.col.refunds'), numeric: true, value: (r) => r.refunds, text: (r) => fmt.number(r.refunds) },
  ];
  const conflictCols: Column<ReconciliationConflict>[] = [
    { key: 'kind', header: t('recon.col.kind'), value: (r) => r.kind, text: (r) => kindLabel(r.kind) },
    { key: 'order', header: t('recon.col.order'), value: (r) => r.orderId ?? '' },
    { key: 'refund', header: t('recon.col.refund'), value: (r) => r.refundId },
    { key: 'detail', header: t('recon.col.detail'), value: (r) => r.detail },
  ];

  if (q.error) return <ErrorState error={q.error} what={title} onRetry={q.reload} />;
  if (!q.data) return <Skeleton kind="table" />;
  const { sources, conflicts, counts } = q.data.reconciliation;
  const imported = sources.some((s) => s.role !== 'files');
  const shown = kind === null ? conflicts : conflicts.filter((c) => c.kind === kind);
  return (
    <Panel title={title}>
      <div data-testid="reconciliation">
        <p className="muted">{t('recon.intro')}</p>
        {!imported ? (
          <EmptyState>{t('recon.noSources')}</EmptyState>
        ) : (
          <>
            <DataTable title={t('recon.sources')} rows={sources} columns={sourceCols} rowKey={(r) => `${r.role}|${r.source}`} compact />
            <div className="chips" role="group" aria-label={t('recon.conflicts')}>
              <button type="button" className={`chip ${kind === null ? 'active' : ''}`} aria-pressed={kind === null} onClick={() => setKind(null)}>
                {t('recon.all')} <strong>{fmt.number(conflicts.length)}</strong>
              </button>
              {counts.map((c) => (
                <button
                  key={c.kind}
                  type="button"
                  data-kind={c.kind}
                  className={`chip ${kind === c.kind ? 'active' : ''} ${c.count > 0 ? 'bad' : ''}`}
                  aria-pressed={kind === c.kind}
                  title={t(`recon.help.${c.kind}` as MessageKey)}
                  onClick={() => setKind(kind === c.kind ? null : c.kind)}
                >
                  {kindLabel(c.kind)} <strong>{fmt.number(c.count)}</strong>
                </button>
              ))}
            </div>
            {shown.length === 0 ? (
              <EmptyState>{t('recon.none')}</EmptyState>
            ) : (
              <DataTable title={t('recon.conflicts')} rows={shown} columns={conflictCols} rowKey={(r) => `${r.kind}|${r.refundId}`} compact />
            )}
          </>
        )}
      </div>
    </Panel>
  );
}
