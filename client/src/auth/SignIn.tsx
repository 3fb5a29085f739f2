import { useState } from 'react';
import { GqlError, setToken } from '../common/graphql';
import { LocaleSwitch } from '../common/LocaleSwitch';
import { useI18n } from '../common/i18n';
import { errorText } from '../common/States';

/** Writes the token to localStorage (key refunds.token) once the server accepts it. */
export function SignIn({ reason, error, onRetry }: { reason?: 'expired' | 'invalid'; error?: GqlError; onRetry?: () => void }) {
  const { t } = useI18n();
  const [token, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async () => {
    const v = token.trim();
    if (!v) return;
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${v}` },
        body: JSON.stringify({ query: '{ me { name role } }' }),
      });
      const body = (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
      const err = body.errors?.[0];
      if (err) {
        setProblem(err.extensions?.code === 'UNAUTHENTICATED' ? t('signIn.invalid') : errorText(t, new GqlError('UNKNOWN', err.message)));
        return;
      }
      setToken(v);
    } catch (e) {
      setProblem(errorText(t, new GqlError('NETWORK', (e as Error).message)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form
        className="signin-card"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="signin-head">
          <h1>{t('appTitle')}</h1>
          <LocaleSwitch />
        </div>
        <h2>{t('signIn.title')}</h2>
        <p className="muted">{t('signIn.intro')}</p>
        {reason === 'expired' && (
          <p className="error-text" role="alert">
            {t('signIn.expired')}
          </p>
        )}
        {reason === 'invalid' && (
          <p className="error-text" role="alert">
            {t('signIn.invalid')}
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
        <label className="field">
          <span className="field-label">{t('signIn.token')}</span>
          <input
            name="token"
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setValue(e.target.value)}
            required
            data-testid="token-input"
          />
        </label>
        {problem && (
          <p className="error-text" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="btn primary" disabled={busy || !token.trim()} data-testid="sign-in">
          {busy ? t('signIn.checking') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
