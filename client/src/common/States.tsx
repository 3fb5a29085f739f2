import type { ReactNode } from 'react';
import type { GqlError } from './graphql';
import { useI18n } from './i18n';
import type { MessageKey } from './messages';

export function Skeleton({ kind = 'chart', rows = 5 }: { kind?: 'chart' | 'card' | 'table' | 'line'; rows?: number }) {
  const { t } = useI18n();
  if (kind === 'table') {
    return (
      <div className="skeleton-table" role="status" aria-label={t('state.loading')}>
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="skeleton skeleton-row" />
        ))}
      </div>
    );
  }
  return <div className={`skeleton skeleton-${kind}`} role="status" aria-label={t('state.loading')} />;
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <div className="empty-state" role="note">
      <span aria-hidden="true" className="empty-icon">
        ∅
      </span>
      <span>{children}</span>
    </div>
  );
}

export function errorText(t: (k: MessageKey, v?: Record<string, string | number>) => string, error: GqlError): string {
  return t(`err.${error.code}` as MessageKey, { msg: error.message });
}

export function ErrorState({ error, what, onRetry }: { error: GqlError; what: string; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="error-state" role="alert" data-error-code={error.code}>
      <strong>{t('err.title', { what })}</strong>
      <p>{errorText(t, error)}</p>
      {onRetry && error.code !== 'UNAUTHENTICATED' && (
        <button type="button" className="btn" onClick={onRetry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

/** Standard loading / error / empty switch for one query-backed block. */
export function Loadable<T>({
  state,
  what,
  skeleton = 'chart',
  isEmpty,
  empty,
  children,
}: {
  state: { data: T | null; error: GqlError | null; loading: boolean; reload: () => void };
  what: string;
  skeleton?: 'chart' | 'card' | 'table' | 'line';
  isEmpty?: (d: T) => boolean;
  empty?: ReactNode;
  children: (d: T) => ReactNode;
}) {
  if (state.error) return <ErrorState error={state.error} what={what} onRetry={state.reload} />;
  if (!state.data) return <Skeleton kind={skeleton} />;
  if (isEmpty?.(state.data)) return <EmptyState>{empty}</EmptyState>;
  return <>{children(state.data)}</>;
}
