/**
 * @module test/e2e/checkout-crash.test
 * Checkout under crashes on the REAL stack (see `stack.ts`): 64 buyers order concurrently through
 * the gateway from two small classes (no waitroom; some sell out), half pay through the sandbox
 * provider, some fail, the rest stay unpaid. Mid-run one actor node is SIGKILLed (and restarted
 * later, as `npm start`'s supervisor does), and the payment relay is SIGKILLed while it holds a
 * published but unmarked batch (`TB_PAYMENT_RELAY_TEST_HOLD_MS`), then restarted. Afterwards:
 * every order is final or correctly PENDING (all lines held), each class's `sold`/`reserved`
 * equal the orders' lines, every paid order is COMPLETED (or flagged for refund), every
 * COMPLETED payment row has its `payment.completed` on the stream exactly once by msg id, and
 * nothing was applied twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderIdFor } from '../../actors/order/index.js';
import { mintUsers, type MintedUser } from '../gateway/ws/users.js';
import { pool } from '../queue/helpers.js';
import { apiFor, grantPlatformAdmin, publishEvent, sandboxPay, signUp, until, type Api, type User } from './client.js';
import { E2E_JWT_SECRET, startE2EStack, type E2EStack } from './stack.js';
import { countBy, storedEvents } from './stream.js';

type Order = {
  orderId: string;
  code: string;
  status: string;
  refundRequired?: boolean;
  lines: Array<{ classId: string; quantity: number; state: string }>;
  payment?: { status: string; providerTxnId?: string };
};
const BUYERS = 64;
const TOTAL = 40;
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

let s: E2EStack;
let api: Api;
let organizer: User;
let admin: User;
beforeAll(async () => {
  s = await startE2EStack({ env: { TB_TUNING: JSON.stringify({ orderStepTimeoutMs: 8000 }) } });
  api = apiFor(s.url);
  organizer = await signUp(api, 'organizer');
  admin = await signUp(api, 'admin');
  await grantPlatformAdmin(s.db, admin.id);
}, 180_000);
afterAll(async () => {
  await s?.stop();
});

describe('e2e - checkout crash', () => {
  it('e2e - an actor node and the payment relay killed mid-run: orders settle, counters match, no payment event lost or applied twice', async () => {
    const { eventId, classIds } = await publishEvent(api, organizer, admin, { classes: [{ total: TOTAL }, { total: TOTAL }] });
    const buyers: MintedUser[] = await mintUsers(s.db, E2E_JWT_SECRET, BUYERS);
    // The relay that will be killed mid-batch: it holds each published batch 3 s before marking it.
    await s.procs.get('payment-relay')!.stop();
    const heldRelay = await s.start('payment-relay', { TB_PAYMENT_RELAY_TEST_HOLD_MS: '3000' });
    let created = 0;
    const killed = { nodeAt: -1, relayAt: -1, relayHeld: 0 };
    const paidTxns = new Map<string, string>(); // orderId → providerTxnId asked of the sandbox
    const chaos = (async () => {
      await until(async () => created >= 16, '16 orders answered', 90_000, 50);
      s.procs.get('node-1')!.kill('SIGKILL');
      killed.nodeAt = created;
      // Kill it on a batch held after payments started, so the batch carries payment.completed events.
      await until(async () => paidTxns.size >= 6, '6 payments asked', 90_000, 50);
      const line = await heldRelay.waitForLine(/payment relay holding batch/, 60_000, { includePast: false });
      heldRelay.kill('SIGKILL');
      Object.assign(killed, { relayAt: created, relayHeld: (JSON.parse(line) as { published: number }).published });
      await heldRelay.exited;
      await s.start('payment-relay');
      await new Promise((r) => setTimeout(r, 3_000));
      await s.start('node-1'); // the supervisor brings the node back
    })();
    const outcomes = await pool(buyers, 16, async (b, i) => {
      const lines = [{ classId: classIds[i % 2]!, quantity: 1 + (i % 2) }];
      const r = await api<Order & { error?: { code: string } }>('POST', '/api/v1/orders', {
        token: b.token,
        key: `crash-${i}`,
        body: { eventId, lines },
      }).catch((e: Error) => ({ status: 0, body: { error: { code: e.message } } as never }));
      created++;
      if (r.status !== 201 || r.body.status !== 'PENDING') return r.body.error?.code ?? r.body.status ?? String(r.status);
      if (i % 4 <= 1)
        paidTxns.set(r.body.orderId, (await sandboxPay(api, b.token, r.body.code, 'completed', i % 3 === 0 ? 0 : 200)).providerTxnId);
      else if (i % 4 === 2) await sandboxPay(api, b.token, r.body.code, 'failed');
      return 'PENDING';
    });
    await chaos;
    expect(killed.nodeAt).toBeLessThan(BUYERS - 16); // the node died with orders still to come
    expect(killed.relayHeld).toBeGreaterThan(0); // the relay died after publishing, before marking

    // Settle: every order leaves its in-between states; every paid order reaches COMPLETED.
    const MID = new Set(['pending', 'releasing', 'confirming']);
    let orders: Array<Order | undefined> = [];
    await until(
      async () => {
        orders = await Promise.all(
          buyers.map(async (b, i) => {
            const r = await api<Order>('GET', `/api/v1/orders/${orderIdFor(b.id, `crash-${i}`)}`, { token: b.token });
            if (r.status === 404) return undefined;
            if (r.status !== 200) throw new Error(`read ${r.status}`);
            return r.body;
          }),
        );
        return orders.every(
          (o) =>
            !o ||
            ((FINAL.has(o.status) || o.status === 'PENDING') &&
              o.lines.every((l) => !MID.has(l.state)) &&
              (!paidTxns.has(o.orderId) || o.status === 'COMPLETED')),
        );
      },
      'every order settled',
      150_000,
      500,
    );

    for (const o of orders) {
      if (!o) continue;
      if (o.status === 'PENDING') expect(o.lines.every((l) => l.state === 'held')).toBe(true);
      if (o.status === 'FAILED' || o.status === 'CANCELLED')
        expect(o.lines.every((l) => l.state === 'released' || l.state === 'refused')).toBe(true);
      if (o.status === 'COMPLETED') expect(o.refundRequired || o.lines.every((l) => l.state === 'confirmed')).toBe(true);
      if (paidTxns.has(o.orderId)) expect(o).toMatchObject({ status: 'COMPLETED', payment: { status: 'COMPLETED' } });
      if (o.status === 'COMPLETED') expect(o.refundRequired ?? false).toBe(false); // each was paid once
    }
    for (const classId of classIds) {
      const lines = orders.flatMap((o) => (o ? o.lines.filter((l) => l.classId === classId).map((l) => ({ ...l, status: o.status })) : []));
      const held = lines.filter((l) => l.status === 'PENDING' && l.state === 'held').reduce((n, l) => n + l.quantity, 0);
      const sold = lines.filter((l) => l.state === 'confirmed').reduce((n, l) => n + l.quantity, 0);
      const view = (
        await api<{ sold: number; reserved: number; total: number }>('GET', `/api/v1/ticket-classes/${classId}`, { token: organizer.token })
      ).body;
      expect({ classId, reserved: view.reserved, sold: view.sold }).toEqual({ classId, reserved: held, sold });
      expect(view.sold + view.reserved).toBeLessThanOrEqual(TOTAL);
    }

    // No payment event lost, none published twice: every COMPLETED row's event is on the stream once.
    await until(
      async () => (await s.db.sql`select count(*)::int as n from payment_outbox where published_at is null`)[0]!.n === 0,
      'outbox drained',
      60_000,
    );
    const rows = await s.db.sql<
      { provider: string; provider_txn_id: string; order_id: string }[]
    >`select provider, provider_txn_id, order_id from payments where status = 'COMPLETED'`;
    expect(rows.map((r) => r.order_id).sort()).toEqual([...paidTxns.keys()].sort());
    const events = await storedEvents(s.nc, 'tb.evt.payment.');
    const completed = countBy(
      events.filter((e) => e.type === 'payment.completed'),
      (e) => e.msgId ?? '?',
    );
    for (const r of rows) expect([r.provider_txn_id, completed.get(`${r.provider}:${r.provider_txn_id}`)]).toEqual([r.provider_txn_id, 1]);
    expect([...countBy(events, (e) => e.msgId ?? '?')].filter(([, n]) => n > 1)).toEqual([]);
    const inbox = await s.db.sql<{ n: number }[]>`select count(*)::int as n from payment_inbox`;
    expect(inbox[0]!.n).toBe(paidTxns.size + outcomes.filter((_, i) => i % 4 === 2).filter((o) => o === 'PENDING').length);

    const tally = countBy(outcomes, (o) => o);
    const finals = countBy(orders, (o) => o?.status ?? 'none');
    console.log(
      JSON.stringify({
        test: 'e2e-checkout-crash',
        buyers: BUYERS,
        answers: Object.fromEntries(tally),
        finals: Object.fromEntries(finals),
        paid: paidTxns.size,
        killed,
        paymentEvents: events.length,
      }),
    );
  }, 360_000);
});
