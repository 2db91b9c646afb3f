/**
 * @module test/security/refund-replay.test
 * Attacks on refunds (issue 13): an organizer refund replayed many times at once, racing the
 * provider's retries of the original payment and a late second payment, refunds each received
 * transfer exactly once and emits `order.refunded` once; only an event admin may refund, and
 * only an order of their own event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM } from '../../contracts/index.js';
import { startRefundStack, until, type RefundStack } from '../refunds/setup.js';

describe('security - refund replay and authorization', () => {
  let s: RefundStack;
  let organizer: { id: string; token: string };
  beforeAll(async () => {
    s = await startRefundStack();
    organizer = await s.signUp('organizer');
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('security - a refund replayed 12 times at once, racing payment retries and a late second payment, refunds each transfer once', async () => {
    const classId = await s.publishEvent('evreplay1', organizer.id, 5, 90_000);
    const buyer = await s.signUp('victim');
    const o = await s.order(buyer.token, 'evreplay1', classId);
    await s.pay(o.code, 90_000, 'sbx-replay-a');
    await s.untilOrder(o.orderId, buyer.id, 'COMPLETED');
    const refund = () => s.api('POST', `/api/v1/events/evreplay1/orders/${o.orderId}/refund`, { token: organizer.token });
    const results = await Promise.all([
      ...Array.from({ length: 12 }, refund),
      ...Array.from({ length: 3 }, () => s.pay(o.code, 90_000, 'sbx-replay-a')),
      s.pay(o.code, 90_000, 'sbx-replay-b'),
    ]);
    for (const r of results.slice(0, 12)) {
      expect(r.status).toBe(200);
      expect(['REFUND_PENDING', 'REFUNDED']).toContain(r.body.status);
    }
    await s.untilOrder(o.orderId, buyer.id, 'REFUNDED');
    await until(async () => (await s.refundsOf('sbx-replay-b')).status[0] === 'SUCCEEDED', 'late second payment refunded');
    // More replays after the fact change nothing.
    await Promise.all(Array.from({ length: 4 }, refund));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await s.refundsOf('sbx-replay-a')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    expect(await s.refundsOf('sbx-replay-b')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    const jsm = await jetstreamManager(s.nc);
    const info = await jsm.streams.info(EVENTS_STREAM, { subjects_filter: `tb.evt.order.${o.orderId}.refunded` } as never);
    const counts = (info.state as { subjects?: Record<string, number> }).subjects ?? {};
    expect(counts[`tb.evt.order.${o.orderId}.refunded`]).toBe(1);
  });

  it('security - only an event admin refunds, only orders of that event; refusals change nothing', async () => {
    const classId = await s.publishEvent('evauth1', organizer.id, 5, 40_000);
    await s.publishEvent('evother1', organizer.id, 5, 40_000);
    const buyer = await s.signUp('buyer');
    const editor = await s.signUp('editor');
    const outsider = await s.signUp('outsider');
    await s.setRole('evauth1', editor.id, 'editor');
    const o = await s.order(buyer.token, 'evauth1', classId);
    await s.pay(o.code, 40_000, 'sbx-auth-a');
    await s.untilOrder(o.orderId, buyer.id, 'COMPLETED');
    const path = `/api/v1/events/evauth1/orders/${o.orderId}/refund`;
    // The event is public: anyone reads it, only its admins refund.
    for (const who of [buyer, outsider, editor]) {
      const r = await s.api('POST', path, { token: who.token });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('REFUND_FORBIDDEN');
    }
    expect((await s.api('POST', path)).status).toBe(401);
    // An admin of another event cannot reach this order through their event.
    const wrongEvent = await s.api('POST', `/api/v1/events/evother1/orders/${o.orderId}/refund`, { token: organizer.token });
    expect(wrongEvent.status).toBe(404);
    expect((await s.getOrder(o.orderId, buyer.id)).status).toBe('COMPLETED');
    expect(await s.refundsOf('sbx-auth-a')).toEqual({ requested: 0, executed: 0, status: [] });
    // A PENDING order cannot be refunded (nothing was paid): 409 with its status.
    const pending = await s.order(buyer.token, 'evauth1', classId);
    const early = await s.api('POST', `/api/v1/events/evauth1/orders/${pending.orderId}/refund`, { token: organizer.token });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'REFUND_NOT_REFUNDABLE' });
    // A refused try does not stick to the order: once it is paid, a new refund request goes through.
    const key = 'refund-after-pay';
    expect((await s.api('POST', `/api/v1/events/evauth1/orders/${pending.orderId}/refund`, { token: organizer.token, key })).status).toBe(
      409,
    );
    await s.pay(pending.code, 40_000, 'sbx-auth-b');
    await s.untilOrder(pending.orderId, buyer.id, 'COMPLETED');
    const later = await s.api('POST', `/api/v1/events/evauth1/orders/${pending.orderId}/refund`, { token: organizer.token });
    expect(later.status).toBe(200);
    await s.untilOrder(pending.orderId, buyer.id, 'REFUNDED');
  });
});
