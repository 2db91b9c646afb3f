/**
 * @module payments/store
 * The payment store over PostgreSQL (drizzle; the order path's statements prepared, `raw-sql.ts`). Invariants: every change of a payment row and the
 * outbox event that announces it commit in one transaction (so an event exists iff its change
 * does); only a PENDING payment changes status; callbacks go through the inbox
 * (`payments/inbox.ts`) and are applied once. Database failures surface as `TbError`s
 * (`wrapDbError`): `RUNTIME_UNAVAILABLE` (retryable) or `INTERNAL`.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { ID_PATTERN, TbError } from '../contracts/index.js';
import { payments, withDbErrors, type Db } from '../db/index.js';
import { recordCallbackTx, toPayment } from './inbox.js';
import { OUTBOX_CHANNEL, enqueuePaymentEvent, paymentEventRow } from './outbox-relay.js';
import { bytesParam, jsonParam, rawClient, toPaymentRow } from './raw-sql.js';
import {
  PAYMENT_PROVIDERS,
  PaymentEventType,
  PaymentStatus,
  type RecordCallbackResult,
  type CancelPaymentResult,
  type NewPayment,
  type Payment,
  type VerifiedCallback,
  type PaymentProviderName,
} from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The payment store (see the module invariants). */
export interface PaymentStore {
  /**
   * Insert a PENDING payment and its `payment.created` event in one transaction. With an `id`
   * that already exists, returns that payment and `created: false` (a retried create).
   * Throws `PAYMENT_INVALID` on bad input.
   */
  createPayment(input: NewPayment): Promise<{ payment: Payment; created: boolean }>;
  /** Keep what the provider answered (reference, request, response / payment URL). No event. */
  attachProviderResponse(
    id: string,
    patch: { providerRef?: string; providerRequest?: Record<string, unknown>; providerResponse?: Record<string, unknown> },
  ): Promise<Payment>;
  /** Record a verified callback once (inbox); a duplicate returns `{ duplicate: true }` and changes nothing. */
  recordCallback(cb: VerifiedCallback): Promise<RecordCallbackResult>;
  /** PENDING → CANCELED with `payment.canceled`; any other status is left alone (`changed: false`). */
  cancelPayment(id: string, opts?: { reason?: string; requestId?: string }): Promise<CancelPaymentResult>;
  get(id: string): Promise<Payment | undefined>;
  /** Every payment of an order, newest first. */
  getByOrder(orderId: string): Promise<Payment[]>;
  /** The newest payment of `provider` for an order code (what a provider's return page names), or undefined. */
  latestByOrderCode(provider: PaymentProviderName, orderCode: string): Promise<Payment | undefined>;
}

/** Throw `PAYMENT_INVALID` unless `input` can be stored and addressed on a subject. */
function validate(input: NewPayment): void {
  const bad = (reason: string) => new TbError('PAYMENT_INVALID', { reason });
  if (input.id !== undefined && !UUID.test(input.id)) throw bad('id must be a UUID');
  if (!ID_PATTERN.test(input.orderCode)) throw bad('orderCode must be 1-64 characters of A-Z a-z 0-9 _ -');
  if (!input.orderId || !input.userId) throw bad('orderId and userId are required');
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0) throw bad('amountMinor must be a non-negative integer');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw bad('currency must be an ISO 4217 code such as VND');
  if (!(PAYMENT_PROVIDERS as readonly string[]).includes(input.provider))
    throw bad(`provider must be one of ${PAYMENT_PROVIDERS.join(', ')}`);
}

/** Create the store over `db`. */
export function createPaymentStore(db: Db): PaymentStore {
  const notFound = (id: string) => new TbError('PAYMENT_NOT_FOUND', { paymentId: id });
  const get = (id: string) =>
    withDbErrors(async () => {
      if (!UUID.test(id)) return undefined;
      const [row] = await db.select().from(payments).where(eq(payments.id, id));
      return row ? toPayment(row) : undefined;
    });

  return {
    async createPayment(input) {
      validate(input);
      // One prepared statement: the payment, its `payment.created` outbox row and the NOTIFY
      // (delivered at commit) in one round trip (issue 12; was a drizzle transaction of four).
      const id = input.id ?? randomUUID();
      const fresh = {
        id,
        orderId: input.orderId,
        orderCode: input.orderCode,
        userId: input.userId,
        amountMinor: input.amountMinor,
        currency: input.currency,
        provider: input.provider,
        status: PaymentStatus.Pending,
        version: 1,
        providerTxnId: null,
      } as unknown as Payment;
      const ev = paymentEventRow(fresh, PaymentEventType.Created, input.requestId ? { requestId: input.requestId } : {});
      const client = rawClient(db);
      return withDbErrors(async () => {
        const rows = await client`
          with ins as (
            insert into payments (id, order_id, order_code, user_id, amount_minor, currency, provider, provider_ref, provider_request, provider_response)
            values (${id}::uuid, ${input.orderId}::text, ${input.orderCode}::text, ${input.userId}::text, ${input.amountMinor}::bigint, ${input.currency}::text,
              ${input.provider}::text, ${input.providerRef ?? null}::text, ${jsonParam(input.providerRequest)}::jsonb, ${jsonParam(input.providerResponse)}::jsonb)
            on conflict (id) do nothing returning *
          ), ev as (
            insert into payment_outbox (id, msg_id, subject, payload, headers)
            select ${ev.id}::uuid, ${ev.msgId}::text, ${ev.subject}::text, ${bytesParam(ev.payload)}::bytea, ${jsonParam(ev.headers)}::jsonb from ins
            on conflict (msg_id) do nothing returning id
          ), n as (select pg_notify(${OUTBOX_CHANNEL}::text, '') from ev)
          select ins.*, (select count(*) from n)::int as notified from ins`;
        if (rows[0]) return { payment: toPayment(toPaymentRow(rows[0])), created: true };
        // A retried create: the row exists (read in a new snapshot, after any concurrent insert committed).
        const [existing] = await client`select * from payments where id = ${id}::uuid`;
        if (!existing) throw new TbError('RUNTIME_UNAVAILABLE', {}, { message: `payment ${id} neither inserted nor found` });
        return { payment: toPayment(toPaymentRow(existing)), created: false };
      });
    },

    async attachProviderResponse(id, patch) {
      const has = (v: unknown) => v !== undefined;
      const client = rawClient(db);
      const [row] = await withDbErrors(
        () => client`
        update payments set
          provider_ref = case when ${has(patch.providerRef)}::boolean then ${patch.providerRef ?? null}::text else provider_ref end,
          provider_request = case when ${has(patch.providerRequest)}::boolean then ${jsonParam(patch.providerRequest)}::jsonb else provider_request end,
          provider_response = case when ${has(patch.providerResponse)}::boolean then ${jsonParam(patch.providerResponse)}::jsonb else provider_response end,
          updated_at = now()
        where id = ${UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000'}::uuid returning *`,
      );
      if (!row) throw notFound(id);
      return toPayment(toPaymentRow(row));
    },

    recordCallback(cb) {
      return withDbErrors(() => db.transaction((tx) => recordCallbackTx(tx, cb)));
    },

    async cancelPayment(id, opts = {}) {
      if (!UUID.test(id)) throw notFound(id);
      return withDbErrors(() =>
        db.transaction(async (tx) => {
          const [row] = await tx.select().from(payments).where(eq(payments.id, id)).for('update');
          if (!row) throw notFound(id);
          if (row.status !== PaymentStatus.Pending) return { changed: false, payment: toPayment(row) };
          const [updated] = await tx
            .update(payments)
            .set({ status: PaymentStatus.Canceled, version: sql`${payments.version} + 1`, updatedAt: new Date() })
            .where(eq(payments.id, id))
            .returning();
          const payment = toPayment(updated!);
          await enqueuePaymentEvent(tx, payment, PaymentEventType.Canceled, {
            ...(opts.requestId ? { requestId: opts.requestId } : {}),
            extra: { reason: opts.reason ?? 'canceled' },
          });
          return { changed: true, payment };
        }),
      );
    },

    get,

    getByOrder: (orderId) =>
      withDbErrors(async () =>
        (await db.select().from(payments).where(eq(payments.orderId, orderId)).orderBy(desc(payments.createdAt))).map(toPayment),
      ),
    latestByOrderCode: (provider, orderCode) =>
      withDbErrors(async () => {
        const [row] = await db
          .select()
          .from(payments)
          .where(and(eq(payments.provider, provider), eq(payments.orderCode, orderCode)))
          .orderBy(desc(payments.createdAt))
          .limit(1);
        return row ? toPayment(row) : undefined;
      }),
  };
}
