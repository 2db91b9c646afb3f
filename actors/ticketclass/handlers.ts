/**
 * @module actors/ticketclass/handlers
 * One handler per public verb of `tb.ticketclass.<id>.<verb>`: command → machine event (with the
 * batch's `now`), snapshot → reply. Each command's policy is decided once, by `decide` (checks.ts),
 * whose verdict the machine's guard reuses for the same event. Policy refusals are replies (`TbError` values), never throws,
 * except in `create`'s `init`, which has no error return (a thrown `TbError` becomes the reply).
 * Repeats by order id answer from state without a transition (idempotent by business key).
 */
import type { SnapshotFrom } from 'xstate';
import { TbError } from '../../contracts/index.js';
import {
  ReleaseReason,
  TicketClassCommands as C,
  TicketClassStatus,
  type HoldResult,
  type OrderOutcome,
  type TicketClassCommand,
  type TicketClassView,
} from '../../contracts/kinds/ticketclass.js';
import type { VerbHandler } from '../runtime/index.js';
import { decide, nextHoldEndsAt, type PolicyEvent } from './checks.js';
import { availableOf, finishedOf, holdOf, stockStateOf } from './inventory.js';
import { contextAsOf, ticketClassDefaults, type TicketClassMachine } from './machine.js';
import type { Refusal, TicketClassContext, TicketClassInput, TicketClassStateValue } from './types.js';

type Snapshot = SnapshotFrom<TicketClassMachine>;
type Handler<V extends keyof typeof C, R> = VerbHandler<TicketClassMachine, (typeof C)[V], R>;

const stateOf = (s: Snapshot) => s.value as TicketClassStateValue;
const refusal = (r: Refusal) => new TbError(r.code, r.params);
/**
 * The event if the policy applies it, `null` (answer from state) for a repeat, or the refusal:
 * the command's one decision, which the machine's guard reuses for this very event.
 */
function decided(snapshot: Snapshot | undefined, event: PolicyEvent): PolicyEvent | null | TbError {
  const v = decide(snapshot!.context, stateOf(snapshot!), event);
  return v.kind === 'refuse' ? refusal(v.refusal) : v.kind === 'noop' ? null : event;
}

/**
 * The status a class reports: an active class with nothing available is `allHeld` while unpaid
 * checkouts hold tickets (they may come back) and `soldOut` only when every ticket is sold.
 */
export function statusOf(state: TicketClassStateValue, ctx: TicketClassContext): TicketClassStatus {
  if (state === 'closed') return TicketClassStatus.Closed;
  if (state === 'paused') return TicketClassStatus.Paused;
  const stock = stockStateOf(ctx);
  return stock === 'inStock' ? TicketClassStatus.Active : stock === 'allHeld' ? TicketClassStatus.AllHeld : TicketClassStatus.SoldOut;
}

/** The `get` view of a snapshot as of `now` (due holds count as released). */
export function viewOf(snapshot: Snapshot, now: number): TicketClassView {
  const c = contextAsOf(snapshot.context, now);
  return {
    classId: c.classId,
    eventId: c.eventId,
    name: c.name,
    priceMinor: c.priceMinor,
    currency: c.currency,
    total: c.total,
    reserved: c.reserved,
    sold: c.sold,
    available: availableOf(c),
    holdsCount: c.holdsCount,
    soldOrders: c.soldOrders,
    status: statusOf(stateOf(snapshot), c),
    ...(c.saleStartsAt !== undefined ? { saleStartsAt: c.saleStartsAt } : {}),
    ...(c.saleEndsAt !== undefined ? { saleEndsAt: c.saleEndsAt } : {}),
    holdTtlMs: c.holdTtlMs,
    maxPerOrder: c.maxPerOrder,
    maxHolds: c.maxHolds,
    ...withDefined('nextHoldEndsAt', nextHoldEndsAt(c, now)),
  };
}

const withDefined = <K extends string>(key: K, value: number | undefined) =>
  value === undefined ? {} : ({ [key]: value } as Record<K, number>);

function holdReply(snapshot: Snapshot, orderId: string, now: number): HoldResult | TbError {
  const c = contextAsOf(snapshot.context, now);
  const hold = holdOf(c, orderId);
  if (!hold) return new TbError('INVENTORY_HOLD_NOT_FOUND', { classId: c.classId, orderId });
  return {
    classId: c.classId,
    orderId,
    quantity: hold.quantity,
    expiresAt: hold.expiresAt,
    available: availableOf(c),
    unitPriceMinor: c.priceMinor,
    currency: c.currency,
  };
}

function outcomeReply(before: Snapshot | undefined, after: Snapshot, orderId: string, now: number): OrderOutcome {
  const c = contextAsOf(after.context, now);
  const finished = finishedOf(c, orderId);
  // Changed by this command when the order still held tickets just before it (as of the same time).
  const changed = before !== undefined && holdOf(contextAsOf(before.context, now), orderId) !== undefined;
  const base = { classId: c.classId, orderId, changed, available: availableOf(c) };
  if (!finished) return { ...base, state: 'unknown', quantity: 0, changed: false };
  return { ...base, state: finished.state, quantity: finished.quantity, ...(finished.reason ? { reason: finished.reason } : {}) };
}

const create: Handler<'create', TicketClassView> = {
  schema: C.create,
  description: 'Create the ticket class (inventory of one class of one event)',
  init: (cmd, ctx): TicketClassInput => {
    if (cmd.saleStartsAt !== undefined && cmd.saleEndsAt !== undefined && cmd.saleStartsAt >= cmd.saleEndsAt) {
      throw new TbError('INVENTORY_INVALID_SALE_WINDOW', { classId: ctx.id, saleStartsAt: cmd.saleStartsAt, saleEndsAt: cmd.saleEndsAt });
    }
    const { commandId, ...fields } = cmd;
    return { ...ticketClassDefaults, ...fields, classId: ctx.id, createCommandId: commandId, now: ctx.now };
  },
  // The same create (by command id) finds its own class; any other create finds a taken id.
  toEvent: (cmd, ctx) =>
    ctx.snapshot && ctx.snapshot.context.createCommandId !== cmd.commandId
      ? new TbError('INVENTORY_ALREADY_EXISTS', { classId: ctx.id })
      : null,
  reply: ({ after, now }) => viewOf(after, now),
};

const get: Handler<'get', TicketClassView> = {
  schema: C.get,
  readOnly: true,
  description: 'All fields, plus available and holdsCount',
  reply: ({ after, now }) => viewOf(after, now),
};

const reserve: Handler<'reserve', HoldResult> = {
  schema: C.reserve,
  description: 'Hold tickets for an order until expiresAt; a repeat for the same order returns the same hold',
  toEvent: (cmd, ctx) =>
    decided(ctx.snapshot, {
      type: 'ticketclass.reserve',
      orderId: cmd.orderId,
      quantity: cmd.quantity,
      holdMs: cmd.holdMs ?? ctx.snapshot!.context.holdTtlMs,
      now: ctx.now,
    }),
  reply: ({ cmd, after, now }) => holdReply(after, cmd.orderId, now),
};

const extend: Handler<'extend', HoldResult> = {
  schema: C.extend,
  description: 'Move a live hold deadline to max(expiresAt, now + holdMs); holdMs ≤ 1 h',
  toEvent: (cmd, ctx) => decided(ctx.snapshot, { type: 'ticketclass.extend', orderId: cmd.orderId, holdMs: cmd.holdMs, now: ctx.now }),
  reply: ({ cmd, after, now }) => holdReply(after, cmd.orderId, now),
};

const confirm: Handler<'confirm', OrderOutcome> = {
  schema: C.confirm,
  description: 'Turn the order hold into sold tickets (payment done); a confirmed order answers the same',
  toEvent: (cmd, ctx) => decided(ctx.snapshot, { type: 'ticketclass.confirm', orderId: cmd.orderId, now: ctx.now }),
  reply: ({ cmd, before, after, now }) => outcomeReply(before, after, cmd.orderId, now),
};

const release: Handler<'release', OrderOutcome> = {
  schema: C.release,
  description: 'Give the order hold back to stock; released or unknown orders are a no-op success',
  toEvent: (cmd, ctx) =>
    decided(ctx.snapshot, {
      type: 'ticketclass.release',
      orderId: cmd.orderId,
      reason: cmd.reason ?? ReleaseReason.Cancelled,
      now: ctx.now,
    }),
  reply: ({ cmd, before, after, now }) => outcomeReply(before, after, cmd.orderId, now),
};

const update: Handler<'update', TicketClassView> = {
  schema: C.update,
  description: 'Change name, price, total (≥ reserved + sold), sale window, hold TTL or per-order cap',
  toEvent: (cmd, ctx) => {
    const { commandId: _, ...changes } = cmd;
    return decided(ctx.snapshot, { type: 'ticketclass.update', changes, now: ctx.now });
  },
  reply: ({ after, now }) => viewOf(after, now),
};

/** pause / resume / close: idempotent (already there is a success); closed is final. */
function statusVerb(verb: 'pause' | 'resume' | 'close', target: TicketClassStateValue): Handler<typeof verb, TicketClassView> {
  return {
    schema: C[verb],
    description: {
      pause: 'Stop new reserves (holds may still be confirmed)',
      resume: 'Sell again after a pause',
      close: 'Stop selling for good',
    }[verb],
    toEvent: (_cmd: TicketClassCommand<typeof verb>, ctx) => {
      const state = stateOf(ctx.snapshot!);
      if (state === target) return null;
      if (state === 'closed') return new TbError('INVENTORY_CLASS_CLOSED', { classId: ctx.id });
      return { type: `ticketclass.${verb}`, now: ctx.now };
    },
    reply: ({ after, now }) => viewOf(after, now),
  };
}

/** The verbs of `tb.ticketclass.<id>.<verb>`. */
export const ticketClassHandlers = {
  create,
  get,
  reserve,
  extend,
  confirm,
  release,
  update,
  pause: statusVerb('pause', 'paused'),
  resume: statusVerb('resume', 'active'),
  close: statusVerb('close', 'closed'),
};
