import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { RefundFilter } from '@refunds/shared';
import { decodeFilter, encodeFilter, toRefundFilter, type FilterState } from './filters';

export interface FilterApi {
  filter: FilterState;
  /** The GraphQL input; a new object only when the URL's filter changes. */
  refundFilter: RefundFilter;
  /** Changes the filter (and optionally page keys) in one history entry. */
  setFilter: (next: Partial<FilterState>, params?: Record<string, string | null>) => void;
  /** A page's own query-string key (e.g. `kpi`, `change`). */
  param: (key: string) => string | null;
  setParams: (values: Record<string, string | null>, opts?: { replace?: boolean }) => void;
  search: URLSearchParams;
}

export function useFilters(): FilterApi {
  const [search, setSearch] = useSearchParams();
  const key = search.toString();
  const filter = useMemo(() => decodeFilter(new URLSearchParams(key)), [key]);
  const filterKey = JSON.stringify(filter);
  const refundFilter = useMemo(() => toRefundFilter(JSON.parse(filterKey) as FilterState), [filterKey]);

  const setFilter = useCallback(
    (next: Partial<FilterState>, params?: Record<string, string | null>) => {
      setSearch((prev) => {
        const out = encodeFilter({ ...decodeFilter(prev), ...next }, prev);
        for (const [k, v] of Object.entries(params ?? {})) {
          if (v === null || v === '') out.delete(k);
          else out.set(k, v);
        }
        return out;
      });
    },
    [setSearch],
  );
  const setParams = useCallback(
    (values: Record<string, string | null>, opts?: { replace?: boolean }) => {
      setSearch(
        (prev) => {
          const out = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(values)) {
            if (v === null || v === '') out.delete(k);
            else out.set(k, v);
          }
          return out;
        },
        { replace: opts?.replace },
      );
    },
    [setSearch],
  );
  const param = useCallback((k: string) => new URLSearchParams(key).get(k), [key]);
  return { filter, refundFilter, setFilter, param, setParams, search };
}
