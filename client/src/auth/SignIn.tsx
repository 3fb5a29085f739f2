import { useEffect, useState } from 'react';
import { GqlError } from '../common/graphql';
import { LocaleSwitch } from '../common/LocaleSwitch';
import { useI18n } from '../common/i18n';
import { errorText } from '../common/States';
import { providers, signIn, type SignInOutcome } from './session';
import { ActionForm, InputField } from '../common/Field';

/** What the single-sign-on callback reports in the query string when it did not sign anyone in. */
function ssoProblem(): 'no-access' | 'failed' | null {
  const v = new URLSearchParams(window.location.search).get('signin_error');
  return v === 'no-access' ? 'no-access' : v ? 'failed' : null;
}

/** The sign-in inputs: caption, input type and what the browser may fill in. */
const CREDENTIALS = {
  email: { label: 'signIn.email', type: 'email', autoComplete: 'username' },
  password: { label: 'signIn.password', type: 'password', autoComplete: 'current-password' },
  token: { label: 'signIn.tokenIntro', type: 'password', autoComplete: 'off' },
} as const;

function CredentialField({ name, value, onValue }: { name: keyof typeof CREDENTIALS; value: string; onValue: (value: string) => void }) {
  const { t } = useI18n();
  const { label, type, autoComplete } = CREDENTIALS[name];
  return (
    <InputField label={t(label)} name={name} type={type} autoComplete={autoComplete} value={value} onValue={onValue} required data-testid={`${name}-input`} />
  );
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
        <ActionForm className="signin-form" onSubmit={() => email.trim() && password && submit({ email: email.trim(), password }, 'signIn.wrongPassword')}>
          <p className="muted">{t('signIn.intro')}</p>
          <CredentialField name="email" value={email} onValue={setEmail} />
          <CredentialField name="password" value={password} onValue={setPassword} />
          <button type="submit" className="btn primary" disabled={busy || !email.trim() || !password} data-testid="sign-in-password">
            {busy ? t('signIn.checking') : t('signIn.submit')}
          </button>
        </ActionForm>
        <p className="signin-or muted">{t('signIn.or')}</p>
        <ActionForm className="signin-form" onSubmit={() => token.trim() && submit({ token: token.trim() }, 'signIn.invalid')}>
          <CredentialField name="token" value={token} onValue={setTokenValue} />
          <button type="submit" className="btn" disabled={busy || !token.trim()} data-testid="sign-in">
            {busy ? t('signIn.checking') : t('signIn.submit')}
          </button>
        </ActionForm>
      </div>
    </main>
  );
}
