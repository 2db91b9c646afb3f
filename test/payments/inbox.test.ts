/**
 * @module test/payments/inbox.test
 * The payment inbox against a real PostgreSQL and nats-server: verified callbacks are applied
 * once however often they arrive, refused or late money is flagged rather than lost, and the
 * event a callback raises reaches JetStream under `Nats-Msg-Id = <provider>:<providerTxnId>`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { jetstreamManager } from '@nats-io/jetstream';
import { decode, EVENTS_STREAM } from '../../contracts/index.js';
import { paymentInbox, paymentOutbox } from '../../db/index.js';
import { startOutboxRelay } from '../../payments/outbox-relay.js';
import { createPaymentStore, type PaymentStore } from '../../payments/store.js';
import type { NewPayment, PaymentEventMessage, VerifiedCallback } from '../../payments/types.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import { log, setupCatalog, waitFor, type CatalogFixture } from '../catalog/setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();

function newPayment(code: string, over: Partial<NewPayment> = {}): NewPayment {
  return {
    orderId: `order-${code}`,
    orderCode: code,
    userId: 'user-1',
    amountMinor: 250_000,
    currency: 'VND',
    provider: 'zalopay',
    ...over,
  };
}

function callback(code: string, txn: string, over: Partial<VerifiedCallback> = {}): VerifiedCallback {
  return {
    provider: 'zalopay',
    providerTxnId: txn,
    orderCode: code,
    outcome: 'completed',
    amountMinor: 250_000,
    currency: 'VND',
    raw: { app_trans_id: code, zp_trans_id: txn },
    ...over,
  };
}

describe.skipIf(skip !== undefined)('payment inbox', () => {
  let fx: CatalogFixture;
  let store: PaymentStore;
  const eventsOf = async (msgId: string) =>
    (await fx.handle.db.select().from(paymentOutbox).where(eq(paymentOutbox.msgId, msgId))).map((r) => ({
      subject: r.subject,
      body: decode(r.payload) as PaymentEventMessage,
    }));

  beforeAll(async () => {
    fx = await setupCatalog();
    store = createPaymentStore(fx.handle.db);
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('payments - duplicate callbacks are applied once', async () => {
    const { payment } = await store.createPayment(newPayment('INB-1'));
    const results = await Promise.all(Array.from({ length: 10 }, () => store.recordCallback(callback('INB-1', 'zp-1'))));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of results)
      expect(r).toMatchObject({ outcome: 'applied', eventMsgId: 'zalopay:zp-1', payment: { id: payment.id, status: 'COMPLETED' } });
    expect(await store.get(payment.id)).toMatchObject({
      status: 'COMPLETED',
      version: 2,
      providerTxnId: 'zp-1',
      providerResponse: { zp_trans_id: 'zp-1' },
    });
    const events = await eventsOf('zalopay:zp-1');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      subject: 'tb.evt.payment.INB-1.completed',
      body: { type: 'payment.completed', seq: 2, data: { status: 'COMPLETED', providerTxnId: 'zp-1' } },
    });
    // Later retries (the provider's own) change nothing either.
    expect(await store.recordCallback(callback('INB-1', 'zp-1', { outcome: 'failed' }))).toMatchObject({
      duplicate: true,
      outcome: 'applied',
    });
    expect(await store.get(payment.id)).toMatchObject({ status: 'COMPLETED', version: 2 });
  });

  it('payments - an amount or currency mismatch is refused and flagged', async () => {
    const { payment } = await store.createPayment(newPayment('INB-2'));
    const r = await store.recordCallback(callback('INB-2', 'zp-2', { amountMinor: 1_000 }));
    expect(r).toMatchObject({ duplicate: false, outcome: 'amountMismatch', payment: { status: 'PENDING' } });
    expect((await store.get(payment.id))?.flags.amountMismatch).toMatchObject({ amountMinor: 1_000, providerTxnId: 'zp-2' });
    const [ev] = await eventsOf('zalopay:zp-2');
    expect(ev).toMatchObject({
      subject: 'tb.evt.payment.INB-2.flagged',
      body: { data: { reason: 'amountMismatch', callbackAmountMinor: 1_000, status: 'PENDING' } },
    });
    const c = await store.recordCallback(callback('INB-2', 'zp-2b', { currency: 'USD' }));
    expect(c.outcome).toBe('amountMismatch');
    expect((await store.get(payment.id))?.status).toBe('PENDING');
  });

  it('payments - a late callback for a cancelled payment is recorded and flagged for refund', async () => {
    const { payment } = await store.createPayment(newPayment('INB-3'));
    await store.cancelPayment(payment.id, { reason: 'expired' });
    const r = await store.recordCallback(callback('INB-3', 'zp-3'));
    expect(r).toMatchObject({ duplicate: false, outcome: 'late', payment: { status: 'CANCELED' } });
    expect((await store.get(payment.id))?.flags.refundRequired).toMatchObject({
      reason: 'paidAfterCancel',
      providerTxnId: 'zp-3',
      amountMinor: 250_000,
    });
    const [ev] = await eventsOf('zalopay:zp-3');
    expect(ev).toMatchObject({
      subject: 'tb.evt.payment.INB-3.flagged',
      body: { data: { reason: 'paidAfterCancel', flags: { refundRequired: { providerTxnId: 'zp-3' } } } },
    });
    const [inbox] = await fx.handle.db
      .select()
      .from(paymentInbox)
      .where(and(eq(paymentInbox.provider, 'zalopay'), eq(paymentInbox.providerTxnId, 'zp-3')));
    expect(inbox).toMatchObject({ outcome: 'late', paymentId: payment.id, outboxMsgId: 'zalopay:zp-3', payload: { zp_trans_id: 'zp-3' } });
  });

  it('payments - a failed payment fails once, and money after it is flagged', async () => {
    const { payment } = await store.createPayment(newPayment('INB-4'));
    expect(await store.recordCallback(callback('INB-4', 'zp-4', { outcome: 'failed', reason: 'card declined' }))).toMatchObject({
      outcome: 'applied',
      payment: { status: 'FAILED' },
    });
    expect((await eventsOf('zalopay:zp-4'))[0]?.body).toMatchObject({ type: 'payment.failed', data: { reason: 'card declined' } });
    expect(await store.recordCallback(callback('INB-4', 'zp-4x', { outcome: 'failed' }))).toMatchObject({
      outcome: 'ignored',
      eventMsgId: undefined,
    });
    expect(await store.recordCallback(callback('INB-4', 'zp-4y'))).toMatchObject({
      outcome: 'late',
      payment: { status: 'FAILED', flags: { refundRequired: { reason: 'paidAfterFailure' } } },
    });
    expect((await store.get(payment.id))?.status).toBe('FAILED');
  });

  it('payments - a processing notice does not block the final callback of the same transaction', async () => {
    const { payment } = await store.createPayment(newPayment('INB-5'));
    const p1 = await store.recordCallback(callback('INB-5', 'zp-5', { outcome: 'pending' }));
    const p2 = await store.recordCallback(callback('INB-5', 'zp-5', { outcome: 'pending' }));
    expect([p1.duplicate, p2.duplicate]).toEqual([false, true]);
    expect(await eventsOf('zalopay:zp-5:processing')).toHaveLength(1);
    expect(await store.recordCallback(callback('INB-5', 'zp-5'))).toMatchObject({
      duplicate: false,
      outcome: 'applied',
      payment: { id: payment.id, status: 'COMPLETED' },
    });
  });

  it('payments - a callback that matches no payment is kept in the inbox', async () => {
    const r = await store.recordCallback(callback('NOPE-1', 'zp-6'));
    expect(r).toMatchObject({ duplicate: false, outcome: 'unmatched', payment: undefined });
    const [inbox] = await fx.handle.db.select().from(paymentInbox).where(eq(paymentInbox.providerTxnId, 'zp-6'));
    expect(inbox).toMatchObject({ outcome: 'unmatched', paymentId: null });
    expect(await store.recordCallback(callback('NOPE-1', 'zp-6'))).toMatchObject({ duplicate: true, outcome: 'unmatched' });
  });

  it('payments - a callback event reaches the stream with the transaction id as Nats-Msg-Id', async () => {
    const relay = startOutboxRelay({ db: fx.handle.db, nc: fx.nc, log, pollMs: 100 });
    try {
      await waitFor(
        async () => (await fx.handle.db.select().from(paymentOutbox).where(eq(paymentOutbox.msgId, 'zalopay:zp-1')))[0]?.publishedAt,
        15_000,
        'zp-1 published',
      );
      const jsm = await jetstreamManager(fx.nc);
      const m = await jsm.streams.getMessage(EVENTS_STREAM, { last_by_subj: 'tb.evt.payment.INB-1.completed' });
      expect(m?.header.get('Nats-Msg-Id')).toBe('zalopay:zp-1');
      expect(m?.header.get('tb-event-type')).toBe('payment.completed');
      expect(decode(m!.data)).toMatchObject({ type: 'payment.completed', kind: 'payment', id: 'INB-1' });
    } finally {
      await relay.stop();
    }
  });
});
