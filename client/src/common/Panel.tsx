import type { ReactNode } from 'react';

/** A titled block; `chart` marks its body for the PNG/PDF export (the title names the image). */
export function Panel({ title, exportTitle, chart, actions, hint, children, className, id }: { title: ReactNode; exportTitle?: string; chart?: boolean; actions?: ReactNode; hint?: ReactNode; children: ReactNode; className?: string; id?: string }) {
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
