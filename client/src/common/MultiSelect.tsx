import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useI18n } from './i18n';

export interface Option {
  value: string;
  label: string;
}

/** A compact multi-select: a button summarizing the choice and a checkbox list (with search when long). */
export function MultiSelect({
  label,
  options,
  selected,
  onChange,
  testId,
}: {
  label: string;
  options: readonly Option[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDoc);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const byValue = useMemo(() => new Map(options.map((o) => [o.value, o.label])), [options]);
  const summary =
    selected.length === 0
      ? t('filter.all')
      : selected.length <= 2
        ? selected.map((v) => byValue.get(v) ?? v).join(', ')
        : t('filter.selected', { n: selected.length });
  const shown = query ? options.filter((o) => o.label.toLowerCase().includes(query.toLowerCase())) : options;
  const toggle = (v: string) => onChange(selected.includes(v) ? selected.filter((x) => x !== v) : [...selected, v]);

  return (
    <div className="multiselect" ref={ref} data-testid={testId}>
      <span className="field-label" id={`${id}-l`}>
        {label}
      </span>
      <button
        type="button"
        className={`select-button${selected.length ? ' active' : ''}`}
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-labelledby={`${id}-l`}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="select-summary">{summary}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="popover" role="listbox" aria-multiselectable="true" aria-labelledby={`${id}-l`}>
          {options.length > 8 && (
            <input
              type="search"
              className="popover-search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="…"
              aria-label={label}
              autoFocus
            />
          )}
          {selected.length > 0 && (
            <button type="button" className="link" onClick={() => onChange([])}>
              {t('filter.all')}
            </button>
          )}
          <ul>
            {shown.map((o) => (
              <li key={o.value}>
                <label>
                  <input type="checkbox" checked={selected.includes(o.value)} onChange={() => toggle(o.value)} /> {o.label}
                </label>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
