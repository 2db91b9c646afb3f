/**
 * @module queue/service
 * The waitroom as the gateway uses it: join / status / claim / leave / heartbeat for one user,
 * over NATS (the `queue` actor) and the `tb_queue_sessions` KV bucket — never PostgreSQL.
 * Invariants: one session per user per event (the KV `create` settles racing joins; the actor's
 * join is idempotent by `join:<userId>`), and a checkout token is signed only after the actor
 * has committed the claim, expiring with the slot.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import type { KV } from '@nats-io/kv';
import type { Logger } from 'pino';
import { TbError, uniqueId } from '../contracts/index.js';
import { createActorClient, createActors, type Actors } from '../actors/client/index.js';
import { QueueLimits, type ClaimResult, type QueueView } from '../contracts/kinds/queue.js';
import { checkoutKey, signCheckoutToken, verifyCheckoutToken, type CheckoutClaims } from './checkout-token.js';
import { checkEntry, ensureQueue, type Entrant } from './ensure.js';
import { openSessionsBucket, SessionStore, type UserSession } from './sessions.js';
import { userStatusOf, type SessionRef, type UserQueueStatus } from './status.js';

/** The settings the service reads (a subset of `Config`). */
export interface QueueServiceConfig {
  partitions: number;
  checkoutSecret: string;
  queueSeedSecret: string;
  queueClaimGraceMs: number;
  queueCheckoutTtlMs: number;
  kvReplicas?: number;
}

export interface QueueServiceOptions {
  nc: NatsConnection;
  /** The sessions bucket; opened (created when missing) from `nc` otherwise. */
  kv?: KV;
  config: QueueServiceConfig;
  log: Logger;
  /** The actor references (the gateway passes its own); default: an actor client on `nc`. */
  actors?: Actors;
  now?: () => number;
}

/** What the gateway routes and the WebSocket streaming use. Every method throws `TbError`. */
export interface QueueService {
  /**
   * Join (or find) the user's session; creates the queue lazily from the event's config. With
   * `rejoin`, a user whose session ended by leaving takes a new place at the back (one new place
   * per left session, however many rejoins race); without it they get their left session. A
   * private event admits only its staff, platform admins and holders of its access code
   * (`entry`); anyone else gets `COMMAND_NOT_FOUND`, as for a missing event.
   */
  join(eventId: string, userId: string, entry?: Omit<Entrant, 'userId'> & { rejoin?: boolean }): Promise<UserQueueStatus>;
  /** The user's status; when their position has been called, it claims the slot (the poll is a heartbeat). */
  status(eventId: string, userId: string, opts?: { autoClaim?: boolean }): Promise<UserQueueStatus>;
  /**
   * The statuses of many sessions of one event from one read of the queue per
   * `QueueLimits.maxStatusBatch` sessions (a gateway's periodic corrections of its sockets): no
   * claim, no token, no session read (the caller knows the sessions from their join). Answers in
   * the order asked.
   */
  statusMany(eventId: string, sessions: SessionRef[]): Promise<UserQueueStatus[]>;
  /** Claim the called slot: `admitted` with the checkout token, or `QUEUE_NOT_YOUR_TURN` / `QUEUE_SLOT_EXPIRED`. */
  claim(eventId: string, userId: string): Promise<UserQueueStatus>;
  /** Leave the queue, or give back the slot. Idempotent. */
  leave(eventId: string, userId: string): Promise<UserQueueStatus>;
  /** The queue's public counters (no user data); `COMMAND_NOT_FOUND` when there is no queue yet. */
  publicStatus(eventId: string): Promise<QueueView>;
  /** Create the queue from the event's config if it does not exist (idempotent). */
  ensureQueue(eventId: string): Promise<QueueView>;
  /** Verify a checkout token for the user on the event (what the order flow calls). */
  verifyToken(token: string, expect: { userId: string; eventId: string }): Promise<CheckoutClaims>;
}

/** Build the service. The KV bucket is opened on first use. */
export function createQueueService(opts: QueueServiceOptions): QueueService {
  const { config, log } = opts;
  const now = opts.now ?? Date.now;
  const key = checkoutKey(config.checkoutSecret);
  const actors = opts.actors ?? createActors(createActorClient(opts.nc, { partitions: config.partitions }));
  let store: Promise<SessionStore> | undefined = opts.kv ? Promise.resolve(new SessionStore(opts.kv)) : undefined;
  const sessions = () => (store ??= openSessionsBucket(opts.nc, config.kvReplicas ?? 1).then((kv) => new SessionStore(kv)));
  /** Events whose queue this process has seen exist (so the join command never meets a missing actor). */
  const known = new Set<string>();

  const statusOf = (eventId: string, ticket: number) => actors.queue(eventId).status({ ticket });

  async function mine(eventId: string, userId: string): Promise<UserSession> {
    const found = await (await sessions()).getUser(eventId, userId);
    if (!found) throw new TbError('QUEUE_NOT_JOINED', { eventId, userId });
    return found.session;
  }

  async function present(
    eventId: string,
    userId: string,
    session: UserSession,
    view: QueueView,
    claim?: ClaimResult,
  ): Promise<UserQueueStatus> {
    const status = userStatusOf(session, view, now());
    if (status.state === 'admitted') {
      const deadline = claim?.deadline ?? view.you!.slot!.deadline;
      const position = claim?.position ?? view.you!.position!;
      status.token = await signCheckoutToken(key, { userId, eventId, sessionId: session.sessionId, position, expiresAt: deadline }, now());
      status.tokenExpiresAt = Math.floor(deadline / 1000) * 1000;
    }
    // Remember a terminal outcome the actor may soon forget (it keeps only the last few hundred).
    if (status.outcome && session.outcome !== status.outcome) {
      (await sessions())
        .putUser(eventId, userId, { ...session, outcome: status.outcome })
        .catch((err: unknown) => log.warn({ err, eventId }, 'queue: outcome not recorded'));
    }
    return status;
  }

  async function claimFor(eventId: string, userId: string, session: UserSession): Promise<UserQueueStatus> {
    // A fresh command id per attempt: refusals are remembered by id, and claims are idempotent by session anyway.
    const r = await actors
      .queue(eventId)
      .claim({ ticket: session.ticket, sessionId: session.sessionId, userId }, ['claim', session.sessionId, uniqueId()]);
    return present(eventId, userId, session, r.view, r);
  }

  const service: QueueService = {
    async ensureQueue(eventId) {
      const view = await ensureQueue(actors, config, eventId, now());
      known.add(eventId);
      return view;
    },

    async join(eventId, userId, opts = {}) {
      const store = await sessions();
      const existing = await store.getUser(eventId, userId);
      if (existing) {
        const current = await service.status(eventId, userId);
        if (!opts.rejoin || current.state !== 'left') return current;
        const { rejoin: _rejoin, ...entry } = opts;
        await checkEntry(actors, eventId, { userId, ...entry }, now());
        // At the back: a new ticket, by a command id derived from the left session, so racing
        // rejoins (two tabs, a retried request) take ONE place; the session id is derived too,
        // so they all write the same session, and the compare-and-set keeps a newer one.
        const prev = existing.session;
        const joined = await actors.queue(eventId).join({ userId }, ['join', userId, 'after', prev.sessionId]);
        const sessionId = `qs_${createHash('sha256').update(`rejoin:${prev.sessionId}`).digest('hex').slice(0, 24)}`;
        // The status read above may still be recording the outcome (a write of its own): re-read and retry the swap.
        for (let attempt = 0; attempt < 5; attempt++) {
          const fresh = await store.getUser(eventId, userId);
          if (!fresh || fresh.session.sessionId !== prev.sessionId) break; // swapped already (by a racing rejoin)
          const swapped = await store
            .replaceUser(eventId, userId, { sessionId, ticket: joined.ticket, joinedAt: joined.joinedAt }, fresh.revision)
            .then(
              () => true,
              () => false,
            );
          if (swapped) break;
        }
        return service.status(eventId, userId);
      }
      const { rejoin: _r, ...entry } = opts;
      await checkEntry(actors, eventId, { userId, ...entry }, now());
      if (!known.has(eventId)) {
        const exists = await actors
          .queue(eventId)
          .status()
          .then(
            () => true,
            (err: unknown) => {
              if (TbError.is(err, 'COMMAND_NOT_FOUND')) return false;
              throw err;
            },
          );
        if (!exists) await service.ensureQueue(eventId);
        known.add(eventId);
      }
      const joined = await actors.queue(eventId).join({ userId }, ['join', userId]);
      const mineNew: UserSession = { sessionId: `qs_${randomBytes(12).toString('hex')}`, ticket: joined.ticket, joinedAt: joined.joinedAt };
      const { session, created } = await store.createUser(eventId, userId, mineNew);
      if (!created || session.ticket !== joined.ticket) return service.status(eventId, userId);
      // Called at once (a free slot): the joining user is present, so take it now.
      if (joined.view.you?.slot?.state === 'called') return service.status(eventId, userId);
      return present(eventId, userId, session, joined.view);
    },

    async status(eventId, userId, o = {}) {
      const session = await mine(eventId, userId);
      const view = await statusOf(eventId, session.ticket);
      const slot = view.you?.slot;
      if ((o.autoClaim ?? true) && slot?.state === 'called' && !session.outcome) {
        return claimFor(eventId, userId, session).catch((err: unknown) => {
          if (TbError.is(err, 'QUEUE_SLOT_EXPIRED') || TbError.is(err, 'QUEUE_NOT_YOUR_TURN'))
            return present(eventId, userId, session, view);
          throw err;
        });
      }
      return present(eventId, userId, session, view);
    },

    async claim(eventId, userId) {
      const session = await mine(eventId, userId);
      if (session.outcome === 'left') throw new TbError('QUEUE_SLOT_EXPIRED', { eventId, position: null, outcome: 'left' });
      return claimFor(eventId, userId, session);
    },

    async leave(eventId, userId) {
      const session = await mine(eventId, userId);
      const view = await actors
        .queue(eventId)
        .leave({ ticket: session.ticket, sessionId: session.sessionId, userId }, ['leave', session.sessionId]);
      const you = view.you;
      const wasWaiting = !you || you.position === undefined || you.outcome === 'left' || you.position > view.cursor;
      const left: UserSession = wasWaiting && !session.outcome ? { ...session, outcome: 'left' } : session;
      if (left !== session) await (await sessions()).putUser(eventId, userId, left);
      return present(eventId, userId, left, view);
    },

    async statusMany(eventId, list) {
      const out: UserQueueStatus[] = [];
      for (let i = 0; i < list.length; i += QueueLimits.maxStatusBatch) {
        const chunk = list.slice(i, i + QueueLimits.maxStatusBatch);
        const r = await actors.queue(eventId).statuses({ tickets: chunk.map((x) => x.ticket) });
        const t = now();
        chunk.forEach((session, k) => out.push(userStatusOf(session, { ...r.view, you: r.tickets[k]! }, t)));
      }
      return out;
    },

    publicStatus: (eventId) => actors.queue(eventId).status(),

    verifyToken: (token, expect) => verifyCheckoutToken(key, token, expect, now()),
  };
  return service;
}

export type { UserQueueStatus } from './status.js';
