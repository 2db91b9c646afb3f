/**
 * @module gateway/middleware/security-headers
 * Conservative security headers on every response (errors included). A header the route set
 * itself is kept (the docs page sets its own Content-Security-Policy), so a route can relax one
 * header deliberately while every other response stays locked down.
 */
import type { Middleware } from '../../types.js';

/** The defaults: a JSON API is never framed, sniffed, cached by shared caches, or script-capable. */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'cache-control': 'no-store',
};

/** The `security-headers` middleware; `overrides` replace or (with '') remove defaults. */
export function securityHeaders(overrides: Record<string, string> = {}): Middleware {
  const headers = Object.entries({ ...DEFAULT_SECURITY_HEADERS, ...overrides }).filter(([, v]) => v !== '');
  return {
    name: 'security-headers',
    onSend(_ctx, res) {
      for (const [k, v] of headers) if (!(k in res.headers)) res.headers[k] = v;
      return res;
    },
  };
}
