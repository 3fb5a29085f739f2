import type { ReactNode } from 'react';
import type { GqlError } from './graphql';
import { EmptyState, ErrorState, Skeleton } from './States';

/** A titled block; `chart` marks its body for the PNG/PDF export (the title names the image). */
export function Panel({
  title,
  exportTitle,
  chart,
  actions,
  hint,
  children,
  className,
  id,
}: {
  title: ReactNode;
  exportTitle?: string;
  chart?: boolean;
  actions?: ReactNode;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <section className={`panel${className ? ` ${className}` : ''}`} id={id}>
      <header className="panel-head">
        <h2>{title}</h2>
        {actions && <div className="panel-actions">{actions}</div>}
      </header>
      {hint && <p className="hint">{hint}</p>}
      <div className="panel-body" data-export-chart={chart ? (exportTitle ?? (typeof title === 'string' ? title : 'chart')) : undefined}>
        {children}
      </div>
    </section>
  );
}

/**
 * For blocks whose content is one or more panels: while loading, on error and when empty, a panel
 * with the block's title holds the skeleton or the message, so the layout does not jump or go bare.
 */
export function PanelLoadable<T>({
  state,
  title,
  isEmpty,
  empty,
  children,
}: {
  state: { data: T | null; error: GqlError | null; reload: () => void };
  title: string;
  isEmpty?: (d: T) => boolean;
  empty?: ReactNode;
  children: (d: T) => ReactNode;
}) {
  if (state.error)
    return (
      <Panel title={title}>
        <ErrorState error={state.error} what={title} onRetry={state.reload} />
      </Panel>
    );
  if (!state.data)
    return (
      <Panel title={title}>
        <Skeleton />
      </Panel>
    );
  if (isEmpty?.(state.data))
    return (
      <Panel title={title}>
        <EmptyState>{empty}</EmptyState>
      </Panel>
    );
  return <>{children(state.data)}</>;
}
