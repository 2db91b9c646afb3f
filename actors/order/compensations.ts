/**
 * @module actors/order/compensations
 * The saga's backward steps as pure functions (runtime rule 9: compensation is a business command):
 * `compensate` turns every line that may hold tickets into a persisted `releaseRequested` intent,
 * so no failure, cancel or expiry path can forget a hold; `startReclaim` honours a payment that
 * arrived after the holds were released by re-reserving under a new hold key; `settleReclaim`
 * ends it (confirm, or COMPLETED with `refundRequired`: the money is recorded, never lost).
 */
import { LineState as L, OrderStatus as S } from '../../contracts/kinds/order.js';
import { OrderEventType as T, holdKeyOf, holdMsFor, stepCommandId, type OrderEvent } from './events.js';
import type { OrderContext, OrderLine } from './types.js';
import { startRefund } from './refunds.js';
import { viewOf } from './view.js';

/** The result of one saga step: the new context and the events to emit. */
export interface Step {
  ctx: OrderContext;
  emitted: OrderEvent[];
}

/** The fields every event carries. */
export const baseOf = (c: OrderContext, now: number) => ({ orderId: c.orderId, userId: c.userId, eventId: c.eventId, at: now });

/** The intent that releases `line`; `late` marks a second release of a hold that landed after the first. */
export function releaseIntent(c: OrderContext, line: OrderLine, reason: string, now: number, late = false): OrderEvent {
  const commandId = stepCommandId(c.orderId, 'release', line.classId, line.attempt) + (late ? ':late' : '');
  return {
    type: T.ReleaseRequested,
    ...baseOf(c, now),
    classId: line.classId,
    attempt: line.attempt,
    holdKey: holdKeyOf(c.orderId, line.attempt),
    commandId,
    reason,
  };
}

/** The intent that confirms `line`. */
export function confirmIntent(c: OrderContext, line: OrderLine, now: number): OrderEvent {
  return {
    type: T.ConfirmRequested,
    ...baseOf(c, now),
    classId: line.classId,
    attempt: line.attempt,
    holdKey: holdKeyOf(c.orderId, line.attempt),
    commandId: stepCommandId(c.orderId, 'confirm', line.classId, line.attempt),
  };
}

/** The intent that reserves `line` for long enough to outlive the payment deadline and its one extension. */
export function reserveIntent(c: OrderContext, line: OrderLine, now: number): OrderEvent {
  const holdMs = holdMsFor(c.paymentTtlMs, c.processingExtensionMs);
  return {
    type: T.ReserveRequested,
    ...baseOf(c, now),
    classId: line.classId,
    attempt: line.attempt,
    quantity: line.quantity,
    holdKey: holdKeyOf(c.orderId, line.attempt),
    commandId: stepCommandId(c.orderId, 'reserve', line.classId, line.attempt),
    holdMs,
  };
}

const MAY_HOLD: ReadonlySet<string> = new Set([L.Pending, L.Held, L.Confirming]);

/**
 * End the order as FAILED or CANCELLED: every line that may hold tickets becomes `releasing`
 * with its intent; `checkout` (when the order used the waitroom) frees the slot.
 */
export function compensate(
  c: OrderContext,
  status: typeof S.Failed | typeof S.Cancelled,
  reason: string,
  checkout: 'failed' | 'expired' | undefined,
  now: number,
): Step {
  const emitted: OrderEvent[] = [];
  const lines = c.lines.map((l) => {
    if (!MAY_HOLD.has(l.state)) return l;
    const next = { ...l, state: L.Releasing };
    emitted.push(releaseIntent(c, next, status === S.Cancelled ? 'cancelled' : 'failed', now));
    return next;
  });
  const ctx: OrderContext = { ...c, lines, status, failureReason: reason, reclaiming: false, updatedAt: now };
  const view = viewOf(ctx);
  emitted.unshift(
    status === S.Failed
      ? { type: T.Failed, ...baseOf(c, now), order: view, reason }
      : { type: T.Cancelled, ...baseOf(c, now), order: view, reason },
  );
  if (checkout && c.sessionId) {
    emitted.push({ type: checkout === 'failed' ? T.CheckoutFailed : T.CheckoutExpired, ...baseOf(c, now), sessionId: c.sessionId });
  } else if (c.sessionId) {
    // The slot stays (the buyer may try other lines), but no longer bound to this order: one admission, one checkout.
    emitted.push({ type: T.CheckoutReopened, ...baseOf(c, now), sessionId: c.sessionId });
  }
  return { ctx, emitted };
}

/** A paid order whose holds are gone: re-reserve every line under a new hold key (status CONFIRMING). */
export function startReclaim(c: OrderContext, now: number): Step {
  const lines = c.lines.map((l) => ({ ...l, state: L.Pending, attempt: l.attempt + 1, seen: false, late: false }));
  const ctx: OrderContext = { ...c, lines, status: S.Confirming, reclaiming: true, latePayment: false, updatedAt: now };
  return { ctx, emitted: lines.map((l) => reserveIntent(ctx, l, now)) };
}

/**
 * Mark the order COMPLETED, with its events. When some line could not be had, the payment could
 * not buy the tickets: the order is REFUND_PENDING (`ticketsLost`) and its refund is requested,
 * never COMPLETED with a refused line.
 */
export function complete(c: OrderContext, now: number): Step {
  const missing = c.lines.some((l) => l.state !== L.Confirmed);
  const ctx: OrderContext = {
    ...c,
    status: S.Completed,
    reclaiming: false,
    updatedAt: now,
    ...(missing ? { refundRequired: true } : {}),
  };
  if (!missing) delete ctx.failureReason;
  // Only money actually received goes back (a free order keeps the old flag: nothing to refund).
  const paid = c.payment?.status === 'COMPLETED' && c.payment.providerTxnId !== undefined;
  const refund = missing && paid ? startRefund(ctx, 'ticketsLost', now) : undefined;
  const emitted: OrderEvent[] = refund ? [...refund.emitted] : [{ type: T.Completed, ...baseOf(c, now), order: viewOf(ctx) }];
  // A late payment's order already freed its slot when it failed or was cancelled.
  if (c.sessionId && c.failureReason === undefined) emitted.push({ type: T.CheckoutCompleted, ...baseOf(c, now), sessionId: c.sessionId });
  return { ctx: refund ? refund.ctx : ctx, emitted };
}

/** Ask to confirm every held line (status CONFIRMING). */
export function confirmAll(c: OrderContext, now: number): Step {
  const lines = c.lines.map((l) => (l.state === L.Held ? { ...l, state: L.Confirming } : l));
  const ctx: OrderContext = { ...c, lines, status: S.Confirming, reclaiming: false, updatedAt: now };
  return { ctx, emitted: lines.filter((l) => l.state === L.Confirming).map((l) => confirmIntent(ctx, l, now)) };
}

/** After a reclaim line settled: wait, confirm everything, or release what was got and complete with a refund. */
export function settleReclaim(c: OrderContext, now: number): Step {
  if (c.lines.some((l) => l.state === L.Pending)) return { ctx: c, emitted: [] };
  if (c.lines.every((l) => l.state === L.Held)) return confirmAll(c, now);
  const emitted: OrderEvent[] = [];
  const lines = c.lines.map((l) => {
    if (l.state !== L.Held) return l;
    const next = { ...l, state: L.Releasing };
    emitted.push(releaseIntent(c, next, 'cancelled', now));
    return next;
  });
  const ctx = { ...c, lines, updatedAt: now };
  if (lines.some((l) => l.state === L.Releasing)) return { ctx, emitted };
  const done = complete(ctx, now);
  return { ctx: done.ctx, emitted: [...emitted, ...done.emitted] };
}
