/**
 * @module actors/event/policy
 * Who may do what, and which status moves are legal, as pure verdicts over the context. The
 * handlers reject with them and the machine's guards use the same function, so the machine alone
 * never lets a forbidden or illegal change through. Permission is checked before legality, so a
 * stranger learns nothing about a private event's state.
 */
import {
  EventLimits,
  EventPermission as P,
  EventStatus,
  PLATFORM_ADMIN_ROLE,
  accessCodeMatches,
  type ActingUser,
  type EventConfig,
  type EventPermission,
  type EventRole,
} from '../../contracts/kinds/event.js';
import type { EventContext, EventMachineEvent, EventStateValue, Refusal, Verdict } from './types.js';

/** The reported status of each machine state. */
export const statusOf = (state: EventStateValue): EventStatus =>
  EventStatus[(state[0]!.toUpperCase() + state.slice(1)) as keyof typeof EventStatus];

/** Status moves legal from each state (`configure` may be re-run while configured). */
export const LEGAL_NEXT: Readonly<Record<EventStateValue, readonly EventStatus[]>> = {
  draft: [EventStatus.Configured, EventStatus.Cancelled],
  configured: [EventStatus.Configured, EventStatus.Approved, EventStatus.Cancelled],
  approved: [EventStatus.Published, EventStatus.Cancelled],
  published: [EventStatus.Cancelled],
  cancelled: [],
};

const ROLE_PERMISSIONS: Readonly<Record<EventRole, readonly EventPermission[]>> = {
  admin: [P.Read, P.SeeSales, P.Update, P.Configure, P.AddTicketClass, P.ManageRoles, P.Publish, P.Cancel, P.CheckIn],
  editor: [P.Read, P.SeeSales, P.Update, P.Configure, P.AddTicketClass, P.CheckIn],
  viewer: [P.Read, P.SeeSales],
  // Door staff: scan tickets, nothing else.
  scanner: [P.Read, P.CheckIn],
};

/** The user's role on this event, or null for non-staff. */
export function roleOf(ctx: EventContext, userId: string): EventRole | null {
  return Object.hasOwn(ctx.roles, userId) ? ctx.roles[userId]! : null;
}

/** A platform admin may do everything on every event, approval included. */
export function isPlatformAdmin(user: Pick<ActingUser, 'platformRoles'> | undefined): boolean {
  return user?.platformRoles.includes(PLATFORM_ADMIN_ROLE) ?? false;
}

/**
 * What `user` may do now. Event admins may approve only when `requiresApproval` is false (which
 * only a platform admin may set: `checkEvent` refuses anyone else changing it);
 * non-staff (and anonymous readers) may only read a published public event.
 */
export function permissionsOf(
  ctx: EventContext,
  state: EventStateValue,
  user: Pick<ActingUser, 'userId' | 'platformRoles'> | undefined,
  accessCode?: string,
): EventPermission[] {
  if (isPlatformAdmin(user)) return Object.values(P);
  const role = user ? roleOf(ctx, user.userId) : null;
  if (role) {
    const perms = [...ROLE_PERMISSIONS[role]];
    if (role === 'admin' && !ctx.config.requiresApproval) perms.push(P.Approve);
    return perms;
  }
  // A private event is for invited guests: those holding the organizer's access code.
  const invited = ctx.config.isPublic || accessCodeMatches(ctx.config.accessCode, accessCode);
  return state === 'published' && invited ? [P.Read] : [];
}

function refuse(code: Refusal['code'], params: Record<string, unknown>): Verdict {
  return { kind: 'refuse', refusal: { code, params } };
}

const NEEDS: Record<EventMachineEvent['type'], EventPermission> = {
  'event.update': P.Update,
  'event.configure': P.Configure,
  'event.approve': P.Approve,
  'event.publish': P.Publish,
  'event.cancel': P.Cancel,
  'event.setRole': P.ManageRoles,
  'event.addTicketClass': P.AddTicketClass,
};
const MOVES_TO: Partial<Record<EventMachineEvent['type'], EventStatus>> = {
  'event.configure': EventStatus.Configured,
  'event.approve': EventStatus.Approved,
  'event.publish': EventStatus.Published,
  'event.cancel': EventStatus.Cancelled,
};

/** Start before end, sale inside the event: the reason it is not so, or undefined. */
export function datesProblem(startsAt: number, endsAt: number, config: Partial<EventConfig>): string | undefined {
  if (startsAt >= endsAt) return 'startsAt must be before endsAt';
  const { ticketSaleStartDate: s, ticketSaleEndDate: e } = config;
  if (s !== undefined && e !== undefined && s >= e) return 'ticketSaleStartDate must be before ticketSaleEndDate';
  if (e !== undefined && e > endsAt) return 'ticketSaleEndDate must not be after endsAt';
  return undefined;
}

/** The verdict on one machine event: permission first, then status legality, then the verb's own rules. */
export function checkEvent(ctx: EventContext, state: EventStateValue, e: EventMachineEvent): Verdict {
  const eventId = ctx.eventId;
  const need = NEEDS[e.type];
  if (!permissionsOf(ctx, state, e.by).includes(need)) {
    return refuse('EVENT_FORBIDDEN', { eventId, userId: e.by.userId, action: need, role: roleOf(ctx, e.by.userId) });
  }
  const to = MOVES_TO[e.type];
  if (to && !LEGAL_NEXT[state].includes(to)) {
    return refuse('EVENT_ILLEGAL_TRANSITION', { eventId, from: statusOf(state), to, allowed: [...LEGAL_NEXT[state]] });
  }
  if (!to && state === 'cancelled') return refuse('EVENT_CANCELLED', { eventId });
  switch (e.type) {
    case 'event.update': {
      const problem = datesProblem(e.changes.startsAt ?? ctx.startsAt, e.changes.endsAt ?? ctx.endsAt, ctx.config);
      return problem ? refuse('EVENT_INVALID_DATES', { eventId, reason: problem }) : { kind: 'apply' };
    }
    case 'event.configure': {
      // Approval is the platform's check on organizers: only a platform admin may switch it
      // (an event admin who could turn it off would approve their own event).
      const approval = e.config.requiresApproval;
      if (approval !== undefined && approval !== ctx.config.requiresApproval && !isPlatformAdmin(e.by)) {
        return refuse('EVENT_FORBIDDEN', {
          eventId,
          userId: e.by.userId,
          action: P.Approve,
          role: roleOf(ctx, e.by.userId),
          field: 'requiresApproval',
        });
      }
      const problem = datesProblem(ctx.startsAt, ctx.endsAt, { ...ctx.config, ...e.config });
      return problem ? refuse('EVENT_INVALID_DATES', { eventId, reason: problem }) : { kind: 'apply' };
    }
    case 'event.setRole': {
      const current = roleOf(ctx, e.userId);
      if (current === e.role) return { kind: 'noop' };
      const admins = Object.values(ctx.roles).filter((r) => r === 'admin').length;
      if (current === 'admin' && admins === 1) return refuse('EVENT_LAST_ADMIN', { eventId, userId: e.userId });
      if (current === null && Object.keys(ctx.roles).length >= EventLimits.maxStaff)
        return refuse('EVENT_TOO_MANY_STAFF', { eventId, limit: EventLimits.maxStaff });
      return { kind: 'apply' };
    }
    case 'event.addTicketClass': {
      if (ctx.ticketClassIds.includes(e.ticketClassId)) return { kind: 'noop' };
      if (ctx.ticketClassIds.length >= EventLimits.maxTicketClasses)
        return refuse('EVENT_TOO_MANY_TICKET_CLASSES', { eventId, limit: EventLimits.maxTicketClasses });
      return { kind: 'apply' };
    }
    default:
      return { kind: 'apply' };
  }
}
