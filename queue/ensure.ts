/**
 * @module queue/ensure
 * Lazily create an event's queue from the `event` actor's config: the event must be PUBLISHED,
 * have `allowWaitRoom`, and its sale must not have ended. Creation is idempotent (command id
 * `create:<eventId>` for every creator, everywhere). The shuffle seed is HMAC-SHA256(secret,
 * eventId): no one picks it per event, and its SHA-256 is public from the queue's creation.
 */
import { createHmac } from 'node:crypto';
import { TbError } from '../contracts/index.js';
import { EventStatus, eventAdmits, type EventView } from '../contracts/kinds/event.js';
import { QueueLimits, type QueueView } from '../contracts/kinds/queue.js';
import type { Actors } from '../actors/client/index.js';

/** The platform itself, reading any event's config (never sent by a client). */
const SYSTEM_VIEWER = { userId: 'system-queue', platformRoles: ['admin'] };

/** Who asks to join, for a private event's door: the caller's id and platform roles, and the access code they sent. */
export interface Entrant {
  userId: string;
  platformRoles?: string[];
  accessCode?: string;
}

/**
 * Throw `COMMAND_NOT_FOUND` unless `who` may enter the event's waitroom: a private event is only
 * for its staff, platform admins and holders of its access code, and looks missing to anyone else.
 */
export async function checkEntry(actors: Actors, eventId: string, who: Entrant, now: number, cache: EntryCache = doors): Promise<void> {
  const cached = cache?.get(eventId);
  let event = cached && now - cached.at < ENTRY_CACHE_MS ? cached.view : undefined;
  if (!event) {
    event = await actors
      .event(eventId)
      .get({ viewer: SYSTEM_VIEWER })
      .catch((err: unknown) => {
        if (TbError.is(err, 'EVENT_FORBIDDEN')) throw new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: eventId });
        throw err;
      });
    if (event.status === EventStatus.Published) {
      if (cache.size >= 1_000) cache.clear();
      cache.set(eventId, { at: now, view: event });
    }
  }
  if (!eventAdmits(event, { userId: who.userId, platformRoles: who.platformRoles ?? [] }, who.accessCode))
    throw new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: eventId });
}

/**
 * Published events' doors as last read, per process: a flash sale's joins do not all read the
 * one event actor. `isPublic` and the access code cannot change once published (configure is
 * refused); a staff change reaches the door within `ENTRY_CACHE_MS`; `ensureQueue` and the
 * order service read the event's status themselves.
 */
export type EntryCache = Map<string, { at: number; view: EventView }>;
const ENTRY_CACHE_MS = 5_000;
const doors: EntryCache = new Map();

/** The seed of `eventId`'s pre-queue shuffle: 32 bytes, hex. */
export function seedFor(secret: string, eventId: string): string {
  return createHmac('sha256', secret).update(`tb-queue-seed:${eventId}`).digest('hex');
}

/**
 * Create the queue of `eventId` if it does not exist, and open it at once when the sale has
 * already started. Throws `COMMAND_NOT_FOUND` (no such event), `QUEUE_NOT_OPEN` (not published,
 * cancelled, or sale ended) or `QUEUE_NOT_ENABLED` (no waitroom).
 */
export async function ensureQueue(
  actors: Actors,
  config: { queueSeedSecret: string; queueClaimGraceMs: number; queueCheckoutTtlMs: number },
  eventId: string,
  now: number,
): Promise<QueueView> {
  const event = await actors
    .event(eventId)
    .get({ viewer: SYSTEM_VIEWER })
    .catch((err: unknown) => {
      if (TbError.is(err, 'EVENT_FORBIDDEN')) throw new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: eventId });
      throw err;
    });
  if (event.status !== EventStatus.Published) throw new TbError('QUEUE_NOT_OPEN', { eventId, reason: `the event is ${event.status}` });
  if (!event.config.allowWaitRoom) throw new TbError('QUEUE_NOT_ENABLED', { eventId });
  const { ticketSaleStartDate: opensAt, ticketSaleEndDate: endsAt } = event.config;
  if (endsAt !== undefined && now >= endsAt) throw new TbError('QUEUE_NOT_OPEN', { eventId, reason: 'the sale has ended' });
  const view = await actors.queue(eventId).create(
    {
      maxConcurrent: Math.min(event.config.maxConcurrent ?? QueueLimits.defaultMaxConcurrent, QueueLimits.maxConcurrentCap),
      seed: seedFor(config.queueSeedSecret, eventId),
      claimGraceMs: config.queueClaimGraceMs,
      checkoutTtlMs: config.queueCheckoutTtlMs,
      ...(opensAt !== undefined ? { opensAt } : {}),
    },
    ['create', eventId],
  );
  if (view.phase === 'open' || (opensAt !== undefined && opensAt > now)) return view;
  return actors.queue(eventId).open({}, ['open', eventId]);
}
