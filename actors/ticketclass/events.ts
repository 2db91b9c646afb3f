/**
 * @module actors/ticketclass/events
 * The events this kind emits; their names and schemas are the contract in
 * `contracts/events/ticketclass.ts` (shared with every consumer).
 */
export { TicketClassEventType, TicketClassEventSchemas, TicketClassEventSchema } from '../../contracts/events/ticketclass.js';
export type { TicketClassEvent, TicketClassEventOf } from '../../contracts/events/ticketclass.js';
