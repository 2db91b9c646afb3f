/**
 * @module actors/buyer
 * The `buyer` kind's front door: one buyer's quota on one event (`tb.buyer.<buyerId>.<verb>`,
 * `buyerId = buyerIdOf(eventId, userId)` from contracts). The single writer of what a buyer
 * holds: the event's `maxTicketsPerBuyer` and `maxOpenOrdersPerBuyer` hold whatever the
 * concurrency; every quota taken comes back exactly once (order failed, cancelled, expired, or
 * its `until` passed), and completed orders keep counting (docs/orders.md).
 */
import type { ActorKind } from '../runtime/index.js';
import { buyerHandlers } from './handlers.js';
import { buyerMachine, type BuyerMachine } from './machine.js';
import { nextBuyerDeadline } from './quota.js';

/** The kind the runtime serves. Version 1: context shape of `types.ts`. */
export const buyerKind: ActorKind<BuyerMachine> = {
  kind: 'buyer',
  version: 1,
  machine: buyerMachine,
  handlers: buyerHandlers,
  nextDeadline: (snapshot) => nextBuyerDeadline(snapshot.context),
};

export { buyerMachine, buyerHandlers, nextBuyerDeadline };
export type { BuyerMachine };
export type { BuyerContext, BuyerInput, BuyerMachineEvent, QuotaEntry } from './types.js';
