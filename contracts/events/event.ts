/**
 * @module contracts/events/event
 * Domain events the event actor emits (past tense, to the outbox, published on
 * `tb.evt.event.<id>.<name>`). Each carries the whole catalog `projection` with its `version`,
 * so the catalog can upsert from any single event and drop older ones (delivery is
 * at-least-once and may reorder across redeliveries).
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { EventConfig, EventProjection } from '../kinds/event.js';

function event<T extends string, P extends TProperties>(type: T, properties: P) {
  return Type.Object({
    type: Type.Literal(type),
    eventId: Type.String(),
    at: Type.Integer({ description: 'ms since epoch: the time of the command that caused it' }),
    by: Type.String({ description: 'user id of the acting user' }),
    projection: EventProjection,
    ...properties,
  });
}

const Role = Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer'), Type.Literal('scanner'), Type.Null()]);

/** Names of the events. */
export const EventEventType = {
  Created: 'event.created',
  Updated: 'event.updated',
  Configured: 'event.configured',
  Approved: 'event.approved',
  Published: 'event.published',
  Cancelled: 'event.cancelled',
  RoleChanged: 'event.roleChanged',
  TicketClassAdded: 'event.ticketClassAdded',
} as const;

const T = EventEventType;

/** TypeBox schema of every emitted event, by type. */
export const EventEventSchemas = {
  [T.Created]: event(T.Created, {}),
  /** `changed` names the detail fields that changed. */
  [T.Updated]: event(T.Updated, { changed: Type.Array(Type.String()) }),
  [T.Configured]: event(T.Configured, { config: EventConfig }),
  [T.Approved]: event(T.Approved, {}),
  [T.Published]: event(T.Published, {}),
  [T.Cancelled]: event(T.Cancelled, { reason: Type.Optional(Type.String()) }),
  /** `role: null` means the user was removed from the staff. */
  [T.RoleChanged]: event(T.RoleChanged, { userId: Type.String(), role: Role, previousRole: Role }),
  [T.TicketClassAdded]: event(T.TicketClassAdded, { ticketClassId: Type.String() }),
};

type Schemas = typeof EventEventSchemas;
/** One emitted event. */
export type EventDomainEvent = { [K in keyof Schemas]: Static<Schemas[K]> }[keyof Schemas];
/** The emitted event of a given type. */
export type EventDomainEventOf<K extends EventDomainEvent['type']> = Extract<EventDomainEvent, { type: K }>;
/** Union of all emitted event schemas, for a consumer that validates what it reads. */
export const EventDomainEventSchema = Type.Union(Object.values(EventEventSchemas));
