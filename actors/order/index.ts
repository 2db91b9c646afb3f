/**
 * @module actors/order
 * The `order` kind's front door: one order and its saga (`tb.order.<orderId>.<verb>`, ids
 * `ord_<hex>` from `orderIdFor(userId, Idempotency-Key)`). The actor decides every step and
 * emits intents with deterministic command ids; the order service (fast path) and the saga
 * worker (safety net) perform them (docs/orders.md). Never COMPLETED without a succeeded payment
 * or a zero total; every hold of a failed, cancelled or expired order is released or surfaced.
 */
import type { ActorKind } from '../runtime/index.js';
import { orderHandlers } from './handlers.js';
import { nextOrderDeadline, orderMachine, type OrderMachine } from './machine.js';

/** The kind the runtime serves. Version 1: context shape of `types.ts`. */
export const orderKind: ActorKind<OrderMachine> = {
  kind: 'order',
  version: 1,
  machine: orderMachine,
  handlers: orderHandlers,
  nextDeadline: (snapshot) => nextOrderDeadline(snapshot.context),
};

export { orderMachine, orderHandlers, nextOrderDeadline };
export { orderDefaults } from './handlers.js';
export { phaseOf } from './machine.js';
export { viewOf, orderIdFor, orderCodeOf } from './view.js';
export { OrderEventType, OrderEventSchemas, OrderEventSchema, CheckoutOutcomeOf, holdKeyOf, holdMsFor, stepCommandId } from './events.js';

export type { OrderMachine };
export type { OrderEvent, OrderEventOf } from './events.js';
export type { OrderContext, OrderInput, OrderLine, OrderPayment, OrderMachineEvent, OrderPhase } from './types.js';
