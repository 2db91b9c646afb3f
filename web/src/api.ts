/**
 * JSON calls to the gateway (same origin). The access token goes in the Authorization header;
 * an expired one is refreshed once with the refresh token. Errors carry the registry code
 * (docs/errors.md) so pages can say what happened.
 */
import { getSession, setSession } from './session.js';

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let seq = 0;
/** A fresh idempotency key for one user action (a retry of the same action reuses it). */
export const newKey = (): string => `web-${Date.now().toString(36)}-${(++seq).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export async function refresh(): Promise<boolean> {
  const s = getSession();
  if (!s?.refreshToken) return false;
  const r = await fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: s.refreshToken }),
  });
  if (!r.ok) {
    setSession(undefined);
    return false;
  }
  const b = (await r.json()) as { accessToken: string; refreshToken?: string };
  setSession({ ...s, accessToken: b.accessToken, refreshToken: b.refreshToken ?? s.refreshToken });
  return true;
}

/** Call the API; rejects with `ApiError` on a non-2xx answer. */
export async function api<T>(method: string, path: string, opts: { body?: unknown; key?: string; auth?: boolean } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = {};
    const s = getSession();
    if (s && opts.auth !== false) headers['authorization'] = `Bearer ${s.accessToken}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(path, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
    const text = await r.text();
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    if (r.ok) return body as T;
    const err = (body as { error?: { code: string; message: string; details?: Record<string, unknown> } } | undefined)?.error;
    if (r.status === 401 && err?.code === 'AUTH_TOKEN_EXPIRED' && attempt === 0 && (await refresh())) continue;
    throw new ApiError(r.status, err?.code ?? `HTTP_${r.status}`, err?.message ?? r.statusText, err?.details);
  }
}

/** Minor units → a price as people read it (VND has no minor unit in practice). */
export function formatMoney(minor: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(currency === 'VND' ? minor : minor / 100);
  } catch {
    return `${minor} ${currency}`;
  }
}
