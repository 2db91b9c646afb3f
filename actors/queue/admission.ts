/**
 * @module actors/queue/admission
 * The queue's pure decision logic, one function per change, each returning the next context and
 * the events it implies (`Step`). Every machine event goes through `settle`: due slots expire
 * first, then the change applies, then the cursor advances while a slot is free — so the cap
 * (`slots ≤ maxConcurrent`) holds after every event and a freed slot is refilled in the same
 * transition that freed it (event-driven admission, no tick).
 */
import { QueueLimits, positionOf, type SlotOutcome } from '../../contracts/kinds/queue.js';
import { expectAtClaim, holdAfterCalls, holdAfterEnd, holdAtPause, isFirstTurn } from './eta.js';
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

type Slots = QueueContext['slots'];

/** What a `slots` record implies: how many slots, and a lower bound of their deadlines. */
interface SlotFacts {
  count: number;
  /** ≤ every slot's deadline (exact after a scan); undefined when there is no slot. */
  earliest: number | undefined;
}

/**
 * Slot facts by record identity. A record is never changed once it is in a context (every
 * change copies it), so its facts stay true; each change derives the new record's facts from the
 * old ones in O(1) (`withFacts`), and a record restored from storage is scanned once. A join or
 * a status read then costs O(1), not O(maxConcurrent): with 1,000 slots, scanning them on every
 * command was the waitroom's whole budget under a flood of joins.
 */
const slotFacts = new WeakMap<Slots, SlotFacts>();

function scanSlots(slots: Slots): SlotFacts {
  const f: SlotFacts = { count: 0, earliest: undefined };
  for (const pos in slots) {
    const d = slots[pos]!.deadline;
    f.count++;
    if (f.earliest === undefined || d < f.earliest) f.earliest = d;
  }
  return f;
}

function factsOf(slots: Slots): SlotFacts {
  let f = slotFacts.get(slots);
  if (!f) slotFacts.set(slots, (f = scanSlots(slots)));
  return f;
}

/** Remember `f` (a fresh object: facts are never shared) as the facts of the new record `slots`, which its caller will not change again. */
function withFacts(slots: Slots, f: SlotFacts): Slots {
  slotFacts.set(slots, f.count === 0 ? { count: 0, earliest: undefined } : f);
  return slots;
}

/** Slots held (called + active). */
export const slotsInUse = (ctx: QueueContext): number => factsOf(ctx.slots).count;

/** A lower bound of every slot's deadline (exact unless a slot was freed since the last scan); undefined without slots. */
export const earliestSlotDeadline = (ctx: QueueContext): number | undefined => factsOf(ctx.slots).earliest;

/** True once the sale has opened (the pre-queue is shuffled and frozen). */
export const isOpen = (ctx: QueueContext): boolean => ctx.openedAt !== undefined;

/**
 * Pre-queue positions already computed, per (seed, P): `positionOf` costs eight SHA-256 rounds
 * or more, and every status read of a pre-queue ticket asks again (a gateway's corrections read
 * thousands a second). Filled lazily (0 = not yet), a few open sales at a time.
 */
const preQueuePositions = new Map<string, Int32Array>();
const MAX_MEMOS = 8;

/** The position of `ticket`, or undefined before the sale opens for a pre-queue ticket. */
export function positionOfTicket(ctx: QueueContext, ticket: number): number | undefined {
  if (!isOpen(ctx)) return undefined;
  const P = ctx.preQueueSize ?? 0;
  if (ticket > P || ticket < 1) return positionOf(ticket, { preQueueSize: P, seed: ctx.seed });
  const key = `${ctx.seed}:${P}`;
  let memo = preQueuePositions.get(key);
  if (!memo) {
    if (preQueuePositions.size >= MAX_MEMOS) preQueuePositions.delete(preQueuePositions.keys().next().value!);
    preQueuePositions.set(key, (memo = new Int32Array(P + 1)));
  }
  return (memo[ticket] ||= positionOf(ticket, { preQueueSize: P, seed: ctx.seed }));
}

/** The slot (and its position) held by `sessionId`: a scan, made once per finished checkout. */
export function slotOfSession(ctx: QueueContext, sessionId: string): [number, Slot] | undefined {
  for (const pos in ctx.slots) {
    const slot = ctx.slots[pos]!;
    if (slot.sessionId === sessionId) return [Number(pos), slot];
  }
  return undefined;
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

const cursorFacts = (ctx: QueueContext, now: number) => ({
  cursor: ctx.cursor,
  admittedRate: rateAt(ctx.rate, now),
  slotsInUse: slotsInUse(ctx),
});

/** Expire every slot whose deadline has passed (idempotent; runtime rule 5: the durable deadline is the truth). */
export function expireDue(ctx: QueueContext, now: number): Step & { endedAt?: number } {
  const facts = factsOf(ctx.slots);
  if (facts.earliest === undefined || facts.earliest > now) return { ctx, emitted: [] };
  const due: Array<[string, Slot]> = [];
  const kept: SlotFacts = { count: 0, earliest: undefined };
  for (const pos in ctx.slots) {
    const s = ctx.slots[pos]!;
    if (s.deadline <= now) due.push([pos, s]);
    else {
      kept.count++;
      if (kept.earliest === undefined || s.deadline < kept.earliest) kept.earliest = s.deadline;
    }
  }
  if (due.length === 0) {
    facts.earliest = kept.earliest; // the bound was stale (a slot was freed): now it is exact
    return { ctx, emitted: [] };
  }
  const slots = { ...ctx.slots };
  let next = ctx;
  const emitted: QueueEvent[] = [];
  for (const [pos, s] of due) {
    delete slots[pos];
    next = { ...next, recent: remember(next, Number(pos), 'expired'), hold: holdAfterEnd(next, s, s.deadline) }; // it ended at its deadline, whenever this runs
    emitted.push({
      type: T.Expired,
      eventId: ctx.eventId,
      at: now,
      position: Number(pos),
      reason: s.state === 'called' ? 'unclaimed' : 'checkout',
      ...(s.sessionId ? { sessionId: s.sessionId } : {}),
      ...(s.userId ? { userId: s.userId } : {}),
    });
  }
  return { ctx: { ...next, slots: withFacts(slots, kept) }, emitted, endedAt: Math.max(...due.map(([, s]) => s.deadline)) };
}

/**
 * Where the event's stock stands for admission: `inStock` (or not yet told), `allHeld` (nothing
 * available, some held by unpaid checkouts: they may come back), `soldOut` (every ticket sold).
 */
export function stockStateOf(ctx: QueueContext): 'inStock' | 'allHeld' | 'soldOut' {
  return ctx.soldOut ? 'soldOut' : ctx.available === 0 ? 'allHeld' : 'inStock';
}

/** Call positions after the cursor while a slot is free, the sale is open, tickets are available and admission is not paused. */
export function advance(ctx: QueueContext, now: number, callAt = now): Step {
  if (!isOpen(ctx) || ctx.paused || stockStateOf(ctx) !== 'inStock') return { ctx, emitted: [] };
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
  const before = factsOf(ctx.slots);
  const deadline = now + ctx.claimGraceMs;
  withFacts(
    slots,
    called === 0
      ? { ...before }
      : { count: inUse, earliest: before.earliest === undefined ? deadline : Math.min(before.earliest, deadline) },
  );
  const next = {
    ...ctx,
    slots,
    cursor,
    skips,
    recent,
    admitted: ctx.admitted + called,
    rate: called > 0 ? bump(ctx.rate, called, now) : ctx.rate,
  };
  if (called > 0) next.hold = holdAfterCalls(ctx.hold, called, callAt, cursor < ctx.joined, !isFirstTurn(ctx));
  return { ctx: next, emitted: [{ type: T.Advanced, eventId: ctx.eventId, at: now, from: ctx.cursor, ...cursorFacts(next, now) }] };
}

/** True when `after` calls nobody whom `before` would not call: no slot freed, admission not opened, resumed or widened. */
function admitsNoMore(before: QueueContext, after: QueueContext): boolean {
  if (after === before) return true;
  return (
    slotsInUse(after) >= slotsInUse(before) &&
    isOpen(after) === isOpen(before) &&
    (after.paused ?? false) === (before.paused ?? false) &&
    stockStateOf(after) === stockStateOf(before) &&
    after.maxConcurrent <= before.maxConcurrent
  );
}

/**
 * Run one change at `now`: expire what is due, apply `change`, advance the cursor. The change
 * sees the settled context, so guards and changes reason about the same state.
 */
export function settle(ctx: QueueContext, now: number, change?: (c: QueueContext) => Step): Step {
  const expired = expireDue(ctx, now);
  const changed = change ? change(expired.ctx) : { ctx: expired.ctx, emitted: [] };
  // Calls made only because slots expired are timed at the latest expiry, however late this runs
  // (reads before this transition computed the same), for the measured admission rate: also when
  // the change (a join, a claim) admits no one the expiries did not (else a read just before it
  // measured a shorter gap, and the ETA of the next in line rose by the difference).
  const callAt = expired.endedAt !== undefined && admitsNoMore(expired.ctx, changed.ctx) ? expired.endedAt : now;
  const advanced = advance(changed.ctx, now, callAt);
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
    emitted: [
      {
        type: T.Opened,
        eventId: ctx.eventId,
        at: now,
        seed: ctx.seed,
        seedHash: ctx.seedHash,
        preQueueSize: ctx.joined,
        ...cursorFacts(next, now),
      },
    ],
  };
}

/** A new ticket `joined + 1`. */
export function joinQueue(ctx: QueueContext, userId: string, now: number): Step {
  const ticket = ctx.joined + 1;
  return {
    ctx: { ...ctx, joined: ticket },
    emitted: [{ type: T.Joined, eventId: ctx.eventId, at: now, ticket, userId, preQueue: !isOpen(ctx) }],
  };
}

/** Take the called slot at `position` for `sessionId` (the caller checked it is called). */
export function claimSlot(ctx: QueueContext, position: number, sessionId: string, userId: string, now: number): Step {
  const deadline = now + ctx.checkoutTtlMs;
  const called = ctx.slots[String(position)];
  // Credited against as many slots as may be held once the freed ones are refilled (this runs before the refill).
  const expect = called ? expectAtClaim(ctx, called, now, Math.max(ctx.maxConcurrent, slotsInUse(ctx))) : undefined;
  const slot: Slot = {
    state: 'active',
    deadline,
    sessionId,
    userId,
    ...(expect !== undefined ? { expect } : {}),
    ...(called ? { calledAt: called.deadline - ctx.claimGraceMs } : {}),
  };
  // The called slot becomes active with a later deadline: the old bound stays a lower bound.
  const slots = withFacts({ ...ctx.slots, [String(position)]: slot }, { ...factsOf(ctx.slots) });
  return { ctx: { ...ctx, slots }, emitted: [{ type: T.Ready, eventId: ctx.eventId, at: now, position, sessionId, userId, deadline }] };
}

/** Free the slot at `position` with `outcome`. */
export function releaseSlot(ctx: QueueContext, position: number, outcome: SlotOutcome, now: number, sessionId: string): Step {
  const slot = ctx.slots[String(position)];
  if (!slot) return { ctx, emitted: [] };
  const slots = { ...ctx.slots };
  delete slots[String(position)];
  const before = factsOf(ctx.slots);
  withFacts(slots, { count: before.count - 1, earliest: before.earliest });
  return {
    ctx: { ...ctx, slots, recent: remember(ctx, position, outcome), hold: holdAfterEnd(ctx, slot, now) },
    emitted: [
      { type: T.Released, eventId: ctx.eventId, at: now, position, sessionId, outcome, ...(slot.userId ? { userId: slot.userId } : {}) },
    ],
  };
}

/** A user leaves: a held slot is freed; a place ahead of the cursor is skipped (bounded). */
export function leaveQueue(ctx: QueueContext, ticket: number, sessionId: string, userId: string, now: number): Step {
  const position = positionOfTicket(ctx, ticket);
  const base = {
    type: T.Left,
    eventId: ctx.eventId,
    at: now,
    ticket,
    sessionId,
    userId,
    ...(position !== undefined ? { position } : {}),
  } as const;
  if (position !== undefined && ctx.slots[String(position)]) {
    const r = releaseSlot(ctx, position, 'left', now, sessionId);
    return { ctx: { ...r.ctx, left: ctx.left + 1 }, emitted: [...r.emitted, base] };
  }
  const key = position ?? ticket;
  if ((position !== undefined && position <= ctx.cursor) || ctx.skips.includes(key)) return { ctx, emitted: [] };
  const skips = ctx.skips.length < QueueLimits.maxSkips ? [...ctx.skips, key] : ctx.skips;
  return { ctx: { ...ctx, skips, left: ctx.left + 1 }, emitted: [base] };
}

/**
 * New stock figures; a change of stock state is broadcast once: `soldOut` only when every ticket
 * is sold, `allHeld` while what is left is held by unpaid checkouts (waiters keep their places;
 * admission pauses), `resumed` when tickets are available again (admission goes on at once, in
 * the same transition: see `settle`). Without `held` (an older watcher) `soldOut` is taken as sent.
 */
export function updateStock(ctx: QueueContext, available: number, soldOut: boolean, now: number, held?: number): Step {
  const next: QueueContext = { ...ctx, available, soldOut: held === undefined ? soldOut : available === 0 && held === 0 };
  if (held !== undefined) next.held = held;
  else delete next.held;
  const before = stockStateOf(ctx);
  const after = stockStateOf(next);
  if (before === after) return { ctx: next, emitted: [] };
  // Admission stops: like a staff pause, the stop is no gap between calls (its length says when
  // held tickets come back, not how fast people are called; no ETA is shown meanwhile).
  const hold = after !== 'inStock' ? holdAtPause(next.hold) : next.hold;
  if (hold) next.hold = hold;
  const facts = { eventId: ctx.eventId, at: now, available, ...cursorFacts(next, now) };
  if (after === 'soldOut') return { ctx: next, emitted: [{ type: T.SoldOut, ...facts }] };
  if (after === 'allHeld') return { ctx: next, emitted: [{ type: T.AllHeld, ...facts, held: held ?? 0 }] };
  return { ctx: next, emitted: [{ type: T.Resumed, ...facts }] };
}

/** Pause or resume admission (staff). Held slots are untouched; resuming refills free slots at once (`settle`). */
export function setPaused(ctx: QueueContext, paused: boolean): Step {
  if ((ctx.paused ?? false) === paused) return { ctx, emitted: [] };
  const hold = paused ? holdAtPause(ctx.hold) : ctx.hold;
  return { ctx: { ...ctx, paused, ...(hold ? { hold } : {}) }, emitted: [] };
}

/**
 * A new number of checkout slots. Raising it calls the next people at once (`settle` advances);
 * lowering it ends no held slot: nobody is called until fewer than `maxConcurrent` are held.
 */
export function setMaxConcurrent(ctx: QueueContext, maxConcurrent: number): Step {
  return { ctx: ctx.maxConcurrent === maxConcurrent ? ctx : { ...ctx, maxConcurrent }, emitted: [] };
}
