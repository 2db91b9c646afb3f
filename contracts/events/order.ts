/**
 * @module contracts/events/order
 * Domain events an order emits (to the outbox, published on `tb.evt.order.<orderId>.<name>`).
 * Intents (`order.*Requested`) name a step the saga wants done with its deterministic command id,
 * so the order service (fast path) and the saga worker (safety net) can both perform it with no
 * effect beyond the first. Lifecycle events carry the whole owner view (`order`), for
 * projections. Every event carries `orderId`, `userId`, `eventId` and `at`. At-least-once (runtime rule 4: effects after commit, at least once).
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { OrderView } from '../kinds/order.js';

function event<T extends string, P extends TProperties>(type: T, properties: P) {
  return Type.Object({
    type: Type.Literal(type),
    orderId: Type.String(),
    userId: Type.String(),
    eventId: Type.String(),
    at: Type.Integer({ description: 'ms since epoch: the time of the command that caused it' }),
    ...properties,
  });
}

/** Names of the events. */
export const OrderEventType = {
  Created: 'order.created',
  ReserveRequested: 'order.reserveRequested',
  ReleaseRequested: 'order.releaseRequested',
  ConfirmRequested: 'order.confirmRequested',
  PaymentRequested: 'order.paymentRequested',
  Pending: 'order.pending',
  Completed: 'order.completed',
  Failed: 'order.failed',
  Cancelled: 'order.cancelled',
  CompensationStuck: 'order.compensationStuck',
  /** Money of this order must go back: the payments side requests the refund (once per transaction). */
  RefundRequested: 'order.refundRequested',
  /** The money went back: the order's tickets are void (the tickets side listens). */
  Refunded: 'order.refunded',
  CheckoutCompleted: 'checkout.completed',
  CheckoutFailed: 'checkout.failed',
  CheckoutExpired: 'checkout.expired',
  /** The order failed before holding anything (a refused line): its checkout slot stays, and may make another order. */
  CheckoutReopened: 'checkout.reopened',
} as const;

const T = OrderEventType;
const Intent = { classId: Type.String(), attempt: Type.Integer(), holdKey: Type.String(), commandId: Type.String() };
const Checkout = { sessionId: Type.String() };

/** TypeBox schema of every emitted event, by type. */
export const OrderEventSchemas = {
  [T.Created]: event(T.Created, { order: OrderView }),
  [T.ReserveRequested]: event(T.ReserveRequested, { ...Intent, quantity: Type.Integer(), holdMs: Type.Integer() }),
  [T.ReleaseRequested]: event(T.ReleaseRequested, { ...Intent, reason: Type.String() }),
  [T.ConfirmRequested]: event(T.ConfirmRequested, Intent),
  [T.PaymentRequested]: event(T.PaymentRequested, {
    code: Type.String(),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    provider: Type.String(),
    expiresAt: Type.Integer(),
  }),
  [T.Pending]: event(T.Pending, { order: OrderView }),
  [T.Completed]: event(T.Completed, { order: OrderView }),
  [T.Failed]: event(T.Failed, { order: OrderView, reason: Type.String() }),
  [T.Cancelled]: event(T.Cancelled, { order: OrderView, reason: Type.String() }),
  /** A release kept failing: an operator must look at `classId` (metric, `/readyz` detail). */
  [T.CompensationStuck]: event(T.CompensationStuck, { classId: Type.String(), attempts: Type.Integer(), error: Type.String() }),
  [T.RefundRequested]: event(T.RefundRequested, {
    paymentId: Type.String(),
    providerTxnId: Type.String(),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    reason: Type.String(),
    requestedBy: Type.Optional(Type.String()),
    order: OrderView,
  }),
  [T.Refunded]: event(T.Refunded, {
    refundId: Type.String(),
    paymentId: Type.String(),
    providerTxnId: Type.String(),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    reason: Type.String(),
    order: OrderView,
  }),
  [T.CheckoutCompleted]: event(T.CheckoutCompleted, Checkout),
  [T.CheckoutFailed]: event(T.CheckoutFailed, Checkout),
  [T.CheckoutExpired]: event(T.CheckoutExpired, Checkout),
  [T.CheckoutReopened]: event(T.CheckoutReopened, Checkout),
};

type Schemas = typeof OrderEventSchemas;
/** One emitted event. */
export type OrderEvent = { [K in keyof Schemas]: Static<Schemas[K]> }[keyof Schemas];
/** The emitted event of a given type. */
export type OrderEventOf<K extends OrderEvent['type']> = Extract<OrderEvent, { type: K }>;
/** Union of all event schemas, for a consumer that validates what it reads. */
export const OrderEventSchema = Type.Union(Object.values(OrderEventSchemas));
