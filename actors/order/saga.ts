/**
 * @module actors/order/saga
 * The saga's decisions as one pure function `decide(context, event) → { ctx, emitted }`. Every
 * step result is applied only to the step it answers (same class, same attempt, expected line
 * state), so a duplicate or late result changes nothing; COMPLETED needs a recorded succeeded
 * payment or a zero total; every failure, cancel and expiry goes through `compensate`.
 */
import { LineState as L, OrderStatus as S } from '../../contracts/kinds/order.js';
import { baseOf, compensate, complete, confirmAll, releaseIntent, settleReclaim, startReclaim, type Step } from './compensations.js';
import { OrderEventType as T, type OrderEvent } from './events.js';
import type { OrderContext, OrderLine, OrderMachineEvent } from './types.js';
import { onRefund, onRefundAnswer, onRefundRequested } from './refunds.js';
import { viewOf } from './view.js';

type Ev<K extends OrderMachineEvent['type']> = Extract<OrderMachineEvent, { type: K }>;
const same = (c: OrderContext): Step => ({ ctx: c, emitted: [] });
const withLine = (c: OrderContext, classId: string, patch: Partial<OrderLine>, now: number): OrderContext => ({
  ...c,
  lines: c.lines.map((l) => (l.classId === classId ? { ...l, ...patch } : l)),
  updatedAt: now,
});
const isFinal = (c: OrderContext) => c.status === S.Failed || c.status === S.Cancelled;

/** Reserving: a refusal fails the order (all or nothing); all held → ask for payment, or confirm a free order. */
function settleReserving(c: OrderContext, now: number): Step {
  const refused = c.lines.find((l) => l.state === L.Refused);
  if (refused) return compensate(c, S.Failed, c.failureReason ?? `refused: ${refused.classId}`, undefined, now);
  if (c.lines.some((l) => l.state !== L.Held)) return same(c);
  const currency = c.lines[0]!.currency;
  if (c.lines.some((l) => l.currency !== currency)) return compensate(c, S.Failed, 'currencyMismatch', 'failed', now);
  const priced: OrderContext = { ...c, currency, totalMinor: c.lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0) };
  if (priced.totalMinor === 0) return confirmAll(priced, now);
  if (priced.paymentRequested) return same(c);
  const ctx = { ...priced, paymentRequested: true, updatedAt: now };
  const ev: OrderEvent = {
    type: T.PaymentRequested,
    ...baseOf(c, now),
    code: c.code,
    amountMinor: ctx.totalMinor,
    currency,
    provider: c.provider,
    expiresAt: c.expiresAt,
  };
  return { ctx, emitted: [ev] };
}

function onReserved(c: OrderContext, e: Ev<'order.reserved'>): Step {
  const line = c.lines.find((l) => l.classId === e.classId);
  if (!line || line.attempt !== e.attempt) return same(c);
  if (line.state === L.Pending) {
    const ctx = withLine(c, e.classId, { state: L.Held, unitPriceMinor: e.unitPriceMinor, currency: e.currency, seen: true }, e.now);
    if (ctx.reclaiming) return settleReclaim(ctx, e.now);
    return ctx.status === S.Reserving ? settleReserving(ctx, e.now) : same(c);
  }
  // The first result of a reserve whose line was already being released: the hold may have landed
  // after the release found nothing, so release again, once. A repeated result changes nothing.
  if ((line.state === L.Releasing || line.state === L.Released) && !line.seen && !line.late) {
    const ctx = withLine(c, e.classId, { state: L.Releasing, late: true, seen: true }, e.now);
    return { ctx, emitted: [releaseIntent(ctx, ctx.lines.find((l) => l.classId === e.classId)!, 'failed', e.now, true)] };
  }
  return same(c);
}

function onReserveRefused(c: OrderContext, e: Ev<'order.reserveRefused'>): Step {
  const line = c.lines.find((l) => l.classId === e.classId);
  if (!line || line.attempt !== e.attempt || line.state !== L.Pending) return same(c);
  const left = e.available === undefined ? '' : ` (${e.available} left)`;
  const ctx = {
    ...withLine(c, e.classId, { state: L.Refused, seen: true }, e.now),
    failureReason: c.failureReason ?? `${e.code}: ${e.classId}${left}`,
  };
  if (ctx.reclaiming) return settleReclaim(ctx, e.now);
  return ctx.status === S.Reserving ? settleReserving(ctx, e.now) : same(c);
}

function onPaymentSucceeded(c: OrderContext, e: Ev<'order.paymentSucceeded'>): Step {
  if (c.payment?.status === 'COMPLETED') {
    // A second, different payment for a paid order: record that money must go back.
    return c.payment.paymentId === e.paymentId || c.refundRequired ? same(c) : same({ ...c, refundRequired: true, updatedAt: e.now });
  }
  if (c.eventCancelled && c.status !== S.Completed && c.status !== S.Confirming) return onPaidAfterEventCancel(c, e);
  if (!c.paymentRequested) return same(c);
  const payment = {
    ...(c.payment ?? { paymentId: e.paymentId, provider: c.provider, paymentUrl: '' }),
    paymentId: e.paymentId,
    status: 'COMPLETED' as const,
    providerTxnId: e.providerTxnId,
    amountMinor: e.amountMinor,
    currency: e.currency,
  };
  const paid: OrderContext = { ...c, payment, updatedAt: e.now };
  if (e.amountMinor !== c.totalMinor || e.currency !== c.currency) {
    const flagged = { ...paid, refundRequired: true };
    return isFinal(c) ? same(flagged) : compensate(flagged, S.Failed, 'amountMismatch', 'failed', e.now);
  }
  if (c.status === S.Pending || c.status === S.Reserving) return confirmAll(paid, e.now);
  if (isFinal(c)) {
    return c.lines.some((l) => l.state === L.Releasing) ? same({ ...paid, latePayment: true }) : startReclaim(paid, e.now);
  }
  return same(paid);
}

/** Money for an order whose event was cancelled: recorded and flagged for refund; the order never completes (nothing is re-reserved). */
function onPaidAfterEventCancel(c: OrderContext, e: Ev<'order.paymentSucceeded'>): Step {
  const payment = {
    ...(c.payment ?? { paymentId: e.paymentId, provider: c.provider, paymentUrl: '' }),
    paymentId: e.paymentId,
    status: 'COMPLETED' as const,
    providerTxnId: e.providerTxnId,
    amountMinor: e.amountMinor,
    currency: e.currency,
  };
  const flagged: OrderContext = { ...c, payment, refundRequired: true, latePayment: false, updatedAt: e.now };
  return isFinal(c) ? same(flagged) : compensate(flagged, S.Cancelled, 'eventCancelled', 'failed', e.now);
}

/** The event was cancelled: cancel an open order (holds released, slot freed); mark any other so no payment completes it. */
function onEventCancelled(c: OrderContext, now: number): Step {
  if (c.eventCancelled) return same(c);
  const marked: OrderContext = { ...c, eventCancelled: true, updatedAt: now };
  if (c.status === S.Reserving || c.status === S.Pending) return compensate(marked, S.Cancelled, 'eventCancelled', 'failed', now);
  // A late payment waiting for its releases must not be honoured any more: its money is flagged instead.
  if (isFinal(c) && c.latePayment) return same({ ...marked, latePayment: false, refundRequired: true });
  return same(marked);
}

function onPaymentFailed(c: OrderContext, e: Ev<'order.paymentFailed'>): Step {
  if (c.status !== S.Pending || (c.payment && c.payment.paymentId !== e.paymentId)) return same(c);
  const failed = { ...c, payment: { ...c.payment!, status: 'FAILED' as const } };
  return compensate(failed, S.Failed, `paymentFailed: ${e.reason}`, 'failed', e.now);
}

function onSettled(c: OrderContext, classId: string, state: typeof L.Confirmed | typeof L.Lost, now: number): Step {
  const line = c.lines.find((l) => l.classId === classId);
  if (!line || line.state !== L.Confirming) return same(c);
  const ctx = withLine(c, classId, { state }, now);
  return ctx.lines.every((l) => l.state === L.Confirmed || l.state === L.Lost) ? complete(ctx, now) : same(ctx);
}

function onReleased(c: OrderContext, e: Ev<'order.released'>): Step {
  const line = c.lines.find((l) => l.classId === e.classId);
  // Once a late release is asked, only its own answer settles the line (and only then a late answer counts).
  if (!line || line.attempt !== e.attempt || line.state !== L.Releasing || !!line.late !== !!e.late) return same(c);
  const ctx = withLine(c, e.classId, { state: L.Released }, e.now);
  if (ctx.reclaiming) return settleReclaim(ctx, e.now);
  if (ctx.latePayment && !ctx.lines.some((l) => l.state === L.Releasing)) return startReclaim(ctx, e.now);
  return same(ctx);
}

function onTimer(c: OrderContext, now: number): Step {
  const open = c.status === S.Reserving || c.status === S.Pending;
  if (open && now >= c.expiresAt) return compensate(c, S.Cancelled, 'expired', 'expired', now);
  if (c.status === S.Reserving && now >= c.stepDeadline) return compensate(c, S.Failed, 'timeout', 'failed', now);
  return same(c);
}

/** The step each machine event makes (the handlers validated it). */
export function decide(c: OrderContext, e: OrderMachineEvent): Step {
  switch (e.type) {
    case 'order.cancel':
      return c.status === S.Pending ? compensate(c, S.Cancelled, 'cancelled', 'failed', e.now) : same(c);
    case 'order.reserved':
      return onReserved(c, e);
    case 'order.reserveRefused':
      return onReserveRefused(c, e);
    case 'order.paymentCreated': {
      if (c.payment) return same(c);
      const ctx: OrderContext = {
        ...c,
        payment: { paymentId: e.paymentId, paymentUrl: e.paymentUrl, provider: e.provider, status: 'PENDING' },
        updatedAt: e.now,
      };
      if (c.status !== S.Reserving || !c.paymentRequested) return same(ctx);
      const pending = { ...ctx, status: S.Pending };
      return { ctx: pending, emitted: [{ type: T.Pending, ...baseOf(c, e.now), order: viewOf(pending) }] };
    }
    case 'order.paymentCreateFailed':
      return c.status === S.Reserving && c.paymentRequested && !c.payment
        ? compensate(c, S.Failed, `paymentCreateFailed: ${e.reason}`, 'failed', e.now)
        : same(c);
    case 'order.paymentSucceeded':
      return onPaymentSucceeded(c, e);
    case 'order.paymentFailed':
      return onPaymentFailed(c, e);
    case 'order.paymentProcessing':
      if (c.status !== S.Pending || c.extended || c.payment?.paymentId !== e.paymentId) return same(c);
      return same({
        ...c,
        extended: true,
        expiresAt: c.expiresAt + c.processingExtensionMs,
        payment: { ...c.payment, status: 'PROCESSING' },
        updatedAt: e.now,
      });
    case 'order.confirmed':
      return onSettled(c, e.classId, L.Confirmed, e.now);
    case 'order.confirmRefused':
      return onSettled(c, e.classId, L.Lost, e.now);
    case 'order.released':
      return onReleased(c, e);
    case 'order.compensationStuck': {
      const line = c.lines.find((l) => l.classId === e.classId);
      if (!line || line.state !== L.Releasing || line.stuck) return same(c);
      const ctx = withLine(c, e.classId, { stuck: true }, e.now);
      return {
        ctx,
        emitted: [{ type: T.CompensationStuck, ...baseOf(c, e.now), classId: e.classId, attempts: e.attempts, error: e.error }],
      };
    }
    case 'timer.fired':
      return onTimer(c, e.now);
    case 'order.refund':
      return onRefund(c, e);
    case 'order.refundRequested':
      return onRefundRequested(c, e);
    case 'order.refunded':
    case 'order.refundFailed':
      return onRefundAnswer(c, e);
    case 'order.eventCancelled':
      return onEventCancelled(c, e.now);
  }
}
