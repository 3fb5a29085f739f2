import type { Column } from '../common/DataTable';
import type { Formatters, I18n } from '../common/i18n';

type Counts = { table: string; read: number; loaded: number; replaced: number; unchanged: number; rejected: number };

/** The per-table row counts of a load, as the load history and the upload preview both show them. */
export function tableCountColumns<T extends Counts>(t: I18n['t'], fmt: Formatters): Column<T>[] {
  const n = (k: Exclude<keyof Counts, 'table'>, label: Parameters<I18n['t']>[0]): Column<T> => ({
    key: k,
    header: t(label),
    numeric: true,
    value: (r) => r[k],
    text: (r) => fmt.number(r[k]),
  });
  return [
    { key: 'table', header: t('data.col.table'), value: (r) => r.table },
    n('read', 'data.col.read'),
    n('loaded', 'data.col.loaded'),
    n('replaced', 'data.col.replaced'),
    n('unchanged', 'data.col.unchanged'),
    n('rejected', 'data.col.rejected'),
  ];
}
