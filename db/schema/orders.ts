/**
 * @module db/schema/orders
 * The order read models: the order-history projection of `order.*` events (one row per
 * order plus its lines) and the operators' list of flagged payments.
 * Invariants: an order row only ever moves forward — it is replaced only by an event with a
 * higher `(version, version_n)` (the actor's write sequence and the event's index in that
 * write), so replays and redeliveries are no-ops; its lines are replaced in the same
 * transaction. A flagged payment is recorded once per `flag_id` (the event's `Nats-Msg-Id`).
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true, mode: 'date' } as const;

/** The payment part of an order view, as the order actor reports it (kept as given). */
export type OrderPaymentView = Record<string, unknown>;

/**
 * One order as last projected. `user_id` is the owner (only they read it); `event_id` groups the
 * organizer's sales view. Money is in minor units of `currency`.
 */
export const orderHistory = pgTable(
  'order_history',
  {
    orderId: text('order_id').primaryKey(),
    code: text('code').notNull(),
    userId: text('user_id').notNull(),
    eventId: text('event_id').notNull(),
    status: text('status').notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    payment: jsonb('payment').$type<OrderPaymentView>(),
    failureReason: text('failure_reason'),
    refundRequired: boolean('refund_required').notNull().default(false),
    createdAt: timestamp('created_at', tz).notNull(),
    updatedAt: timestamp('updated_at', tz).notNull(),
    version: integer('version').notNull(),
    versionN: integer('version_n').notNull().default(0),
  },
  (t) => [
    index('order_history_user_ix').on(t.userId, t.createdAt.desc(), t.orderId.desc()),
    index('order_history_event_ix').on(t.eventId, t.status),
  ],
);

/** The lines of an order (replaced whole whenever the order row is). */
export const orderHistoryLines = pgTable(
  'order_history_lines',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orderHistory.orderId, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    classId: text('class_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    state: text('state').notNull(),
  },
  (t) => [
    primaryKey({ name: 'order_history_lines_pk', columns: [t.orderId, t.lineNo] }),
    index('order_history_lines_class_ix').on(t.classId),
  ],
);

/**
 * Payments an operator must look at: a `payment.flagged` event (amount mismatch, money after
 * cancel/failure, paid twice) or a payment the order refused. Kept until resolved by a human.
 */
export const flaggedPayments = pgTable(
  'flagged_payments',
  {
    flagId: text('flag_id').primaryKey(),
    source: text('source').notNull(),
    reason: text('reason').notNull(),
    paymentId: text('payment_id'),
    orderId: text('order_id'),
    orderCode: text('order_code').notNull(),
    userId: text('user_id'),
    provider: text('provider'),
    providerTxnId: text('provider_txn_id'),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    currency: text('currency'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    flaggedAt: timestamp('flagged_at', tz).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', tz),
  },
  (t) => [index('flagged_payments_open_ix').on(t.flaggedAt).where(sql`${t.resolvedAt} is null`)],
);

/** A row of `order_history` as read. */
export type OrderHistoryRow = typeof orderHistory.$inferSelect;
/** A row of `order_history_lines` as read. */
export type OrderHistoryLineRow = typeof orderHistoryLines.$inferSelect;
/** A row of `flagged_payments` as read. */
export type FlaggedPaymentRow = typeof flaggedPayments.$inferSelect;
