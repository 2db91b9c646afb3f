/**
 * @module events/ticket-classes
 * The ticket-class flows and their authorization, over the typed actor references: who may read
 * a class (whoever may read its event; staff see sales figures), who may change one (the event's
 * `configure` permission, asked of the owning event: the `ticketclass` actor knows no users),
 * and creating a class then linking it to its event. Transport-free: the gateway's routes pass the
 * caller, ids and command keys. Invariant: a class or event the caller may not read is "not
 * found", the same answer as a missing one.
 */
import { TbError } from '../contracts/index.js';
import {
  EventLimits,
  EventPermission,
  type ActingUser,
  type CommandKey,
  type EventAccess,
  type EventView,
  type TicketClassCommand,
  type TicketClassView,
} from '../contracts/kinds/index.js';
import type { Actors } from '../actors/client/index.js';

/** The same error for "no such event" and "you may not see it", so a stranger learns nothing. */
export function eventNotFound(eventId: string): TbError {
  return new TbError('COMMAND_NOT_FOUND', { kind: 'event', id: eventId });
}

const classNotFound = (classId: string) => new TbError('COMMAND_NOT_FOUND', { kind: 'ticketclass', id: classId });

/** Rethrow `EVENT_FORBIDDEN` on a read as the not-found error; anything else unchanged. */
export function hideForbiddenRead(err: unknown, eventId: string): never {
  if (TbError.is(err, 'EVENT_FORBIDDEN') || TbError.is(err, 'COMMAND_NOT_FOUND')) throw eventNotFound(eventId);
  throw err;
}

/** Refuse unless `access` has `permission`: not found when the caller cannot even read the event. */
export function requirePermission(access: EventAccess, permission: EventPermission, notFound: TbError): void {
  if (access.permissions.includes(permission)) return;
  if (!access.permissions.includes(EventPermission.Read)) throw notFound;
  throw new TbError('EVENT_FORBIDDEN', { eventId: access.eventId, userId: access.userId, action: permission, role: access.role });
}

/** Staff (and platform admins) see every field; the event view answers `roles` only to them. */
export const isStaff = (event: EventView): boolean => event.roles !== undefined;

/** The ticket-class service (see the module invariants). Every method throws `TbError`. */
export interface TicketClassService {
  /** The event as `viewer` sees it (anonymous without one); not found when they may not. */
  readEvent(eventId: string, viewer: ActingUser | undefined): Promise<EventView>;
  /** The class with the event it belongs to, as `viewer` sees it; not found when they may not see the event. */
  read(classId: string, viewer: ActingUser | undefined): Promise<{ view: TicketClassView; event: EventView }>;
  /** Every class of an event `viewer` may read, with the event. */
  list(eventId: string, viewer: ActingUser | undefined): Promise<{ views: TicketClassView[]; event: EventView }>;
  /**
   * Create class `classId` on `eventId` and link it (the caller needs `addTicketClass`, the event
   * must not be cancelled nor full). If the link fails, the class stays unlinked: nothing reaches
   * it, and a retry with the same keys links the very same class.
   */
  create(o: {
    eventId: string;
    classId: string;
    actor: ActingUser;
    fields: Omit<TicketClassCommand<'create'>, 'commandId' | 'eventId'>;
    createKey: CommandKey;
    linkKey: CommandKey;
  }): Promise<TicketClassView>;
  /** Edit a class (the caller needs `configure` on its event). */
  update(
    classId: string,
    actor: ActingUser,
    fields: Omit<TicketClassCommand<'update'>, 'commandId'>,
    key: CommandKey,
  ): Promise<TicketClassView>;
  /** Pause, resume or close a class (the caller needs `configure` on its event). */
  change(verb: 'pause' | 'resume' | 'close', classId: string, actor: ActingUser, key: CommandKey): Promise<TicketClassView>;
}

/** The service over `actors`. */
export function createTicketClassService(actors: Actors): TicketClassService {
  const readEvent = (eventId: string, viewer: ActingUser | undefined) =>
    actors
      .event(eventId)
      .get(viewer ? { viewer } : {})
      .catch((err: unknown) => hideForbiddenRead(err, eventId));
  const access = (eventId: string, actor: ActingUser) =>
    actors.event(eventId).checkAccess({ userId: actor.userId, platformRoles: actor.platformRoles });
  const authorizeChange = async (classId: string, actor: ActingUser): Promise<void> => {
    const view = await actors.ticketclass(classId).get();
    requirePermission(await access(view.eventId, actor), EventPermission.Configure, classNotFound(classId));
  };
  return {
    readEvent,
    async read(classId, viewer) {
      const view = await actors.ticketclass(classId).get();
      const event = await readEvent(view.eventId, viewer).catch(() => {
        throw classNotFound(classId);
      });
      return { view, event };
    },
    async list(eventId, viewer) {
      const event = await readEvent(eventId, viewer);
      return { views: await Promise.all(event.ticketClassIds.map((id) => actors.ticketclass(id).get())), event };
    },
    async create(o) {
      const [acc, event] = await Promise.all([access(o.eventId, o.actor), readEvent(o.eventId, o.actor)]);
      requirePermission(acc, EventPermission.AddTicketClass, eventNotFound(o.eventId));
      if (acc.status === 'CANCELLED') throw new TbError('EVENT_CANCELLED', { eventId: o.eventId });
      if (!event.ticketClassIds.includes(o.classId) && event.ticketClassIds.length >= EventLimits.maxTicketClasses) {
        throw new TbError('EVENT_TOO_MANY_TICKET_CLASSES', { eventId: o.eventId, limit: EventLimits.maxTicketClasses });
      }
      const view = await actors.ticketclass(o.classId).create({ ...o.fields, eventId: o.eventId }, o.createKey);
      await actors.event(o.eventId).addTicketClass({ actor: o.actor, ticketClassId: o.classId }, o.linkKey);
      return view;
    },
    async update(classId, actor, fields, key) {
      await authorizeChange(classId, actor);
      return actors.ticketclass(classId).update(fields, key);
    },
    async change(verb, classId, actor, key) {
      await authorizeChange(classId, actor);
      return actors.ticketclass(classId)[verb]({}, key);
    },
  };
}
