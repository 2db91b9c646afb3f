/**
 * @module actors/queue/admission
 * The queue's pure decision logic, one function per change, each returning the next context and
 * the events it implies (`Step`). Every machine event goes through `settle`: due slots expire
 * first, then the change applies, then the cursor advances while a slot is free — so the cap
 * (`slots ≤ maxConcurrent`) holds after every event and a freed slot is refilled in the same
 * transition that freed it (event-driven admission, no tick).
 */
import { QueueLimits, positionOf, type SlotOutcome } from '../../contracts/kinds/queue.js';
import { QueueEventType as T, type QueueEvent } from './events.js';
import type { QueueContext, Rate, Slot } from './types.js';

/** A context change and the domain events it emits. */
export interface Step {
  ctx: QueueContext;
  emitted: QueueEvent[];
}

/** Admissions per second as of `now` (the decayed count). */
export function rateAt(rate: Rate, now: number): number {
  return now <= rate.at ? rate.value : rate.value * Math.exp(-(now - rate.at) / QueueLimits.rateTauMs);
}

function bump(rate: Rate, k: number, now: number): Rate {
  return { value: rateAt(rate, now) + (k * 1000) / QueueLimits.rateTauMs, at: Math.max(now, rate.at) };
}

/** What one `slots` record implies: its size, earliest deadline and who holds which position. */
interface SlotIndex {
  count: number;
  earliest: number | undefined;
  bySession: Map<string, number>;
}

/**
 * Slot facts, computed once per `slots` record and remembered by identity: a record is never
 * changed after it is published in a context (every change copies it), so the facts stay true.
 * A join, a status read or a refused claim then costs O(1), not O(maxConcurrent): with 1,000
 * slots, scanning them on every command was the waitroom's whole budget under a flood of joins.
 */
const slotIndexes = new WeakMap<QueueContext['slots'], SlotIndex>();

function slotIndex(slots: QueueContext['slots']): SlotIndex {
  let ix = slotIndexes.get(slots);
  if (ix) return ix;
  ix = { count: 0, earliest: undefined, bySession: new Map() };
  for (const pos in slots) {
    const s = slots[pos]!;
    ix.count++;
    if (ix.earliest === undefined || s.deadline < ix.earliest) ix.earliest = s.deadline;
    if (s.sessionId !== undefined) ix.bySession.set(s.sessionId, Number(pos));
  }
  slotIndexes.set(slots, ix);
  return ix;
}

/** Slots held (called + active). */
export const slotsInUse = (ctx: QueueContext): number => slotIndex(ctx.slots).count;

/** The earliest slot deadline, if any slot is held. */
export const earliestSlotDeadline = (ctx: QueueContext): number | undefined => slotIndex(ctx.slots).earliest;
/** True once the sale has opened (the pre-queue is shuffled and frozen). */
export const isOpen = (ctx: QueueContext): boolean => ctx.openedAt !== undefined;

/** The position of `ticket`, or undefined before the sale opens for a pre-queue ticket. */
export function positionOfTicket(ctx: QueueContext, ticket: number): number | undefined {
  if (!isOpen(ctx)) return undefined;
  return positionOf(ticket, { preQueueSize: ctx.preQueueSize ?? 0, seed: ctx.seed });
}

/** The slot (and its position) held by `sessionId`. */
export function slotOfSession(ctx: QueueContext, sessionId: string): [number, Slot] | undefined {
  const pos = slotIndex(ctx.slots).bySession.get(sessionId);
  const slot = pos === undefined ? undefined : ctx.slots[String(pos)];
  return slot ? [pos!, slot] : undefined;
}

/** The remembered outcome of a finished position. */
export function outcomeOf(ctx: QueueContext, position: number): SlotOutcome | 'skipped' | undefined {
  for (let i = ctx.recent.length - 1; i >= 0; i--) if (ctx.recent[i]![0] === position) return ctx.recent[i]![1];
  return undefined;
}

function remember(ctx: QueueContext, position: number, outcome: SlotOutcome | 'skipped'): QueueContext['recent'] {
  const recent = [...ctx.recent, [position, outcome] as [number, SlotOutcome | 'skipped']];
  return recent.length > QueueLimits.maxRecent ? recent.slice(recent.length - QueueLimits.maxRecent) : recent;
}

const cursorFacts = (ctx: QueueContext, now: number) => ({ cursor: ctx.cursor, admittedRate: rateAt(ctx.rate, now), slotsInUse: slotsInUse(ctx) });

/** Expire every slot whose deadline has passed (idempotent: G10 rule 5). */
export function expireDue(ctx: QueueContext, now: number): Step {
  const earliest = earliestSlotDeadline(ctx);
  if (earliest === undefined || earliest > now) return { ctx, emitted: [] };
  const due = Object.entries(ctx.slots).filter(([, s]) => s.deadline <= now);
  if (due.length === 0) return { ctx, emitted: [] };
  const slots = { ...ctx.slots };
  let next = ctx;
  const emitted: QueueEvent[] = [];
  for (const [pos, s] of due) {
    delete slots[pos];
    next = { ...next, recent: remember(next, Number(pos), 'expired') };
    emitted.push({
      type: T.Expired, eventId: ctx.eventId, at: now, position: Number(pos), reason: s.state === 'called' ? 'unclaimed' : 'checkout',
      ...(s.sessionId ? { sessionId: s.sessionId } : {}), ...(s.userId ? { userId: s.userId } : {}),
    });
  }
  return { ctx: { ...next, slots }, emitted };
}

/** Call positions after the cursor while a slot is free, the sale is open and not sold out. */
export function advance(ctx: QueueContext, now: number): Step {
  if (!isOpen(ctx) || ctx.soldOut) return { ctx, emitted: [] };
  let inUse = slotsInUse(ctx);
  if (inUse >= ctx.maxConcurrent || ctx.cursor >= ctx.joined) return { ctx, emitted: [] };
  const slots = { ...ctx.slots };
  let { cursor, skips, recent } = ctx;
  let called = 0;
  while (inUse < ctx.maxConcurrent && cursor < ctx.joined) {
    cursor += 1;
    if (skips.includes(cursor)) {
      skips = skips.filter((s) => s !== cursor);
      recent = remember({ ...ctx, recent }, cursor, 'skipped');
      continue;
    }
    slots[String(cursor)] = { state: 'called', deadline: now + ctx.claimGraceMs };
    inUse += 1;
    called += 1;
  }
  const next = { ...ctx, slots, cursor, skips, recent, admitted: ctx.admitted + called, rate: called > 0 ? bump(ctx.rate, called, now) : ctx.rate };
  return { ctx: next, emitted: [{ type: T.Advanced, eventId: ctx.eventId, at: now, from: ctx.cursor, ...cursorFacts(next, now) }] };
}

/**
 * Run one change at `now`: expire what is due, apply `change`, advance the cursor. The change
 * sees the settled context, so guards and changes reason about the same state.
 */
export function settle(ctx: QueueContext, now: number, change?: (c: QueueContext) => Step): Step {
  const expired = expireDue(ctx, now);
  const changed = change ? change(expired.ctx) : { ctx: expired.ctx, emitted: [] };
  const advanced = advance(changed.ctx, now);
  const out = advanced.ctx === ctx ? ctx : { ...advanced.ctx, updatedAt: now };
  return { ctx: out, emitted: [...expired.emitted, ...changed.emitted, ...advanced.emitted] };
}

/** The sale opens: P is frozen, the seed revealed, skips of pre-queue tickets become positions. */
export function openSale(ctx: QueueContext, now: number): Step {
  if (isOpen(ctx)) return { ctx, emitted: [] };
  const pre = { preQueueSize: ctx.joined, seed: ctx.seed };
  const next = { ...ctx, openedAt: now, preQueueSize: ctx.joined, skips: ctx.skips.map((t) => positionOf(t, pre)) };
  return {
    ctx: next,
    emitted: [{ type: T.Opened, eventId: ctx.eventId, at: now, seed: ctx.seed, seedHash: ctx.seedHash, preQueueSize: ctx.joined, ...cursorFacts(next, now) }],
  };
}

/** A new ticket `joined + 1`. */
export function joinQueue(ctx: QueueContext, userId: string, now: number): Step {
  const ticket = ctx.joined + 1;
  return { ctx: { ...ctx, joined: ticket }, emitted: [{ type: T.Joined, eventId: ctx.eventId, at: now, ticket, userId, preQueue: !isOpen(ctx) }] };
}

/** Take the called slot at `position` for `sessionId` (the caller checked it is called). */
export function claimSlot(ctx: QueueContext, position: number, sessionId: string, userId: string, now: number): Step {
  const deadline = now + ctx.checkoutTtlMs;
  const slots = { ...ctx.slots, [String(position)]: { state: 'active' as const, deadline, sessionId, userId } };
  return { ctx: { ...ctx, slots }, emitted: [{ type: T.Ready, eventId: ctx.eventId, at: now, position, sessionId, userId, deadline }] };
}

/** Free the slot at `position` with `outcome`. */
export function releaseSlot(ctx: QueueContext, position: number, outcome: SlotOutcome, now: number, sessionId: string): Step {
  const slot = ctx.slots[String(position)];
  if (!slot) return { ctx, emitted: [] };
  const slots = { ...ctx.slots };
  delete slots[String(position)];
  return {
    ctx: { ...ctx, slots, recent: remember(ctx, position, outcome) },
    emitted: [{ type: T.Released, eventId: ctx.eventId, at: now, position, sessionId, outcome, ...(slot.userId ? { userId: slot.userId } : {}) }],
  };
}

/** A user leaves: a held slot is freed; a place ahead of the cursor is skipped (bounded). */
export function leaveQueue(ctx: QueueContext, ticket: number, sessionId: string, userId: string, now: number): Step {
  const position = positionOfTicket(ctx, ticket);
  const base = { type: T.Left, eventId: ctx.eventId, at: now, ticket, sessionId, userId, ...(position !== undefined ? { position } : {}) } as const;
  if (position !== undefined && ctx.slots[String(position)]) {
    const r = releaseSlot(ctx, position, 'left', now, sessionId);
    return { ctx: { ...r.ctx, left: ctx.left + 1 }, emitted: [...r.emitted, base] };
  }
  const key = position ?? ticket;
  if ((position !== undefined && position <= ctx.cursor) || ctx.skips.includes(key)) return { ctx, emitted: [] };
  const skips = ctx.skips.length < QueueLimits.maxSkips ? [...ctx.skips, key] : ctx.skips;
  return { ctx: { ...ctx, skips, left: ctx.left + 1 }, emitted: [base] };
}

/** New stock figures; a change of `soldOut` is broadcast once. */
export function updateStock(ctx: QueueContext, available: number, soldOut: boolean, now: number): Step {
  const next = { ...ctx, available, soldOut };
  if (soldOut === ctx.soldOut) return { ctx: next, emitted: [] };
  const type = soldOut ? T.SoldOut : T.Resumed;
  return { ctx: next, emitted: [{ type, eventId: ctx.eventId, at: now, available, ...cursorFacts(next, now) }] };
}
