/**
 * @module actors/buyer/quota
 * The buyer's pure quota rules: what an order may take (`reserveRefusal`), and the changes
 * (`reserve`, `settle`, `expireDue`). A quota taken is given back at most once: a released
 * order is remembered, and only a later completion (a payment honoured late) counts it again.
 */
import { TbError } from '../../contracts/index.js';
import { BuyerLimits, type BuyerView } from '../../contracts/kinds/buyer.js';
import type { BuyerContext, BuyerMachineEvent } from './types.js';

/** Tickets held (open + kept) and open orders. */
export function totalsOf(c: BuyerContext): { tickets: number; openOrders: number } {
  let tickets = 0;
  let openOrders = 0;
  for (const id in c.orders) {
    const e = c.orders[id]!;
    tickets += e.quantity;
    if (e.state === 'open') openOrders++;
  }
  return { tickets, openOrders };
}

/** Why `orderId` may not take `quantity` under the limits (undefined: it may, or already has). */
export function reserveRefusal(
  c: BuyerContext,
  r: { orderId: string; quantity: number; maxTickets: number; maxOpenOrders: number },
): TbError | undefined {
  if (Object.hasOwn(c.orders, r.orderId)) return undefined;
  const { tickets, openOrders } = totalsOf(c);
  if (openOrders >= r.maxOpenOrders)
    return new TbError('ORDER_BUYER_OPEN_ORDERS_LIMIT', { eventId: c.eventId, limit: r.maxOpenOrders, open: openOrders });
  if (tickets + r.quantity > r.maxTickets)
    return new TbError('ORDER_BUYER_TICKET_LIMIT', { eventId: c.eventId, limit: r.maxTickets, held: tickets, requested: r.quantity });
  return undefined;
}

function forget(c: BuyerContext, orderId: string): BuyerContext {
  const { [orderId]: _, ...orders } = c.orders;
  const released = [...c.released.filter((id) => id !== orderId), orderId];
  return {
    ...c,
    orders,
    released: released.length > BuyerLimits.maxReleased ? released.slice(released.length - BuyerLimits.maxReleased) : released,
  };
}

/** Give back every open order past its `until` (idempotent; runtime rule 5: the durable deadline is the truth). */
export function expireDue(c: BuyerContext, now: number): BuyerContext {
  let next = c;
  for (const id in c.orders) {
    const e = c.orders[id]!;
    if (e.state === 'open' && e.until !== undefined && e.until <= now) next = forget(next, id);
  }
  return next === c ? c : { ...next, updatedAt: now };
}

/** The next context for `e` (the handler checked the limits). */
export function decide(c: BuyerContext, e: BuyerMachineEvent): BuyerContext {
  const settled = expireDue(c, e.now);
  switch (e.type) {
    case 'timer.fired':
      return settled;
    case 'buyer.reserve':
      if (Object.hasOwn(settled.orders, e.orderId) || settled.released.includes(e.orderId)) return settled;
      return {
        ...settled,
        orders: { ...settled.orders, [e.orderId]: { quantity: e.quantity, state: 'open', until: e.until } },
        updatedAt: e.now,
      };
    case 'buyer.settle': {
      const entry = Object.hasOwn(settled.orders, e.orderId) ? settled.orders[e.orderId] : undefined;
      if (e.outcome === 'released') return entry?.state === 'open' ? { ...forget(settled, e.orderId), updatedAt: e.now } : settled;
      if (entry?.state === 'kept') return settled;
      // Completed: keeps counting, also when its quota had come back (a payment honoured late).
      const released = settled.released.filter((id) => id !== e.orderId);
      return {
        ...settled,
        released,
        orders: { ...settled.orders, [e.orderId]: { quantity: entry?.quantity ?? e.quantity, state: 'kept' } },
        updatedAt: e.now,
      };
    }
  }
}

/** Earliest `until` of an open order. */
export function nextBuyerDeadline(c: BuyerContext): number | undefined {
  let next: number | undefined;
  for (const id in c.orders) {
    const u = c.orders[id]!.until;
    if (c.orders[id]!.state === 'open' && u !== undefined && (next === undefined || u < next)) next = u;
  }
  return next;
}

/** The view every verb answers. */
export function viewOf(c: BuyerContext): BuyerView {
  const { tickets, openOrders } = totalsOf(c);
  return {
    eventId: c.eventId,
    userId: c.userId,
    tickets,
    openOrders,
    orders: Object.entries(c.orders).map(([orderId, e]) => ({ orderId, quantity: e.quantity, state: e.state })),
  };
}
