import type { RefundFilter } from '@refunds/shared';
import { decodeFilter, encodeFilter, FILTER_PARAM_NAMES, filterFromRefundFilter, toRefundFilter } from './filters';
import type { SavedView } from './types';

/** The server's page key for a saved view: the client route ('/', '/incentives', ...). */
export function pageOf(pathname: string): string {
  const first = pathname.replace(/^\/+|\/+$/g, '').split('/')[0];
  return first ? `/${first}` : '/';
}

/**
 * What a saved view stores: the filter exactly as a RefundFilter (the server parses it strictly),
 * and the page's other query-string parameters (KPI shown, policy change, what-if weights) as
 * {name: [values]}, or null when there are none.
 */
export function viewPayload(search: string): { filter: string; params: string | null } {
  const qs = new URLSearchParams(search);
  const params: Record<string, string[]> = {};
  for (const [k, v] of qs) if (!FILTER_PARAM_NAMES.includes(k)) (params[k] ??= []).push(v);
  return { filter: JSON.stringify(toRefundFilter(decodeFilter(qs))), params: Object.keys(params).length ? JSON.stringify(params) : null };
}

/** The query string that reopens a saved view; an unreadable part is left out (the page opens without it). */
export function viewSearch(v: Pick<SavedView, 'filter'> & { params?: string | null }): string {
  let qs = new URLSearchParams();
  try {
    const parsed = JSON.parse(v.filter) as RefundFilter;
    if (typeof parsed === 'object' && parsed !== null) qs = encodeFilter(filterFromRefundFilter(parsed));
  } catch {
    // an unreadable filter opens the page unfiltered
  }
  try {
    const params = v.params ? (JSON.parse(v.params) as Record<string, unknown>) : {};
    for (const [k, vals] of Object.entries(params ?? {})) {
      if (FILTER_PARAM_NAMES.includes(k) || !Array.isArray(vals)) continue;
      for (const x of vals) if (typeof x === 'string') qs.append(k, x);
    }
  } catch {
    // unreadable page parameters: the page opens with its defaults
  }
  const out = qs.toString();
  return out ? `?${out}` : '';
}
