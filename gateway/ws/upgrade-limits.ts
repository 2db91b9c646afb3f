/**
 * @module gateway/ws/upgrade-limits
 * What one client may open on this gateway: WebSocket upgrades per client IP (a token bucket,
 * like the HTTP per-IP limit: upgrades skip the HTTP middleware) and concurrent queue sockets
 * per user per event. Both are decided synchronously in the upgrade, before any socket exists,
 * and refused with 429 (`HTTP_RATE_LIMITED` with `Retry-After`, `WS_TOO_MANY_SOCKETS`).
 * Invariant: a user never holds more than `maxSocketsPerUser` open sockets per event on one
 * gateway — uWS runs `open` inside `res.upgrade` (synchronously), so a socket is counted before
 * the next upgrade is decided, and it is uncounted exactly once, at `close`. Limits are per
 * gateway process (like the HTTP ones).
 */
import { TbError } from '../../contracts/index.js';
import { TokenBucketLimiter } from '../middleware/rate-limit/token-bucket.js';

/** The limits; a value of 0 turns that limit off. */
export interface UpgradeLimitOptions {
  /** Steady upgrades per second per client IP (0 = no limit). */
  ipPerSec: number;
  /** Upgrades a client IP may burst above its steady rate. */
  ipBurst: number;
  /** Concurrent sockets per user per event on this gateway (0 = no limit). */
  maxSocketsPerUser: number;
  /** Most IP buckets kept (least recently used evicted). */
  maxKeys?: number;
  now?: () => number;
}

/** Upgrade admission for one stream. */
export class UpgradeLimits {
  private readonly byIp: TokenBucketLimiter | undefined;
  private readonly open = new Map<string, number>();
  /** Upgrades refused, by limit (stats). */
  refusedIp = 0;
  refusedUser = 0;

  constructor(private readonly options: UpgradeLimitOptions) {
    this.byIp =
      options.ipPerSec > 0
        ? new TokenBucketLimiter({
            ratePerSec: options.ipPerSec,
            burst: Math.max(1, options.ipBurst),
            maxKeys: options.maxKeys ?? 100_000,
            ...(options.now ? { now: options.now } : {}),
          })
        : undefined;
  }

  /** Take one upgrade from `ip`'s bucket. Throws 429 `HTTP_RATE_LIMITED` (with `retryAfterSec`) when empty. */
  takeUpgrade(ip: string): void {
    if (!this.byIp) return;
    const r = this.byIp.take(ip);
    if (r.allowed) return;
    this.refusedIp++;
    throw new TbError('HTTP_RATE_LIMITED', { retryAfterSec: Math.max(1, Math.ceil(r.retryAfterMs / 1000)), scope: 'ws-upgrade' });
  }

  /** Throws 429 `WS_TOO_MANY_SOCKETS` when `userId` already holds the most sockets allowed for `eventId` here. */
  checkUser(eventId: string, userId: string): void {
    const limit = this.options.maxSocketsPerUser;
    if (limit <= 0) return;
    const open = this.open.get(key(eventId, userId)) ?? 0;
    if (open < limit) return;
    this.refusedUser++;
    throw new TbError('WS_TOO_MANY_SOCKETS', { eventId, open, limit });
  }

  /** A socket of `userId` for `eventId` opened. */
  opened(eventId: string, userId: string): void {
    const k = key(eventId, userId);
    this.open.set(k, (this.open.get(k) ?? 0) + 1);
  }

  /** A socket counted by `opened` closed (call exactly once per opened socket). */
  closed(eventId: string, userId: string): void {
    const k = key(eventId, userId);
    const n = (this.open.get(k) ?? 0) - 1;
    if (n > 0) this.open.set(k, n);
    else this.open.delete(k);
  }

  /** Open sockets of `userId` for `eventId` on this gateway. */
  socketsOf(eventId: string, userId: string): number {
    return this.open.get(key(eventId, userId)) ?? 0;
  }
}

// Event ids match ID_PATTERN (no newline), so the pair is unambiguous.
const key = (eventId: string, userId: string) => `${eventId}\n${userId}`;
