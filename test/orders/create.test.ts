/**
 * Creating orders through the gateway on real NATS and PostgreSQL: PENDING with a sandbox
 * payment URL and holds in the ticket classes; sold out answers 409 naming the class and what is
 * left, holding nothing; a repeat with the same Idempotency-Key answers the same order without a
 * second hold; a checkout token for another event is refused; a free order completes at once;
 * only the owner sees an order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signCheckoutToken, checkoutKey } from '../../queue/index.js';
import { startOrdersStack, type OrdersStack } from './setup.js';
import { orderCodeOf, orderIdFor } from '../../actors/order/index.js';

let s: OrdersStack;
beforeAll(async () => {
  s = await startOrdersStack();
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

describe('orders - create', () => {
  it('orders - create answers PENDING with a sandbox payment URL, prices from the classes, holds in the ticket classes', async () => {
    const [a, b] = await s.publishEvent('ev-create', [
      { total: 10, priceMinor: 100_000 },
      { total: 5, priceMinor: 250_000 },
    ]);
    const u = await s.signUp();
    const res = await s.api('POST', '/api/v1/orders', {
      token: u.token,
      key: 'k1',
      body: {
        eventId: 'ev-create',
        lines: [
          { classId: a, quantity: 2 },
          { classId: b, quantity: 1 },
        ],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'PENDING',
      userId: u.id,
      totalMinor: 450_000,
      currency: 'VND',
      payment: { provider: 'sandbox', status: 'PENDING' },
    });
    expect(res.body.orderId).toMatch(/^ord_[0-9a-f]{24}$/);
    expect(res.body.code).toMatch(/^[1-9][0-9]{11}$/);
    expect(res.body.payment.paymentUrl).toMatch(/\/sandbox\/pay\//);
    expect((await s.classView(a!)).reserved).toBe(2);
    expect((await s.classView(b!)).reserved).toBe(1);
    const [payment] = await s.payments.getByOrder(res.body.orderId);
    expect(payment).toMatchObject({ amountMinor: 450_000, currency: 'VND', orderCode: res.body.code, status: 'PENDING' });
    // Owner only.
    expect((await s.api('GET', `/api/v1/orders/${res.body.orderId}`, { token: u.token })).body.status).toBe('PENDING');
    const other = await s.signUp('stranger');
    expect((await s.api('GET', `/api/v1/orders/${res.body.orderId}`, { token: other.token })).status).toBe(404);
    expect((await s.api('POST', `/api/v1/orders/${res.body.orderId}/cancel`, { token: other.token })).status).toBe(404);
  });

  it('orders - sold out answers 409 naming the class and what is left, and releases the other lines', async () => {
    const [a, b] = await s.publishEvent('ev-sold', [{ total: 10 }, { total: 2 }]);
    const u = await s.signUp();
    const res = await s.api('POST', '/api/v1/orders', {
      token: u.token,
      key: 'k1',
      body: {
        eventId: 'ev-sold',
        lines: [
          { classId: a, quantity: 1 },
          { classId: b, quantity: 3 },
        ],
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'INVENTORY_INSUFFICIENT', details: { classId: b, available: 2, requested: 3 } });
    expect((await s.classView(a!)).reserved).toBe(0);
    expect((await s.classView(b!)).reserved).toBe(0);
    const again = await s.api('POST', '/api/v1/orders', {
      token: u.token,
      key: 'k2',
      body: { eventId: 'ev-sold', lines: [{ classId: b, quantity: 2 }] },
    });
    expect(again.status).toBe(201);
    // Another buyer (this one's unpaid order is its one open order: ORDER_BUYER_OPEN_ORDERS_LIMIT).
    const sold = await s.api('POST', '/api/v1/orders', {
      token: (await s.signUp()).token,
      key: 'k3',
      body: { eventId: 'ev-sold', lines: [{ classId: b, quantity: 1 }] },
    });
    expect(sold.status).toBe(409);
    // What is left is held by the unpaid order k2: not sold out, and the buyer is told when to come back.
    expect(sold.body.error).toMatchObject({
      code: 'INVENTORY_ALL_HELD',
      details: { classId: b, available: 0, held: 2, retryAt: expect.any(Number) },
    });
  });

  it('orders - a repeat with the same Idempotency-Key answers the same order and holds nothing twice', async () => {
    const [a] = await s.publishEvent('ev-dup', [{ total: 10 }]);
    const u = await s.signUp();
    const body = { eventId: 'ev-dup', lines: [{ classId: a, quantity: 3 }] };
    const [one, two] = await Promise.all([
      s.api('POST', '/api/v1/orders', { token: u.token, key: 'same', body }),
      s.api('POST', '/api/v1/orders', { token: u.token, key: 'same', body }),
    ]);
    const three = await s.api('POST', '/api/v1/orders', { token: u.token, key: 'same', body });
    expect(new Set([one.body.orderId, two.body.orderId, three.body.orderId]).size).toBe(1);
    expect(three.status).toBe(200);
    expect(three.body.payment.paymentId).toBe(one.body.payment.paymentId);
    expect((await s.classView(a!)).reserved).toBe(3);
    expect(await s.payments.getByOrder(one.body.orderId)).toHaveLength(1);
    // Another user with the same key gets another order.
    const v = await s.signUp();
    expect((await s.api('POST', '/api/v1/orders', { token: v.token, key: 'same', body })).body.orderId).not.toBe(one.body.orderId);
  });

  it('orders - a waitroom event needs a checkout token for this user and this event', async () => {
    const [a] = await s.publishEvent('ev-room', [{ total: 10 }], { allowWaitRoom: true });
    const u = await s.signUp();
    const body = { eventId: 'ev-room', lines: [{ classId: a, quantity: 1 }] };
    expect((await s.api('POST', '/api/v1/orders', { token: u.token, body })).body.error.code).toBe('ORDER_CHECKOUT_TOKEN_REQUIRED');
    const key = checkoutKey(s.cfg.checkoutSecret);
    const claims = { userId: u.id, sessionId: 'sess1', position: 1, expiresAt: Date.now() + 60_000 };
    const wrongEvent = await signCheckoutToken(key, { ...claims, eventId: 'ev-other' });
    const r = await s.api('POST', '/api/v1/orders', { token: u.token, body: { ...body, checkoutToken: wrongEvent } });
    expect([r.status, r.body.error.code]).toEqual([403, 'QUEUE_TOKEN_WRONG_EVENT']);
    const forged = await signCheckoutToken(checkoutKey('x'.repeat(32)), { ...claims, eventId: 'ev-room' });
    expect((await s.api('POST', '/api/v1/orders', { token: u.token, body: { ...body, checkoutToken: forged } })).body.error.code).toBe(
      'QUEUE_TOKEN_INVALID',
    );
    expect((await s.classView(a!)).reserved).toBe(0);
    // Well signed but no live slot behind it (nobody was admitted): one admission is one checkout.
    const unadmitted = await signCheckoutToken(key, { ...claims, eventId: 'ev-room' });
    const r2 = await s.api('POST', '/api/v1/orders', { token: u.token, body: { ...body, checkoutToken: unadmitted } });
    expect([r2.status, r2.body.error.code]).toEqual([410, 'ORDER_CHECKOUT_SLOT_ENDED']);
    const admitted = await s.queue.join('ev-room', u.id);
    expect((await s.api('POST', '/api/v1/orders', { token: u.token, body: { ...body, checkoutToken: admitted.token } })).body.status).toBe(
      'PENDING',
    );
  });

  it('orders - a free order is COMPLETED at once with its tickets sold and no payment', async () => {
    const [a] = await s.publishEvent('ev-free', [{ total: 10, priceMinor: 0 }]);
    const u = await s.signUp();
    const res = await s.api('POST', '/api/v1/orders', {
      token: u.token,
      body: { eventId: 'ev-free', lines: [{ classId: a, quantity: 2 }] },
    });
    expect(res.body).toMatchObject({ status: 'COMPLETED', totalMinor: 0 });
    expect(res.body.payment).toBeUndefined();
    expect((await s.classView(a!)).sold).toBe(2);
  });

  it('orders - classes of another event and unpublished events are refused before any hold', async () => {
    const [a] = await s.publishEvent('ev-x1', [{ total: 10 }]);
    await s.publishEvent('ev-x2', [{ total: 10 }]);
    const u = await s.signUp();
    const r = await s.api('POST', '/api/v1/orders', { token: u.token, body: { eventId: 'ev-x2', lines: [{ classId: a, quantity: 1 }] } });
    expect([r.status, r.body.error.code]).toEqual([400, 'ORDER_CLASS_NOT_IN_EVENT']);
    expect(
      (await s.api('POST', '/api/v1/orders', { token: u.token, body: { eventId: 'ev-none', lines: [{ classId: a, quantity: 1 }] } }))
        .status,
    ).toBe(404);
  });

  it('orders - codes are unique: an order whose derived code is taken gets the next one', async () => {
    const [a] = await s.publishEvent('ev-codes', [{ total: 10, priceMinor: 100_000 }]);
    const u = await s.signUp('coder');
    const orderId = orderIdFor(u.id, 'k-code');
    // Another order already holds the code this one would derive first.
    const taken = orderCodeOf(orderId, 0);
    expect(await s.actors.request('ordercode', taken, 'claim', { commandId: 'squatter', orderId: 'ord_someone_else' })).toMatchObject({
      orderId: 'ord_someone_else',
    });
    const res = await s.api('POST', '/api/v1/orders', {
      token: u.token,
      key: 'k-code',
      body: { eventId: 'ev-codes', lines: [{ classId: a, quantity: 1 }] },
    });
    expect(res.status).toBe(201);
    expect(res.body.orderId).toBe(orderId);
    expect(res.body.code).toBe(orderCodeOf(orderId, 1));
    expect(await s.actors.request('ordercode', res.body.code, 'get', { commandId: 'g' })).toMatchObject({ orderId });
    // A repeat keeps the same code.
    const again = await s.api('POST', '/api/v1/orders', {
      token: u.token,
      key: 'k-code',
      body: { eventId: 'ev-codes', lines: [{ classId: a, quantity: 1 }] },
    });
    expect(again.body.code).toBe(res.body.code);
  });
});
