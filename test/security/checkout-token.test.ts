/**
 * @module test/security/checkout-token.test
 * Attack (issue 10, item 1): a checkout token was a reusable pass. On the real stack (two actor
 * nodes, two gateways on one NATS), an admitted buyer fires six orders with one token at once
 * through both gateways: exactly one is made, the others get 409 `ORDER_CHECKOUT_TOKEN_USED`;
 * the same Idempotency-Key answers the same order; after the order COMPLETED, after the buyer
 * left, the token is dead (410 `ORDER_CHECKOUT_SLOT_ENDED`); an order refused by the class gives
 * the slot back for another try. On the old code all six orders were made and the token kept
 * working after completion and after leaving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, grantPlatformAdmin, signUp, until, waitOrder, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { buy, classOf, codeOf, payByCallback, publishWith, type Order } from './checkout-helpers.js';

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

/** Join the waitroom of `eventId` (a free slot: admitted at once) and answer the checkout token. */
async function admitted(api: Api, user: User, eventId: string): Promise<string> {
  const r = await api<{ state: string; token?: string }>('POST', `/api/v1/events/${eventId}/queue/join`, { token: user.token });
  expect(r.body).toMatchObject({ state: 'admitted', token: expect.any(String) });
  return r.body.token!;
}

describe('security - one admission, one checkout', () => {
  it('checkout token - six concurrent orders on one token through two gateways: exactly one is made', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(a, organizer, admin, {
      classes: [60],
      config: { allowWaitRoom: true, maxConcurrent: 5, maxTicketsPerBuyer: 60, maxOpenOrdersPerBuyer: 10 },
    });
    const buyer = await signUp(a, 'eve');
    const token = await admitted(a, buyer, eventId);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => buy(i % 2 ? b : a, buyer, eventId, classId!, 10, { key: `eve-${i}`, checkoutToken: token })),
    );
    const made = answers.filter((r) => r.status === 201);
    expect(made).toHaveLength(1);
    expect(answers.filter((r) => r.status !== 201).map(codeOf)).toEqual(Array(5).fill([409, 'ORDER_CHECKOUT_TOKEN_USED']));
    expect(await classOf(a, organizer, classId!)).toMatchObject({ reserved: 10, sold: 0, available: 50 });

    // The same Idempotency-Key (through the other gateway) is the same order, not a second one.
    const winner = answers.indexOf(made[0]!);
    const again = await buy(winner % 2 ? a : b, buyer, eventId, classId!, 10, { key: `eve-${winner}`, checkoutToken: token });
    expect([again.status, again.body.orderId]).toEqual([200, made[0]!.body.orderId]);

    // Paid and COMPLETED: the slot ends, and with it the token.
    await payByCallback(a, made[0]!.body);
    await waitOrder<Order>(a, buyer, made[0]!.body.orderId, (o) => o.status === 'COMPLETED', 'COMPLETED');
    await until(
      async () => (await a('GET', `/api/v1/events/${eventId}/queue/me`, { token: buyer.token })).body.state === 'completed',
      'slot completed',
    );
    const after = await Promise.all([
      buy(a, buyer, eventId, classId!, 4, { checkoutToken: token }),
      buy(b, buyer, eventId, classId!, 4, { checkoutToken: token }),
    ]);
    expect(after.map(codeOf)).toEqual([
      [410, 'ORDER_CHECKOUT_SLOT_ENDED'],
      [410, 'ORDER_CHECKOUT_SLOT_ENDED'],
    ]);
    expect(await classOf(a, organizer, classId!)).toMatchObject({ reserved: 0, sold: 10, available: 50 });
  });

  it('checkout token - a buyer who left the queue cannot order with the token any more', async () => {
    const {
      eventId,
      classIds: [classId],
    } = await publishWith(a, organizer, admin, { classes: [20], config: { allowWaitRoom: true, maxConcurrent: 5 } });
    const buyer = await signUp(a, 'leaver');
    const token = await admitted(a, buyer, eventId);
    expect((await a('POST', `/api/v1/events/${eventId}/queue/leave`, { token: buyer.token })).status).toBe(200);
    expect(codeOf(await buy(b, buyer, eventId, classId!, 2, { checkoutToken: token }))).toEqual([410, 'ORDER_CHECKOUT_SLOT_ENDED']);
    expect(await classOf(a, organizer, classId!)).toMatchObject({ reserved: 0, sold: 0 });
  });

  it('checkout token - an order the class refuses gives the slot back: the next order on the token is made, and only one', async () => {
    const {
      eventId,
      classIds: [small, big],
    } = await publishWith(a, organizer, admin, { classes: [1, 20], config: { allowWaitRoom: true, maxConcurrent: 5 } });
    const buyer = await signUp(a, 'retry');
    const token = await admitted(a, buyer, eventId);
    const refused = await buy(a, buyer, eventId, small!, 2, { checkoutToken: token });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toMatch(/^INVENTORY_/);
    const second = await Promise.all([
      buy(a, buyer, eventId, big!, 2, { checkoutToken: token }),
      buy(b, buyer, eventId, big!, 2, { checkoutToken: token }),
    ]);
    expect(second.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(second.find((r) => r.status === 409)!.body.error?.code).toBe('ORDER_CHECKOUT_TOKEN_USED');
    expect(await classOf(a, organizer, big!)).toMatchObject({ reserved: 2 });
  });
});
