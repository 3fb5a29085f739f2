/** The session endpoints (api-contract.md, "HTTP"): the server sets and clears an httpOnly cookie. */

export type SignInOutcome = { ok: true } | { ok: false; kind: 'invalid' | 'throttled' | 'failed'; retryAfter?: number; message?: string };

export async function signIn(body: { token: string } | { email: string; password: string }): Promise<SignInOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    return { ok: false, kind: 'failed', message: (e as Error).message };
  }
  if (res.ok) {
    announce();
    return { ok: true };
  }
  if (res.status === 401) return { ok: false, kind: 'invalid' };
  if (res.status === 429) return { ok: false, kind: 'throttled', retryAfter: Number(res.headers.get('retry-after') ?? 60) };
  const text = await res.text().catch(() => '');
  return { ok: false, kind: 'failed', message: `HTTP ${res.status} ${text.slice(0, 200)}` };
}

export async function signOut(): Promise<void> {
  await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin' }).catch(() => undefined);
  announce();
}

export async function providers(): Promise<{ oidc: boolean }> {
  try {
    const res = await fetch('/api/session/providers', { credentials: 'same-origin' });
    return res.ok ? ((await res.json()) as { oidc: boolean }) : { oidc: false };
  } catch {
    return { oidc: false };
  }
}

/** Other tabs of the app re-check who is signed in (nothing secret crosses the channel). */
const CHANNEL = 'refunds-auth';
export const SESSION_CHANGED_EVENT = 'refunds:session';

function announce(): void {
  window.dispatchEvent(new Event(SESSION_CHANGED_EVENT));
  try {
    const ch = new BroadcastChannel(CHANNEL);
    ch.postMessage('changed');
    ch.close();
  } catch {
    // no BroadcastChannel: other tabs notice at their next request
  }
}

export function onSessionChangedElsewhere(handler: () => void): () => void {
  let ch: BroadcastChannel | null = null;
  try {
    ch = new BroadcastChannel(CHANNEL);
    ch.onmessage = handler;
  } catch {
    ch = null;
  }
  return () => ch?.close();
}
