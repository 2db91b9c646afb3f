/**
 * @module tickets/settings
 * What the tickets service asks of other actors, cached briefly per process: an event's code
 * settings (rotating or not, period) and whether a user may scan its tickets. Invariant: the
 * caches only ever delay a change by `ttlMs` (default 5 s); a refusal is never cached longer.
 */
import { TbError } from '../contracts/index.js';
import { EventPermission, type EventAccess } from '../contracts/kinds/index.js';
import type { Actors } from '../actors/client/index.js';
import { DEFAULT_CODE_PERIOD_S } from './codes.js';

/** An event's code settings. */
export interface EventCodeSettings {
  eventId: string;
  name: string;
  startsAt: number;
  location: string;
  rotating: boolean;
  periodSeconds: number;
}

/** The trusted service identity the tickets service reads events with (never from a request). */
export const TICKETS_SERVICE_VIEWER = { userId: 'svc-tickets', platformRoles: ['admin'] };

/** Cached lookups of event settings and scanning rights. */
export interface TicketLookups {
  settings(eventId: string): Promise<EventCodeSettings>;
  /** Throws `COMMAND_NOT_FOUND` (event hidden from the user) or `CHECKIN_FORBIDDEN` unless the user may scan. */
  assertScanner(eventId: string, user: { userId: string; roles: readonly string[] }): Promise<void>;
}

/** Lookups over `actors`, cached `ttlMs`. */
export function createTicketLookups(actors: Actors, ttlMs = 5_000, now: () => number = Date.now): TicketLookups {
  const settings = new Map<string, { at: number; v: Promise<EventCodeSettings> }>();
  const access = new Map<string, { at: number; v: Promise<EventAccess> }>();
  const cached = <V>(m: Map<string, { at: number; v: Promise<V> }>, key: string, load: () => Promise<V>): Promise<V> => {
    const hit = m.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.v;
    if (m.size > 10_000) m.clear();
    const v = load();
    m.set(key, { at: now(), v });
    v.catch(() => m.delete(key));
    return v;
  };
  return {
    settings: (eventId) =>
      cached(settings, eventId, async () => {
        const ev = await actors.event(eventId).get({ viewer: TICKETS_SERVICE_VIEWER });
        return {
          eventId,
          name: ev.name,
          startsAt: ev.startsAt,
          location: ev.location,
          rotating: ev.config.rotatingCodes === true,
          periodSeconds: ev.config.codePeriodSeconds ?? DEFAULT_CODE_PERIOD_S,
        };
      }),
    async assertScanner(eventId, user) {
      const key = `${eventId}\u0000${user.userId}\u0000${user.roles.join(',')}`;
      const a = await cached(access, key, () =>
        actors.event(eventId).checkAccess({
          userId: user.userId,
          platformRoles: user.roles.slice(0, 16).map((r) => r.slice(0, 32)),
        }),
      );
      if (a.permissions.includes(EventPermission.CheckIn)) return;
      access.delete(key);
      if (!a.permissions.includes(EventPermission.Read)) throw new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: eventId });
      throw new TbError('CHECKIN_FORBIDDEN', { userId: user.userId, eventId });
    },
  };
}
