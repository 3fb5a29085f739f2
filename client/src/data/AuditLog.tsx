import { toCsv } from '../common/csv';
import { DataTable, type Column } from '../common/DataTable';
import { downloadBlob } from '../common/exportPack';
import { useI18n } from '../common/i18n';
import { Panel } from '../common/Panel';
import { Loadable } from '../common/States';
import { useGql } from '../common/useGql';
import type * as G from '../common/generated/graphql';

export type AuditEntry = G.AuditLogQuery['auditLog'][number];

const AUDIT = /* GraphQL */ `query AuditLog($limit: Int!) { auditLog(limit: $limit) { id at actor action detail address } }`;
/** The whole log goes in the CSV; the page shows this many newest entries. */
const CSV_LIMIT = 10_000;
const SHOWN = 200;

export const AUDIT_CSV_HEADERS = ['at', 'actor', 'action', 'detail', 'address'] as const;

export function auditCsv(rows: readonly AuditEntry[]): string {
  return toCsv(
    AUDIT_CSV_HEADERS,
    rows.map((r) => [r.at, r.actor, r.action, r.detail, r.address]),
  );
}

/** The audit log (admins only): who did what, when, from where; the CSV has every entry, newest first. */
export function AuditLogPanel() {
  const { t, fmt } = useI18n();
  const q = useGql<G.AuditLogQuery>(AUDIT, { limit: CSV_LIMIT });
  const title = t('data.audit');
  const cols: Column<AuditEntry>[] = [
    { key: 'at', header: t('data.audit.at'), value: (r) => r.at, text: (r) => fmt.dateTime(r.at) },
    { key: 'actor', header: t('data.audit.actor'), value: (r) => r.actor },
    { key: 'action', header: t('data.audit.action'), value: (r) => r.action },
    { key: 'detail', header: t('data.audit.detail'), value: (r) => r.detail },
    { key: 'address', header: t('data.audit.address'), value: (r) => r.address },
  ];
  return (
    <Panel title={title}>
      <Loadable state={q} what={title} isEmpty={(d) => d.auditLog.length === 0} empty={t('data.audit.empty')}>
        {(d) => (
          <>
            <button
              type="button"
              className="btn"
              data-testid="audit-csv"
              onClick={() =>
                downloadBlob(new Blob([auditCsv(d.auditLog)], { type: 'text/csv;charset=utf-8' }), `audit-log-${new Date().toISOString().slice(0, 10)}.csv`)
              }
            >
              {t('data.audit.csv')}
            </button>
            <div data-testid="audit-log">
              <DataTable title={title} rows={d.auditLog.slice(0, SHOWN)} columns={cols} rowKey={(r) => String(r.id)} compact />
            </div>
          </>
        )}
      </Loadable>
    </Panel>
  );
}
