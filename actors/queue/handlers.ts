/**
 * @module actors/queue/handlers
 * One handler per public verb of `tb.queue.<eventId>.<verb>`: command → machine event (with the
 * batch's `now`), snapshot → reply. Refusals are replies (`TbError` values), never throws, except
 * in `create`'s `init`. Checks run against the context as of `now` (due slots expired, cursor
 * advanced), the same context the machine's change sees.
 */
import type { SnapshotFrom } from 'xstate';
import { TbError } from '../../contracts/index.js';
import {
  QueueCommands as C,
  QueueLimits,
  type BindResult,
  type ClaimResult,
  type JoinResult,
  type QueueView,
  type StatusesResult,
  type TicketView,
} from '../../contracts/kinds/queue.js';
import type { VerbHandler } from '../runtime/index.js';
import { isOpen, outcomeOf, positionOfTicket, rateAt, settle, slotOfSession, slotsInUse, stockStateOf } from './admission.js';
import { bindingOf, bindRefusal } from './checkout.js';
import { estimatedWaitMs } from './eta.js';
import type { QueueMachine } from './machine.js';
import type { QueueContext, QueueInput } from './types.js';

type Snapshot = SnapshotFrom<QueueMachine>;
type Handler<V extends keyof typeof C, R> = VerbHandler<QueueMachine, (typeof C)[V], R>;

/** The context as of `now`: due slots expired, the cursor advanced. */
export const contextAsOf = (ctx: QueueContext, now: number): QueueContext => settle(ctx, now).ctx;

/** What the queue knows about `ticket` (position, slot, outcome, people ahead, estimated wait) as of `now`. */
function ticketView(c: QueueContext, ticket: number, now: number): TicketView {
  const position = positionOfTicket(c, ticket);
  if (position === undefined) return { ticket };
  const slot = c.slots[String(position)];
  if (slot)
    return {
      ticket,
      position,
      slot: { state: slot.state, deadline: slot.deadline, ...(slot.sessionId ? { sessionId: slot.sessionId } : {}) },
      ahead: 0,
    };
  if (position <= c.cursor) {
    const outcome = outcomeOf(c, position);
    return { ticket, position, ...(outcome ? { outcome } : {}) };
  }
  const skipped = c.skips.filter((s) => s > c.cursor && s < position).length;
  const view: TicketView = { ticket, position, ahead: Math.max(0, position - c.cursor - 1 - skipped) };
  if (c.skips.includes(position)) view.outcome = 'left';
  else {
    const admitting = !c.paused && stockStateOf(c) === 'inStock';
    const eta = estimatedWaitMs(c, view.ahead!, now, admitting);
    if (eta !== undefined) view.estimatedWaitMs = Math.round(eta);
  }
  return view;
}

/** The public view of a queue as of `now`, plus `ticket`'s part when given. */
export function viewOf(snapshot: Snapshot, now: number, ticket?: number): QueueView {
  return viewOfSettled(contextAsOf(snapshot.context, now), now, ticket);
}

/** `viewOf` for a context already settled at `now`. */
function viewOfSettled(c: QueueContext, now: number, ticket?: number): QueueView {
  const view: QueueView = {
    eventId: c.eventId,
    phase: isOpen(c) ? 'open' : 'preQueue',
    joined: c.joined,
    cursor: c.cursor,
    maxConcurrent: c.maxConcurrent,
    slotsInUse: slotsInUse(c),
    seedHash: c.seedHash,
    admittedRate: rateAt(c.rate, now),
    admitted: c.admitted,
    soldOut: c.soldOut,
    claimGraceMs: c.claimGraceMs,
    checkoutTtlMs: c.checkoutTtlMs,
    at: now,
  };
  if (c.preQueueSize !== undefined) view.preQueueSize = c.preQueueSize;
  if (isOpen(c)) {
    view.seed = c.seed;
    view.openedAt = c.openedAt!;
  }
  if (c.opensAt !== undefined) view.opensAt = c.opensAt;
  if (c.available !== undefined) view.available = c.available;
  if (c.paused) view.paused = true;
  if (c.held !== undefined) view.held = c.held;
  if (stockStateOf(c) === 'allHeld') view.allHeld = true;
  if (ticket !== undefined && ticket <= c.joined) view.you = ticketView(c, ticket, now);
  return view;
}

const create: Handler<'create', QueueView> = {
  schema: C.create,
  description: 'Create the waitroom of the event (idempotent by command id); the seed stays secret until open',
  init: (cmd, ctx): QueueInput => ({
    eventId: ctx.id,
    maxConcurrent: cmd.maxConcurrent,
    seed: cmd.seed,
    claimGraceMs: cmd.claimGraceMs ?? QueueLimits.defaultClaimGraceMs,
    checkoutTtlMs: cmd.checkoutTtlMs ?? QueueLimits.defaultCheckoutTtlMs,
    ...(cmd.opensAt !== undefined ? { opensAt: cmd.opensAt } : {}),
    createCommandId: cmd.commandId,
    now: ctx.now,
  }),
  toEvent: (cmd, ctx) =>
    ctx.snapshot && ctx.snapshot.context.createCommandId !== cmd.commandId
      ? new TbError('QUEUE_ALREADY_EXISTS', { eventId: ctx.id })
      : null,
  reply: ({ after, now }) => viewOf(after, now),
};

const open: Handler<'open', QueueView> = {
  schema: C.open,
  description: 'Open the sale now: freeze and shuffle the pre-queue, reveal the seed, start admitting',
  toEvent: (_cmd, ctx) => (isOpen(ctx.snapshot!.context) ? null : { type: 'queue.open', now: ctx.now }),
  reply: ({ after, now }) => viewOf(after, now),
};

const join: Handler<'join', JoinResult> = {
  schema: C.join,
  description: 'Take the next ticket (one per command id: the service uses join:<userId>)',
  toEvent: (cmd, ctx) => ({ type: 'queue.join', userId: cmd.userId, now: ctx.now }),
  // `after` is the snapshot right after this command's own step (commands of a batch apply in order).
  reply: ({ after, now }) => {
    const ticket = after.context.joined;
    return { ticket, joinedAt: now, preQueue: !isOpen(after.context), view: viewOf(after, now, ticket) };
  },
};

const leave: Handler<'leave', QueueView> = {
  schema: C.leave,
  description: 'Leave the queue, or give back the held slot; leaving twice is a no-op',
  toEvent: (cmd, ctx) =>
    cmd.ticket > ctx.snapshot!.context.joined
      ? new TbError('QUEUE_TICKET_UNKNOWN', { eventId: ctx.id, ticket: cmd.ticket })
      : { type: 'queue.leave', ...cmd, now: ctx.now },
  reply: ({ cmd, after, now }) => viewOf(after, now, cmd.ticket),
};

/** Why `claim` may not apply (undefined: it may, or it already did for this session). */
function claimRefusal(c: QueueContext, id: string, ticket: number, sessionId: string): TbError | undefined {
  if (ticket > c.joined) return new TbError('QUEUE_TICKET_UNKNOWN', { eventId: id, ticket });
  const position = positionOfTicket(c, ticket);
  if (position === undefined)
    return new TbError('QUEUE_NOT_YOUR_TURN', { eventId: id, position: null, cursor: 0, reason: 'the sale has not opened' });
  const slot = c.slots[String(position)];
  if (slot?.state === 'active' && slot.sessionId !== sessionId) return new TbError('QUEUE_SESSION_MISMATCH', { eventId: id, position });
  if (slot) return undefined;
  if (position > c.cursor) return new TbError('QUEUE_NOT_YOUR_TURN', { eventId: id, position, cursor: c.cursor });
  return new TbError('QUEUE_SLOT_EXPIRED', { eventId: id, position, outcome: outcomeOf(c, position) ?? 'expired' });
}

const claim: Handler<'claim', ClaimResult> = {
  schema: C.claim,
  description: 'Take the called slot of this ticket for the session (idempotent by session)',
  toEvent: (cmd, ctx) =>
    claimRefusal(contextAsOf(ctx.snapshot!.context, ctx.now), ctx.id, cmd.ticket, cmd.sessionId) ?? {
      type: 'queue.claim',
      ...cmd,
      now: ctx.now,
    },
  reply: ({ id, cmd, after, now }) => {
    const c = contextAsOf(after.context, now);
    const refused = claimRefusal(c, id, cmd.ticket, cmd.sessionId);
    if (refused) return refused;
    const position = positionOfTicket(c, cmd.ticket)!;
    const slot = c.slots[String(position)]!;
    return { position, deadline: slot.deadline, sessionId: cmd.sessionId, view: viewOf(after, now, cmd.ticket) };
  },
};

const complete: Handler<'complete', QueueView> = {
  schema: C.complete,
  description: 'The checkout of a session ended (completed, failed, expired, left): free its slot',
  toEvent: (cmd, ctx) => ({ type: 'queue.complete', sessionId: cmd.sessionId, outcome: cmd.outcome, now: ctx.now }),
  reply: ({ after, now }) => viewOf(after, now),
};

const stock: Handler<'stock', QueueView> = {
  schema: C.stock,
  description:
    'Tickets left and held across the event; nothing available pauses admission (sold out only when every ticket is sold), stock back resumes it',
  toEvent: (cmd, ctx) => {
    const c = ctx.snapshot!.context;
    const same = c.available === cmd.available && c.soldOut === cmd.soldOut && c.held === cmd.held;
    return same
      ? null
      : {
          type: 'queue.stock',
          available: cmd.available,
          soldOut: cmd.soldOut,
          ...(cmd.held !== undefined ? { held: cmd.held } : {}),
          now: ctx.now,
        };
  },
  reply: ({ after, now }) => viewOf(after, now),
};

const status: Handler<'status', QueueView> = {
  schema: C.status,
  readOnly: true,
  description: 'Cursor, P, seed hash (seed once open), rate, stock; and the ticket when given',
  reply: ({ cmd, after, now }) => viewOf(after, now, cmd.ticket),
};

const statuses: Handler<'statuses', StatusesResult> = {
  schema: C.statuses,
  readOnly: true,
  description: 'Cursor, P, rate, stock, and what concerns each of up to 500 tickets (batched socket corrections)',
  reply: ({ cmd, after, now }) => {
    const c = contextAsOf(after.context, now);
    return { view: viewOfSettled(c, now), tickets: cmd.tickets.map((t) => (t <= c.joined ? ticketView(c, t, now) : { ticket: t })) };
  },
};

const pause: Handler<'pause', QueueView> = {
  schema: C.pause,
  description: 'Stop admitting (event staff): held slots finish, nobody new is called; pausing twice is a no-op',
  toEvent: (_cmd, ctx) => (ctx.snapshot!.context.paused ? null : { type: 'queue.pause', now: ctx.now }),
  reply: ({ after, now }) => viewOf(after, now),
};

const resume: Handler<'resume', QueueView> = {
  schema: C.resume,
  description: 'Admit again after pause (free slots are filled at once)',
  toEvent: (_cmd, ctx) => (ctx.snapshot!.context.paused ? { type: 'queue.resume', now: ctx.now } : null),
  reply: ({ after, now }) => viewOf(after, now),
};

const configure: Handler<'configure', QueueView> = {
  schema: C.configure,
  description: 'Change the number of checkout slots live (lowering it ends no held slot)',
  toEvent: (cmd, ctx) =>
    ctx.snapshot!.context.maxConcurrent === cmd.maxConcurrent
      ? null
      : { type: 'queue.configure', maxConcurrent: cmd.maxConcurrent, now: ctx.now },
  reply: ({ after, now }) => viewOf(after, now),
};

const bindOrder: Handler<'bindOrder', BindResult> = {
  schema: C.bindOrder,
  description: 'Bind the active slot of the session to the first order its checkout token makes; any other order is refused',
  toEvent: (cmd, ctx) => {
    const c = contextAsOf(ctx.snapshot!.context, ctx.now);
    const refused = bindRefusal(c, cmd.sessionId, cmd.orderId);
    if (refused) return refused;
    return slotOfSession(c, cmd.sessionId)![1].orderId === cmd.orderId
      ? null
      : { type: 'queue.bindOrder', sessionId: cmd.sessionId, orderId: cmd.orderId, now: ctx.now };
  },
  // Checked again on the committed state: of two orders in one batch, only the bound one is answered yes.
  reply: ({ cmd, after, now }) => {
    const c = contextAsOf(after.context, now);
    return bindRefusal(c, cmd.sessionId, cmd.orderId) ?? bindingOf(c, cmd.sessionId);
  },
};

const unbindOrder: Handler<'unbindOrder', BindResult> = {
  schema: C.unbindOrder,
  description: 'An order that failed before holding anything gives the slot back for another order (a no-op for any other order)',
  toEvent: (cmd, ctx) => {
    const held = slotOfSession(contextAsOf(ctx.snapshot!.context, ctx.now), cmd.sessionId);
    return held?.[1].orderId === cmd.orderId
      ? { type: 'queue.unbindOrder', sessionId: cmd.sessionId, orderId: cmd.orderId, now: ctx.now }
      : null;
  },
  reply: ({ cmd, after, now }) => bindingOf(contextAsOf(after.context, now), cmd.sessionId),
};

/** The verbs of `tb.queue.<eventId>.<verb>`. */
export const queueHandlers = {
  create,
  open,
  join,
  leave,
  claim,
  complete,
  stock,
  status,
  statuses,
  pause,
  resume,
  configure,
  bindOrder,
  unbindOrder,
};
