/**
 * @module actors/ticketclass
 * The `ticketclass` kind's front door: inventory of one ticket class of one event, one actor per
 * class (`tb.ticketclass.<classId>.<verb>`). Never oversells (`reserved + sold ≤ total`), never
 * leaks a hold (every hold has a deadline the runtime's durable timer enforces).
 */
import type { ActorKind } from '../runtime/index.js';
import { ticketClassHandlers } from './handlers.js';
import { nextHoldDeadline, ticketClassMachine, type TicketClassMachine } from './machine.js';

/** The kind the runtime serves. Version 1: context shape of `types.ts`, bucket layout of `bucket-map.ts`. */
export const ticketclassKind: ActorKind<TicketClassMachine> = {
  kind: 'ticketclass',
  version: 1,
  machine: ticketClassMachine,
  handlers: ticketClassHandlers,
  nextDeadline: (snapshot) => nextHoldDeadline(snapshot.context),
};

export { ticketClassMachine, ticketClassHandlers };
export { statusOf, viewOf } from './handlers.js';
export { TicketClassEventType, TicketClassEventSchemas, TicketClassEventSchema } from './events.js';

export type { TicketClassMachine };
export type { TicketClassEvent, TicketClassEventOf } from './events.js';
export type { TicketClassContext, TicketClassInput, TicketClassMachineEvent, Hold, FinishedOrder } from './types.js';
