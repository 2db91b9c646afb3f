/**
 * @module actors/ticketclass/checks
 * Policy of each mutating verb as a pure verdict over the context *as of the command's time*
 * (due holds already expired, see `settle`): apply, answer from state (idempotent repeat by
 * order id), or refuse with a registered code. `decide` is the one entry point: the handler asks
 * it once per command (a refusal becomes the reply's `TbError`) and the machine's guards ask it for
 * the same event, getting the same verdict back without a second evaluation; an event that did not
 * come through a handler (pure machine use) is decided by the guard itself, so the machine alone
 * can never oversell.
 */
import { availableOf, finishedOf, holdOf, settle } from './inventory.js';
import type { Refusal, TicketClassChanges, TicketClassContext, TicketClassMachineEvent, TicketClassStateValue, Verdict } from './types.js';

/** The machine events a policy decides. */
export type PolicyEvent = Extract<
  TicketClassMachineEvent,
  { type: 'ticketclass.reserve' | 'ticketclass.extend' | 'ticketclass.confirm' | 'ticketclass.release' | 'ticketclass.update' }
>;

/**
 * Verdicts already given, by event object: a hit needs the very same (immutable) context object
 * and, for the verbs that depend on it, the same state, so it is the verdict a new evaluation
 * would give. Weak: an event's entry goes with the event.
 */
const decided = new WeakMap<PolicyEvent, { ctx: TicketClassContext; state: TicketClassStateValue | undefined; verdict: Verdict }>();

/** Whether the verb's policy depends on the machine state (confirm and release do not). */
const dependsOnState = (e: PolicyEvent) => e.type !== 'ticketclass.confirm' && e.type !== 'ticketclass.release';

/**
 * The verdict on `event` for a class with context `ctx` (as persisted; due holds are expired as of
 * the event's time here) in `state`: the one decision of the kind's policy for a command.
 */
export function decide(ctx: TicketClassContext, state: TicketClassStateValue | undefined, event: PolicyEvent): Verdict {
  const key = dependsOnState(event) ? state : undefined;
  const memo = decided.get(event);
  if (memo && memo.ctx === ctx && memo.state === key) return memo.verdict;
  const c = settle(ctx, event.now, false).ctx;
  const s = key as TicketClassStateValue;
  let verdict: Verdict;
  switch (event.type) {
    case 'ticketclass.reserve':
      verdict = checkReserve(c, s, event.orderId, event.quantity, event.now);
      break;
    case 'ticketclass.extend':
      verdict = checkExtend(c, s, event.orderId);
      break;
    case 'ticketclass.confirm':
      verdict = checkConfirm(c, event.orderId);
      break;
    case 'ticketclass.release':
      verdict = checkRelease(c, event.orderId);
      break;
    case 'ticketclass.update':
      verdict = checkUpdate(c, s, event.changes);
      break;
  }
  decided.set(event, { ctx, state: key, verdict });
  return verdict;
}

const APPLY: Verdict = { kind: 'apply' };
const NOOP: Verdict = { kind: 'noop' };

function refuse(code: Refusal['code'], params: Record<string, unknown>): Verdict {
  return { kind: 'refuse', refusal: { code, params } };
}

/** Why the class does not sell at `now`, or undefined when it does. */
export function notOnSaleReason(ctx: TicketClassContext, state: TicketClassStateValue, now: number): string | undefined {
  if (state !== 'active') return state;
  if (ctx.saleStartsAt !== undefined && now < ctx.saleStartsAt) return 'notStarted';
  if (ctx.saleEndsAt !== undefined && now >= ctx.saleEndsAt) return 'ended';
  return undefined;
}

/**
 * Reserve: a repeat for an order that holds the same quantity is a no-op (same hold back);
 * the order must not be finished; then the per-order cap, the sale state, stock. Stock refusals
 * say honestly why: `INVENTORY_SOLD_OUT` only when every ticket is sold; when what is left is
 * held by unpaid checkouts, `INVENTORY_ALL_HELD` (or `INVENTORY_INSUFFICIENT` with `held`) with
 * `retryAt`, the earliest a hold can lapse. The number of holds is never a reason to refuse.
 */
export function checkReserve(
  ctx: TicketClassContext,
  state: TicketClassStateValue,
  orderId: string,
  quantity: number,
  now: number,
): Verdict {
  const classId = ctx.classId;
  const own = holdOf(ctx, orderId);
  if (own)
    return own.quantity === quantity
      ? NOOP
      : refuse('INVENTORY_HOLD_CONFLICT', { classId, orderId, held: own.quantity, requested: quantity });
  const finished = finishedOf(ctx, orderId);
  if (finished)
    return refuse('INVENTORY_ORDER_FINISHED', {
      classId,
      orderId,
      state: finished.state,
      ...(finished.reason ? { reason: finished.reason } : {}),
    });
  if (quantity > ctx.maxPerOrder) return refuse('INVENTORY_QUANTITY_OVER_LIMIT', { classId, requested: quantity, limit: ctx.maxPerOrder });
  const reason = notOnSaleReason(ctx, state, now);
  if (reason) {
    const window = {
      ...(ctx.saleStartsAt !== undefined ? { saleStartsAt: ctx.saleStartsAt } : {}),
      ...(ctx.saleEndsAt !== undefined ? { saleEndsAt: ctx.saleEndsAt } : {}),
    };
    return refuse('INVENTORY_NOT_ON_SALE', { classId, reason, ...window });
  }
  const available = availableOf(ctx);
  if (quantity <= available) return APPLY;
  const held = ctx.reserved;
  if (available === 0 && held === 0) return refuse('INVENTORY_SOLD_OUT', { classId, requested: quantity, available, held });
  // Some of what is missing is held: it may come back when a hold lapses or is released.
  const wait = quantity <= available + held ? retryFacts(ctx, now) : {};
  if (available === 0) return refuse('INVENTORY_ALL_HELD', { classId, requested: quantity, available, held, ...wait });
  return refuse('INVENTORY_INSUFFICIENT', { classId, requested: quantity, available, held, ...wait });
}

/** `retryAt` (the earliest a live hold can lapse; holds may be released sooner) and `retryInSec`. */
export function retryFacts(ctx: TicketClassContext, now: number): { retryAt?: number; retryInSec?: number } {
  const at = nextHoldEndsAt(ctx, now);
  return at === undefined ? {} : { retryAt: at, retryInSec: Math.max(1, Math.ceil((at - now) / 1000)) };
}

/**
 * The earliest deadline of a live hold as of `now`, for a context settled at `now`: its
 * `nextExpiryAt` is then exact or a lower bound (a hold released since), and always > `now`.
 */
export function nextHoldEndsAt(ctx: TicketClassContext, now: number): number | undefined {
  if (ctx.holdsCount === 0 || ctx.nextExpiryAt === undefined) return undefined;
  return Math.max(ctx.nextExpiryAt, now + 1);
}

function finishedRefusal(ctx: TicketClassContext, orderId: string): Verdict | undefined {
  const finished = finishedOf(ctx, orderId);
  if (!finished) return undefined;
  return refuse('INVENTORY_ORDER_FINISHED', {
    classId: ctx.classId,
    orderId,
    state: finished.state,
    ...(finished.reason ? { reason: finished.reason } : {}),
  });
}

/** Extend: only a live hold, and not on a closed class. */
export function checkExtend(ctx: TicketClassContext, state: TicketClassStateValue, orderId: string): Verdict {
  if (state === 'closed') return refuse('INVENTORY_CLASS_CLOSED', { classId: ctx.classId });
  if (holdOf(ctx, orderId)) return APPLY;
  return finishedRefusal(ctx, orderId) ?? refuse('INVENTORY_HOLD_NOT_FOUND', { classId: ctx.classId, orderId });
}

/** Confirm: a live hold (also on a paused or closed class: the buyer already paid); a confirmed order again is a no-op. */
export function checkConfirm(ctx: TicketClassContext, orderId: string): Verdict {
  if (holdOf(ctx, orderId)) return APPLY;
  if (finishedOf(ctx, orderId)?.state === 'confirmed') return NOOP;
  return finishedRefusal(ctx, orderId) ?? refuse('INVENTORY_HOLD_NOT_FOUND', { classId: ctx.classId, orderId });
}

/** Release: a live hold; a released or unknown order is a no-op; a confirmed one is refused (sold tickets need a refund flow). */
export function checkRelease(ctx: TicketClassContext, orderId: string): Verdict {
  if (holdOf(ctx, orderId)) return APPLY;
  const finished = finishedOf(ctx, orderId);
  if (finished?.state === 'confirmed') return finishedRefusal(ctx, orderId)!;
  return NOOP;
}

/** Update: not on a closed class; `total ≥ reserved + sold`; the sale window starts before it ends. */
export function checkUpdate(ctx: TicketClassContext, state: TicketClassStateValue, changes: TicketClassChanges): Verdict {
  const classId = ctx.classId;
  if (state === 'closed') return refuse('INVENTORY_CLASS_CLOSED', { classId });
  if (changes.total !== undefined && changes.total < ctx.reserved + ctx.sold) {
    return refuse('INVENTORY_TOTAL_TOO_LOW', {
      classId,
      total: changes.total,
      committed: ctx.reserved + ctx.sold,
      reserved: ctx.reserved,
      sold: ctx.sold,
    });
  }
  const start = changes.saleStartsAt === undefined ? ctx.saleStartsAt : (changes.saleStartsAt ?? undefined);
  const end = changes.saleEndsAt === undefined ? ctx.saleEndsAt : (changes.saleEndsAt ?? undefined);
  if (start !== undefined && end !== undefined && start >= end)
    return refuse('INVENTORY_INVALID_SALE_WINDOW', { classId, saleStartsAt: start, saleEndsAt: end });
  return APPLY;
}
