import type { RefundFilter } from '@refunds/shared';
import type { RefundDrill, RefundRow } from './types';
import { useGql } from './useGql';

const PAGE = 500;
const PAGES = 4;

type Field = keyof RefundRow;

/**
 * Up to PAGES x PAGE refunds behind a selection in one request (aliases), for client-side
 * breakdowns the API has no group-by for (e.g. by product). `total` tells whether it is all of them.
 */
export function useRefundSample(filter: RefundFilter, drill: RefundDrill | undefined, fields: readonly Field[], opts: { skip?: boolean } = {}) {
  const sel = `total rows { ${fields.join(' ')} }`;
  const parts = Array.from({ length: PAGES }, (_, i) => `p${i}: refunds(filter: $f, drill: $d, limit: ${PAGE}, offset: ${i * PAGE}) { ${sel} }`);
  const query = `query RefundSample($f: RefundFilter, $d: RefundDrill) { ${parts.join('\n')} }`;
  const q = useGql<Record<string, { total: number; rows: RefundRow[] }>>(query, { f: filter, d: drill }, opts);
  const rows = q.data
    ? Object.keys(q.data)
        .sort()
        .flatMap((k) => q.data![k].rows)
    : null;
  const total = q.data ? (q.data.p0?.total ?? 0) : null;
  return { ...q, rows, total };
}
