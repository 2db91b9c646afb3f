/**
 * @module actors/order/types
 * The order's persisted context and its machine events. Invariants kept by every transition:
 * `status` is COMPLETED only with `payment.status === 'COMPLETED'` or `totalMinor === 0`; when
 * `status` is FAILED or CANCELLED no line is `pending`, `held` or `confirming` unless a late
 * payment is being honoured (`reclaiming`); the context is O(lines).
 */
import type { LineState, OrderStatus } from '../../contracts/kinds/order.js';

/** One line of the order. `attempt` 0 holds under the order id; a re-reserve after a release uses a new hold key. */
export interface OrderLine {
  classId: string;
  quantity: number;
  unitPriceMinor: number;
  currency: string;
  state: LineState;
  attempt: number;
  /** Set once the line's compensation was reported stuck by the saga worker. */
  stuck?: boolean;
  /** A reserve result (held or refused) of the current attempt was applied. */
  seen?: boolean;
  /** A hold landed after its release was asked, and a second release was asked for it. */
  late?: boolean;
}

/** The payment as recorded by the order. */
export interface OrderPayment {
  paymentId: string;
  provider: string;
  paymentUrl: string;
  status: 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED';
  providerTxnId?: string;
  amountMinor?: number;
  currency?: string;
}

/** The order's refund (the money of its own payment going back). */
export interface OrderRefund {
  status: 'PENDING' | 'REFUNDED' | 'FAILED';
  reason: string;
  amountMinor: number;
  currency: string;
  paymentId?: string;
  providerTxnId?: string;
  refundId?: string;
  requestedBy?: string;
}

/** The persisted context of one order. */
export interface OrderContext {
  orderId: string;
  code: string;
  userId: string;
  eventId: string;
  sessionId?: string;
  provider: string;
  status: OrderStatus;
  lines: OrderLine[];
  totalMinor: number;
  currency: string;
  payment?: OrderPayment;
  /** The payment was asked for (`order.paymentRequested` emitted). */
  paymentRequested: boolean;
  failureReason?: string;
  refundRequired?: boolean;
  /** Set once money of this order goes back (status REFUND_PENDING, then REFUNDED). */
  refund?: OrderRefund;
  /** The order's event was cancelled: no payment completes this order any more (it is flagged for refund). */
  eventCancelled?: boolean;
  /** A succeeded payment arrived while the order was failed or cancelled: honour it (re-reserve) once releases end. */
  latePayment: boolean;
  /** True while a late payment is being honoured: re-reserving, then confirming. */
  reclaiming: boolean;
  /** The provider's processing notice already moved `expiresAt` (bounded: once). */
  extended: boolean;
  paymentTtlMs: number;
  processingExtensionMs: number;
  /** Deadline of reserving + payment creation (durable). */
  stepDeadline: number;
  /** Payment deadline (durable). */
  expiresAt: number;
  createCommandId: string;
  createdAt: number;
  updatedAt: number;
}

/** Input of `initialTransition` (built by the `create` handler). */
export interface OrderInput {
  orderId: string;
  code: string;
  userId: string;
  eventId: string;
  sessionId?: string;
  provider: string;
  lines: Array<{ classId: string; quantity: number }>;
  paymentTtlMs: number;
  stepTimeoutMs: number;
  processingExtensionMs: number;
  createCommandId: string;
  now: number;
}

/** Machine events: the verbs dotted by kind, plus the runtime's `timer.fired`. All carry `now`. */
export type OrderMachineEvent =
  | { type: 'order.cancel'; now: number }
  | { type: 'order.reserved'; classId: string; attempt: number; unitPriceMinor: number; currency: string; now: number }
  | { type: 'order.reserveRefused'; classId: string; attempt: number; code: string; available?: number; now: number }
  | { type: 'order.paymentCreated'; paymentId: string; paymentUrl: string; provider: string; now: number }
  | { type: 'order.paymentCreateFailed'; reason: string; now: number }
  | { type: 'order.paymentSucceeded'; paymentId: string; providerTxnId: string; amountMinor: number; currency: string; now: number }
  | { type: 'order.paymentFailed'; paymentId: string; reason: string; now: number }
  | { type: 'order.paymentProcessing'; paymentId: string; now: number }
  | { type: 'order.confirmed'; classId: string; now: number }
  | { type: 'order.confirmRefused'; classId: string; code: string; now: number }
  | { type: 'order.released'; classId: string; attempt: number; late?: boolean; now: number }
  | { type: 'order.refund'; requestedBy: string; reason: 'organizer' | 'eventCancelled'; now: number }
  | {
      type: 'order.refundRequested';
      refundId: string;
      paymentId: string;
      providerTxnId: string;
      amountMinor: number;
      reason: string;
      now: number;
    }
  | { type: 'order.refunded'; refundId: string; paymentId: string; providerTxnId: string; amountMinor: number; now: number }
  | { type: 'order.refundFailed'; refundId: string; paymentId: string; providerTxnId: string; reason: string; now: number }
  | { type: 'order.compensationStuck'; classId: string; attempts: number; error: string; now: number }
  | { type: 'order.eventCancelled'; now: number }
  | { type: 'timer.fired'; now: number };

/** Machine state values (phases of the saga). */
export type OrderPhase =
  | 'creating'
  | 'reserving'
  | 'awaitingPayment'
  | 'confirming'
  | 'compensating'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'refundPending'
  | 'refunded';
