import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ExportScope, useNewRegistry, type ExportRegistry } from './exportRegistry';
import { buildPdf, captureCharts, downloadBlob, exportCsvs, exportPngs } from './exportPack';
import { addDays, type FilterState } from './filters';
import { useI18n, type I18n } from './i18n';
import { useSession } from './session';
import { useFilters } from './useFilters';
import { slug } from './csv';

export function describeFilter(f: FilterState, i18n: Pick<I18n, 't' | 'fmt'>): string {
  const { t, fmt } = i18n;
  const parts: string[] = [];
  // `to` is exclusive; people read ranges by their last day.
  if (f.from || f.to) parts.push(`${f.from ? fmt.date(f.from) : '…'} – ${f.to ? fmt.date(addDays(f.to, -1)) : '…'}`);
  const lists: Array<[keyof FilterState, Parameters<typeof t>[0]]> = [
    ['channels', 'filter.channels'],
    ['productLines', 'filter.productLines'],
    ['teams', 'filter.teams'],
    ['campaigns', 'filter.campaigns'],
    ['reasonCodes', 'filter.reasonCodes'],
    ['agentIds', 'filter.agentIds'],
  ];
  for (const [k, label] of lists) {
    const v = f[k];
    if (Array.isArray(v) && v.length) parts.push(`${t(label)}: ${v.join(', ')}`);
  }
  return parts.length ? parts.join(' · ') : t('filter.none');
}

function ExportMenu({
  registry,
  rootRef,
  title,
  extraLines,
  filtered,
}: {
  registry: ExportRegistry;
  rootRef: React.RefObject<HTMLElement | null>;
  title: string;
  extraLines: string[];
  filtered: boolean;
}) {
  const i18n = useI18n();
  const { t, fmt, locale } = i18n;
  const { filter } = useFilters();
  const { me } = useSession();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (menuRef.current && !menuRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);

  const run = async (kind: 'pdf' | 'csv' | 'png') => {
    const root = rootRef.current;
    if (!root) return;
    setOpen(false);
    setBusy(true);
    setMessage(null);
    try {
      let n = 0;
      if (kind === 'csv') n = await exportCsvs(registry, title);
      else if (kind === 'png') n = await exportPngs(root, title);
      else {
        const charts = await captureCharts(root);
        const now = new Date().toISOString();
        const blob = await buildPdf({
          title,
          lines: [
            ...(filtered ? [describeFilter(filter, i18n)] : []),
            ...extraLines,
            `${t('export.generated', { date: fmt.dateTime(now) })} · ${me.name} (${me.role}) · ${locale}`,
          ],
          registry,
          charts,
          moreRows: (k) => t('export.truncated', { n: fmt.number(k) }),
        });
        downloadBlob(blob, `${slug(title)}-${now.slice(0, 10)}.pdf`);
        n = 1;
      }
      if (n === 0) setMessage(t('export.nothing'));
    } catch (e) {
      setMessage(t('export.failed', { msg: (e as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="export-menu" ref={menuRef}>
      <button
        type="button"
        className="btn"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={busy}
        onClick={() => setOpen((o) => !o)}
        data-testid="export-button"
      >
        {busy ? t('export.working') : `${t('export.button')} ▾`}
      </button>
      {open && (
        <div className="menu" role="menu">
          <button type="button" role="menuitem" onClick={() => void run('pdf')} data-testid="export-pdf">
            {t('export.pdf')}
          </button>
          <button type="button" role="menuitem" onClick={() => void run('csv')} data-testid="export-csv">
            {t('export.csv')}
          </button>
          <button type="button" role="menuitem" onClick={() => void run('png')} data-testid="export-png">
            {t('export.png')}
          </button>
        </div>
      )}
      {message && (
        <p className="export-message" role="status">
          {message}
        </p>
      )}
    </div>
  );
}

export function Page({
  id,
  title,
  intro,
  controls,
  exportLines = [],
  filtered = true,
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  controls?: ReactNode;
  exportLines?: string[];
  filtered?: boolean;
  children: ReactNode;
}) {
  const registry = useNewRegistry();
  const rootRef = useRef<HTMLElement>(null);
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <ExportScope registry={registry}>
      <article className="page" data-page={id} ref={rootRef}>
        <header className="page-head">
          <div>
            <h1>{title}</h1>
            {intro && <p className="page-intro">{intro}</p>}
          </div>
          <div className="page-tools">
            {controls}
            <ExportMenu registry={registry} rootRef={rootRef} title={title} extraLines={exportLines} filtered={filtered} />
          </div>
        </header>
        {children}
      </article>
    </ExportScope>
  );
}
