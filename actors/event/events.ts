/**
 * @module actors/event/events
 * The events this kind emits; their names and schemas are the contract in
 * `contracts/events/event.ts` (shared with every consumer).
 */
export { EventEventType, EventEventSchemas, EventDomainEventSchema } from '../../contracts/events/event.js';
export type { EventDomainEvent, EventDomainEventOf } from '../../contracts/events/event.js';
