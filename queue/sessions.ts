/**
 * @module queue/sessions
 * Per-user waitroom data, outside the `queue` actor's entry: the `tb_queue_sessions` KV bucket.
 * `<eventId>.u.<userId>` → the user's session (one per user per event: created with `kv.create`,
 * so of two racing joins exactly one wins and the other re-reads), and `<eventId>.s.<sessionId>`
 * → who holds that session. Values are msgpack. The bucket is created idempotently.
 */
import { jetstream } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { decode, encode } from '../contracts/index.js';
import { retry } from '../platform/index.js';
import type { SlotOutcome } from '../contracts/kinds/queue.js';

/** The bucket's name. */
export const QUEUE_SESSIONS_BUCKET = 'tb_queue_sessions';

/** A user's session in one event's queue. */
export interface UserSession {
  sessionId: string;
  ticket: number;
  joinedAt: number;
  /** How the session ended, once known (left, or a finished slot observed by `status`). */
  outcome?: SlotOutcome | 'skipped';
}

/** Who holds a session id. */
export interface SessionOwner {
  userId: string;
  ticket: number;
}

export const userKey = (eventId: string, userId: string) => `${eventId}.u.${userId}`;
export const sessionKey = (eventId: string, sessionId: string) => `${eventId}.s.${sessionId}`;

/**
 * Open (creating when missing) the sessions bucket with `replicas`. `create` is idempotent for
 * the same settings; when it fails (the bucket exists with other settings, or JetStream is not
 * ready yet) the bucket is opened and its existence *checked* (`Kvm.open` alone succeeds for a
 * missing bucket, and the first read then fails); otherwise creation is retried for up to `forMs`.
 */
export async function openSessionsBucket(nc: NatsConnection, replicas = 1, forMs = 30_000): Promise<KV> {
  const kvm = new Kvm(jetstream(nc));
  const deadline = Date.now() + forMs;
  return retry(
    async () => {
      try {
        return await kvm.create(QUEUE_SESSIONS_BUCKET, { history: 1, replicas, allow_direct: false }); // reads from the leader: see actors/runtime/infra.ts
      } catch (createErr) {
        try {
          const kv = await kvm.open(QUEUE_SESSIONS_BUCKET);
          await kv.status(); // throws when the bucket does not exist
          return kv;
        } catch {
          throw createErr;
        }
      }
    },
    { attempts: Infinity, firstDelayMs: 100, maxDelayMs: 2_000, retryIf: () => Date.now() <= deadline },
  );
}

/** Typed access to the bucket. */
export class SessionStore {
  constructor(readonly kv: KV) {}

  /** The user's session and its revision, or undefined. */
  async getUser(eventId: string, userId: string): Promise<{ session: UserSession; revision: number } | undefined> {
    const e = await this.kv.get(userKey(eventId, userId));
    if (e?.operation !== 'PUT' || e.value.length === 0) return undefined;
    return { session: decode(e.value) as UserSession, revision: e.revision };
  }

  /**
   * Create the user's session if none exists. Resolves with the session that is stored afterwards
   * (ours, or the one a racing join created first) and whether ours won.
   */
  async createUser(eventId: string, userId: string, session: UserSession): Promise<{ session: UserSession; created: boolean }> {
    try {
      // Both at once: if the create loses a race, the session key written beside it names a
      // session nobody holds and is never read (sessions are found through the user key).
      const results = await Promise.allSettled([
        this.kv.create(userKey(eventId, userId), encode(session)),
        this.kv.put(sessionKey(eventId, session.sessionId), encode({ userId, ticket: session.ticket } satisfies SessionOwner)),
      ]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return { session, created: true };
    } catch (err) {
      const existing = await this.getUser(eventId, userId);
      if (existing) return { session: existing.session, created: false };
      throw err;
    }
  }

  /** Update the user's session (last writer wins: only advisory fields change after creation). */
  /**
   * Replace the user's session by a new one (a rejoin after leaving), only if the user key is
   * still at `revision` (compare-and-set). Rejects with the KV's conflict error otherwise: another
   * writer got there first, so re-read.
   */
  async replaceUser(eventId: string, userId: string, session: UserSession, revision: number): Promise<void> {
    await this.kv.put(sessionKey(eventId, session.sessionId), encode({ userId, ticket: session.ticket } satisfies SessionOwner));
    await this.kv.update(userKey(eventId, userId), encode(session), revision);
  }

  async putUser(eventId: string, userId: string, session: UserSession): Promise<void> {
    await this.kv.put(userKey(eventId, userId), encode(session));
  }

  /** Who holds `sessionId`, or undefined. */
  async getSession(eventId: string, sessionId: string): Promise<SessionOwner | undefined> {
    const e = await this.kv.get(sessionKey(eventId, sessionId));
    if (e?.operation !== 'PUT' || e.value.length === 0) return undefined;
    return decode(e.value) as SessionOwner;
  }
}
