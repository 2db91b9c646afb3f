/** Shows its children to a signed-in user; otherwise a link to sign in that comes back here. */
import { t } from './i18n/index.js';
import { Link } from './router.js';
import { getSession } from './session.js';

export function RequireSignIn({ children }: { children: preact.ComponentChildren }) {
  if (getSession()) return <>{children}</>;
  return (
    <p>
      <Link href={`/signin?next=${encodeURIComponent(location.pathname)}`} class="button">
        {t('auth.signinFirst')}
      </Link>
    </p>
  );
}
