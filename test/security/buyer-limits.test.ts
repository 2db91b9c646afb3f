/**
 * @module test/security/buyer-limits.test
 * Attack (issue 10, item 4): one account held a whole sale with unpaid orders. On the real stack
 * (two actor nodes, two gateways on one NATS): five concurrent orders of 10 from one account for
 * a class of 50 (no waitroom) make one order, the others get 409 `ORDER_BUYER_OPEN_ORDERS_LIMIT`;
 * once paid, the buyer's 10 tickets are the default cap (`ORDER_BUYER_TICKET_LIMIT`); with
 * limits of 12 tickets and 3 open orders, six concurrent orders of 4 make exactly three and a
 * cancelled one gives its quota back once; in a waitroom a refused quota gives the slot back;
 * and with an actor node killed mid-run every buyer's holds stay within the cap. On the old code
 * every order was made (the class of 50 emptied by five orders).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, grantPlatformAdmin, signUp, until, waitOrder, type Api, type Res, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { buy, classOf, codeOf, payByCallback, publishWith, type Answer, type Order } from './checkout-helpers.js';

let s: E2EStack;
let a: Api;
let b: Api;
let organizer: User;
let admin: User;

beforeAll(async () => {
  s = await startE2EStack({ extraGateways: [{ name: 'gateway-b' }] });
  [a, b] = [apiFor(s.urls['gateway']!), apiFor(s.urls['gateway-b']!)];
  [organizer, admin] = [await signUp(a, 'organizer'), await signUp(a, 'admin')];
  await grantPlatformAdmin(s.db, admin.id);
}, 240_000);
afterAll(async () => {
  await s?.stop();
});

const LIMIT_CODES = ['ORDER_BUYER_OPEN_ORDERS_LIMIT', 'ORDER_BUYER_TICKET_LIMIT'];

describe('security - buyer limits', () => {
  it('buyer limits - five concurrent orders of 10 for a class of 50 through two gateways: one is made, the default caps hold', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(a, organizer, admin, { classes: [50] });
    const hoarder = await signUp(a, 'hoarder');
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => buy(i % 2 ? b : a, hoarder, eventId, classId!, 10)));
    const made = answers.filter((r) => r.status === 201);
    expect(made).toHaveLength(1);
    expect(answers.filter((r) => r.status !== 201).map(codeOf)).toEqual(Array(4).fill([409, 'ORDER_BUYER_OPEN_ORDERS_LIMIT']));
    expect(await classOf(a, organizer, classId!)).toMatchObject({ reserved: 10, available: 40 });

    // Paid: no longer open, but its 10 tickets are the default cap across all the buyer's orders.
    await payByCallback(a, made[0]!.body);
    await waitOrder<Order>(a, hoarder, made[0]!.body.orderId, (o) => o.status === 'COMPLETED', 'COMPLETED');
    const capped = await until(async () => {
      const r = await buy(b, hoarder, eventId, classId!, 1);
      expect(r.status).toBe(409);
      return r.body.error?.code === 'ORDER_BUYER_TICKET_LIMIT' ? r : undefined;
    }, 'the ticket cap answered');
    expect(capped.body.error?.details).toMatchObject({ limit: 10, held: 10, requested: 1 });
    // Another buyer is not affected.
    expect((await buy(a, await signUp(a, 'fair'), eventId, classId!, 2)).status).toBe(201);
    expect(await classOf(a, organizer, classId!)).toMatchObject({ sold: 10, reserved: 2, available: 38 });
  });

  it('buyer limits - 12 tickets and 3 open orders: six concurrent orders of 4 make exactly three; a cancelled one gives its quota back once', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(a, organizer, admin, { classes: [100], config: { maxTicketsPerBuyer: 12, maxOpenOrdersPerBuyer: 3 } });
    const buyer = await signUp(a, 'many');
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => buy(i % 2 ? b : a, buyer, eventId, classId!, 4)));
    const made = answers.filter((r) => r.status === 201);
    expect(made).toHaveLength(3);
    for (const r of answers.filter((x) => x.status !== 201))
      expect([r.status, LIMIT_CODES.includes(r.body.error!.code)]).toEqual([409, true]);
    expect(await classOf(a, organizer, classId!)).toMatchObject({ reserved: 12 });

    const cancelled = await a<Order>('POST', `/api/v1/orders/${made[0]!.body.orderId}/cancel`, { token: buyer.token, key: 'cancel-1' });
    expect(cancelled.body.status).toBe('CANCELLED');
    const refill = await Promise.all([buy(a, buyer, eventId, classId!, 4), buy(b, buyer, eventId, classId!, 4)]);
    expect(refill.map((r) => r.status).sort()).toEqual([201, 409]);
    // Cancelling it again gives nothing back twice.
    await a('POST', `/api/v1/orders/${made[0]!.body.orderId}/cancel`, { token: buyer.token, key: 'cancel-2' });
    expect((await buy(a, buyer, eventId, classId!, 1)).status).toBe(409);
    expect(await classOf(a, organizer, classId!)).toMatchObject({ reserved: 12 });
  });

  it('buyer limits - in a waitroom an order over the cap is refused and the slot stays for a smaller one', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(a, organizer, admin, {
      classes: [60],
      config: { allowWaitRoom: true, maxConcurrent: 5, maxTicketsPerBuyer: 10 },
    });
    const buyer = await signUp(a, 'wr');
    const joined = await a<{ state: string; token: string }>('POST', `/api/v1/events/${eventId}/queue/join`, { token: buyer.token });
    expect(joined.body.state).toBe('admitted');
    expect(codeOf(await buy(a, buyer, eventId, classId!, 12, { checkoutToken: joined.body.token }))).toEqual([
      409,
      'ORDER_BUYER_TICKET_LIMIT',
    ]);
    expect((await buy(b, buyer, eventId, classId!, 10, { checkoutToken: joined.body.token })).status).toBe(201);
    expect(await classOf(a, organizer, classId!)).toMatchObject({ reserved: 10 });
  });

  it('buyer limits - concurrent orders of ten buyers with an actor node killed mid-run: nobody holds more than the cap, no hold leaks', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(a, organizer, admin, { classes: [200], config: { maxTicketsPerBuyer: 4, maxOpenOrdersPerBuyer: 10 } });
    const buyers = await Promise.all(Array.from({ length: 10 }, (_, i) => signUp(a, `crowd${i}`)));
    /** One order, retried with the same key while the outcome is unknown (5xx), as a client does. */
    const order = async (u: User, i: number): Promise<Res<Answer>> => {
      const key = `crowd-${u.id}-${i}`;
      for (let attempt = 0; ; attempt++) {
        const r = await buy(i % 2 ? b : a, u, eventId, classId!, 2, { key }).catch(() => ({ status: 599, body: {} as Answer }));
        if (r.status < 500 || attempt >= 40) return r;
        await new Promise((res) => setTimeout(res, 500));
      }
    };
    const runs = buyers.flatMap((u) => Array.from({ length: 6 }, (_, i) => order(u, i)));
    await new Promise((r) => setTimeout(r, 150));
    s.procs.get('node-0')!.kill('SIGKILL');
    const answers = await Promise.all(runs);
    await s.start('node-0');
    expect(answers.filter((r) => r.status >= 500).map((r) => [r.status, r.body.error?.code])).toEqual([]);
    for (const r of answers.filter((x) => x.status >= 400)) expect(r.status).toBe(409);

    // Per buyer: the orders that exist and hold tickets never exceed the cap.
    let held = 0;
    for (const [k, u] of buyers.entries()) {
      const ids = [
        ...new Set(
          answers
            .slice(k * 6, k * 6 + 6)
            .filter((r) => r.status < 300)
            .map((r) => r.body.orderId),
        ),
      ];
      const orders = await Promise.all(
        ids.map((id) => waitOrder<Order>(a, u, id, (o) => ['PENDING', 'FAILED', 'CANCELLED'].includes(o.status), 'settled')),
      );
      const tickets = orders.filter((o) => o.status === 'PENDING').reduce((n, o) => n + o.lines[0]!.quantity, 0);
      expect(tickets).toBeLessThanOrEqual(4);
      held += tickets;
    }
    expect(held).toBeGreaterThan(0);
    await until(async () => (await classOf(a, organizer, classId!)).reserved === held, `class holds = ${held} tickets of PENDING orders`);
  });
});
