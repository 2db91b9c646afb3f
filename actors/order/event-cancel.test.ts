/**
 * @module actors/order/event-cancel.test
 * Pure tests of an order whose event was cancelled: an open order is cancelled with its holds
 * released and its slot freed; a payment arriving afterwards is recorded with `refundRequired`
 * and never completes or re-reserves the order; a repeated `eventCancelled` changes nothing; a
 * line refused at reserve gives the checkout slot back (`checkout.reopened`).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { orderMachine as machine } from './machine.js';
import type { OrderMachineEvent } from './types.js';

type Snap = SnapshotFrom<typeof machine>;
type Emitted = { type: string } & Record<string, unknown>;
const emittedOf = (actions: unknown[]): Emitted[] =>
  (actions as Array<{ type: string; params?: { event: Emitted } }>).filter((a) => a.type === 'xstate.emit').map((a) => a.params!.event);
function step(s: Snap, e: OrderMachineEvent) {
  const [next, actions] = transition(machine, s, e);
  return { s: next, events: emittedOf(actions) };
}
function pending(): Snap {
  let [s] = initialTransition(machine, {
    orderId: 'ord_1',
    code: '123456789012',
    userId: 'u1',
    eventId: 'ev1',
    provider: 'sandbox',
    sessionId: 's1',
    lines: [{ classId: 'tc0', quantity: 2 }],
    paymentTtlMs: 60_000,
    stepTimeoutMs: 10_000,
    processingExtensionMs: 5_000,
    createCommandId: 'c0',
    now: 0,
  });
  s = step(s, { type: 'order.reserved', classId: 'tc0', attempt: 0, unitPriceMinor: 500, currency: 'VND', now: 1 }).s;
  return step(s, { type: 'order.paymentCreated', paymentId: 'p1', paymentUrl: 'http://x', provider: 'sandbox', now: 2 }).s;
}
const paid = (s: Snap, now: number) =>
  step(s, { type: 'order.paymentSucceeded', paymentId: 'p1', providerTxnId: 't1', amountMinor: 1_000, currency: 'VND', now });

describe('order - event cancelled', () => {
  it('order - the event cancelled: a PENDING order is cancelled, its hold released, its slot freed; a later payment is flagged, never completed', () => {
    const r = step(pending(), { type: 'order.eventCancelled', now: 3 });
    expect(r.s.context).toMatchObject({ status: 'CANCELLED', failureReason: 'eventCancelled', eventCancelled: true });
    expect(r.events.map((e) => e.type)).toEqual(['order.cancelled', 'order.releaseRequested', 'checkout.failed']);
    expect(step(r.s, { type: 'order.eventCancelled', now: 4 }).events).toEqual([]);
    let s = step(r.s, { type: 'order.released', classId: 'tc0', attempt: 0, now: 5 }).s;
    const money = paid(s, 6);
    expect(money.events).toEqual([]);
    expect(money.s.context).toMatchObject({ status: 'CANCELLED', refundRequired: true, payment: { status: 'COMPLETED' } });
    expect(money.s.context.lines[0]).toMatchObject({ state: 'released', attempt: 0 });
    s = step(money.s, { type: 'order.released', classId: 'tc0', attempt: 0, now: 7 }).s;
    expect(s.context.status).toBe('CANCELLED');
  });

  it('order - a payment that reaches an open order of a cancelled event cancels it with the refund flag', () => {
    const marked = step(pending(), { type: 'order.eventCancelled', now: 3 }).s;
    // Paid while its releases are still out: recorded, not honoured.
    const r = paid(marked, 4);
    expect(r.s.context).toMatchObject({ status: 'CANCELLED', refundRequired: true, latePayment: false });
    expect(step(r.s, { type: 'order.released', classId: 'tc0', attempt: 0, now: 5 }).events).toEqual([]);
  });

  it('order - a line refused at reserve fails the order and reopens its checkout slot', () => {
    const [s] = initialTransition(machine, {
      orderId: 'ord_2',
      code: '123456789013',
      userId: 'u1',
      eventId: 'ev1',
      provider: 'sandbox',
      sessionId: 's1',
      lines: [{ classId: 'tc0', quantity: 2 }],
      paymentTtlMs: 60_000,
      stepTimeoutMs: 10_000,
      processingExtensionMs: 5_000,
      createCommandId: 'c0',
      now: 0,
    });
    const r = step(s, { type: 'order.reserveRefused', classId: 'tc0', attempt: 0, code: 'INVENTORY_SOLD_OUT', now: 1 });
    expect(r.s.context.status).toBe('FAILED');
    expect(r.events.map((e) => e.type)).toEqual(['order.failed', 'checkout.reopened']);
  });
});
