/**
 * @module actors/order/events
 * The events an order emits (names and schemas: the contract in `contracts/events/order.ts`),
 * and the order's step helpers: hold length, hold keys, deterministic step command ids, and the
 * queue outcome of each `checkout.*` event.
 */
import { OrderEventType as T } from '../../contracts/events/order.js';

export { OrderEventType, OrderEventSchemas, OrderEventSchema } from '../../contracts/events/order.js';
export type { OrderEvent, OrderEventOf } from '../../contracts/events/order.js';

/** How long a hold lasts: the payment deadline, its one extension and a minute, within the class limits (10 s – 1 h). */
export function holdMsFor(paymentTtlMs: number, extensionMs: number): number {
  return Math.min(60 * 60_000, Math.max(10_000, paymentTtlMs + extensionMs + 60_000));
}

/** The ticket-class hold key of a line's attempt: the order id, then `<orderId>-r<n>` for re-reserves. */
export const holdKeyOf = (orderId: string, attempt: number): string => (attempt === 0 ? orderId : `${orderId}-r${attempt}`);

/** Deterministic command id of a step on a ticket class: `<orderId>:<step>:<classId>` (`<step><n>` after a re-reserve). */
export function stepCommandId(orderId: string, step: 'reserve' | 'release' | 'confirm', classId: string, attempt: number): string {
  return `${orderId}:${step}${attempt === 0 ? '' : attempt}:${classId}`;
}

/** The queue outcome each `checkout.*` event stands for. */
export const CheckoutOutcomeOf = {
  [T.CheckoutCompleted]: 'completed',
  [T.CheckoutFailed]: 'failed',
  [T.CheckoutExpired]: 'expired',
} as const;
