/**
 * @module actors/event/machine
 * One event as a pure XState machine: `draft` → `configured` (re-configurable) → `approved` →
 * `published`, and any of them → `cancelled` (final). Guards apply the same policy as the
 * handlers (permission, legal move, bounds), so no event sequence reaches a forbidden state;
 * every change bumps `version` and emits a past-tense event carrying the whole projection.
 */
import { enqueueActions, setup } from 'xstate';
import { stepAction } from '../runtime/index.js';
import { EventLimits } from '../../contracts/kinds/event.js';
import { EventEventType as T, type EventDomainEvent } from './events.js';
import { checkEvent, roleOf } from './policy.js';
import { projectionOf } from './projection.js';
import type { EventContext, EventInput, EventMachineEvent, EventStateValue } from './types.js';

type Ev<K extends EventMachineEvent['type']> = Extract<EventMachineEvent, { type: K }>;
/** Guards get the current state; actions get the state the event ends in (for the projection's status). */
interface At {
  state: EventStateValue;
}
type Change<K extends EventMachineEvent['type']> = (
  ctx: EventContext,
  e: Ev<K>,
) => { patch: Partial<EventContext>; fields?: Record<string, unknown> };

/** A named action: apply `change`, bump `version`, emit `type` with the new projection. */
function changeAction<K extends EventMachineEvent['type']>(type: EventDomainEvent['type'], change: Change<K>) {
  return stepAction<EventContext, EventMachineEvent, EventDomainEvent, At>((context, event, params) => {
    const e = event as Ev<K>;
    const { patch, fields } = change(context, e);
    const next: EventContext = { ...context, ...patch, version: context.version + 1, updatedAt: e.now };
    return {
      ctx: next,
      emitted: [
        {
          type,
          eventId: next.eventId,
          at: e.now,
          by: e.by.userId,
          projection: projectionOf(next, params.state),
          ...fields,
        } as EventDomainEvent,
      ],
    };
  });
}

const allowed = (state: EventStateValue) => ({ type: 'isAllowed' as const, params: { state } });
const act = <A extends string>(type: A, state: EventStateValue) => ({ type, params: { state } });

/** Verbs that do not move the status: legal in every state but `cancelled`. */
function stay(s: EventStateValue) {
  return {
    'event.update': { guard: allowed(s), actions: act('applyDetails', s) },
    'event.setRole': { guard: allowed(s), actions: act('assignRole', s) },
    'event.addTicketClass': { guard: allowed(s), actions: act('linkTicketClass', s) },
    'event.cancel': { guard: allowed(s), target: 'cancelled', actions: act('markCancelled', 'cancelled') },
  } as const;
}

/** The `event` machine (input: `EventInput`, built by the `create` handler). */
export const eventMachine = setup({
  types: { context: {} as EventContext, events: {} as EventMachineEvent, input: {} as EventInput, emitted: {} as EventDomainEvent },
  guards: {
    isAllowed: ({ context, event }, p: At) => checkEvent(context, p.state, event).kind === 'apply',
  },
  actions: {
    applyDetails: changeAction<'event.update'>(T.Updated, (c, e) => {
      const changed = Object.keys(e.changes).filter(
        (k) => JSON.stringify(e.changes[k as keyof typeof e.changes]) !== JSON.stringify(c[k as keyof EventContext]),
      );
      return { patch: { ...e.changes }, fields: { changed } };
    }),
    applyConfig: changeAction<'event.configure'>(T.Configured, (c, e) => {
      const config = { ...c.config, ...e.config };
      // The access code stays in the actor: the event stream is read by projections, not staff.
      const { accessCode: _, ...published } = config;
      return { patch: { config }, fields: { config: published } };
    }),
    markApproved: changeAction<'event.approve'>(T.Approved, () => ({ patch: {} })),
    markPublished: changeAction<'event.publish'>(T.Published, () => ({ patch: {} })),
    markCancelled: changeAction<'event.cancel'>(T.Cancelled, (_c, e) => ({
      patch: e.reason !== undefined ? { cancelReason: e.reason } : {},
      fields: e.reason !== undefined ? { reason: e.reason } : {},
    })),
    assignRole: changeAction<'event.setRole'>(T.RoleChanged, (c, e) => {
      const roles = { ...c.roles };
      if (e.role === null) delete roles[e.userId];
      else roles[e.userId] = e.role;
      return { patch: { roles }, fields: { userId: e.userId, role: e.role, previousRole: roleOf(c, e.userId) } };
    }),
    linkTicketClass: changeAction<'event.addTicketClass'>(T.TicketClassAdded, (c, e) => ({
      patch: { ticketClassIds: [...c.ticketClassIds, e.ticketClassId] },
      fields: { ticketClassId: e.ticketClassId },
    })),
  },
}).createMachine({
  id: 'event',
  // xstate's pure transition() builds a throwaway actor that evaluates this factory with no
  // input on every call; answer it cheaply instead of throwing (a throw per command cost 7% CPU).
  context: ({ input }) => (input ? initialContext(input) : ({} as EventContext)),
  initial: 'draft',
  entry: enqueueActions(({ context, enqueue }) => {
    enqueue.emit({
      type: T.Created,
      eventId: context.eventId,
      at: context.createdAt,
      by: context.createdBy,
      projection: projectionOf(context, 'draft'),
    });
  }),
  states: {
    draft: {
      on: {
        ...stay('draft'),
        'event.configure': { guard: allowed('draft'), target: 'configured', actions: act('applyConfig', 'configured') },
      },
    },
    configured: {
      on: {
        ...stay('configured'),
        'event.configure': { guard: allowed('configured'), actions: act('applyConfig', 'configured') },
        'event.approve': { guard: allowed('configured'), target: 'approved', actions: act('markApproved', 'approved') },
      },
    },
    approved: {
      on: {
        ...stay('approved'),
        'event.publish': { guard: allowed('approved'), target: 'published', actions: act('markPublished', 'published') },
      },
    },
    published: { on: { ...stay('published') } },
    /** Final: nothing changes a cancelled event; it can still be read. */
    cancelled: { type: 'final' },
  },
});

function initialContext(input: EventInput): EventContext {
  return {
    eventId: input.eventId,
    name: input.name,
    description: input.description ?? '',
    location: input.location ?? '',
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    categories: input.categories ?? [],
    ...(input.organizer ? { organizer: input.organizer } : {}),
    createdBy: input.createdBy,
    roles: { [input.createdBy]: 'admin' },
    config: {
      isFree: false,
      isPublic: true,
      requiresApproval: true,
      allowWaitRoom: true,
      isNewTrending: false,
      maxConcurrent: EventLimits.defaultMaxConcurrent,
    },
    ticketClassIds: [],
    version: 1,
    createCommandId: input.createCommandId,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/** The machine's type. */
export type EventMachine = typeof eventMachine;
