/**
 * The signed-in buyer or organizer: the access and refresh tokens live in sessionStorage (this
 * tab only, gone when it closes) and in memory, never in a URL. Components subscribe to changes.
 */
const KEY = 'tb.session';

/** What sign-in gives us. */
export interface Session {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken?: string;
}

let current: Session | undefined = (() => {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
})();
const listeners = new Set<() => void>();

export const getSession = (): Session | undefined => current;

export function setSession(s: Session | undefined): void {
  current = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function onSessionChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
