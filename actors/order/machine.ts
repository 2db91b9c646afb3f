/**
 * @module actors/order/machine
 * The order saga as a pure XState machine. One action (`apply`) runs the saga's decision
 * (`saga.ts`) and emits its events; the state value follows the decided phase through eventless
 * transitions (`reserving` → `awaitingPayment` → `confirming` → `completed`; `compensating` →
 * `failed` / `cancelled`). Deadlines live in context (`nextOrderDeadline`), never in `after`.
 */
import { enqueueActions, setup } from 'xstate';
import { stepAction } from '../runtime/index.js';
import { LineState as L, OrderStatus as S } from '../../contracts/kinds/order.js';
import { reserveIntent } from './compensations.js';
import { OrderEventType as T, type OrderEvent } from './events.js';
import { decide } from './saga.js';
import type { OrderContext, OrderInput, OrderMachineEvent, OrderPhase } from './types.js';
import { viewOf } from './view.js';

/** The phase (state value) a context is in. */
export function phaseOf(c: OrderContext): OrderPhase {
  switch (c.status) {
    case S.Creating:
      return 'creating';
    case S.Reserving:
      return 'reserving';
    case S.Pending:
      return 'awaitingPayment';
    case S.Confirming:
      return 'confirming';
    case S.Completed:
      return 'completed';
    case S.RefundPending:
      return 'refundPending';
    case S.Refunded:
      return 'refunded';
    default:
      return c.lines.some((l) => l.state === L.Releasing) ? 'compensating' : c.status === S.Failed ? 'failed' : 'cancelled';
  }
}

const PHASES: OrderPhase[] = [
  'creating',
  'reserving',
  'awaitingPayment',
  'confirming',
  'compensating',
  'completed',
  'failed',
  'cancelled',
  'refundPending',
  'refunded',
];

/** The one action: decide, assign, emit. */
const apply = stepAction<OrderContext, OrderMachineEvent, OrderEvent>((context, event) => decide(context, event));

/** A phase that moves to the decided one as soon as the context says so. */
const phase = (p: OrderPhase) => ({
  always: PHASES.filter((q) => q !== p).map((q) => ({
    guard: ({ context }: { context: OrderContext }) => phaseOf(context) === q,
    target: q,
  })),
});

/** The `order` machine (input: `OrderInput`, built by the `create` handler). */
export const orderMachine = setup({
  types: { context: {} as OrderContext, events: {} as OrderMachineEvent, input: {} as OrderInput, emitted: {} as OrderEvent },
  actions: { apply },
}).createMachine({
  id: 'order',
  // xstate's pure transition() evaluates this factory with no input on every call: answer cheaply.
  context: ({ input }) => (input ? initialContext(input) : ({} as OrderContext)),
  initial: 'creating',
  entry: enqueueActions(({ context, enqueue }) => {
    enqueue.emit({
      type: T.Created,
      orderId: context.orderId,
      userId: context.userId,
      eventId: context.eventId,
      at: context.createdAt,
      order: viewOf(context),
    });
    for (const line of context.lines) enqueue.emit(reserveIntent(context, line, context.createdAt));
  }),
  on: { '*': { actions: 'apply' } },
  states: {
    creating: phase('creating'),
    reserving: phase('reserving'),
    awaitingPayment: phase('awaitingPayment'),
    confirming: phase('confirming'),
    compensating: phase('compensating'),
    completed: phase('completed'),
    failed: phase('failed'),
    cancelled: phase('cancelled'),
    refundPending: phase('refundPending'),
    refunded: phase('refunded'),
  },
});

/** The context of a new order: every line `pending` (its reserve intent is emitted at entry), status RESERVING. */
function initialContext(input: OrderInput): OrderContext {
  const { now } = input;
  return {
    orderId: input.orderId,
    code: input.code,
    userId: input.userId,
    eventId: input.eventId,
    provider: input.provider,
    ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
    status: S.Reserving,
    lines: input.lines.map((l) => ({
      classId: l.classId,
      quantity: l.quantity,
      unitPriceMinor: 0,
      currency: '',
      state: L.Pending,
      attempt: 0,
    })),
    totalMinor: 0,
    currency: '',
    paymentRequested: false,
    latePayment: false,
    reclaiming: false,
    extended: false,
    paymentTtlMs: input.paymentTtlMs,
    processingExtensionMs: input.processingExtensionMs,
    stepDeadline: now + input.stepTimeoutMs,
    expiresAt: now + input.paymentTtlMs,
    createCommandId: input.createCommandId,
    createdAt: now,
    updatedAt: now,
  };
}

/** Earliest deadline: the step deadline and the payment deadline while reserving, the payment deadline while pending. */
export function nextOrderDeadline(c: OrderContext): number | undefined {
  if (c.status === S.Reserving) return Math.min(c.stepDeadline, c.expiresAt);
  if (c.status === S.Pending) return c.expiresAt;
  return undefined;
}

/** The machine's type. */
export type OrderMachine = typeof orderMachine;
