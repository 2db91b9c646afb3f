/**
 * @module actors/checkin/events
 * The events this kind emits; their names and schemas are the contract in
 * `contracts/events/checkin.ts` (shared with every consumer).
 */
export { CheckinEventType, CheckinEventSchemas } from '../../contracts/events/checkin.js';
export type { CheckinEvent } from '../../contracts/events/checkin.js';
