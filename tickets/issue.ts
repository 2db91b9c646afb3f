/**
 * @module tickets/issue
 * Which tickets a completed order holds, as a pure function of its view: one per seat of every
 * `confirmed` line (a `lost` or refused line is refunded, never ticketed), numbered `1…n` across
 * the lines in order, with the deterministic id `<orderId>-<n>`. The same view always yields the
 * same ids, which is what makes issuing idempotent.
 */
import type { NewTicket } from './store.js';

/** The parts of an order view issuing reads. */
export interface IssuableOrder {
  orderId: string;
  userId: string;
  eventId: string;
  status: string;
  lines: ReadonlyArray<{ classId: string; quantity: number; unitPriceMinor: number; currency: string; state: string }>;
}

/** The ticket id of seat `n` (1-based) of an order. */
export const ticketIdOf = (orderId: string, n: number): string => `${orderId}-${n}`;

/** The tickets of a COMPLETED order (none for any other status). */
export function ticketsForOrder(order: IssuableOrder): NewTicket[] {
  if (order.status !== 'COMPLETED') return [];
  const out: NewTicket[] = [];
  let n = 0;
  for (const line of order.lines) {
    if (line.state !== 'confirmed') continue;
    for (let q = 0; q < line.quantity; q++) {
      n++;
      out.push({
        ticketId: ticketIdOf(order.orderId, n),
        orderId: order.orderId,
        eventId: order.eventId,
        classId: line.classId,
        ownerId: order.userId,
        seatNo: n,
        priceMinor: line.unitPriceMinor,
        currency: line.currency,
      });
    }
  }
  return out;
}

/** The ticket ids a COMPLETED order view names (what the order GET adds). */
export const ticketIdsOfOrder = (order: IssuableOrder): string[] => ticketsForOrder(order).map((t) => t.ticketId);

/** The id a transfer gives a ticket: `<root>-t<k+1>` (the root is the issued id). */
export function transferredIdOf(ticketId: string): string {
  const m = /^(.*)-t(\d+)$/.exec(ticketId);
  return m ? `${m[1]}-t${Number(m[2]) + 1}` : `${ticketId}-t1`;
}
