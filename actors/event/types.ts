/**
 * @module actors/event/types
 * The event actor's persisted context and machine events. Bounded: ≤ 200 staff roles, ≤ 50
 * ticket classes, ≤ 10 categories; always at least one admin.
 */
import type { ActingUser, EventConfig, EventRole, Organizer } from '../../contracts/kinds/event.js';

/** The persisted context of an event. */
export interface EventContext {
  eventId: string;
  name: string;
  description: string;
  location: string;
  startsAt: number;
  endsAt: number;
  categories: string[];
  organizer?: Organizer;
  createdBy: string;
  /** Staff by user id; keys follow the user id pattern (never `__proto__`): read with `Object.hasOwn`. */
  roles: Record<string, EventRole>;
  config: EventConfig;
  ticketClassIds: string[];
  cancelReason?: string;
  /** Increases with every change; emitted with the projection so a catalog keeps the newest. */
  version: number;
  /** The `commandId` of the `create` that made this event: a different create is `EVENT_ALREADY_EXISTS`. */
  createCommandId: string;
  createdAt: number;
  updatedAt: number;
}

/** Input of `initialTransition` (built by the `create` handler). */
export interface EventInput {
  eventId: string;
  name: string;
  description?: string;
  location?: string;
  startsAt: number;
  endsAt: number;
  categories?: string[];
  organizer?: Organizer;
  createdBy: string;
  createCommandId: string;
  now: number;
}

/** Detail fields `update` may change. */
export interface EventDetailChanges {
  name?: string;
  description?: string;
  location?: string;
  startsAt?: number;
  endsAt?: number;
  categories?: string[];
  organizer?: Organizer;
}

/** Every machine event carries the acting user (`by`) and the command's time (`now`). */
interface Base {
  by: ActingUser;
  now: number;
}

/** Machine events: public verbs dotted by kind. */
export type EventMachineEvent =
  | (Base & { type: 'event.update'; changes: EventDetailChanges })
  | (Base & { type: 'event.configure'; config: Partial<EventConfig> })
  | (Base & { type: 'event.approve' })
  | (Base & { type: 'event.publish' })
  | (Base & { type: 'event.cancel'; reason?: string })
  | (Base & { type: 'event.setRole'; userId: string; role: EventRole | null })
  | (Base & { type: 'event.addTicketClass'; ticketClassId: string });

/** Machine state values; the reported status is the upper-case name. */
export type EventStateValue = 'draft' | 'configured' | 'approved' | 'published' | 'cancelled';

/** A refusal: a registered code and its facts; handlers turn it into a `TbError`. */
export interface Refusal {
  code:
    | 'EVENT_ILLEGAL_TRANSITION'
    | 'EVENT_FORBIDDEN'
    | 'EVENT_CANCELLED'
    | 'EVENT_INVALID_DATES'
    | 'EVENT_LAST_ADMIN'
    | 'EVENT_TOO_MANY_STAFF'
    | 'EVENT_TOO_MANY_TICKET_CLASSES';
  params: Record<string, unknown>;
}

/** Result of a policy check: apply, answer from state (nothing to change), or refuse. */
export type Verdict = { kind: 'apply' } | { kind: 'noop' } | { kind: 'refuse'; refusal: Refusal };
