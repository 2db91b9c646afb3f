/**
 * @module gateway/middleware/rate-limit
 * Per-client-IP limiting on every request (in `onRequest`, before auth, so guessing tokens is
 * limited too) and per-user limiting once the caller is known (in `preValidation`). A refused
 * request gets 429 `HTTP_RATE_LIMITED` with `Retry-After` in whole seconds. A rate of 0 turns
 * that scope off. Limits are per gateway process.
 */
import { TbError } from '../../../contracts/index.js';
import type { Middleware } from '../../types.js';
import { TokenBucketLimiter } from './token-bucket.js';

export interface RateLimitOptions {
  ipPerSec: number;
  ipBurst: number;
  userPerSec: number;
  userBurst: number;
  maxKeys: number;
  now?: () => number;
  /** Called with the scope of every refused request (metrics). */
  onLimited?: (scope: 'ip' | 'user') => void;
  /** Paths never limited (health probes), exact match. */
  exempt?: string[];
}

function limiterOf(perSec: number, burst: number, maxKeys: number, now?: () => number): TokenBucketLimiter | undefined {
  if (perSec <= 0) return undefined;
  return new TokenBucketLimiter({ ratePerSec: perSec, burst: Math.max(1, burst), maxKeys, ...(now ? { now } : {}) });
}

/**
 * The `rate-limit` middleware. Register it before `auth`: the IP check then precedes token
 * verification, and the per-user check (in `preValidation`) sees the user `auth` set.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const byIp = limiterOf(options.ipPerSec, options.ipBurst, options.maxKeys, options.now);
  const byUser = limiterOf(options.userPerSec, options.userBurst, options.maxKeys, options.now);
  const exempt = new Set(options.exempt ?? []);

  const check = (limiter: TokenBucketLimiter, key: string, scope: 'ip' | 'user', headers: Record<string, string>) => {
    const r = limiter.take(key);
    headers['ratelimit-remaining'] = String(r.remaining);
    if (r.allowed) return;
    options.onLimited?.(scope);
    throw new TbError('HTTP_RATE_LIMITED', { retryAfterSec: Math.max(1, Math.ceil(r.retryAfterMs / 1000)), scope });
  };

  return {
    name: 'rate-limit',
    onRequest(ctx) {
      if (byIp && !exempt.has(ctx.request.path)) check(byIp, ctx.request.ip, 'ip', ctx.responseHeaders);
    },
    preValidation(ctx) {
      if (byUser && ctx.user && !exempt.has(ctx.request.path)) check(byUser, ctx.user.userId, 'user', ctx.responseHeaders);
    },
  };
}
