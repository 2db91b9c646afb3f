/** Sign-in and sign-up share one form; both end signed in and go on to `?next=` (a same-site path only). */
import { useState } from 'preact/hooks';
import type { LoginResult } from '../../accounts/schemas.js';
import { ApiError, api } from './api.js';
import { t } from './i18n/index.js';
import { Link, navigate } from './router.js';
import { setSession } from './session.js';

/** Only an in-site path (no `//host`, no scheme) may be the next page. */
export function nextPath(): string {
  const n = new URLSearchParams(location.search).get('next') ?? '/';
  return /^\/(?!\/)[^\s\\]*$/.test(n) ? n : '/';
}

export function AuthForm({ mode }: { mode: 'signin' | 'signup' }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      if (mode === 'signup')
        await api('POST', '/api/v1/auth/register', { auth: false, body: { email, password, displayName: name || email.split('@')[0] } });
      const r = await api<LoginResult>('POST', '/api/v1/auth/login', { auth: false, body: { email, password } });
      setSession({ userId: r.user.id, email: r.user.email, accessToken: r.accessToken, refreshToken: r.refreshToken });
      navigate(nextPath(), true);
    } catch (err) {
      setError(err instanceof ApiError ? t('auth.failed', { message: err.message, code: err.code }) : String(err));
      setBusy(false);
    }
  };
  const title = mode === 'signin' ? t('auth.signinTitle') : t('auth.signupTitle');
  const next = nextPath();
  return (
    <>
      <h1>{title}</h1>
      <form class="stack" onSubmit={submit}>
        {mode === 'signup' && (
          <label>
            {t('auth.name')}
            <input name="name" autoComplete="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        )}
        <label>
          {t('auth.email')}
          <input name="email" type="email" required autoComplete="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          {t('auth.password')}
          <input
            name="password"
            type="password"
            required
            minLength={mode === 'signup' ? 10 : 1}
            autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {mode === 'signup' && <p class="muted">{t('auth.passwordRule')}</p>}
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {title}
        </button>
      </form>
      <p>
        {mode === 'signin' ? (
          <Link href={`/signup?next=${encodeURIComponent(next)}`}>{t('auth.toSignup')}</Link>
        ) : (
          <Link href={`/signin?next=${encodeURIComponent(next)}`}>{t('auth.toSignin')}</Link>
        )}
      </p>
    </>
  );
}
