/**
 * @module actors/order/view
 * The owner's view of an order (`OrderView` in contracts), the order's code, and its ids. Pure.
 * The code is 12 digits derived from the order id (so a repeat derives the same one); at 10^5
 * orders the chance that two share a code is about 0.5 %, which the payments store's order-code
 * lookups tolerate because every payment also carries its order id.
 */
import { createHash } from 'node:crypto';
import type { OrderView } from '../../contracts/kinds/order.js';
import type { OrderContext } from './types.js';

/** The view every verb answers and lifecycle events carry. */
export function viewOf(c: OrderContext): OrderView {
  const view: OrderView = {
    orderId: c.orderId,
    code: c.code,
    userId: c.userId,
    eventId: c.eventId,
    status: c.status,
    lines: c.lines.map((l) => ({
      classId: l.classId,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
      currency: l.currency,
      state: l.state,
      attempt: l.attempt,
    })),
    totalMinor: c.totalMinor,
    currency: c.currency,
    provider: c.provider,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    expiresAt: c.expiresAt,
  };
  if (c.payment)
    view.payment = {
      paymentId: c.payment.paymentId,
      provider: c.payment.provider,
      paymentUrl: c.payment.paymentUrl,
      status: c.payment.status,
    };
  if (c.failureReason !== undefined) view.failureReason = c.failureReason;
  if (c.refundRequired) view.refundRequired = true;
  if (c.refund) {
    view.refund = { status: c.refund.status, reason: c.refund.reason, amountMinor: c.refund.amountMinor, currency: c.refund.currency };
    if (c.refund.refundId) view.refund.refundId = c.refund.refundId;
  }
  return view;
}

/** The order id for `(userId, idempotencyKey)`: `ord_` + 24 hex, so a repeat reaches the same actor. */
export function orderIdFor(userId: string, idempotencyKey: string): string {
  return `ord_${createHash('sha256').update(`order\u0000${userId}\u0000${idempotencyKey}`).digest('hex').slice(0, 24)}`;
}

/** The order's 12-digit code (first digit 1–9, so it is a number without leading zeros: PayOS `orderCode`). */
export function orderCodeOf(orderId: string, attempt = 0): string {
  // `attempt` salts the derivation when an earlier code was already claimed by another order.
  const h = createHash('sha256')
    .update(attempt === 0 ? `code\u0000${orderId}` : `code\u0000${orderId}\u0000${attempt}`)
    .digest();
  const n = (h.readBigUInt64BE(0) % 900_000_000_000n) + 100_000_000_000n;
  return n.toString();
}
