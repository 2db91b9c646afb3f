/**
 * @module platform/retry
 * Retrying with exponential backoff and full jitter. The retry loop is the `exponential-backoff`
 * library's (zero dependencies, typed, runs on Node 20; p-retry 7+ needs Node 22): `retry` wraps it
 * with the project's defaults and a log line per failure. `backoffDelay` is the one delay formula
 * for the places where JetStream or PostgreSQL does the waiting and we only choose the delay (a
 * `nak(delay)`, an outbox row's `next_attempt_at`); it uses the same full-jitter scheme.
 */
import { backOff } from 'exponential-backoff';

export interface RetryOptions {
  /** Attempts in all, the first included (default 10; `Infinity` = until it succeeds or `retryIf` says no). */
  attempts?: number;
  /** Delay before the second attempt, doubled each time (default 100 ms). */
  firstDelayMs?: number;
  /** Longest delay between two attempts (default 5 s). */
  maxDelayMs?: number;
  /** Whether this failure is worth another attempt (default: every failure is). */
  retryIf?: (err: unknown, attempt: number) => boolean;
  /** Called before each new attempt with the failure and the attempt number that failed. */
  onRetry?: (err: unknown, attempt: number) => void;
}

/**
 * Run `fn` until it resolves, waiting a random time up to `firstDelayMs × 2^(n-1)` (capped at
 * `maxDelayMs`) between attempts. Rejects with the last failure when attempts run out or
 * `retryIf` refuses.
 */
export function retry<T>(fn: (attempt: number) => Promise<T>, o: RetryOptions = {}): Promise<T> {
  let attempt = 0;
  const attempts = o.attempts ?? 10;
  return backOff(() => fn(++attempt), {
    numOfAttempts: attempts,
    startingDelay: o.firstDelayMs ?? 100,
    maxDelay: o.maxDelayMs ?? 5_000,
    timeMultiple: 2,
    jitter: 'full',
    // The library asks after every failure, the last one too: only a failure with an attempt left is a retry.
    retry: (err: unknown) => {
      if (attempt >= attempts || (o.retryIf && !o.retryIf(err, attempt))) return false;
      o.onRetry?.(err, attempt);
      return true;
    },
  });
}

/**
 * The delay after the `attempt`-th failure (1-based): uniformly random in
 * `[cap/2, cap]` where `cap = min(maxMs, firstMs × 2^(attempt-1))` ("equal jitter": never
 * immediately, never in lock-step). `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, firstMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, firstMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + random() * (cap / 2));
}
