/**
 * @module actors/order/refunds
 * The order's refund decisions, pure: a paid order moves to REFUND_PENDING exactly once (an
 * organizer's refund, an event cancellation, a payment that could not buy the tickets, or a late
 * payment the payments side flagged), emitting `order.refundRequested` with the transaction to
 * refund; the provider's answer for that transaction moves it to REFUNDED with `order.refunded`
 * (the tickets side voids the order's tickets on it). Answers for other transactions (a second
 * payment of a paid order) change nothing here: the payments side refunds them on their own.
 */
import { OrderStatus as S } from '../../contracts/kinds/order.js';
import type { Step } from './compensations.js';
import { OrderEventType as T, type OrderEvent } from './events.js';
import type { OrderContext, OrderMachineEvent, OrderRefund } from './types.js';
import { viewOf } from './view.js';

/** The fields every event carries (as `compensations.baseOf`; kept here so the two modules do not import each other). */
const baseOf = (c: OrderContext, now: number) => ({ orderId: c.orderId, userId: c.userId, eventId: c.eventId, at: now });

type Ev<K extends OrderMachineEvent['type']> = Extract<OrderMachineEvent, { type: K }>;
const same = (c: OrderContext): Step => ({ ctx: c, emitted: [] });

/** The order becomes REFUND_PENDING for `reason`, asking for the refund of its payment (REFUNDED at once when nothing was paid). */
export function startRefund(c: OrderContext, reason: string, now: number, requestedBy?: string): Step {
  const paid = c.payment?.status === 'COMPLETED' && c.payment.providerTxnId !== undefined;
  if (!paid) {
    // A free order (or one whose payment never arrived): nothing to send back, the tickets are void at once.
    const refund: OrderRefund = {
      status: 'REFUNDED',
      reason,
      amountMinor: 0,
      currency: c.currency,
      ...(requestedBy ? { requestedBy } : {}),
    };
    const ctx: OrderContext = { ...c, status: S.Refunded, refund, updatedAt: now };
    const ev: OrderEvent = {
      type: T.Refunded,
      ...baseOf(c, now),
      refundId: 'none',
      paymentId: c.payment?.paymentId ?? 'none',
      providerTxnId: 'none',
      amountMinor: 0,
      currency: c.currency,
      reason,
      order: viewOf(ctx),
    };
    return { ctx, emitted: [ev] };
  }
  const p = c.payment!;
  const amountMinor = p.amountMinor ?? c.totalMinor;
  const currency = p.currency ?? c.currency;
  const refund: OrderRefund = {
    status: 'PENDING',
    reason,
    amountMinor,
    currency,
    paymentId: p.paymentId,
    providerTxnId: p.providerTxnId!,
    ...(requestedBy ? { requestedBy } : {}),
  };
  const ctx: OrderContext = { ...c, status: S.RefundPending, refund, updatedAt: now };
  const ev: OrderEvent = {
    type: T.RefundRequested,
    ...baseOf(c, now),
    paymentId: p.paymentId,
    providerTxnId: p.providerTxnId!,
    amountMinor,
    currency,
    reason,
    ...(requestedBy ? { requestedBy } : {}),
    order: viewOf(ctx),
  };
  return { ctx, emitted: [ev] };
}

/** An organizer's or the event cancellation's refund: only a COMPLETED order moves; a refunded one stays as it is. */
export function onRefund(c: OrderContext, e: Ev<'order.refund'>): Step {
  return c.status === S.Completed ? startRefund(c, e.reason, e.now, e.requestedBy) : same(c);
}

/** The payments side refunds money of this order's own payment that arrived too late (the order had failed or been cancelled). */
export function onRefundRequested(c: OrderContext, e: Ev<'order.refundRequested'>): Step {
  if (c.refund) {
    if (c.refund.providerTxnId === e.providerTxnId && !c.refund.refundId)
      return same({ ...c, refund: { ...c.refund, refundId: e.refundId }, updatedAt: e.now });
    return same(c);
  }
  if ((c.status !== S.Failed && c.status !== S.Cancelled) || c.payment?.paymentId !== e.paymentId) return same(c);
  const refund: OrderRefund = {
    status: 'PENDING',
    reason: e.reason,
    amountMinor: e.amountMinor,
    currency: c.currency,
    paymentId: e.paymentId,
    providerTxnId: e.providerTxnId,
    refundId: e.refundId,
  };
  const ctx: OrderContext = { ...c, status: S.RefundPending, refund, updatedAt: e.now };
  return {
    ctx,
    emitted: [
      {
        type: T.RefundRequested,
        ...baseOf(c, e.now),
        paymentId: e.paymentId,
        providerTxnId: e.providerTxnId,
        amountMinor: e.amountMinor,
        currency: c.currency,
        reason: e.reason,
        order: viewOf(ctx),
      },
    ],
  };
}

/** The provider's answer for the order's refund: REFUNDED (tickets void) or the refund FAILED (operators act). */
export function onRefundAnswer(c: OrderContext, e: Ev<'order.refunded'> | Ev<'order.refundFailed'>): Step {
  const r = c.refund;
  if (r?.status !== 'PENDING' || r.providerTxnId !== e.providerTxnId) return same(c);
  if (e.type === 'order.refundFailed') return same({ ...c, refund: { ...r, status: 'FAILED', refundId: e.refundId }, updatedAt: e.now });
  const ctx: OrderContext = {
    ...c,
    status: S.Refunded,
    refund: { ...r, status: 'REFUNDED', refundId: e.refundId, amountMinor: e.amountMinor },
    updatedAt: e.now,
  };
  return {
    ctx,
    emitted: [
      {
        type: T.Refunded,
        ...baseOf(c, e.now),
        refundId: e.refundId,
        paymentId: e.paymentId,
        providerTxnId: e.providerTxnId,
        amountMinor: e.amountMinor,
        currency: r.currency,
        reason: r.reason,
        order: viewOf(ctx),
      },
    ],
  };
}
