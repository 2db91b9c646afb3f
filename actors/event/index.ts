/**
 * @module actors/event
 * The `event` kind's front door: one actor per event (`tb.event.<eventId>.<verb>`) owning its
 * status (DRAFT → CONFIGURED → APPROVED → PUBLISHED, any → CANCELLED), config, staff roles and
 * linked ticket classes. Every change emits an event carrying the whole catalog projection.
 */
import type { ActorKind } from '../runtime/index.js';
import { eventHandlers } from './handlers.js';
import { eventMachine, type EventMachine } from './machine.js';

/** The kind the runtime serves. Version 1: context shape of `types.ts`. No deadlines. */
export const eventKind: ActorKind<EventMachine> = {
  kind: 'event',
  version: 1,
  machine: eventMachine,
  handlers: eventHandlers,
};

export { eventMachine, eventHandlers };
export { permissionsOf, roleOf, statusOf, LEGAL_NEXT } from './policy.js';
export { projectionOf, viewOf } from './projection.js';
export { EventEventType, EventEventSchemas, EventDomainEventSchema } from './events.js';

export type { EventMachine };
export type { EventDomainEvent, EventDomainEventOf } from './events.js';
export type { EventContext, EventInput, EventMachineEvent, EventStateValue } from './types.js';
