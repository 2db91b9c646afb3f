/**
 * @module contracts/kinds/order
 * The public protocol of the `order` actor (one order: the saga's state, docs/orders.md): limits,
 * command and reply schemas for `tb.order.<orderId>.<verb>`. Invariants every reply reflects: an
 * order is never COMPLETED without a recorded succeeded payment (or a zero total), and every line
 * held for a FAILED or CANCELLED order is released (or reported stuck, never forgotten).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Command, ReadCommand } from '../schemas.js';
import { UserId } from './event.js';

/** Order status as reported. */
export const OrderStatus = {
  Creating: 'CREATING',
  Reserving: 'RESERVING',
  Pending: 'PENDING',
  Confirming: 'CONFIRMING',
  Completed: 'COMPLETED',
  Failed: 'FAILED',
  Cancelled: 'CANCELLED',
  /** Paid, but the money is going back (the organizer refunded, the event was cancelled, or the payment could not buy the tickets). */
  RefundPending: 'REFUND_PENDING',
  /** The money went back to the buyer; the order's tickets are void. */
  Refunded: 'REFUNDED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/**
 * Where one line stands on its ticket class: `pending` (reserve asked), `held`, `refused`,
 * `confirming` (confirm asked), `confirmed`, `releasing` (release asked), `released`, `lost`
 * (the hold was gone when the paid order confirmed it: refund).
 */
export const LineState = {
  Pending: 'pending',
  Held: 'held',
  Refused: 'refused',
  Confirming: 'confirming',
  Confirmed: 'confirmed',
  Releasing: 'releasing',
  Released: 'released',
  Lost: 'lost',
} as const;
export type LineState = (typeof LineState)[keyof typeof LineState];

/** Limits and defaults of an order. */
export const OrderLimits = {
  maxLines: 10,
  maxQuantity: 100,
  /** Payment deadline (`orderPaymentTtlMs` (config/tuning.ts) overrides per process, `paymentTtlMs` per order). */
  defaultPaymentTtlMs: 15 * 60_000,
  minPaymentTtlMs: 1_000,
  maxPaymentTtlMs: 45 * 60_000,
  /** How long reserving + creating the payment may take before the order fails (`timeout`). */
  defaultStepTimeoutMs: 60_000,
  /** How far a provider's "processing" notice moves the payment deadline, once. */
  defaultProcessingExtensionMs: 5 * 60_000,
} as const;

const EpochMs = Type.Integer({ minimum: 0 });
const ClassId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Reason = Type.String({ maxLength: 500 });
const Minor = Type.Integer({ minimum: 0, maximum: 1e15 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

/** A line as the buyer asks for it (prices come from the ticket classes, never from here). */
export const OrderLineRequest = Type.Object(
  {
    classId: ClassId,
    quantity: Type.Integer({ minimum: 1, maximum: OrderLimits.maxQuantity }),
  },
  { additionalProperties: false },
);

/** Command schemas, one per verb. Step results are sent by the order service and the saga worker. */
export const OrderCommands = {
  create: Command({
    userId: UserId,
    eventId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    lines: Type.Array(OrderLineRequest, { minItems: 1, maxItems: OrderLimits.maxLines }),
    provider: Type.Optional(Text(32)),
    /** The waitroom session the checkout token named (its slot frees when the order ends). */
    sessionId: Type.Optional(Text(64)),
    /** The order's human-friendly code, claimed unique through the `ordercode` actor (12 digits). */
    code: Type.Optional(Type.String({ pattern: '^[0-9]{12}$' })),
    paymentTtlMs: Type.Optional(Type.Integer({ minimum: OrderLimits.minPaymentTtlMs, maximum: OrderLimits.maxPaymentTtlMs })),
    stepTimeoutMs: Type.Optional(Type.Integer({ minimum: 1_000, maximum: 10 * 60_000 })),
  }),
  get: ReadCommand({ viewerId: UserId }),
  cancel: Command({ userId: UserId }),
  reserved: Command({ classId: ClassId, attempt: Type.Optional(Type.Integer({ minimum: 0 })), unitPriceMinor: Minor, currency: Currency }),
  reserveRefused: Command({
    classId: ClassId,
    attempt: Type.Optional(Type.Integer({ minimum: 0 })),
    code: Text(64),
    available: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  paymentCreated: Command({ paymentId: Text(64), paymentUrl: Text(4_000), provider: Text(32) }),
  paymentCreateFailed: Command({ reason: Reason }),
  paymentSucceeded: Command({ paymentId: Text(64), providerTxnId: Text(128), amountMinor: Minor, currency: Currency }),
  paymentFailed: Command({ paymentId: Text(64), reason: Reason }),
  paymentProcessing: Command({ paymentId: Text(64) }),
  confirmed: Command({ classId: ClassId }),
  confirmRefused: Command({ classId: ClassId, code: Text(64) }),
  released: Command({
    classId: ClassId,
    attempt: Type.Optional(Type.Integer({ minimum: 0 })),
    late: Type.Optional(
      Type.Boolean({
        description: 'answers the second release of a hold that landed after its first release (command id ends with :late)',
      }),
    ),
  }),
  /**
   * Refund a paid order (an event admin, checked by the gateway, or the event-cancellation
   * consumer): COMPLETED → REFUND_PENDING with `order.refundRequested`. Repeats answer the order.
   */
  refund: Command({
    requestedBy: Text(128),
    reason: Type.Union([Type.Literal('organizer'), Type.Literal('eventCancelled')]),
    /** When set, the order must belong to this event (else ORDER_NOT_FOUND): the gateway checked the caller's role on it. */
    eventId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  }),
  /** The payments side asked a refund of money this order's payment received (a flagged late payment). */
  refundRequested: Command({ refundId: Text(64), paymentId: Text(64), providerTxnId: Text(128), amountMinor: Minor, reason: Text(64) }),
  /** The provider refunded a transaction of this order: REFUND_PENDING → REFUNDED with `order.refunded`. */
  refunded: Command({ refundId: Text(64), paymentId: Text(64), providerTxnId: Text(128), amountMinor: Minor }),
  /** The provider refused the refund: the order stays REFUND_PENDING, its refund FAILED (operators act). */
  refundFailed: Command({ refundId: Text(64), paymentId: Text(64), providerTxnId: Text(128), reason: Reason }),
  /**
   * The order's event was cancelled (the event-cancel consumer, or the payment consumer finding
   * it so): an open order is cancelled and its holds released; from now on a payment never
   * completes it, it is recorded with `refundRequired`. Idempotent.
   */
  eventCancelled: Command({}),
  /** The saga worker could not perform a compensation after repeated tries: surfaced, never only logged (runtime rule 9). */
  compensationStuck: Command({ classId: ClassId, attempts: Type.Integer({ minimum: 1 }), error: Reason }),
};

/** One line of the view. */
export const OrderLineView = Type.Object({
  classId: Type.String(),
  quantity: Type.Integer(),
  unitPriceMinor: Type.Integer(),
  currency: Type.String(),
  state: Type.Union(Object.values(LineState).map((s) => Type.Literal(s))),
  attempt: Type.Optional(Type.Integer({ description: '0, or n after n re-reserves (a payment that arrived after a release)' })),
});

/** The payment as the order knows it. */
export const OrderPaymentView = Type.Object({
  paymentId: Type.String(),
  provider: Type.String(),
  paymentUrl: Type.String(),
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('PROCESSING'), Type.Literal('COMPLETED'), Type.Literal('FAILED')]),
});

/** The refund of the order, when money goes (or went) back. */
export const OrderRefundView = Type.Object({
  status: Type.Union([Type.Literal('PENDING'), Type.Literal('REFUNDED'), Type.Literal('FAILED')]),
  reason: Type.String({ description: 'organizer, eventCancelled, ticketsLost, paidAfterCancel, paidAfterFailure' }),
  amountMinor: Type.Integer(),
  currency: Type.String(),
  refundId: Type.Optional(Type.String()),
});

/** Every verb's reply: the order as its owner sees it. */
export const OrderView = Type.Object(
  {
    orderId: Type.String(),
    code: Type.String({ description: 'human-friendly unique code, 12 digits (usable as a PayOS orderCode)' }),
    userId: Type.String(),
    eventId: Type.String(),
    status: Type.Union(Object.values(OrderStatus).map((s) => Type.Literal(s))),
    lines: Type.Array(OrderLineView),
    totalMinor: Type.Integer(),
    currency: Type.String(),
    provider: Type.Optional(Type.String({ description: 'the payment provider chosen at create' })),
    payment: Type.Optional(OrderPaymentView),
    failureReason: Type.Optional(Type.String()),
    refundRequired: Type.Optional(Type.Boolean()),
    refund: Type.Optional(OrderRefundView),
    createdAt: EpochMs,
    updatedAt: EpochMs,
    expiresAt: EpochMs,
  },
  { title: 'OrderView' },
);
export type OrderView = Static<typeof OrderView>;

/** Reply schema per verb. */
export const OrderReplies = Object.fromEntries(Object.keys(OrderCommands).map((v) => [v, OrderView])) as Record<
  keyof typeof OrderCommands,
  typeof OrderView
>;

/** A decoded command of `verb`. */
export type OrderCommand<V extends keyof typeof OrderCommands> = Static<(typeof OrderCommands)[V]>;
