/**
 * @module orders/event-cache
 * The order service's copy of each event's view (sale settings, status, classes, buyer limits),
 * so a create does not ask the `event` actor every time (issue 12: one actor command per order).
 * Invariant: a view is served for at most `ttlMs` after it was read, and is dropped as soon as
 * this process sees a command that may change the event (`tb[p.<n>].event.<id>.<verb>`, every verb but
 * `get`: NATS delivers a copy to every subscriber, before the actor answers it) or one of the
 * event's domain events (`tb.evt.event.<id>.*`, after the change committed). The order service
 * only trusts it to say yes: any refusal is checked again against the actor.
 */
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { DIRECT_ROOT, EVENTS_ROOT, publicKindWildcard } from '../contracts/index.js';
import type { EventView } from '../contracts/kinds/event.js';

/** A cache of event views (see the module invariant). */
export interface EventCache {
  /** The cached view of `eventId`, or `load()`'s (one load at a time per event; a failed load is not kept). */
  get(eventId: string, load: () => Promise<EventView>): Promise<EventView>;
  /** Forget `eventId` (the next `get` loads). */
  invalidate(eventId: string): void;
  /** Stop listening and forget everything. */
  close(): void;
}

/** Default time a view is served: a change seen by no subscription is visible after this. */
export const EVENT_CACHE_TTL_MS = 1_000;

/** Build the cache; with `nc`, it listens for commands to and events of every event. */
export function createEventCache(o: { nc?: NatsConnection; ttlMs?: number; now?: () => number } = {}): EventCache {
  const ttl = o.ttlMs ?? EVENT_CACHE_TTL_MS;
  const now = o.now ?? Date.now;
  const views = new Map<string, { at: number; view: Promise<EventView> }>();
  const subs: Subscription[] = [];
  const invalidate = (eventId: string) => void views.delete(eventId);
  if (o.nc) {
    // A command on its way, public `tb.event.<id>.<verb>` or direct `tbp.<p>.event.<id>.<verb>`
    // (a copy: this subscriber never answers).
    const onCommand = (_err: unknown, m: { subject: string }) => {
      const t = m.subject.split('.');
      const [id, verb] = t.slice(-2);
      if (id && verb !== 'get') invalidate(id);
    };
    subs.push(o.nc.subscribe(publicKindWildcard('event'), { callback: onCommand }));
    subs.push(o.nc.subscribe(`${DIRECT_ROOT}.*.event.*.*`, { callback: onCommand }));
    // `tb.evt.event.<id>.<type>`: a committed change.
    subs.push(o.nc.subscribe(`${EVENTS_ROOT}.event.>`, { callback: (_err, m) => invalidate(m.subject.split('.')[3] ?? '') }));
  }
  return {
    get(eventId, load) {
      const t = now();
      const hit = views.get(eventId);
      if (hit && t - hit.at < ttl) return hit.view;
      const entry = { at: t, view: load() };
      views.set(eventId, entry);
      entry.view.catch(() => {
        if (views.get(eventId) === entry) views.delete(eventId);
      });
      // Bounded: an old entry is useless anyway, so a full map is simply emptied.
      if (views.size > 10_000) for (const [id, e] of views) if (t - e.at >= ttl) views.delete(id);
      return entry.view;
    },
    invalidate,
    close() {
      for (const s of subs) s.unsubscribe();
      views.clear();
    },
  };
}
