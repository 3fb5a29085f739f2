import { useEffect, useState } from 'react';
import { GqlError } from '../common/graphql';
import { LocaleSwitch } from '../common/LocaleSwitch';
import { useI18n } from '../common/i18n';
import { errorText } from '../common/States';
import { providers, signIn, type SignInOutcome } from './session';
import { InputField } from '../common/Field';

/** What the single-sign-on callback reports in the query string when it did not sign anyone in. */
function ssoProblem(): 'no-access' | 'failed' | null {
  const v = new URLSearchParams(window.location.search).get('signin_error');
  return v === 'no-access' ? 'no-access' : v ? 'failed' : null;
}

/** E-mail and password, single sign-on when configured, and an API token; the server answers with a session cookie. */
export function SignIn({ reason, error, onRetry }: { reason?: 'expired'; error?: GqlError; onRetry?: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setTokenValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sso, setSso] = useState(false);
  const [ssoError] = useState(ssoProblem);

  useEffect(() => {
    let live = true;
    void providers().then((p) => live && setSso(p.oidc));
    if (ssoError) {
      // Drop the marker so a reload does not repeat the message.
      const url = new URL(window.location.href);
      url.searchParams.delete('signin_error');
      window.history.replaceState(null, '', url.pathname + url.search);
    }
    return () => {
      live = false;
    };
  }, [ssoError]);

  const submit = async (body: Parameters<typeof signIn>[0], invalidKey: 'signIn.wrongPassword' | 'signIn.invalid') => {
    setBusy(true);
    setProblem(null);
    const r: SignInOutcome = await signIn(body);
    setBusy(false);
    if (r.ok) return;
    if (r.kind === 'invalid') setProblem(t(invalidKey));
    else if (r.kind === 'throttled') setProblem(t('signIn.throttled', { seconds: r.retryAfter ?? 60 }));
    else setProblem(errorText(t, new GqlError('NETWORK', r.message ?? '')));
  };

  return (
    <main className="signin">
      <div className="signin-card">
        <div className="signin-head">
          <h1>{t('appTitle')}</h1>
          <LocaleSwitch />
        </div>
        <h2>{t('signIn.title')}</h2>
        {reason === 'expired' && (
          <p className="error-text" role="alert">
            {t('signIn.expired')}
          </p>
        )}
        {ssoError && (
          <p className="error-text" role="alert" data-testid="sso-error">
            {ssoError === 'no-access' ? t('signIn.noAccess') : t('signIn.ssoFailed')}
          </p>
        )}
        {error && (
          <div className="error-text" role="alert">
            {errorText(t, error)}{' '}
            {onRetry && (
              <button type="button" className="link" onClick={onRetry}>
                {t('state.retry')}
              </button>
            )}
          </div>
        )}
        {problem && (
          <p className="error-text" role="alert">
            {problem}
          </p>
        )}
        {sso && (
          <>
            <a className="btn primary" href="/api/session/oidc" data-testid="sso-sign-in">
              {t('signIn.sso')}
            </a>
            <p className="signin-or muted">{t('signIn.or')}</p>
          </>
        )}
        <form
          className="signin-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (email.trim() && password) void submit({ email: email.trim(), password }, 'signIn.wrongPassword');
          }}
        >
          <p className="muted">{t('signIn.intro')}</p>
          <InputField
            label={t('signIn.email')}
            name="email"
            type="email"
            autoComplete="username"
            value={email}
            onValue={setEmail}
            required
            data-testid="email-input"
          />
          <InputField
            label={t('signIn.password')}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            required
            data-testid="password-input"
          />
          <button type="submit" className="btn primary" disabled={busy || !email.trim() || !password} data-testid="sign-in-password">
            {busy ? t('signIn.checking') : t('signIn.submit')}
          </button>
        </form>
        <p className="signin-or muted">{t('signIn.or')}</p>
        <form
          className="signin-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (token.trim()) void submit({ token: token.trim() }, 'signIn.invalid');
          }}
        >
          <InputField
            label={t('signIn.tokenIntro')}
            name="token"
            type="password"
            autoComplete="off"
            value={token}
            onValue={setTokenValue}
            required
            data-testid="token-input"
          />
          <button type="submit" className="btn" disabled={busy || !token.trim()} data-testid="sign-in">
            {busy ? t('signIn.checking') : t('signIn.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
