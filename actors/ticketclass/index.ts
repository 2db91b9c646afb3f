/**
 * @module actors/ticketclass
 * The `ticketclass` kind's front door: inventory of one ticket class of one event, one actor per
 * class (`tb.ticketclass.<classId>.<verb>`). Never oversells (`reserved + sold ≤ total`), never
 * leaks a hold (every hold has a deadline the runtime's durable timer enforces).
 */
import type { ActorKind } from '../runtime/index.js';
import { ticketClassHandlers } from './handlers.js';
import { packHold } from './inventory.js';
import type { Hold } from './types.js';
import { nextHoldDeadline, ticketClassMachine, type TicketClassMachine } from './machine.js';

/**
 * The kind the runtime serves. Version 2: context shape of `types.ts` with holds packed into one
 * number each (version 1 stored `{ quantity, expiresAt }` records), bucket layout of `bucket-map.ts`.
 * Persisted by batch (actors/runtime/journal.ts): a hot class holds thousands of holds and a
 * batch of reserves changes a few, so a write appends the batch's events, not the class.
 */
export const ticketclassKind: ActorKind<TicketClassMachine> = {
  kind: 'ticketclass',
  version: 2,
  persistence: 'journal',
  machine: ticketClassMachine,
  handlers: ticketClassHandlers,
  nextDeadline: (snapshot) => nextHoldDeadline(snapshot.context),
  migrate: migrateTicketClass,
};

/** Upgrade a persisted snapshot: version 1 → 2 packs every hold record (`packHold`). */
export function migrateTicketClass(persisted: unknown, fromVersion: number): unknown {
  if (fromVersion !== 1) return persisted;
  const snap = persisted as { context: { holds: Array<Record<string, Hold | number>> } };
  const holds = snap.context.holds.map((bucket) =>
    Object.fromEntries(Object.entries(bucket).map(([k, h]) => [k, typeof h === 'number' ? h : packHold(h)])),
  );
  return { ...snap, context: { ...snap.context, holds } };
}

export { ticketClassMachine, ticketClassHandlers };
export { statusOf, viewOf } from './handlers.js';
export { TicketClassEventType, TicketClassEventSchemas, TicketClassEventSchema } from './events.js';

export type { TicketClassMachine };
export type { TicketClassEvent, TicketClassEventOf } from './events.js';
export type { TicketClassContext, TicketClassInput, TicketClassMachineEvent, Hold, FinishedOrder } from './types.js';
