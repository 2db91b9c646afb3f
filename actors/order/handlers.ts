/**
 * @module actors/order/handlers
 * One handler per public verb of `tb.order.<orderId>.<verb>`: command → machine event (with the
 * batch's `now`), snapshot → the owner's view. `get` and `cancel` answer `ORDER_NOT_FOUND` to
 * anyone but the owner (a stranger learns nothing); step results are never refused: a result for
 * a step already settled is applied as a no-op by the saga, so duplicates are harmless.
 */
import type { SnapshotFrom } from 'xstate';
import { TbError } from '../../contracts/index.js';
import { OrderCommands as C, OrderLimits, OrderStatus as S, type OrderView } from '../../contracts/kinds/order.js';
import type { VerbHandler } from '../runtime/index.js';
import type { OrderMachine } from './machine.js';
import type { OrderInput, OrderMachineEvent } from './types.js';
import { orderCodeOf, viewOf } from './view.js';

type Snapshot = SnapshotFrom<OrderMachine>;
type Handler<V extends keyof typeof C> = VerbHandler<OrderMachine, (typeof C)[V], OrderView>;

/** What `create` assumes when the command leaves a setting out (the order service always sends its configured values). */
export const orderDefaults = {
  paymentTtlMs: OrderLimits.defaultPaymentTtlMs,
  stepTimeoutMs: OrderLimits.defaultStepTimeoutMs,
  processingExtensionMs: OrderLimits.defaultProcessingExtensionMs,
  provider: 'sandbox',
} as const;

const notFound = (id: string) => new TbError('ORDER_NOT_FOUND', { orderId: id });
const reply = ({ after }: { after: Snapshot }) => viewOf(after.context);

const create: Handler<'create'> = {
  schema: C.create,
  description: 'Start the order saga: reserve every line (all or nothing), then ask for payment',
  init: (cmd, ctx): OrderInput => {
    const seen = new Set<string>();
    for (const l of cmd.lines) {
      if (seen.has(l.classId)) throw new TbError('ORDER_DUPLICATE_LINE', { classId: l.classId });
      seen.add(l.classId);
    }
    return {
      orderId: ctx.id,
      code: cmd.code ?? orderCodeOf(ctx.id),
      userId: cmd.userId,
      eventId: cmd.eventId,
      lines: cmd.lines,
      provider: cmd.provider ?? orderDefaults.provider,
      ...(cmd.sessionId !== undefined ? { sessionId: cmd.sessionId } : {}),
      paymentTtlMs: cmd.paymentTtlMs ?? orderDefaults.paymentTtlMs,
      stepTimeoutMs: cmd.stepTimeoutMs ?? orderDefaults.stepTimeoutMs,
      processingExtensionMs: orderDefaults.processingExtensionMs,
      createCommandId: cmd.commandId,
      now: ctx.now,
    };
  },
  // A repeated create (same order id: same user and key) answers the order as it is now.
  toEvent: (cmd, ctx) => (ctx.snapshot!.context.userId !== cmd.userId ? notFound(ctx.id) : null),
  reply: ({ cmd, id, after }) => (after.context.userId !== cmd.userId ? notFound(id) : viewOf(after.context)),
};

const get: Handler<'get'> = {
  schema: C.get,
  readOnly: true,
  description: 'The order, for its owner only',
  reply: ({ cmd, id, after }) => (after.context.userId === cmd.viewerId ? viewOf(after.context) : notFound(id)),
};

const cancel: Handler<'cancel'> = {
  schema: C.cancel,
  description: 'The owner cancels a PENDING order: holds released, CANCELLED; a cancelled order answers the same',
  toEvent: (cmd, ctx) => {
    const c = ctx.snapshot!.context;
    if (c.userId !== cmd.userId) return notFound(ctx.id);
    if (c.status === S.Cancelled && c.failureReason === 'cancelled') return null;
    if (c.status !== S.Pending) return new TbError('ORDER_NOT_CANCELLABLE', { orderId: ctx.id, status: c.status });
    return { type: 'order.cancel', now: ctx.now };
  },
  reply,
};

const refund: Handler<'refund'> = {
  schema: C.refund,
  description:
    'Refund a paid order (event admins through the gateway, event cancellation): REFUND_PENDING, then REFUNDED when the provider answers',
  toEvent: (cmd, ctx) => {
    const c = ctx.snapshot!.context;
    if (cmd.eventId !== undefined && cmd.eventId !== c.eventId) return notFound(ctx.id);
    if (c.status === S.RefundPending || c.status === S.Refunded) return null;
    if (c.status !== S.Completed) return new TbError('REFUND_NOT_REFUNDABLE', { orderId: ctx.id, status: c.status });
    return { type: 'order.refund', requestedBy: cmd.requestedBy, reason: cmd.reason, now: ctx.now };
  },
  reply,
};

/** A step-result verb: the command's fields become the machine event `order.<verb>`. */
function result<V extends Exclude<keyof typeof C, 'create' | 'get' | 'cancel' | 'refund'>>(verb: V, description: string): Handler<V> {
  return {
    schema: C[verb] as (typeof C)[V],
    description,
    toEvent: (cmd, ctx) => {
      const { commandId: _, ...fields } = cmd as { commandId: string; attempt?: number };
      const withAttempt = 'attempt' in C[verb].properties ? { attempt: fields.attempt ?? 0 } : {};
      return { ...fields, ...withAttempt, type: `order.${verb}`, now: ctx.now } as unknown as OrderMachineEvent;
    },
    reply,
  };
}

/** The verbs of `tb.order.<orderId>.<verb>`. */
export const orderHandlers = {
  create,
  get,
  cancel,
  refund,
  refundRequested: result('refundRequested', "The payments side refunds late money of this order's payment: REFUND_PENDING"),
  refunded: result('refunded', "The provider refunded the order's payment: REFUNDED, order.refunded (tickets void)"),
  refundFailed: result('refundFailed', 'The provider refused the refund: the refund is FAILED, operators act'),
  reserved: result('reserved', 'A line is held on its ticket class (price and currency from the class)'),
  reserveRefused: result('reserveRefused', 'A line was refused by its ticket class (sold out, not on sale, ...)'),
  paymentCreated: result('paymentCreated', 'The payment exists at the provider: the order is PENDING with its URL'),
  paymentCreateFailed: result('paymentCreateFailed', 'The payment could not be created: the order fails and releases'),
  paymentSucceeded: result('paymentSucceeded', 'The verified payment completed: confirm every line (or re-reserve after a release)'),
  paymentFailed: result('paymentFailed', 'The verified payment failed: release, FAILED'),
  paymentProcessing: result('paymentProcessing', 'The provider is still processing: the payment deadline moves once, bounded'),
  confirmed: result('confirmed', 'A line is sold on its ticket class'),
  confirmRefused: result('confirmRefused', 'A line could not be confirmed (its hold was gone): refund flagged'),
  released: result('released', 'A line hold is back in stock'),
  compensationStuck: result('compensationStuck', 'A release keeps failing: emit order.compensationStuck'),
  eventCancelled: result(
    'eventCancelled',
    'The event was cancelled: an open order is cancelled (holds released); a later payment is recorded for refund, never completes it',
  ),
};
