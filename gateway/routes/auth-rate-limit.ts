/**
 * @module gateway/routes/auth-rate-limit
 * A stricter per-client-IP limit for the routes that check passwords or tokens (`/api/v1/auth/*`
 * and `POST /api/v1/me/password`), on top of the gateway-wide limits: credential guessing gets a
 * few tries a minute per IP, not the general 50/s. Refusals are 429 `HTTP_RATE_LIMITED` with
 * `details.scope = 'auth'` and `Retry-After`. Per gateway process, like the built-in limits.
 */
import { TbError } from '../../contracts/index.js';
import { TokenBucketLimiter } from '../middleware/rate-limit/token-bucket.js';
import type { AnyRoute, Middleware } from '../types.js';

/** Steady rate and burst per IP; `perMinute` 0 turns the limit off. */
export interface AuthRateLimitOptions {
  perMinute: number;
  burst: number;
  maxKeys: number;
  now?: () => number;
}

/** True for the routes this limit covers (matched by route pattern, so query strings cannot dodge it). */
export function isCredentialRoute(route: Pick<AnyRoute, 'method' | 'path'>): boolean {
  return route.path.startsWith('/api/v1/auth/') || (route.method === 'POST' && route.path === '/api/v1/me/password');
}

/** The middleware; pass it to `createGateway({ middlewares })`. It runs in `onRequest`, before any handler work. */
export function authRateLimit(options: AuthRateLimitOptions): Middleware {
  const limiter =
    options.perMinute > 0
      ? new TokenBucketLimiter({
          ratePerSec: options.perMinute / 60,
          burst: Math.max(1, options.burst),
          maxKeys: options.maxKeys,
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined;
  return {
    name: 'auth-rate-limit',
    onRequest(ctx) {
      if (!limiter || !ctx.route || !isCredentialRoute(ctx.route)) return;
      const r = limiter.take(ctx.request.ip);
      if (r.allowed) return;
      throw new TbError('HTTP_RATE_LIMITED', { retryAfterSec: Math.max(1, Math.ceil(r.retryAfterMs / 1000)), scope: 'auth' });
    },
  };
}
