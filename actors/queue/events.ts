/**
 * @module actors/queue/events
 * The events this kind emits; their names and schemas are the contract in
 * `contracts/events/queue.ts` (shared with every consumer).
 */
export { QueueEventType, QueueEventSchemas, QueueEventSchema } from '../../contracts/events/queue.js';
export type { QueueEvent, QueueEventOf } from '../../contracts/events/queue.js';
