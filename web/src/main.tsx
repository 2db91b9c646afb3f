/**
 * The pages' entry: the layout (skip link, navigation, language switch), the route table and
 * the page loader. Pages are separate chunks loaded on demand.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getLang, setLang, t, useLang } from './i18n/index.js';
import { Link, match, navigate, usePath, type RouteDef } from './router.js';
import { getSession, onSessionChange, setSession } from './session.js';
import './styles.css';

/** Every page. */
const routes: RouteDef[] = [
  { path: '/', load: () => import('./pages/events.js') },
  { path: '/events/:eventId', load: () => import('./pages/event.js') },
  { path: '/events/:eventId/queue', load: () => import('./pages/waitroom.js') },
  { path: '/events/:eventId/checkout', load: () => import('./pages/checkout-page.js') },
  { path: '/orders/:orderId', load: () => import('./pages/order.js') },
  { path: '/signin', load: () => import('./pages/signin.js') },
  { path: '/signup', load: () => import('./pages/signup.js') },
  { path: '/account', load: () => import('./pages/account.js') },
  { path: '/organizer', load: () => import('./pages/organizer-events.js') },
  { path: '/organizer/new', load: () => import('./pages/organizer-new.js') },
  { path: '/organizer/events/:eventId', load: () => import('./pages/organizer-event.js') },
  { path: '/organizer/events/:eventId/console', load: () => import('./pages/console.js') },
  { path: '/tickets', load: () => import('./pages/tickets.js') },
  { path: '/organizer/events/:eventId/scan', load: () => import('./pages/scanner.js') },
];

type PageComponent = (p: { params: Record<string, string> }) => preact.JSX.Element | null;

function useSignedIn(): boolean {
  const [s, setS] = useState(!!getSession());
  useEffect(() => onSessionChange(() => setS(!!getSession())), []);
  return s;
}

function Header() {
  const lang = useLang();
  const signedIn = useSignedIn();
  const path = usePath();
  const cur = (p: string) => (path === p ? ('page' as const) : undefined);
  return (
    <header class="top">
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <nav aria-label={t('nav.label')}>
        <Link href="/" class="brand">
          TicketBottle
        </Link>
        <Link href="/" aria-current={cur('/')}>
          {t('nav.events')}
        </Link>
        {signedIn && (
          <Link href="/organizer" aria-current={cur('/organizer')}>
            {t('nav.organizer')}
          </Link>
        )}
        {signedIn ? (
          <Link href="/account" aria-current={cur('/account')}>
            {t('nav.account')}
          </Link>
        ) : (
          <>
            <Link href="/signin" aria-current={cur('/signin')}>
              {t('nav.signin')}
            </Link>
            <Link href="/signup" aria-current={cur('/signup')}>
              {t('nav.signup')}
            </Link>
          </>
        )}
        {signedIn && (
          <button
            type="button"
            class="linklike"
            onClick={() => {
              setSession(undefined);
              navigate('/');
            }}
          >
            {t('nav.signout')}
          </button>
        )}
      </nav>
      <label class="lang">
        <span class="sr-only">{t('nav.language')}</span>
        <select value={lang} onChange={(e) => setLang(e.currentTarget.value === 'vi' ? 'vi' : 'en')}>
          <option value="en">English</option>
          <option value="vi">Tiếng Việt</option>
        </select>
      </label>
    </header>
  );
}

function App() {
  const path = usePath();
  useLang();
  const [page, setPage] = useState<{ path: string; C: PageComponent; params: Record<string, string> } | undefined>();
  const [failed, setFailed] = useState(false);
  const m = match(routes, path);
  useEffect(() => {
    let live = true;
    setFailed(false);
    if (!m) return;
    m.route.load().then(
      (mod) => {
        if (live) setPage({ path, C: mod.default, params: m.params });
      },
      () => {
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [path]);
  let body: preact.JSX.Element;
  if (!m)
    body = (
      <>
        <h1>{t('notFound.title')}</h1>
        <p>
          <Link href="/">{t('notFound.back')}</Link>
        </p>
      </>
    );
  else if (failed) body = <p role="alert">{t('common.loadFailed')}</p>;
  else if (!page || page.path !== path) body = <p aria-busy="true">{t('common.loading')}</p>;
  else body = <page.C params={page.params} />;
  return (
    <>
      <Header />
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <footer>
        <small>{t('footer.note')}</small>
      </footer>
    </>
  );
}

document.documentElement.lang = getLang();
render(<App />, document.getElementById('app')!);
