/**
 * @module gateway/middleware/rate-limit/token-bucket
 * Token buckets by key (client IP, user id) with bounded memory. Invariant: a key never gets
 * more than `burst + ratePerSec × elapsed` requests through, and the number of buckets never
 * exceeds `maxKeys`. A bucket that has refilled completely holds no information (a fresh bucket
 * is identical), so idle buckets are evicted; when the table is full the least recently used
 * bucket is dropped, which can only make the limiter more lenient for that key, never stricter.
 */

export interface TokenBucketOptions {
  /** Tokens added per second (the steady rate). Must be > 0. */
  ratePerSec: number;
  /** Bucket capacity (the burst). Must be ≥ 1. */
  burst: number;
  /** Most buckets kept; the least recently used is evicted beyond this. */
  maxKeys: number;
  /** Clock in milliseconds (injected in tests). */
  now?: () => number;
}

/** The outcome of one `take`. `retryAfterMs` is 0 when allowed. */
export interface TakeResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A keyed token-bucket limiter. Not shared across processes: each gateway limits on its own. */
export class TokenBucketLimiter {
  // Map iteration order is insertion order; re-inserting on every touch keeps it LRU-ordered.
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly fullAfterMs: number;

  constructor(private readonly opts: TokenBucketOptions) {
    if (!(opts.ratePerSec > 0) || !(opts.burst >= 1) || !(opts.maxKeys >= 1))
      throw new Error('token bucket: ratePerSec > 0, burst >= 1, maxKeys >= 1');
    this.now = opts.now ?? Date.now;
    this.fullAfterMs = (opts.burst / opts.ratePerSec) * 1000;
  }

  /** Take `cost` tokens for `key` if available. Never throws. */
  take(key: string, cost = 1): TakeResult {
    const now = this.now();
    this.evictIdle(now);
    const { ratePerSec, burst } = this.opts;
    const prev = this.buckets.get(key);
    let tokens = burst;
    if (prev) {
      tokens = Math.min(burst, prev.tokens + (Math.max(0, now - prev.updatedAt) / 1000) * ratePerSec);
      this.buckets.delete(key);
    }
    let allowed = false;
    if (tokens >= cost) {
      tokens -= cost;
      allowed = true;
    }
    this.buckets.set(key, { tokens, updatedAt: now });
    while (this.buckets.size > this.opts.maxKeys) {
      const oldest = this.buckets.keys().next().value as string;
      this.buckets.delete(oldest);
    }
    const retryAfterMs = allowed ? 0 : Math.ceil(((cost - tokens) / ratePerSec) * 1000);
    return { allowed, remaining: Math.floor(tokens), retryAfterMs };
  }

  /** Buckets currently held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drop buckets that would be full by now, oldest first; stops at the first one still refilling. */
  private evictIdle(now: number): void {
    for (const [key, b] of this.buckets) {
      if (now - b.updatedAt < this.fullAfterMs) break;
      this.buckets.delete(key);
    }
  }
}
