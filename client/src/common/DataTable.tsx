import type { ReactNode } from 'react';
import type { Cell } from './csv';
import { useExportTable } from './exportRegistry';

export interface Column<R> {
  key: string;
  header: ReactNode;
  /** Header as plain text for the CSV and PDF (defaults to `header` when it is a string). */
  headerText?: string;
  value: (r: R) => Cell;
  /** Display text (also used in the PDF); defaults to the raw value. */
  text?: (r: R) => string;
  render?: (r: R) => ReactNode;
  numeric?: boolean;
}

export function DataTable<R>({
  title,
  rows,
  columns,
  rowKey,
  onRowClick,
  rowClass,
  exportRows,
  caption,
  compact,
}: {
  title: string;
  rows: readonly R[];
  columns: readonly Column<R>[];
  rowKey: (r: R, i: number) => string;
  onRowClick?: (r: R) => void;
  rowClass?: (r: R) => string | undefined;
  /** All rows for the export when `rows` is one page of them. */
  exportRows?: readonly R[];
  caption?: ReactNode;
  compact?: boolean;
}) {
  const all = exportRows ?? rows;
  const headerText = (c: Column<R>) => c.headerText ?? (typeof c.header === 'string' ? c.header : c.key);
  const textOf = (c: Column<R>, r: R) => (c.text ? c.text(r) : String(c.value(r) ?? ''));
  useExportTable({
    title,
    headers: columns.map(headerText),
    rows: all.map((r) => columns.map((c) => c.value(r))),
    text: all.map((r) => columns.map((c) => textOf(c, r))),
  });
  return (
    <div className="table-wrap">
      <table className={`data-table${compact ? ' compact' : ''}`} data-export-table={title}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr
              key={rowKey(r, i)}
              className={[rowClass?.(r), onRowClick ? 'clickable' : ''].filter(Boolean).join(' ') || undefined}
              onClick={onRowClick ? () => onRowClick(r) : undefined}
              onKeyDown={onRowClick ? (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onRowClick(r)) : undefined}
              tabIndex={onRowClick ? 0 : undefined}
            >
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.render ? c.render(r) : textOf(c, r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function Pager({
  offset,
  limit,
  total,
  onChange,
  labels,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
  labels: { prev: string; next: string; range: string };
}) {
  return (
    <div className="pager">
      <button type="button" className="btn" disabled={offset <= 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        ← {labels.prev}
      </button>
      <span className="pager-range">{labels.range}</span>
      <button type="button" className="btn" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
        {labels.next} →
      </button>
    </div>
  );
}
