import type { RefundFilter } from '@refunds/shared';
import { decodeFilter, encodeFilter, filterFromRefundFilter, toRefundFilter } from './filters';
import type { SavedView } from './types';

/** The server's page key for a saved view: the client route ('/', '/incentives', ...). */
export function pageOf(pathname: string): string {
  const first = pathname.replace(/^\/+|\/+$/g, '').split('/')[0];
  return first ? `/${first}` : '/';
}

/** The stored filter is exactly a RefundFilter as JSON (the server parses it strictly). */
export function viewPayload(search: string): string {
  return JSON.stringify(toRefundFilter(decodeFilter(new URLSearchParams(search))));
}

/** The query string that reopens a saved view; an unreadable payload opens the page unfiltered. */
export function viewSearch(v: Pick<SavedView, 'filter'>): string {
  try {
    const parsed = JSON.parse(v.filter) as RefundFilter;
    if (typeof parsed !== 'object' || parsed === null) return '';
    const qs = encodeFilter(filterFromRefundFilter(parsed)).toString();
    return qs ? `?${qs}` : '';
  } catch {
    return '';
  }
}
