import { useCallback, useEffect, useRef, useState } from 'react';
import { gql, GqlError, type Variables } from './graphql';

export interface GqlState<T> {
  data: T | null;
  error: GqlError | null;
  loading: boolean;
  reload: () => void;
}

interface CacheEntry {
  at: number;
  data: unknown;
}
const cache = new Map<string, CacheEntry>();
const TTL_MS = 60_000;

/** Drops cached answers, e.g. after a mutation or a sign-in as someone else. */
export function clearGqlCache(): void {
  cache.clear();
}

/**
 * Runs a query whenever its text or variables change. Answers are cached briefly so moving between
 * pages with the same filter does not refetch; a stale in-flight answer never overwrites a newer one.
 */
export function useGql<T>(query: string, variables: Variables | undefined, opts: { skip?: boolean } = {}): GqlState<T> {
  const key = `${query}\u0000${JSON.stringify(variables ?? {})}`;
  const cached = cache.get(key);
  const fresh = cached && Date.now() - cached.at < TTL_MS ? (cached.data as T) : null;
  const [state, setState] = useState<{ key: string; data: T | null; error: GqlError | null; loading: boolean }>({
    key,
    data: fresh,
    error: null,
    loading: !fresh && !opts.skip,
  });
  const [nonce, setNonce] = useState(0);
  const lastNonce = useRef(0);

  useEffect(() => {
    if (opts.skip) {
      setState({ key, data: null, error: null, loading: false });
      return;
    }
    const forced = nonce !== lastNonce.current;
    lastNonce.current = nonce;
    const hit = cache.get(key);
    if (!forced && hit && Date.now() - hit.at < TTL_MS) {
      setState({ key, data: hit.data as T, error: null, loading: false });
      return;
    }
    const ctrl = new AbortController();
    setState((s) => ({ key, data: s.key === key ? s.data : null, error: null, loading: true }));
    gql<T>(query, variables, ctrl.signal).then(
      (data) => {
        cache.set(key, { at: Date.now(), data });
        if (!ctrl.signal.aborted) setState({ key, data, error: null, loading: false });
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        const err = e instanceof GqlError ? e : new GqlError('UNKNOWN', String((e as Error)?.message ?? e));
        setState({ key, data: null, error: err, loading: false });
      },
    );
    return () => ctrl.abort();
    // `key` covers query and variables.
  }, [key, nonce, opts.skip]);

  const reload = useCallback(() => {
    cache.delete(key);
    setNonce((n) => n + 1);
  }, [key]);

  // While the effect for a new key has not run yet, do not show the previous key's answer.
  if (state.key !== key) return { data: fresh, error: null, loading: !fresh && !opts.skip, reload };
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
