import { DataTable, type Column } from '../common/DataTable';
import { useI18n } from '../common/i18n';
import { Panel } from '../common/Panel';
import { Loadable } from '../common/States';
import { useGql } from '../common/useGql';
import type * as G from '../common/generated/graphql';

type AlertRuleRow = G.AlertsQuery['alertRules'][number];

type AlertDeliveryRow = G.AlertsQuery['alertDeliveries'][number];

const ALERTS = /* GraphQL */ `query Alerts { alertRules { id name kind format target threshold language owner } alertDeliveries(limit: 200) { id rule { name } status attempts at summary lastError } alertStatus { dataVersion evaluatedDataVersion retrying } }`;

/** Alert rules and the delivery log (every role reads them; rules are managed in GraphQL, see the README). */
export function AlertsPanel() {
  const { t, fmt } = useI18n();
  const q = useGql<G.AlertsQuery>(ALERTS, {});
  const title = t('alerts.title');
  const ruleCols: Column<AlertRuleRow>[] = [
    { key: 'name', header: t('alerts.rule'), value: (r) => r.name },
    { key: 'kind', header: t('alerts.kind'), value: (r) => r.kind },
    { key: 'format', header: t('alerts.format'), value: (r) => r.format },
    { key: 'target', header: t('alerts.target'), value: (r) => r.target },
    { key: 'threshold', header: t('alerts.threshold'), value: (r) => r.threshold, text: (r) => (r.threshold === null ? '—' : String(r.threshold)) },
    { key: 'language', header: t('alerts.language'), value: (r) => r.language },
    { key: 'owner', header: t('alerts.owner'), value: (r) => r.owner },
  ];
  const deliveryCols: Column<AlertDeliveryRow>[] = [
    { key: 'at', header: t('alerts.at'), value: (r) => r.at, text: (r) => fmt.dateTime(r.at) },
    { key: 'rule', header: t('alerts.rule'), value: (r) => r.rule.name },
    { key: 'status', header: t('alerts.status'), value: (r) => r.status, text: (r) => t(`alerts.status.${r.status}` as 'alerts.status.DELIVERED') },
    { key: 'attempts', header: t('alerts.attempts'), value: (r) => r.attempts },
    { key: 'summary', header: t('alerts.summary'), value: (r) => r.summary, text: (r) => (r.lastError ? `${r.summary} (${r.lastError})` : r.summary) },
  ];
  return (
    <Panel title={title}>
      <Loadable state={q} what={title}>
        {(d) => (
          <div data-testid="alerts-panel">
            <p className="muted">
              {t('alerts.evaluated', { version: String(d.alertStatus.evaluatedDataVersion ?? '—'), current: String(d.alertStatus.dataVersion) })}
            </p>
            {d.alertRules.length === 0 ? (
              <p>{t('alerts.noRules')}</p>
            ) : (
              <DataTable title={t('alerts.rules')} rows={d.alertRules} columns={ruleCols} rowKey={(r) => String(r.id)} compact />
            )}
            <h3>{t('alerts.deliveries')}</h3>
            {d.alertDeliveries.length === 0 ? (
              <p>{t('alerts.noDeliveries')}</p>
            ) : (
              <div data-testid="alert-deliveries">
                <DataTable title={t('alerts.deliveries')} rows={d.alertDeliveries} columns={deliveryCols} rowKey={(r) => String(r.id)} compact />
              </div>
            )}
          </div>
        )}
      </Loadable>
    </Panel>
  );
}
