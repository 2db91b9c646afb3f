/**
 * @module contracts/events/payment
 * Events the payment store raises through its outbox (on `tb.evt.payment.<orderCode>.<name>`),
 * in the same envelope as the actors' events, so one consumer reads both. Every event carries the
 * payment as it is after the change; the refund and flag events add their own fields. Schemas
 * accept extra fields (a newer publisher may add some).
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';

/** Event types the payment store raises (body `type`; the subject's last token drops `payment.`). */
export const PaymentEventType = {
  Created: 'payment.created',
  Completed: 'payment.completed',
  Failed: 'payment.failed',
  Canceled: 'payment.canceled',
  /** The provider is processing the payment (the saga may extend the hold); status stays PENDING. */
  Processing: 'payment.processing',
  /** A callback that must not change the status but must not be lost: mismatch, late, double pay, unmatched. */
  Flagged: 'payment.flagged',
  /** A refund of one received transaction was asked (once per transaction): the refund worker executes it. */
  RefundRequested: 'payment.refundRequested',
  /** The provider refunded the transaction. */
  Refunded: 'payment.refunded',
  /** The provider refused the refund: an operator must act (also recorded in `flagged_payments`). */
  RefundFailed: 'payment.refundFailed',
} as const;
export type PaymentEventType = (typeof PaymentEventType)[keyof typeof PaymentEventType];

/** The actor-style kind every payment event carries, so consumers treat all events alike. */
export const PAYMENT_KIND = 'payment';

function event<P extends TProperties>(properties: P) {
  return Type.Object({
    paymentId: Type.String(),
    orderId: Type.String(),
    orderCode: Type.String(),
    userId: Type.String(),
    amountMinor: Type.Integer(),
    currency: Type.String(),
    provider: Type.String(),
    status: Type.String(),
    providerTxnId: Type.Optional(Type.String()),
    ...properties,
  });
}

const Refund = {
  refundId: Type.String(),
  providerTxnId: Type.String(),
  refundAmountMinor: Type.Integer(),
  reason: Type.String(),
  requestedBy: Type.Optional(Type.String()),
};
const T = PaymentEventType;

/** TypeBox schema of every event's `data`, by type. */
export const PaymentEventSchemas = {
  [T.Created]: event({}),
  [T.Completed]: event({ providerTxnId: Type.String() }),
  [T.Failed]: event({ reason: Type.Optional(Type.String()) }),
  [T.Canceled]: event({ reason: Type.Optional(Type.String()) }),
  [T.Processing]: event({ providerTxnId: Type.String() }),
  /** Kept whatever it lacks (an operator reads it): every field optional. */
  [T.Flagged]: Type.Partial(event({ reason: Type.String(), flags: Type.Unknown() })),
  [T.RefundRequested]: event(Refund),
  [T.Refunded]: event(Refund),
  [T.RefundFailed]: event({ ...Refund, error: Type.Optional(Type.String()) }),
};

type Schemas = typeof PaymentEventSchemas;
/** The `data` of one payment event. */
export type PaymentEventData = { [K in keyof Schemas]: Static<Schemas[K]> }[keyof Schemas];
