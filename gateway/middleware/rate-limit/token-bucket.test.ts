/**
 * @module gateway/middleware/rate-limit/token-bucket.test
 * token bucket tests with a fake clock: rate, burst, eviction bound
 */
import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from './token-bucket.js';

describe('token bucket', () => {
  it('allows the burst, then the steady rate, and says when to retry', () => {
    let now = 0;
    const tb = new TokenBucketLimiter({ ratePerSec: 2, burst: 3, maxKeys: 10, now: () => now });
    expect([1, 2, 3].map(() => tb.take('a').allowed)).toEqual([true, true, true]);
    const refused = tb.take('a');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(refused.retryAfterMs).toBe(500);
    now += 500;
    expect(tb.take('a').allowed).toBe(true);
    expect(tb.take('a').allowed).toBe(false);
    expect(tb.take('b').allowed).toBe(true); // keys are independent
  });

  it('never exceeds burst + rate x elapsed', () => {
    let now = 0;
    const tb = new TokenBucketLimiter({ ratePerSec: 10, burst: 5, maxKeys: 10, now: () => now });
    let allowed = 0;
    for (let i = 0; i < 1000; i++) {
      now += 7; // 7 s worth of 1000 attempts
      if (tb.take('k').allowed) allowed++;
    }
    expect(allowed).toBeLessThanOrEqual(5 + 10 * 7);
    expect(allowed).toBeGreaterThanOrEqual(10 * 7 - 1);
  });

  it('evicts idle (refilled) buckets and bounds memory by LRU', () => {
    let now = 0;
    const tb = new TokenBucketLimiter({ ratePerSec: 1, burst: 2, maxKeys: 3, now: () => now });
    for (const k of ['a', 'b', 'c', 'd', 'e']) tb.take(k);
    expect(tb.size).toBe(3);
    now += 2_000; // every bucket is full again: nothing worth keeping
    tb.take('z');
    expect(tb.size).toBe(1);
  });

  it('an evicted key starts with a full bucket (lenient, never stricter)', () => {
    const now = 0;
    const tb = new TokenBucketLimiter({ ratePerSec: 1, burst: 1, maxKeys: 1, now: () => now });
    expect(tb.take('a').allowed).toBe(true);
    expect(tb.take('b').allowed).toBe(true); // evicts a
    expect(tb.take('a').allowed).toBe(true);
  });

  it('rejects nonsense options', () => {
    expect(() => new TokenBucketLimiter({ ratePerSec: 0, burst: 1, maxKeys: 1 })).toThrow();
  });
});
