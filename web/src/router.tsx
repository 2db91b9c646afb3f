/**
 * A tiny history router: a table of path patterns → page loaders, `navigate()` for links, and a
 * hook for the current match. Page modules are loaded on demand, so the waiting room never
 * downloads the organizer console or its chart library.
 */
import { useEffect, useState } from 'preact/hooks';

/** One route: `:name` segments become params. */
export interface RouteDef {
  path: string;
  load: () => Promise<{ default: (p: { params: Record<string, string> }) => preact.JSX.Element | null }>;
}

export interface Match {
  route: RouteDef;
  params: Record<string, string>;
}

export function match(routes: readonly RouteDef[], pathname: string): Match | undefined {
  const segs = pathname.split('/').filter(Boolean);
  for (const route of routes) {
    const pat = route.path.split('/').filter(Boolean);
    if (pat.length !== segs.length) continue;
    const params: Record<string, string> = {};
    if (pat.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(segs[i]!)), true) : p === segs[i])))
      return { route, params };
  }
  return undefined;
}

const listeners = new Set<() => void>();
/** Go to `to` (same origin) without reloading. */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}
window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

/** The current location's path, re-rendering on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const l = () => setPath(location.pathname);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return path;
}

/** A link that navigates in-app. */
export function Link(p: { href: string; class?: string; children: preact.ComponentChildren; 'aria-current'?: 'page' }) {
  return (
    <a
      href={p.href}
      class={p.class}
      aria-current={p['aria-current']}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(p.href);
      }}
    >
      {p.children}
    </a>
  );
}
