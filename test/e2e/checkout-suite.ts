/**
 * @module test/e2e/checkout-suite
 * The checkout flows end to end, driven only as users drive them — HTTP and the waitroom
 * WebSocket — on any stack that offers a default gateway and `gateway-short` (a 3 s payment
 * deadline): the sources' process stack (`checkout.test.ts`, `stack.ts`) and the compiled build
 * started by the real launcher (`dist.test.ts`). An organizer publishes an event with a waitroom
 * of one slot; buyer A is admitted, orders with the checkout token, the sandbox provider pays →
 * signed callback → inbox → outbox relay → payment-events consumer → order COMPLETED, tickets
 * sold, A's slot freed and B admitted over WebSocket. Then, each on the same stack: payment
 * failed, payment expired, user cancels, sold out, forged callback, duplicate callback, duplicate
 * create, a token for another event, my orders, and the organizer's sales view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSandboxCallback } from '../../payments/index.js';
import { openQueueClient, untilAdmitted, type QueueClient } from '../gateway/ws/client.js';
import { apiFor, grantPlatformAdmin, publishEvent, sandboxPay, signUp, until, waitOrder, type Api, type User } from './client.js';
import { E2E_SANDBOX_SECRET, type E2EStack } from './stack.js';
import { WS_STATS_PATH } from '../../gateway/ws/stats-route.js';
import { countBy, storedEvents } from './stream.js';

type Order = {
  orderId: string;
  code: string;
  status: string;
  totalMinor: number;
  currency: string;
  failureReason?: string;
  refundRequired?: boolean;
  lines: Array<{ classId: string; quantity: number; state: string }>;
  payment?: { paymentUrl?: string; status: string; paymentId: string };
};

/** Register the checkout tests under `title`, on the stack `startStack` starts (and `stop()` stops). */
export function describeCheckout(title: string, startStack: () => Promise<E2EStack>, prefix = 'e2e'): void {
  let s: E2EStack;
  let api: Api;
  let organizer: User;
  let admin: User;
  const sockets: QueueClient[] = [];
  const room = { eventId: '', classId: '', a: undefined as unknown as User, b: undefined as unknown as User, bToken: '', orderId: '' };

  beforeAll(async () => {
    s = await startStack();
    api = apiFor(s.url);
    [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
    await grantPlatformAdmin(s.db, admin.id);
  }, 300_000);
  afterAll(async () => {
    for (const c of sockets) c.close();
    await s?.stop();
  });

  const classOf = async (classId: string) =>
    (
      await api<{ sold: number; reserved: number; available: number }>('GET', `/api/v1/ticket-classes/${classId}`, {
        token: organizer.token,
      })
    ).body;
  const buy = async (
    buyer: User,
    eventId: string,
    classId: string,
    quantity: number,
    extra: { key?: string; checkoutToken?: string; via?: Api } = {},
  ) =>
    (extra.via ?? api)<Order & { error?: { code: string; details?: Record<string, unknown> } }>('POST', '/api/v1/orders', {
      token: buyer.token,
      key: extra.key ?? `k-${Math.random()}`,
      body: { eventId, lines: [{ classId, quantity }], ...(extra.checkoutToken ? { checkoutToken: extra.checkoutToken } : {}) },
    });
  /** A published event without waitroom and one class of `total`. */
  const plainEvent = async (total: number) =>
    publishEvent(api, organizer, admin, { classes: [{ total }] }).then((r) => ({ eventId: r.eventId, classId: r.classIds[0]! }));

  describe(title, () => {
    it(`${prefix} - admitted buyer orders with the checkout token, the sandbox pays: COMPLETED, tickets sold, slot freed, next buyer admitted`, async () => {
      const ev = await publishEvent(api, organizer, admin, { classes: [{ total: 10 }], waitroom: { maxConcurrent: 1 } });
      Object.assign(room, { eventId: ev.eventId, classId: ev.classIds[0]!, a: await signUp(api, 'ann'), b: await signUp(api, 'bob') });
      const joined = await api('POST', `/api/v1/events/${room.eventId}/queue/join`, { token: room.a.token });
      expect(joined.body).toMatchObject({ state: 'admitted', token: expect.any(String) });
      const bob = await openQueueClient(s.url.replace('http', 'ws'), room.eventId, room.b.token);
      sockets.push(bob);
      await bob.waitFor((c) => c.position !== undefined, 10_000);
      expect(bob.admitted).toBeUndefined();

      const created = await buy(room.a, room.eventId, room.classId, 2, { key: 'ann-1', checkoutToken: joined.body.token });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'PENDING',
        totalMinor: 300_000,
        payment: { status: 'PENDING', paymentUrl: expect.stringContaining('/sandbox/pay/') },
      });
      room.orderId = created.body.orderId;
      const page = await fetch(created.body.payment!.paymentUrl!);
      expect([page.status, await page.text()]).toEqual([200, expect.stringContaining(created.body.code)]);
      expect(await classOf(room.classId)).toMatchObject({ reserved: 2, sold: 0 });

      await sandboxPay(api, room.a.token, created.body.code, 'completed');
      const done = await waitOrder<Order>(api, room.a, room.orderId, (o) => o.status === 'COMPLETED', 'order COMPLETED');
      expect(done.payment).toMatchObject({ status: 'COMPLETED' });
      expect(done.lines.every((l) => l.state === 'confirmed')).toBe(true);
      expect(await classOf(room.classId)).toMatchObject({ sold: 2, reserved: 0, available: 8 });
      await until(
        async () => (await api('GET', `/api/v1/events/${room.eventId}/queue/me`, { token: room.a.token })).body.state === 'completed',
        "A's slot completed",
      );
      // B's admission must arrive over its WebSocket. The gateway sometimes drops a fresh queue
      // socket a few ms after opening it (TCP FIN from uWS, no close frame, code 1006 on both
      // sides; reproduced about 1 run in 8 of this test, cause not found yet). A browser then
      // reconnects, which resumes the same session; so does B here, at most twice, and the test
      // still demands the admission over a WebSocket. On failure it says what the queue and the
      // gateway's stream report.
      let last = bob;
      const { client: b, reconnects } = await untilAdmitted(
        bob,
        async (closed) => {
          console.warn(`e2e - B's queue socket closed (${JSON.stringify(closed.closed)}); reconnecting`);
          last = await openQueueClient(s.url.replace('http', 'ws'), room.eventId, room.b.token);
          sockets.push(last);
          return last;
        },
        { maxReconnects: 2, timeoutMs: 60_000 },
      ).catch(async (err: unknown) => {
        const view = await api('GET', `/api/v1/events/${room.eventId}/queue`, {});
        const stream = await fetch(`${s.url}${WS_STATS_PATH}`).then(
          (r) => r.json(),
          () => undefined,
        );
        throw new Error(
          `${String(err)}; public queue: ${JSON.stringify(view.body)}; gateway stream: ${JSON.stringify(stream)}; frames: ${JSON.stringify(last.frames)}`,
        );
      });
      expect(reconnects).toBeLessThanOrEqual(2);
      room.bToken = b.admitted!.token;
      expect((await api('GET', `/api/v1/events/${room.eventId}/queue/me`, { token: room.b.token })).body).toMatchObject({
        state: 'admitted',
      });
    });

    it(`${prefix} - a checkout token for another event is refused and holds nothing`, async () => {
      const other = await publishEvent(api, organizer, admin, { classes: [{ total: 5 }], waitroom: { maxConcurrent: 5 } });
      const r = await buy(room.b, other.eventId, other.classIds[0]!, 1, { checkoutToken: room.bToken });
      expect([r.status, r.body.error?.code]).toEqual([403, 'QUEUE_TOKEN_WRONG_EVENT']);
      const none = await buy(room.b, other.eventId, other.classIds[0]!, 1);
      // Signed in but without the checkout token: forbidden (403), not unauthenticated (401).
      expect([none.status, none.body.error?.code]).toEqual([403, 'ORDER_CHECKOUT_TOKEN_REQUIRED']);
      expect(await classOf(other.classIds[0]!)).toMatchObject({ reserved: 0, sold: 0 });
      // B's own token still buys on its own event.
      expect((await buy(room.b, room.eventId, room.classId, 1, { checkoutToken: room.bToken })).body.status).toBe('PENDING');
    });

    it(`${prefix} - payment failed: FAILED, holds released`, async () => {
      const { eventId, classId } = await plainEvent(5);
      const u = await signUp(api);
      const o = (await buy(u, eventId, classId, 3)).body;
      expect(await classOf(classId)).toMatchObject({ reserved: 3 });
      await sandboxPay(api, u.token, o.code, 'failed');
      const done = await waitOrder<Order>(
        api,
        u,
        o.orderId,
        (x) => x.status === 'FAILED' && x.lines.every((l) => l.state === 'released'),
        'FAILED and released',
      );
      expect(done.failureReason).toMatch(/^paymentFailed/);
      expect(await classOf(classId)).toMatchObject({ reserved: 0, sold: 0, available: 5 });
    });

    it(`${prefix} - payment expired (3 s deadline): CANCELLED, holds released`, async () => {
      const { eventId, classId } = await plainEvent(5);
      const u = await signUp(api);
      const o = (await buy(u, eventId, classId, 2, { via: apiFor(s.urls['gateway-short']!) })).body;
      expect(o.status).toBe('PENDING');
      const done = await waitOrder<Order>(
        api,
        u,
        o.orderId,
        (x) => x.status === 'CANCELLED' && x.lines.every((l) => l.state === 'released'),
        'expired',
        30_000,
        250,
      );
      expect(done.failureReason).toBe('expired');
      expect(await classOf(classId)).toMatchObject({ reserved: 0, available: 5 });
    });

    it(`${prefix} - the buyer cancels a PENDING order: CANCELLED, holds released; a stranger cannot`, async () => {
      const { eventId, classId } = await plainEvent(5);
      const u = await signUp(api);
      const o = (await buy(u, eventId, classId, 2)).body;
      expect((await api('POST', `/api/v1/orders/${o.orderId}/cancel`, { token: room.a.token })).status).toBe(404);
      const c = await api<Order>('POST', `/api/v1/orders/${o.orderId}/cancel`, { token: u.token, key: 'c1' });
      expect(c.body).toMatchObject({ status: 'CANCELLED' });
      await waitOrder<Order>(api, u, o.orderId, (x) => x.lines.every((l) => l.state === 'released'), 'released');
      expect(await classOf(classId)).toMatchObject({ reserved: 0, available: 5 });
    });

    it(`${prefix} - sold out answers 409 naming the class and what is left`, async () => {
      const { eventId, classId } = await plainEvent(3);
      const u = await signUp(api);
      const over = await buy(u, eventId, classId, 4);
      expect([over.status, over.body.error]).toEqual([
        409,
        expect.objectContaining({
          code: 'INVENTORY_INSUFFICIENT',
          details: expect.objectContaining({ classId, available: 3, requested: 4 }),
        }),
      ]);
      expect((await buy(u, eventId, classId, 3)).status).toBe(201);
      // Another buyer (this one's unpaid order is its one open order: ORDER_BUYER_OPEN_ORDERS_LIMIT).
      const sold = await buy(await signUp(api), eventId, classId, 1);
      // The 3 tickets are held by the unpaid order: all held (come back at retryAt), not sold out.
      expect([sold.status, sold.body.error]).toEqual([
        409,
        expect.objectContaining({
          code: 'INVENTORY_ALL_HELD',
          details: expect.objectContaining({ classId, available: 0, held: 3, retryAt: expect.any(Number) }),
        }),
      ]);
      expect(await classOf(classId)).toMatchObject({ reserved: 3, sold: 0 });
    });

    it(`${prefix} - a forged or altered callback is refused and changes nothing`, async () => {
      const { eventId, classId } = await plainEvent(5);
      const u = await signUp(api);
      const o = (await buy(u, eventId, classId, 1)).body;
      const body = {
        providerTxnId: `forged-${o.code}`,
        orderCode: o.code,
        amountMinor: o.totalMinor,
        currency: 'VND',
        outcome: 'completed' as const,
        paidAt: Date.now(),
      };
      const forged = signSandboxCallback('not-the-secret-not-the-secret-0123', body);
      const r1 = await api('POST', '/api/v1/payments/sandbox/callback', { raw: forged.body, headers: forged.headers });
      const good = signSandboxCallback(E2E_SANDBOX_SECRET, body);
      const altered = good.body.replace(`"amountMinor":${o.totalMinor}`, '"amountMinor":1');
      const r2 = await api('POST', '/api/v1/payments/sandbox/callback', { raw: altered, headers: good.headers });
      expect([r1.status, r2.status]).toEqual([401, 401]);
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await api<Order>('GET', `/api/v1/orders/${o.orderId}`, { token: u.token })).body).toMatchObject({
        status: 'PENDING',
        payment: { status: 'PENDING' },
      });
      expect(await s.db.sql`select 1 from payment_inbox where provider_txn_id = ${body.providerTxnId}`).toHaveLength(0);
      expect(await classOf(classId)).toMatchObject({ reserved: 1, sold: 0 });
    });

    it(`${prefix} - a duplicate callback is applied once`, async () => {
      const { eventId, classId } = await plainEvent(5);
      const u = await signUp(api);
      const o = (await buy(u, eventId, classId, 2)).body;
      const signed = signSandboxCallback(E2E_SANDBOX_SECRET, {
        providerTxnId: `dup-${o.code}`,
        orderCode: o.code,
        amountMinor: o.totalMinor,
        currency: 'VND',
        outcome: 'completed',
        paidAt: Date.now(),
      });
      const send = () => api('POST', '/api/v1/payments/sandbox/callback', { raw: signed.body, headers: signed.headers });
      const answers = await Promise.all([send(), send(), send()]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(2);
      await waitOrder<Order>(api, u, o.orderId, (x) => x.status === 'COMPLETED', 'COMPLETED');
      expect((await send()).body).toMatchObject({ duplicate: true });
      await new Promise((r) => setTimeout(r, 1_500));
      const done = (await api<Order>('GET', `/api/v1/orders/${o.orderId}`, { token: u.token })).body;
      expect(done.refundRequired ?? false).toBe(false);
      expect(await classOf(classId)).toMatchObject({ sold: 2, reserved: 0 });
      const events = await storedEvents(s.nc, `tb.evt.payment.${o.code}.`);
      expect(events.filter((e) => e.type === 'payment.completed').map((e) => e.msgId)).toEqual([`sandbox:dup-${o.code}`]);
    });

    it(`${prefix} - a repeat create with the same Idempotency-Key answers the same order and holds once`, async () => {
      const { eventId, classId } = await plainEvent(10);
      const u = await signUp(api);
      const [one, two] = await Promise.all([buy(u, eventId, classId, 3, { key: 'same' }), buy(u, eventId, classId, 3, { key: 'same' })]);
      const three = await buy(u, eventId, classId, 3, { key: 'same' });
      expect(new Set([one.body.orderId, two.body.orderId, three.body.orderId]).size).toBe(1);
      expect(three.status).toBe(200);
      expect(three.body.payment?.paymentId).toBe(one.body.payment?.paymentId);
      expect(await classOf(classId)).toMatchObject({ reserved: 3 });
    });

    it(`${prefix} - my orders list the buyer's orders, and the organizer's sales view shows the sold tickets`, async () => {
      const mine = await until(async () => {
        const r = await api<{ items: Order[] }>('GET', '/api/v1/me/orders', { token: room.a.token });
        return r.body.items.find((i) => i.orderId === room.orderId && i.status === 'COMPLETED') && r.body;
      }, 'history shows the completed order');
      expect(mine.items.every((i) => i.code)).toBe(true);
      const detail = await api('GET', `/api/v1/me/orders/${room.orderId}`, { token: room.a.token });
      expect(detail.body).toMatchObject({ status: 'COMPLETED', paymentStatus: 'COMPLETED' });
      expect((await api('GET', `/api/v1/me/orders/${room.orderId}`, { token: room.b.token })).status).toBe(404);
      const sales = await until(async () => {
        const r = await api('GET', `/api/v1/events/${room.eventId}/sales`, { token: organizer.token });
        return r.body.classes?.[0]?.ticketsSold === 2 && r.body;
      }, 'sales view');
      expect(sales.classes[0]).toMatchObject({ classId: room.classId, ticketsSold: 2, revenueMinor: 300_000, orders: 1 });
      expect([403, 404]).toContain((await api('GET', `/api/v1/events/${room.eventId}/sales`, { token: room.b.token })).status);
      // Every payment event of the run carries a distinct msg id.
      const dup = [...countBy(await storedEvents(s.nc, 'tb.evt.payment.'), (e) => e.msgId ?? '?')].filter(([, n]) => n > 1);
      expect(dup).toEqual([]);
    });
  });
}
