/**
 * @module test/refunds/refunds.test
 * Refunds end to end on real NATS and PostgreSQL, the provider being the sandbox desk the gateway
 * serves (signed like a real provider's refund API): money that cannot buy its tickets (paid after
 * the order was cancelled and the stock sold, paid twice) is refunded exactly once and the order
 * says so (REFUND_PENDING → REFUNDED, not COMPLETED with a refused line); an event cancellation
 * refunds every paid order; the buyer gets the confirmation and refund mails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SIGNATURE_HEADER } from '../../payments/index.js';
import { startRefundStack, until, type RefundStack } from './setup.js';

describe('refunds - provider refunds through the payments outbox', () => {
  let s: RefundStack;
  let organizer: { id: string; token: string };
  beforeAll(async () => {
    s = await startRefundStack();
    organizer = await s.signUp('organizer');
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('refunds - money paid for a cancelled order whose stock was sold is refunded once via the sandbox; the order shows REFUND_PENDING then REFUNDED', async () => {
    const classId = await s.publishEvent('evlate1', organizer.id, 1, 100_000);
    const a = await s.signUp('late');
    const b = await s.signUp('prompt');
    const late = await s.order(a.token, 'evlate1', classId);
    expect((await s.api('POST', `/api/v1/orders/${late.orderId}/cancel`, { token: a.token })).status).toBe(200);
    // Another buyer takes the last ticket.
    const won = await s.order(b.token, 'evlate1', classId);
    await s.pay(won.code, 100_000, 'sbx-won-1');
    await s.untilOrder(won.orderId, b.id, 'COMPLETED');
    // The first buyer's money arrives now: it cannot buy a ticket any more.
    expect((await s.pay(late.code, 100_000, 'sbx-late-1')).status).toBe(200);
    const refunded = await s.untilOrder(late.orderId, a.id, 'REFUNDED');
    expect(refunded.refund).toMatchObject({ status: 'REFUNDED', reason: 'ticketsLost', amountMinor: 100_000 });
    expect(refunded.lines.every((l) => l.state !== 'confirmed')).toBe(true);
    expect(await s.refundsOf('sbx-late-1')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    expect(await s.paymentOf(late.orderId)).toMatchObject({ refundStatus: 'REFUNDED', refundedAmountMinor: 100_000 });
    // The provider callback again (a provider retry): still one refund.
    await s.pay(late.code, 100_000, 'sbx-late-1');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await s.refundsOf('sbx-late-1')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    expect((await s.getOrder(won.orderId, b.id)).status).toBe('COMPLETED');
    // The buyer was told, in their language (English by default).
    await until(async () => s.mailer.sent.some((m) => m.subject.includes(`Order ${late.code}: refunded`)), 'refunded mail');
    expect(s.mailer.sent.some((m) => m.subject.includes(`Order ${late.code}: refund under way`))).toBe(true);
    expect(
      s.mailer.sent.some(
        (m) => m.subject === `Your order ${won.code} is confirmed` && m.text.includes(`/api/v1/orders/${won.orderId}/tickets`),
      ),
    ).toBe(true);
  });

  it('refunds - a second payment of a paid order is refunded once, concurrent provider retries included; the order stays COMPLETED', async () => {
    const classId = await s.publishEvent('evtwice1', organizer.id, 10, 50_000);
    const a = await s.signUp('twice');
    const o = await s.order(a.token, 'evtwice1', classId, 2);
    await s.pay(o.code, 100_000, 'sbx-twice-a');
    await s.untilOrder(o.orderId, a.id, 'COMPLETED');
    const answers = await Promise.all(Array.from({ length: 6 }, () => s.pay(o.code, 100_000, 'sbx-twice-b')));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await until(async () => (await s.refundsOf('sbx-twice-b')).status[0] === 'SUCCEEDED', 'second payment refunded');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await s.refundsOf('sbx-twice-b')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    expect(await s.refundsOf('sbx-twice-a')).toEqual({ requested: 0, executed: 0, status: [] });
    expect((await s.getOrder(o.orderId, a.id)).status).toBe('COMPLETED');
  });

  it('refunds - an organizer refund replayed at once (same and different keys), racing a late second payment, refunds each payment exactly once', async () => {
    const classId = await s.publishEvent('evrace1', organizer.id, 10, 80_000);
    const a = await s.signUp('racer');
    const o = await s.order(a.token, 'evrace1', classId);
    await s.pay(o.code, 80_000, 'sbx-race-a');
    await s.untilOrder(o.orderId, a.id, 'COMPLETED');
    const path = `/api/v1/events/evrace1/orders/${o.orderId}/refund`;
    // Six refund requests (three replays of one key, three without a key) and three deliveries of a
    // late second payment of the same order, all at once.
    const answers = await Promise.all([
      ...Array.from({ length: 3 }, () => s.api('POST', path, { token: organizer.token, key: 'race-refund-1' })),
      ...Array.from({ length: 3 }, () => s.api('POST', path, { token: organizer.token })),
      ...Array.from({ length: 3 }, () => s.pay(o.code, 80_000, 'sbx-race-b')),
    ]);
    expect(answers.slice(0, 6).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.slice(6).every((r) => r.status === 200)).toBe(true);
    const done = await s.untilOrder(o.orderId, a.id, 'REFUNDED');
    expect(done.refund).toMatchObject({ reason: 'organizer', status: 'REFUNDED', amountMinor: 80_000 });
    await until(async () => (await s.refundsOf('sbx-race-b')).status[0] === 'SUCCEEDED', 'late second payment refunded');
    await new Promise((r) => setTimeout(r, 1_000)); // any duplicate would have been executed by now
    expect(await s.refundsOf('sbx-race-a')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    expect(await s.refundsOf('sbx-race-b')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    // Afterwards: a replay of the key repeats its first answer, a new request answers the refunded
    // order; neither refunds anything more.
    const replay = await s.api('POST', path, { token: organizer.token, key: 'race-refund-1' });
    expect(replay.status).toBe(200);
    expect(replay.body.status).toBe(answers[0]!.body.status);
    const fresh = await s.api('POST', path, { token: organizer.token, key: 'race-refund-2' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.status).toBe('REFUNDED');
    await new Promise((r) => setTimeout(r, 500));
    expect(await s.refundsOf('sbx-race-a')).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
  });

  it('refunds - the sandbox desk refuses an unsigned or forged refund request and refunds nothing', async () => {
    const body = JSON.stringify({
      refundId: 'rf_forged',
      providerTxnId: 'sbx-won-1',
      orderCode: 'x',
      amountMinor: 100_000,
      currency: 'VND',
      description: 'x',
      timestamp: Date.now(),
    });
    const variants: Array<Record<string, string>> = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: 'ab'.repeat(32) },
    ];
    for (const headers of variants) {
      const res = await fetch(`${s.url}/api/v1/payments/sandbox/refunds`, { method: 'POST', headers, body });
      expect(res.status).toBe(401);
    }
    expect(await s.refundsOf('sbx-won-1')).toEqual({ requested: 0, executed: 0, status: [] });
  });

  it('refunds - cancelling an event refunds every paid order of it, each once', async () => {
    const classId = await s.publishEvent('evcancel1', organizer.id, 10, 70_000);
    const buyers = await Promise.all([1, 2, 3].map(() => s.signUp('fan')));
    const orders = await Promise.all(buyers.map((b) => s.order(b.token, 'evcancel1', classId)));
    await Promise.all(orders.map((o, i) => s.pay(o.code, 70_000, `sbx-cancel-${i}`)));
    await Promise.all(orders.map((o, i) => s.untilOrder(o.orderId, buyers[i]!.id, 'COMPLETED')));
    // The organizer's list (the read model the cancellation consumer uses) has them all.
    await until(async () => {
      const r = await s.api('GET', '/api/v1/events/evcancel1/orders?status=COMPLETED', { token: organizer.token });
      return r.status === 200 && r.body.items.length === 3;
    }, 'orders projected');
    await s.actors.request('event', 'evcancel1', 'cancel', {
      commandId: 'cancel-evcancel1',
      actor: { userId: organizer.id, platformRoles: [] },
      reason: 'storm',
    });
    for (const [i, o] of orders.entries()) {
      const done = await s.untilOrder(o.orderId, buyers[i]!.id, 'REFUNDED');
      expect(done.refund).toMatchObject({ reason: 'eventCancelled', status: 'REFUNDED' });
      expect(await s.refundsOf(`sbx-cancel-${i}`)).toEqual({ requested: 1, executed: 1, status: ['SUCCEEDED'] });
    }
  });
});
