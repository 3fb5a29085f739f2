import { useEffect, useState, type ReactNode } from 'react';
import { gql, GqlError, UNAUTHENTICATED_EVENT } from '../common/graphql';
import type { Me } from '../common/types';
import { clearGqlCache } from '../common/useGql';
import { onSessionChangedElsewhere, SESSION_CHANGED_EVENT, signOut } from './session';
import { SignIn } from './SignIn';
import type * as G from '../common/generated/graphql';

type AuthState = { status: 'checking' } | { status: 'signedOut'; reason?: 'expired' } | { status: 'signedIn'; me: Me } | { status: 'error'; error: GqlError };

const ME = /* GraphQL */ `query Me { me { name role } }`;

export async function fetchMe(): Promise<Me> {
  return (await gql<G.MeQuery>(ME)).me;
}

/** Where earlier versions kept the API token: removed, so an upgraded browser holds no token in web storage. */
function forgetStoredToken(): void {
  try {
    localStorage.removeItem('refunds.token');
  } catch {
    // storage disabled: nothing stored either
  }
}

/** Asks the server who the session cookie belongs to; shows the sign-in page until there is one. */
export function AuthGate({ children }: { children: (me: Me, signOut: () => void) => ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(forgetStoredToken, []);

  useEffect(() => {
    let live = true;
    fetchMe().then(
      (me) => live && setState({ status: 'signedIn', me }),
      (e: unknown) => {
        if (!live) return;
        if (e instanceof GqlError && e.code === 'UNAUTHENTICATED')
          setState((s) => ({ status: 'signedOut', reason: s.status === 'signedIn' ? 'expired' : undefined }));
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
    const onChange = () => {
      clearGqlCache();
      setAttempt((a) => a + 1);
    };
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauth);
    window.addEventListener(SESSION_CHANGED_EVENT, onChange);
    const stop = onSessionChangedElsewhere(onChange);
    return () => {
      window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauth);
      window.removeEventListener(SESSION_CHANGED_EVENT, onChange);
      stop();
    };
  }, []);

  const doSignOut = () => {
    clearGqlCache();
    setState({ status: 'signedOut' });
    void signOut();
  };

  if (state.status === 'signedIn') return <>{children(state.me, doSignOut)}</>;
  if (state.status === 'checking')
    return (
      <div className="center-screen" role="status">
        …
      </div>
    );
  if (state.status === 'error') return <SignIn error={state.error} onRetry={() => setAttempt((a) => a + 1)} />;
  return <SignIn reason={state.reason} />;
}
