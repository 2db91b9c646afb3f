/**
 * @module accounts/login-throttle
 * The per-account sign-in throttle: after `maxFailures` failed attempts on one email, the next
 * attempt locks the account for `lockSec`, doubled per further lock up to `lockMaxSec`; while
 * locked every attempt is 429 `AUTH_TOO_MANY_ATTEMPTS` with `retryAfterSec`, the right password
 * included (so guessing gains nothing). Invariants: the count is shared by every gateway (one
 * NATS KV entry per email, changed by compare-and-set), and each attempt is counted *before* its
 * password is checked, so concurrent guesses on many gateways cannot exceed the budget; a lock
 * always ends (a successful sign-in after it forgets every failure), so an attacker can slow a
 * user down but never lock them out for good. Unknown emails are throttled alike (no enumeration).
 */
import { createHash } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { TbError } from '../contracts/index.js';

/** The KV bucket holding one entry per throttled email (keys are SHA-256 of the email, never the email). */
export const LOGIN_THROTTLE_BUCKET = 'tb_login_throttle';

/** The throttle's settings (`loginMaxFailures` (config/tuning.ts), `loginLockSec` (config/tuning.ts), `loginLockMaxSec` (config/tuning.ts)). */
export interface LoginThrottleOptions {
  /** Failed attempts allowed before a lock; 0 turns the throttle off. */
  maxFailures: number;
  lockSec: number;
  lockMaxSec: number;
  now?: () => number;
}

/** What `login` asks of the throttle. */
export interface LoginThrottle {
  /** Count one attempt on `email` (normalised). Throws `AUTH_TOO_MANY_ATTEMPTS` while the account is locked. */
  attempt(email: string): Promise<void>;
  /** The password was right: forget the account's failures and locks. */
  succeeded(email: string): Promise<void>;
}

/** One email's throttle state. */
export interface ThrottleState {
  /** Attempts counted since the last lock or success. */
  n: number;
  /** Locks so far (the backoff exponent). */
  locks: number;
  /** ms since the epoch; 0 = not locked. */
  lockedUntil: number;
  /** ms since the epoch of the last counted attempt or lock. */
  last: number;
}

const FRESH: ThrottleState = { n: 0, locks: 0, lockedUntil: 0, last: 0 };

/**
 * The pure decision for one attempt at `now`: the state to store (undefined = store nothing) and,
 * when refused, how long until the lock ends. State older than `lockMaxSec` is forgotten.
 */
export function decideAttempt(
  prev: ThrottleState | undefined,
  now: number,
  o: LoginThrottleOptions,
): { next?: ThrottleState; retryAfterMs?: number } {
  const s = prev && now - prev.last <= o.lockMaxSec * 1000 ? { ...prev } : { ...FRESH };
  if (s.lockedUntil > now) return { retryAfterMs: s.lockedUntil - now };
  if (s.n >= o.maxFailures) {
    const lockMs = Math.min(o.lockSec * 1000 * 2 ** s.locks, o.lockMaxSec * 1000);
    return { next: { n: 0, locks: s.locks + 1, lockedUntil: now + lockMs, last: now }, retryAfterMs: lockMs };
  }
  return { next: { ...s, n: s.n + 1, last: now } };
}

const keyOf = (email: string) => createHash('sha256').update(email).digest('hex');
const isConflict = (err: unknown) => {
  const e = err as { code?: number; api_error?: { err_code?: number }; message?: string };
  return e?.code === 10071 || e?.api_error?.err_code === 10071 || /wrong last sequence|key exists/i.test(e?.message ?? '');
};

/**
 * A throttle over `kv` (see `openLoginThrottleBucket`). Storage failures surface as
 * `RUNTIME_UNAVAILABLE` (503): the sign-in is refused rather than left unthrottled.
 */
export function createLoginThrottle(kv: KV, options: LoginThrottleOptions): LoginThrottle {
  const now = options.now ?? Date.now;
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const storage = (cause: unknown) => (TbError.is(cause) ? cause : new TbError('RUNTIME_UNAVAILABLE', {}, { cause }));
  return {
    async attempt(email) {
      if (options.maxFailures <= 0) return;
      const key = keyOf(email);
      for (let tries = 0; ; tries++) {
        try {
          const entry = await kv.get(key);
          const live = entry && entry.operation === 'PUT' && entry.value.length > 0;
          const prev = live ? (JSON.parse(dec.decode(entry.value)) as ThrottleState) : undefined;
          const t = now();
          const { next, retryAfterMs } = decideAttempt(prev, t, options);
          if (next) {
            const bytes = enc.encode(JSON.stringify(next));
            if (entry) await kv.update(key, bytes, entry.revision);
            else await kv.create(key, bytes);
          }
          if (retryAfterMs !== undefined)
            throw new TbError('AUTH_TOO_MANY_ATTEMPTS', { retryAfterSec: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
          return;
        } catch (err) {
          // Another gateway counted an attempt on this email meanwhile: decide again on its state.
          if (isConflict(err) && tries < 20) continue;
          throw storage(err);
        }
      }
    },
    async succeeded(email) {
      if (options.maxFailures <= 0) return;
      try {
        await kv.delete(keyOf(email));
      } catch (err) {
        throw storage(err);
      }
    },
  };
}

/** Open (creating when missing) the throttle bucket; entries older than a day are garbage-collected. */
export async function openLoginThrottleBucket(nc: NatsConnection, replicas = 1): Promise<KV> {
  const kvm = new Kvm(jetstream(nc));
  try {
    return await kvm.create(LOGIN_THROTTLE_BUCKET, { history: 1, replicas, ttl: 86_400_000, allow_direct: false });
  } catch (createErr) {
    const kv = await kvm.open(LOGIN_THROTTLE_BUCKET).catch(() => {
      throw createErr;
    });
    await kv.status(); // throws when the bucket does not exist
    return kv;
  }
}
