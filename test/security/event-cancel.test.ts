/**
 * @module test/security/event-cancel.test
 * Attack (issue 10, item 6): cancelling an event left its holds and let its pending orders be
 * paid and COMPLETED without a refund flag. On the real stack: buyers hold PENDING orders, the
 * process that ends them (order history + event-cancel consumer) is killed, the organizer cancels
 * the event, and a provider's signed "paid" callback arrives for one order: it is not completed
 * but CANCELLED with `refundRequired`, its tickets not sold. The consumer's process comes back and
 * cancels the other open orders exactly once, releasing every hold. On the old code the paid
 * order was COMPLETED (tickets sold, no refund flag) and the other holds stayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, expectStatus, grantPlatformAdmin, signUp, until, waitOrder, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { storedEvents } from '../e2e/stream.js';
import { buy, classOf, payByCallback, publishWith, type Order } from './checkout-helpers.js';

let s: E2EStack;
let api: Api;
let organizer: User;
let admin: User;

beforeAll(async () => {
  s = await startE2EStack({ nodes: 1 });
  api = apiFor(s.url);
  [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
  await grantPlatformAdmin(s.db, admin.id);
}, 240_000);
afterAll(async () => {
  await s?.stop();
});

describe('security - cancelling an event', () => {
  it('event cancel - open orders are cancelled and their holds released once; a payment after the cancel is flagged for refund, never completed', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(api, organizer, admin, { classes: [20] });
    const buyers = await Promise.all([signUp(api, 'p1'), signUp(api, 'p2'), signUp(api, 'p3')]);
    const orders = await Promise.all(buyers.map(async (u) => expectStatus(await buy(api, u, eventId, classId!, 2), 201, 'order')));
    await Promise.all(orders.map((o, i) => waitOrder<Order>(api, buyers[i]!, o.orderId, (x) => x.status === 'PENDING', 'PENDING')));
    expect(await classOf(api, organizer, classId!)).toMatchObject({ reserved: 6, sold: 0 });
    // Let the history project them, then take its process (and the event-cancel consumer) down.
    await until(
      async () =>
        (await s.db.sql`select count(*)::int as n from order_history where event_id = ${eventId} and status = 'PENDING'`)[0]!.n === 3,
      'orders projected',
    );
    await s.procs.get('order-history')!.stop();

    expectStatus(
      await api('POST', `/api/v1/events/${eventId}/cancel`, {
        token: organizer.token,
        key: `cancel-${eventId}`,
        body: { reason: 'storm' },
      }),
      200,
      'cancel event',
    );
    // New orders are refused at once.
    expect((await buy(api, await signUp(api, 'late'), eventId, classId!, 1)).body.error?.code).toBe('ORDER_EVENT_NOT_ON_SALE');

    // The money for order 0 arrives before any sweep: the payment consumer itself ends the order.
    await payByCallback(api, orders[0]!);
    const paid = await waitOrder<Order>(
      api,
      buyers[0]!,
      orders[0]!.orderId,
      (o) => o.status === 'CANCELLED' && o.refundRequired === true,
      'CANCELLED with refund',
    );
    expect(paid).toMatchObject({ failureReason: 'eventCancelled', payment: { status: 'COMPLETED' } });

    // The consumer's process comes back and ends the rest, exactly once.
    await s.start('order-history');
    for (const [i, o] of orders.entries()) {
      const done = await waitOrder<Order>(
        api,
        buyers[i]!,
        o.orderId,
        (x) => x.status === 'CANCELLED' && x.lines.every((l) => l.state === 'released'),
        'cancelled and released',
        60_000,
      );
      expect(done.failureReason).toBe('eventCancelled');
    }
    expect(await classOf(api, organizer, classId!)).toMatchObject({ reserved: 0, sold: 0, available: 20 });
    const stored = await storedEvents(s.nc, 'tb.evt.order.');
    for (const o of orders) expect(stored.filter((e) => e.subject === `tb.evt.order.${o.orderId}.cancelled`)).toHaveLength(1);
    // Still not completed a while later, and still flagged.
    const later = await api<Order>('GET', `/api/v1/orders/${orders[0]!.orderId}`, { token: buyers[0]!.token });
    expect(later.body).toMatchObject({ status: 'CANCELLED', refundRequired: true });
  });
});
