import { decodeFilter, toRefundFilter } from './filters';
import type { SavedView } from './types';

export function pageOf(pathname: string): string {
  return pathname.replace(/^\/+|\/+$/g, '').split('/')[0] || 'overview';
}

/** The stored filter: the RefundFilter for other consumers, plus the full query string that reproduces the view. */
export function viewPayload(search: string): string {
  return JSON.stringify({ ...toRefundFilter(decodeFilter(new URLSearchParams(search))), search });
}

export function viewSearch(v: Pick<SavedView, 'filter'>): string {
  try {
    const parsed = JSON.parse(v.filter) as { search?: unknown };
    if (typeof parsed.search === 'string') return parsed.search.startsWith('?') || parsed.search === '' ? parsed.search : `?${parsed.search}`;
  } catch {
    // an unreadable payload opens the page unfiltered
  }
  return '';
}
