/**
 * @module test/security/sandbox-pay.test
 * Attack (issue 10, item 2): `POST /api/v1/payments/sandbox/pay {orderCode, outcome}` needed no
 * login and no signed link, so anyone who saw an order code could pay (tickets for free) or fail
 * someone else's order. On the real stack (every production entry point as its own process):
 * a stranger, signed in or anonymous, who knows the code is refused with 403
 * `WEBHOOK_SANDBOX_FORBIDDEN` and the order stays PENDING with its tickets held; the signed link
 * from the order's payment URL (what the sandbox page sends) pays it; the signed-in owner may
 * fail their own order; a link for another order does not pay this one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFor, grantPlatformAdmin, publishEvent, signUp, waitOrder, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';

type Order = { orderId: string; code: string; status: string; payment?: { paymentUrl?: string; status: string } };

let s: E2EStack;
let api: Api;
let organizer: User;
let admin: User;

beforeAll(async () => {
  s = await startE2EStack({ nodes: 1 });
  api = apiFor(s.url);
  [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
  await grantPlatformAdmin(s.db, admin.id);
}, 180_000);
afterAll(async () => {
  await s?.stop();
});

const pendingOrder = async (buyer: User, classId: string, eventId: string): Promise<Order> => {
  const r = await api<Order>('POST', '/api/v1/orders', {
    token: buyer.token,
    key: `k-${Math.random()}`,
    body: { eventId, lines: [{ classId, quantity: 1 }] },
  });
  expect([r.status, r.body.status]).toEqual([201, 'PENDING']);
  return r.body;
};
/** The signed parameters of the order's sandbox payment URL, as the sandbox page posts them. */
const linkOf = (o: Order) => Object.fromEntries(new URL(o.payment!.paymentUrl!).searchParams);
const pay = (body: Record<string, unknown>, token?: string) =>
  api<{ error?: { code: string } }>('POST', '/api/v1/payments/sandbox/pay', { ...(token ? { token } : {}), body });

describe('security - sandbox pay API', () => {
  it('security - a stranger who knows the order code cannot pay or fail it; the signed link can, and so can the owner', async () => {
    const { eventId, classIds } = await publishEvent(api, organizer, admin, { classes: [{ total: 10 }] });
    const classId = classIds[0]!;
    const [victim, stranger] = [await signUp(api, 'victim'), await signUp(api, 'stranger')];
    const order = await pendingOrder(victim, classId, eventId);
    const other = await pendingOrder(stranger, classId, eventId);

    // The attack of the issue: the code alone, anonymous and signed in as someone else, both outcomes.
    for (const outcome of ['completed', 'failed']) {
      for (const token of [undefined, stranger.token]) {
        const r = await pay({ orderCode: order.code, outcome, delayMs: 0 }, token);
        expect([r.status, r.body.error?.code]).toEqual([403, 'WEBHOOK_SANDBOX_FORBIDDEN']);
      }
    }
    // A genuine link, but for the stranger's own order, does not reach the victim's.
    const crossed = await pay({ orderCode: order.code, outcome: 'completed', link: linkOf(other) });
    expect([crossed.status, crossed.body.error?.code]).toEqual([400, 'WEBHOOK_SANDBOX_LINK_INVALID']);
    // Nothing happened to the order: still PENDING, its ticket still held, nothing sold.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await api<Order>('GET', `/api/v1/orders/${order.orderId}`, { token: victim.token })).body.status).toBe('PENDING');
    const cls = (await api<{ sold: number; reserved: number }>('GET', `/api/v1/ticket-classes/${classId}`, { token: organizer.token }))
      .body;
    expect(cls).toMatchObject({ sold: 0, reserved: 2 });

    // The signed link (the payment page's own request) pays it, without any sign-in.
    const paid = await pay({ orderCode: order.code, outcome: 'completed', delayMs: 0, link: linkOf(order) });
    expect(paid.status).toBe(202);
    await waitOrder<Order>(api, victim, order.orderId, (o) => o.status === 'COMPLETED', 'paid through the signed link');
    // The owner, signed in, may fail their own order by its code.
    const failed = await pay({ orderCode: other.code, outcome: 'failed', delayMs: 0 }, stranger.token);
    expect(failed.status).toBe(202);
    await waitOrder<Order>(api, stranger, other.orderId, (o) => o.status === 'FAILED', 'failed by its owner');
  });
});
