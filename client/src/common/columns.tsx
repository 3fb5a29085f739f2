import type { Column } from './DataTable';
import { useI18n } from './i18n';
import { MetricLabel } from './MetricLabel';

/** Numeric table columns: a catalog metric (label with its tooltip, formatted by the metric's unit) or a count. */
export function useNumberColumns() {
  const { fmt, metricLabel } = useI18n();
  return {
    metricColumn: <R,>(metric: string, value: (r: R) => number | null | undefined, key = metric): Column<R> => ({
      key,
      header: <MetricLabel name={metric} />,
      headerText: metricLabel(metric),
      numeric: true,
      value: (r) => value(r) ?? null,
      text: (r) => fmt.metric(metric, value(r)),
    }),
    countColumn: <R,>(key: string, header: string, value: (r: R) => number | null | undefined): Column<R> => ({
      key,
      header,
      numeric: true,
      value: (r) => value(r) ?? null,
      text: (r) => fmt.number(value(r)),
    }),
  };
}
