/**
 * Minimal GraphQL client: the session cookie (httpOnly, set by POST /api/session) authenticates;
 * no token is kept where page scripts could read it. Typed errors, one place for auth failures.
 */

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK'
  | 'UNKNOWN';

const KNOWN_CODES: readonly ErrorCode[] = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
];

export class GqlError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly argument?: string,
  ) {
    super(message);
    this.name = 'GqlError';
  }
}

interface RawError {
  message: string;
  extensions?: { code?: string; argument?: string };
}

export type Variables = Record<string, unknown>;

function toCode(code: string | undefined): ErrorCode {
  return code && (KNOWN_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'UNKNOWN';
}

/** Fired when any request comes back UNAUTHENTICATED; the app shows the sign-in screen. */
export const UNAUTHENTICATED_EVENT = 'refunds:unauthenticated';

export async function gql<T>(query: string, variables?: Variables, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let res: Response;
  try {
    res = await fetch('/graphql', { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify({ query, variables }), signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new GqlError('NETWORK', (e as Error).message || 'network error');
  }
  let body: { data?: T | null; errors?: RawError[] };
  try {
    body = (await res.json()) as { data?: T | null; errors?: RawError[] };
  } catch {
    const code: ErrorCode =
      res.status === 429 ? 'RATE_LIMITED' : res.status === 401 ? 'UNAUTHENTICATED' : res.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'UNKNOWN';
    throw new GqlError(code, `HTTP ${res.status}`);
  }
  const first = body.errors?.[0];
  if (first) {
    const code = toCode(first.extensions?.code);
    if (code === 'UNAUTHENTICATED') window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw new GqlError(code, first.message, first.extensions?.argument);
  }
  if (!body.data) throw new GqlError('UNKNOWN', `HTTP ${res.status}: empty response`);
  return body.data;
}
