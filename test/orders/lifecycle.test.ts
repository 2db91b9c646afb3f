/**
 * The order saga after create, on real NATS and PostgreSQL with the saga worker: the owner
 * cancels a PENDING order (holds released, CANCELLED); the payment deadline cancels it
 * (`checkout.expired`); a succeeded payment (sent to the actor, as the payment consumer does)
 * confirms → COMPLETED, tickets sold, the waitroom slot freed and the next user admitted; a failed
 * payment releases → FAILED; a payment after the cancel re-reserves, or completes with a refund.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../contracts/kinds/order.js';
import { createActors } from '../../actors/client/index.js';
import { readEvents } from '../actors/events.js';
import { startOrdersStack, until, type OrdersStack } from './setup.js';

let s: OrdersStack;
beforeAll(async () => {
  s = await startOrdersStack({ orderPaymentTtlMs: 60_000 });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

const getOrder = (id: string, userId: string) => s.actors.request<OrderView>('order', id, 'get', { commandId: 'read-t', viewerId: userId });
const paid = (o: OrderView, txn: string) =>
  s.actors.request<OrderView>('order', o.orderId, 'paymentSucceeded', {
    commandId: `payment:${txn}:succeeded`,
    paymentId: o.payment!.paymentId,
    providerTxnId: txn,
    amountMinor: o.totalMinor,
    currency: o.currency,
  });
async function buy(eventId: string, classId: string, quantity: number, extra: Record<string, unknown> = {}) {
  const u = await s.signUp();
  const res = await s.api<OrderView>('POST', '/api/v1/orders', {
    token: u.token,
    body: { eventId, lines: [{ classId, quantity }], ...extra },
  });
  expect(res.status).toBe(201);
  return { u, order: res.body };
}

describe('orders - lifecycle', () => {
  it('orders - the owner cancels a PENDING order: holds released, CANCELLED; a second cancel answers the same', async () => {
    const [a] = await s.publishEvent('ev-cancel', [{ total: 5 }]);
    const { u, order } = await buy('ev-cancel', a!, 2);
    const res = await s.api<OrderView>('POST', `/api/v1/orders/${order.orderId}/cancel`, { token: u.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'CANCELLED', failureReason: 'cancelled' });
    expect(res.body.lines.every((l) => l.state === 'released')).toBe(true);
    expect((await s.classView(a!)).reserved).toBe(0);
    expect((await s.api('POST', `/api/v1/orders/${order.orderId}/cancel`, { token: u.token })).body.status).toBe('CANCELLED');
  });

  it('orders - the payment deadline cancels the order, releases its holds and emits checkout.expired', async () => {
    const [a] = await s.publishEvent('ev-expire', [{ total: 5 }], { allowWaitRoom: true, maxConcurrent: 2 });
    const u = await s.signUp();
    const joined = await s.queue.join('ev-expire', u.id);
    expect(joined.state).toBe('admitted');
    const res = await s.api<OrderView>('POST', '/api/v1/orders', {
      token: u.token,
      body: { eventId: 'ev-expire', lines: [{ classId: a, quantity: 2 }], checkoutToken: joined.token },
    });
    expect(res.body.status).toBe('PENDING');
    // A short deadline for this one order: the service passes the per-order TTL.
    const { createOrderService } = await import('../../orders/index.js');
    const { createPaymentProviders } = await import('../../payments/index.js');
    const svc = createOrderService({
      actors: createActors(s.actors),
      payments: s.payments,
      providers: createPaymentProviders(s.cfg),
      config: s.cfg,
      log: (await import('pino')).pino({ level: 'silent' }),
    });
    const v = await s.signUp();
    const vJoined = await s.queue.join('ev-expire', v.id);
    const short = await svc.create({
      userId: v.id,
      eventId: 'ev-expire',
      lines: [{ classId: a!, quantity: 1 }],
      checkoutToken: vJoined.token!,
      paymentTtlMs: 1_500,
    });
    expect(short.order.status).toBe('PENDING');
    expect((await s.classView(a!)).reserved).toBe(3);
    const done = await until(
      async () => {
        const o = await getOrder(short.order.orderId, v.id);
        return o.lines.every((l) => l.state === 'released') && o;
      },
      'expired and released',
      20_000,
    );
    expect(done).toMatchObject({ status: 'CANCELLED', failureReason: 'expired' });
    expect((await s.classView(a!)).reserved).toBe(2);
    const types = (await readEvents(s.nc, 'order', short.order.orderId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['order.cancelled', 'order.releaseRequested', 'checkout.expired']));
    await until(async () => (await s.queue.status('ev-expire', v.id, { autoClaim: false })).state === 'expired', 'slot freed as expired');
  });

  it('orders - a succeeded payment confirms every line → COMPLETED, tickets sold, slot freed and the next user admitted', async () => {
    const [a] = await s.publishEvent('ev-pay', [{ total: 5 }], { allowWaitRoom: true, maxConcurrent: 1 });
    const u = await s.signUp();
    const next = await s.signUp();
    const joined = await s.queue.join('ev-pay', u.id);
    expect(joined.state).toBe('admitted');
    expect((await s.queue.join('ev-pay', next.id)).state).toBe('queued');
    const res = await s.api<OrderView>('POST', '/api/v1/orders', {
      token: u.token,
      body: { eventId: 'ev-pay', lines: [{ classId: a, quantity: 2 }], checkoutToken: joined.token },
    });
    const after = await paid(res.body, 'txn-1');
    expect(after.status).toBe('CONFIRMING');
    const done = await until(async () => {
      const o = await getOrder(res.body.orderId, u.id);
      return o.status === 'COMPLETED' && o;
    }, 'completed');
    expect(done.payment).toMatchObject({ status: 'COMPLETED' });
    expect(await s.classView(a!)).toMatchObject({ sold: 2, reserved: 0 });
    // A duplicate (same command id, or a redelivered event under a new one) changes nothing.
    await paid(res.body, 'txn-1');
    expect((await getOrder(res.body.orderId, u.id)).refundRequired).toBeUndefined();
    await until(async () => (await s.queue.status('ev-pay', u.id, { autoClaim: false })).state === 'completed', 'slot completed');
    await until(async () => (await s.queue.status('ev-pay', next.id)).state === 'admitted', 'next user admitted');
  });

  it('orders - a failed payment releases every hold → FAILED', async () => {
    const [a] = await s.publishEvent('ev-fail', [{ total: 5 }]);
    const { u, order } = await buy('ev-fail', a!, 3);
    await s.actors.request('order', order.orderId, 'paymentFailed', {
      commandId: 'payment:t9:failed',
      paymentId: order.payment!.paymentId,
      reason: 'declined',
    });
    const done = await until(async () => {
      const o = await getOrder(order.orderId, u.id);
      return o.lines.every((l) => l.state === 'released') && o;
    }, 'released');
    expect(done).toMatchObject({ status: 'FAILED', failureReason: 'paymentFailed: declined' });
    expect((await s.classView(a!)).reserved).toBe(0);
  });

  it('orders - a payment after the cancel re-reserves when tickets are left, else is REFUND_PENDING (ticketsLost)', async () => {
    const [a] = await s.publishEvent('ev-late', [{ total: 2 }]);
    const first = await buy('ev-late', a!, 1);
    const second = await buy('ev-late', a!, 1);
    for (const b of [first, second]) await s.api('POST', `/api/v1/orders/${b.order.orderId}/cancel`, { token: b.u.token });
    await paid(first.order, 'late-1');
    const ok = await until(async () => {
      const o = await getOrder(first.order.orderId, first.u.id);
      return o.status === 'COMPLETED' && o;
    }, 'late payment honoured');
    expect(ok.refundRequired).toBeUndefined();
    expect(ok.lines[0]).toMatchObject({ state: 'confirmed', attempt: 1 });
    // Someone else takes the last ticket; the second late payment finds none.
    await buy('ev-late', a!, 1);
    await paid(second.order, 'late-2');
    // Paid, but its tickets are gone: the order asks for its money back (REFUND_PENDING), never COMPLETED with a refused line.
    const refund = await until(async () => {
      const o = await getOrder(second.order.orderId, second.u.id);
      return o.status === 'REFUND_PENDING' && o;
    }, 'refund requested');
    expect(refund).toMatchObject({
      refundRequired: true,
      payment: { status: 'COMPLETED' },
      refund: { status: 'PENDING', reason: 'ticketsLost' },
    });
    expect(await s.classView(a!)).toMatchObject({ sold: 1, reserved: 1, available: 0 });
  });
});
