/**
 * @module test/payments/store.test
 * The payment store against a real PostgreSQL: a payment and its outbox event commit together or
 * not at all, creates are idempotent by id, bad input is refused, cancel only moves PENDING.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { decode, TbError } from '../../contracts/index.js';
import { paymentOutbox, payments } from '../../db/index.js';
import { createPaymentStore, type PaymentStore } from '../../payments/store.js';
import type { NewPayment, PaymentEventMessage } from '../../payments/types.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import { setupCatalog, type CatalogFixture } from '../catalog/setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();

/** A valid payment input for order `code`. */
function newPayment(code: string, over: Partial<NewPayment> = {}): NewPayment {
  return {
    orderId: `order-${code}`,
    orderCode: code,
    userId: 'user-1',
    amountMinor: 150_000,
    currency: 'VND',
    provider: 'sandbox',
    ...over,
  };
}

describe.skipIf(skip !== undefined)('payment store', () => {
  let fx: CatalogFixture;
  let store: PaymentStore;
  const outboxFor = (paymentId: string) =>
    fx.handle.db
      .select()
      .from(paymentOutbox)
      .where(
        sql`${paymentOutbox.subject} like 'tb.evt.payment.%' and position(${paymentId} in encode(${paymentOutbox.payload}, 'escape')) > 0`,
      );

  beforeAll(async () => {
    fx = await setupCatalog();
    store = createPaymentStore(fx.handle.db);
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('payments - a payment and its created event commit together', async () => {
    const { payment, created } = await store.createPayment(newPayment('ORD-1', { requestId: 'req-1' }));
    expect(created).toBe(true);
    expect(payment).toMatchObject({ status: 'PENDING', amountMinor: 150_000, currency: 'VND', version: 1, flags: {} });
    const rows = await fx.handle.db.select().from(paymentOutbox).where(eq(paymentOutbox.subject, 'tb.evt.payment.ORD-1.created'));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.msgId).toBe(row.id);
    expect(row.publishedAt).toBeNull();
    expect(row.headers).toMatchObject({ 'tb-event-type': 'payment.created', 'tb-request-id': 'req-1' });
    const body = decode(row.payload) as PaymentEventMessage;
    expect(body).toMatchObject({ type: 'payment.created', kind: 'payment', id: 'ORD-1', seq: 1, n: 0, requestId: 'req-1' });
    expect(body.data).toMatchObject({ paymentId: payment.id, orderId: 'order-ORD-1', amountMinor: 150_000, status: 'PENDING' });
  });

  it('payments - a failing transaction leaves neither payment nor outbox row', async () => {
    // Make the second write of the transaction (the outbox insert) fail for one order code.
    await fx.handle.sql.unsafe(`
      create or replace function tb_test_boom() returns trigger language plpgsql as $$
      begin if new.subject like '%.BOOM-1.%' then raise exception 'boom'; end if; return new; end $$;
      create trigger tb_test_boom before insert on payment_outbox for each row execute function tb_test_boom();`);
    try {
      const err = await store.createPayment(newPayment('BOOM-1')).catch((e: unknown) => e);
      expect(TbError.is(err)).toBe(true);
      expect(await fx.handle.db.select().from(payments).where(eq(payments.orderCode, 'BOOM-1'))).toHaveLength(0);
      expect(await fx.handle.db.select().from(paymentOutbox).where(sql`${paymentOutbox.subject} like '%.BOOM-1.%'`)).toHaveLength(0);
    } finally {
      await fx.handle.sql.unsafe('drop trigger tb_test_boom on payment_outbox; drop function tb_test_boom();');
    }
  });

  it('payments - a create retried with the same id returns the first payment', async () => {
    const id = randomUUID();
    const first = await store.createPayment(newPayment('ORD-2', { id }));
    const again = await store.createPayment(newPayment('ORD-2', { id, amountMinor: 1 }));
    expect(again.created).toBe(false);
    expect(again.payment).toEqual(first.payment);
    expect(await outboxFor(id)).toHaveLength(1);
  });

  it('payments - invalid input is refused with PAYMENT_INVALID', async () => {
    for (const bad of [
      { amountMinor: -1 },
      { amountMinor: 1.5 },
      { currency: 'vnd' },
      { provider: 'paypal' as never },
      { orderCode: 'a.b' },
      { id: 'nope' },
    ]) {
      await expect(store.createPayment(newPayment('ORD-3', bad))).rejects.toMatchObject({ code: 'PAYMENT_INVALID' });
    }
    expect(await store.getByOrder('order-ORD-3')).toEqual([]);
  });

  it('payments - cancel moves only a PENDING payment and announces it', async () => {
    const { payment } = await store.createPayment(newPayment('ORD-4'));
    const first = await store.cancelPayment(payment.id, { reason: 'user' });
    expect(first).toMatchObject({ changed: true, payment: { status: 'CANCELED', version: 2 } });
    const second = await store.cancelPayment(payment.id);
    expect(second).toMatchObject({ changed: false, payment: { status: 'CANCELED', version: 2 } });
    const events = (await outboxFor(payment.id)).map((r) => decode(r.payload) as PaymentEventMessage);
    expect(events.map((e) => e.type).sort()).toEqual(['payment.canceled', 'payment.created']);
    expect(events.find((e) => e.type === 'payment.canceled')?.data).toMatchObject({ reason: 'user', status: 'CANCELED' });
    await expect(store.cancelPayment(randomUUID())).rejects.toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
  });

  it('payments - get and getByOrder read what was written', async () => {
    const a = await store.createPayment(newPayment('ORD-5'));
    const b = await store.createPayment(newPayment('ORD-5', { provider: 'vnpay' }));
    expect(await store.get(a.payment.id)).toEqual(a.payment);
    expect(await store.get('not-a-uuid')).toBeUndefined();
    expect((await store.getByOrder('order-ORD-5')).map((p) => p.id).sort()).toEqual([a.payment.id, b.payment.id].sort());
    const att = await store.attachProviderResponse(a.payment.id, { providerRef: 'ref-5', providerResponse: { paymentUrl: 'http://x' } });
    expect(att).toMatchObject({ providerRef: 'ref-5', providerResponse: { paymentUrl: 'http://x' } });
  });
});
