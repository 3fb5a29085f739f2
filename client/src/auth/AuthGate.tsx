import { useEffect, useState, type ReactNode } from 'react';
import { getToken, gql, GqlError, setToken, UNAUTHENTICATED_EVENT } from '../common/graphql';
import type { Me } from '../common/types';
import { clearGqlCache } from '../common/useGql';
import { SignIn } from './SignIn';

type AuthState =
  { status: 'checking' } | { status: 'signedOut'; reason?: 'expired' | 'invalid' } | { status: 'signedIn'; me: Me } | { status: 'error'; error: GqlError };

const ME = `query Me { me { name role } }`;

export async function fetchMe(): Promise<Me> {
  return (await gql<{ me: Me }>(ME)).me;
}

/** Shows the sign-in form until a stored token is accepted by the `me` query; any UNAUTHENTICATED answer returns here. */
export function AuthGate({ children }: { children: (me: Me, signOut: () => void) => ReactNode }) {
  const [state, setState] = useState<AuthState>(() => (getToken() ? { status: 'checking' } : { status: 'signedOut' }));
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!getToken()) {
      setState((s) => (s.status === 'signedOut' ? s : { status: 'signedOut' }));
      return;
    }
    let live = true;
    setState({ status: 'checking' });
    fetchMe().then(
      (me) => live && setState({ status: 'signedIn', me }),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof GqlError && e.code === 'UNAUTHENTICATED') setState({ status: 'signedOut', reason: 'invalid' });
        else setState({ status: 'error', error: e instanceof GqlError ? e : new GqlError('UNKNOWN', String(e)) });
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  useEffect(() => {
    const onUnauth = () => {
      clearGqlCache();
      setState({ status: 'signedOut', reason: 'expired' });
    };
    const onToken = () => {
      clearGqlCache();
      setAttempt((a) => a + 1);
    };
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauth);
    window.addEventListener('refunds:token', onToken);
    // Another tab signing in or out.
    const onStorage = (e: StorageEvent) => e.key === 'refunds.token' && onToken();
    window.addEventListener('storage', onStorage);
    return () => {
      window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauth);
      window.removeEventListener('refunds:token', onToken);
      window.removeEventListener('storage', onStorage);
    };
  }, []);

  const signOut = () => setToken(null);

  if (state.status === 'signedIn') return <>{children(state.me, signOut)}</>;
  if (state.status === 'checking')
    return (
      <div className="center-screen" role="status">
        …
      </div>
    );
  if (state.status === 'error') return <SignIn error={state.error} onRetry={() => setAttempt((a) => a + 1)} />;
  return <SignIn reason={state.reason} />;
}
