/**
 * @module payments/types
 * The shapes the payment store takes and returns, and the event names it raises on
 * `tb.evt.payment.<orderCode>.<name>`. Types only (plus the constant name tables): no I/O.
 */
import type { PAYMENT_KIND, DomainEventMessage, PaymentEventType } from '../contracts/events/index.js';
import type { PaymentFlags, PaymentRow } from '../db/index.js';

/** Providers a payment can go through (the `payments_provider_ck` constraint lists the same). */
export const PAYMENT_PROVIDERS = ['zalopay', 'payos', 'vnpay', 'sandbox'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** Payment statuses; only PENDING ever changes. */
export const PaymentStatus = { Pending: 'PENDING', Completed: 'COMPLETED', Failed: 'FAILED', Canceled: 'CANCELED' } as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export { PaymentEventType, PAYMENT_KIND } from '../contracts/events/index.js';

/** A payment as the store returns it (the row, with typed enums). */
export interface Payment extends Omit<PaymentRow, 'provider' | 'status' | 'flags'> {
  provider: PaymentProviderName;
  status: PaymentStatus;
  flags: PaymentFlags;
}

/** What `createPayment` needs. `id` makes a retried create idempotent (same id → same payment). */
export interface NewPayment {
  id?: string;
  orderId: string;
  orderCode: string;
  userId: string;
  amountMinor: number;
  currency: string;
  provider: PaymentProviderName;
  providerRef?: string;
  providerRequest?: Record<string, unknown>;
  providerResponse?: Record<string, unknown>;
  /** Correlation id copied into the event's headers and body. */
  requestId?: string;
}

/**
 * A provider callback whose signature has already been verified: structurally the providers'
 * `PaymentEvent` (`payments/providers/types.ts`), so `verifyCallback(...).event` passes as is.
 * The payment is found by `paymentId`, else by (`provider`, `providerRef`), else by the newest
 * payment of `orderCode` with that provider.
 */
export interface VerifiedCallback {
  readonly provider: string;
  /** The provider's own transaction id: the dedupe key of the inbox and the event's msg id. */
  readonly providerTxnId: string;
  readonly orderCode: string;
  /** `pending`: the provider is still processing (announced, never a final answer). */
  readonly outcome: 'completed' | 'failed' | 'pending';
  readonly amountMinor: number;
  readonly currency: string;
  /** The callback as verified, kept in the inbox and on the payment. */
  readonly raw: unknown;
  readonly paymentId?: string;
  readonly providerRef?: string;
  /** Provider's failure reason, if any. */
  readonly reason?: string;
}

/** What the store decided for a callback the first time it saw it. */
export const InboxOutcome = {
  Applied: 'applied',
  AmountMismatch: 'amountMismatch',
  /** Paid after the payment was cancelled or failed, or paid twice: flagged `refundRequired`. */
  Late: 'late',
  /** A failure report for a payment that is no longer pending: recorded, nothing changes. */
  Ignored: 'ignored',
  /** No payment matches: recorded in the inbox (outcome `unmatched`) for reconciliation. */
  Unmatched: 'unmatched',
  /** The provider says it is still processing: `payment.processing` is announced, nothing is recorded as final. */
  Processing: 'processing',
} as const;
export type InboxOutcome = (typeof InboxOutcome)[keyof typeof InboxOutcome];

/** `recordCallback`'s answer. A duplicate changed nothing and reports the first outcome. */
export interface RecordCallbackResult {
  duplicate: boolean;
  outcome: InboxOutcome;
  payment: Payment | undefined;
  /** The `Nats-Msg-Id` of the event raised (`<provider>:<providerTxnId>`), if any. */
  eventMsgId: string | undefined;
}

/** `cancelPayment`'s answer: `changed` is false when the payment was no longer PENDING. */
export interface CancelPaymentResult {
  changed: boolean;
  payment: Payment;
}

/**
 * The body of every payment event: the actors' `DomainEventMessage`, so one consumer reads both.
 * `id` is the order code (events of one order share a subject prefix); `seq` is the payment's
 * `version` after the change (monotonic per payment) and `n` is 0.
 */
export interface PaymentEventMessage extends DomainEventMessage {
  type: PaymentEventType;
  kind: typeof PAYMENT_KIND;
}
