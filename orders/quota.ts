/**
 * @module orders/quota
 * The order side of the buyer limits and of one-admission-one-checkout: take a buyer's quota
 * before an order exists (the `buyer` actor decides, idempotent by order id), give it back when
 * the order ends, and bind / unbind the checkout slot (the `queue` actor decides). The order
 * service calls these on its fast path; the saga worker calls `settleQuota` / `reopenCheckout`
 * on the order's lifecycle events, so a crash of the fast path never leaks quota or a binding.
 */
import { uniqueId, TbError } from '../contracts/index.js';
import { BuyerLimits, buyerIdOf } from '../contracts/kinds/buyer.js';
import type { EventView } from '../contracts/kinds/event.js';
import { OrderLimits, OrderStatus as S, type OrderView } from '../contracts/kinds/order.js';
import type { Actors } from '../actors/client/index.js';

/** The event's buyer limits, defaults filled in. */
export function buyerLimitsOf(ev: Pick<EventView, 'config'>): { maxTickets: number; maxOpenOrders: number } {
  return {
    maxTickets: ev.config.maxTicketsPerBuyer ?? BuyerLimits.defaultMaxTicketsPerBuyer,
    maxOpenOrders: ev.config.maxOpenOrdersPerBuyer ?? BuyerLimits.defaultMaxOpenOrdersPerBuyer,
  };
}

/**
 * Take the order's tickets and one open order from the buyer's quota. Throws
 * `ORDER_BUYER_TICKET_LIMIT` / `ORDER_BUYER_OPEN_ORDERS_LIMIT`. A fresh command id per call: a
 * refusal is remembered by id, and the same order may ask again once quota came back.
 */
export async function takeQuota(
  actors: Actors,
  o: { ev: Pick<EventView, 'eventId' | 'config'>; userId: string; orderId: string; quantity: number; until: number },
): Promise<void> {
  await actors.buyer(buyerIdOf(o.ev.eventId, o.userId)).reserve(
    {
      eventId: o.ev.eventId,
      userId: o.userId,
      orderId: o.orderId,
      quantity: o.quantity,
      ...buyerLimitsOf(o.ev),
      until: o.until,
    },
    ['quota', o.orderId, uniqueId()],
  );
}

/** How long an order may stay open at most: its payment deadline, its one extension, the step time and a minute. */
export const quotaUntil = (now: number, paymentTtlMs: number, stepTimeoutMs: number): number =>
  now + paymentTtlMs + OrderLimits.defaultProcessingExtensionMs + stepTimeoutMs + 60_000;

/** What a final order means for its buyer's quota (undefined: not final yet). */
export function quotaOutcomeOf(status: string): 'kept' | 'released' | undefined {
  if (status === S.Completed) return 'kept';
  if (status === S.Failed || status === S.Cancelled) return 'released';
  return undefined;
}

/** Settle the quota of a final order (idempotent; a buyer that never existed — an order older than the limits — is fine). */
export async function settleQuota(
  actors: Actors,
  view: Pick<OrderView, 'orderId' | 'userId' | 'eventId' | 'status' | 'lines'>,
): Promise<void> {
  const outcome = quotaOutcomeOf(view.status);
  if (!outcome) return;
  const quantity = view.lines.reduce((s, l) => s + l.quantity, 0);
  await actors
    .buyer(buyerIdOf(view.eventId, view.userId))
    .settle({ orderId: view.orderId, outcome, quantity }, [view.orderId, 'quota', outcome])
    .catch((err: unknown) => {
      if (!TbError.is(err, 'COMMAND_NOT_FOUND')) throw err;
    });
}

/** Bind the checkout slot of `sessionId` to `orderId` (throws `ORDER_CHECKOUT_TOKEN_USED` / `ORDER_CHECKOUT_SLOT_ENDED`). */
export async function bindCheckout(actors: Actors, eventId: string, sessionId: string, orderId: string): Promise<void> {
  await actors
    .queue(eventId)
    .bindOrder({ sessionId, orderId }, ['bind', orderId, uniqueId()])
    .catch((err: unknown) => {
      // No queue at all: no slot was ever given, whatever the token says.
      throw TbError.is(err, 'COMMAND_NOT_FOUND') ? new TbError('ORDER_CHECKOUT_SLOT_ENDED', { eventId, sessionId }, { cause: err }) : err;
    });
}

/** Give the checkout slot back for another order, when it is still bound to `orderId` (idempotent). */
export async function reopenCheckout(actors: Actors, eventId: string, sessionId: string, orderId: string): Promise<void> {
  await actors
    .queue(eventId)
    .unbindOrder({ sessionId, orderId }, ['unbind', orderId])
    .catch((err: unknown) => {
      if (!TbError.is(err, 'COMMAND_NOT_FOUND')) throw err;
    });
}
