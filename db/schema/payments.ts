/**
 * @module db/schema/payments
 * Payments, their transactional outbox and the inbox of verified provider callbacks.
 * Invariants: a payment row and the outbox rows describing its change are written in one
 * transaction (`payments/store.ts`); an outbox row is published by `payments/outbox-relay.ts`
 * with `Nats-Msg-Id = msg_id` and marked `published_at` only after JetStream acknowledged it;
 * an inbox row exists at most once per (provider, provider transaction id), forever, so a
 * provider's retries and duplicates are applied once.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tz = { withTimezone: true, mode: 'date' } as const;

/** PostgreSQL `bytea` as a `Uint8Array` (the msgpack body of an outbox message). */
const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength),
  fromDriver: (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength),
});

/** Flags raised on a payment that needs a human or the saga to look again. */
export interface PaymentFlags {
  /** A callback's amount or currency differed from the payment's: it was refused. */
  amountMismatch?: { amountMinor: number; currency: string; providerTxnId: string; at: number };
  /** Money arrived for a payment that is no longer payable (cancelled, failed, already paid). */
  refundRequired?: { reason: string; providerTxnId: string; amountMinor: number; at: number };
}

/** Constraint and index names callers branch on (`wrapDbError` `unique`). */
export const PaymentsConstraints = {
  ProviderTxn: 'payments_provider_txn_uq',
  OutboxMsgId: 'payment_outbox_msg_id_uq',
  InboxPk: 'payment_inbox_pk',
} as const;

/**
 * One payment intent of an order. `version` grows by one on every change and is the `seq` of the
 * events it emits, so a consumer can ignore a stale event. `provider_txn_id` is unique per
 * provider when set (NULLs do not collide).
 */
export const payments = pgTable(
  'payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: text('order_id').notNull(),
    orderCode: text('order_code').notNull(),
    userId: text('user_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    provider: text('provider').notNull(),
    status: text('status').notNull().default('PENDING'),
    providerRef: text('provider_ref'),
    providerTxnId: text('provider_txn_id'),
    providerRequest: jsonb('provider_request').$type<Record<string, unknown>>(),
    providerResponse: jsonb('provider_response').$type<Record<string, unknown>>(),
    flags: jsonb('flags').$type<PaymentFlags>().notNull().default({}),
    version: integer('version').notNull().default(1),
    /** Refunds of money taken for this payment: null (none), PENDING, REFUNDED or FAILED (`payment_refunds` holds each). */
    refundStatus: text('refund_status'),
    refundedAmountMinor: bigint('refunded_amount_minor', { mode: 'number' }).notNull().default(0),
    refundedAt: timestamp('refunded_at', tz),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex(PaymentsConstraints.ProviderTxn).on(t.provider, t.providerTxnId),
    index('payments_order_ix').on(t.orderId),
    index('payments_order_code_ix').on(t.orderCode),
    // The callback and sandbox lookups (provider + reference or order code, newest first: a
    // backward scan) read one index entry whatever the table's size (0006_perf_indexes, issue 12).
    index('payments_provider_ref_ix').on(t.provider, t.providerRef, t.createdAt),
    index('payments_provider_code_ix').on(t.provider, t.orderCode, t.createdAt),
    check('payments_status_ck', sql`${t.status} in ('PENDING', 'COMPLETED', 'FAILED', 'CANCELED')`),
    check('payments_provider_ck', sql`${t.provider} in ('zalopay', 'payos', 'vnpay', 'sandbox')`),
    check('payments_amount_ck', sql`${t.amountMinor} >= 0`),
    check('payments_refund_status_ck', sql`${t.refundStatus} is null or ${t.refundStatus} in ('PENDING', 'REFUNDED', 'FAILED')`),
  ],
);

/**
 * One refund of one money transfer (`provider`, `provider_txn_id`): the unique pair is what makes
 * a refund happen at most once, whichever path asks for it (a flagged callback, the order, an
 * organizer, an event cancellation). `id` is the idempotent refund request id sent to the
 * provider (ZaloPay `m_refund_id`, PayOS `x-idempotency-key`, VNPay `vnp_RequestId`, sandbox
 * `refundId`), derived from the pair. Status: REQUESTED → SUBMITTED (provider still processing)
 * → SUCCEEDED | FAILED.
 */
export const paymentRefunds = pgTable(
  'payment_refunds',
  {
    id: text('id').primaryKey(),
    paymentId: uuid('payment_id').notNull(),
    orderId: text('order_id').notNull(),
    orderCode: text('order_code').notNull(),
    userId: text('user_id').notNull(),
    provider: text('provider').notNull(),
    providerTxnId: text('provider_txn_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    reason: text('reason').notNull(),
    requestedBy: text('requested_by'),
    status: text('status').notNull().default('REQUESTED'),
    providerRefundId: text('provider_refund_id'),
    providerRequest: jsonb('provider_request').$type<Record<string, unknown>>(),
    providerResponse: jsonb('provider_response').$type<Record<string, unknown>>(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', tz).notNull().defaultNow(),
    completedAt: timestamp('completed_at', tz),
  },
  (t) => [
    uniqueIndex('payment_refunds_txn_uq').on(t.provider, t.providerTxnId),
    index('payment_refunds_order_ix').on(t.orderId),
    index('payment_refunds_payment_ix').on(t.paymentId),
    check('payment_refunds_status_ck', sql`${t.status} in ('REQUESTED', 'SUBMITTED', 'SUCCEEDED', 'FAILED')`),
    check('payment_refunds_amount_ck', sql`${t.amountMinor} > 0`),
  ],
);

/**
 * The local sandbox provider's own ledger of refunds it executed (the provider side of the
 * sandbox refund contract): one row per refund request id, so a retried request refunds once,
 * and at most the paid amount per transaction.
 */
export const sandboxRefunds = pgTable(
  'sandbox_refunds',
  {
    refundId: text('refund_id').primaryKey(),
    providerTxnId: text('provider_txn_id').notNull(),
    orderCode: text('order_code').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
  },
  (t) => [index('sandbox_refunds_txn_ix').on(t.providerTxnId)],
);

/**
 * Events waiting to reach JetStream. `msg_id` is the `Nats-Msg-Id` (the row id for events the
 * store raises itself, `<provider>:<providerTxnId>` for a callback's event). A failed attempt
 * bumps `attempts`, records `last_error` and pushes `next_attempt_at` back (backoff).
 */
export const paymentOutbox = pgTable(
  'payment_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    msgId: text('msg_id').notNull(),
    subject: text('subject').notNull(),
    payload: bytea('payload').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp('created_at', tz).notNull().defaultNow(),
    publishedAt: timestamp('published_at', tz),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', tz).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex(PaymentsConstraints.OutboxMsgId).on(t.msgId),
    index('payment_outbox_due_ix').on(t.nextAttemptAt, t.createdAt).where(sql`${t.publishedAt} is null`),
  ],
);

/**
 * Every verified provider callback, once: the primary key is the dedupe gate. `outcome` is what
 * the store decided the first time (applied, amountMismatch, late, ignored, unmatched) and
 * `outbox_msg_id` the event it raised, if any. Never pruned (providers retry for days).
 */
export const paymentInbox = pgTable(
  'payment_inbox',
  {
    provider: text('provider').notNull(),
    providerTxnId: text('provider_txn_id').notNull(),
    paymentId: uuid('payment_id'),
    outcome: text('outcome').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    outboxMsgId: text('outbox_msg_id'),
    receivedAt: timestamp('received_at', tz).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: PaymentsConstraints.InboxPk, columns: [t.provider, t.providerTxnId] })],
);

/** A row of `payments` as read. */
export type PaymentRow = typeof payments.$inferSelect;
/** A row of `payment_outbox` as read. */
export type PaymentOutboxRow = typeof paymentOutbox.$inferSelect;
/** A row of `payment_refunds` as read. */
export type PaymentRefundRow = typeof paymentRefunds.$inferSelect;
/** A row of `payment_inbox` as read. */
export type PaymentInboxRow = typeof paymentInbox.$inferSelect;
