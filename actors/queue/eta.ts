/**
 * @module actors/queue/eta
 * The estimated wait: the expected time until a waiting position is **called** (offered a
 * checkout slot; a connected buyer is admitted the same moment). Pure functions of the queue's
 * context and `now`.
 *
 * A waiting position with `ahead` people before it is called at the (`ahead` + 1)-th slot that
 * frees (plus the slots held above the cap after the staff lowered it). So:
 * - a **called** slot nobody has claimed yet frees at a known time: a user who claims now checks
 *   out for one measured checkout from now, an absent user's call ends at its grace:
 *   `max(calledAt + checkout, min(deadline, now + checkout))`;
 * - **running checkouts** free at their share of the measured admission rate (one call per
 *   `gapMs`: calls over busy time while people were waiting, decayed over `RATE_WINDOW_MS`,
 *   updated only at a call, not counting the first turn or admission's stops; before it is
 *   measured, `running / meanCheckout`), whatever their age (memoryless: with a few long
 *   checkouts among many short ones, "mean minus age" is wrong both ways); a checkout claimed
 *   late, its call expected to end sooner than a running checkout's credit, keeps that end
 *   instead (`Slot.expect`), so a late claim never pushes a wait back; once past that end, one
 *   such checkout is due now and the others run on;
 * - the j-th release among the held slots is the first τ with `rate·τ + #{known ends ≤ τ} ≥ j`;
 *   beyond them every slot is refilled as it frees, so release j + M = release j + M · `gapMs`;
 * - the means are measured from the slots that ended (`QueueContext.hold`, exponentially
 *   weighted; an expired slot at its deadline); until one slot has ended there is no estimate,
 *   and none while admission is stopped (pre-queue, paused, every ticket left held, sold out):
 *   "not known" is honest, a number is not.
 *
 * Why it never rises while nobody is ahead: the position is then called by the next slot that
 * frees (any release calls it), and between two releases nothing it is computed from can move
 * up. The means change only when a slot ends or someone is called; a prompt claim (its call's
 * known end at least one running checkout's credit away) adds a running checkout, whose rate
 * counts a release by then at least as surely as that known end did; a late claim keeps the
 * call's end, and past it leaves one release due now (0 stays 0); every known end moves at most
 * as fast as the clock. (The staff lowering the slot count, or pausing, is the exception: it is
 * announced by the console, not hidden.)
 */
import type { HoldStats, QueueContext, Slot } from './types.js';

export type { HoldStats } from './types.js';

/** Weight of one ended slot in the measured checkout means (an exponentially weighted mean over ~32 slots). */
export const HOLD_WEIGHT = 1 / 32;

const ewma = (mean: number | undefined, sample: number): number => (mean === undefined ? sample : mean + HOLD_WEIGHT * (sample - mean));

/** When the slot was called (called slots) or claimed (active slots): deadlines are set from those. */
export function slotStart(ctx: Pick<QueueContext, 'claimGraceMs' | 'checkoutTtlMs'>, slot: Slot): number {
  return slot.deadline - (slot.state === 'called' ? ctx.claimGraceMs : ctx.checkoutTtlMs);
}

/** The hold statistics after `slot` ended at `now`. */
export function holdAfterEnd(ctx: Pick<QueueContext, 'claimGraceMs' | 'checkoutTtlMs' | 'hold'>, slot: Slot, now: number): HoldStats {
  const held = Math.max(0, now - slotStart(ctx, slot));
  const hold = ctx.hold ?? {};
  const activeMs = slot.state === 'active' ? ewma(hold.activeMs, held) : hold.activeMs;
  // A call holds its slot from the call (the claim's latency included) to the release.
  const sinceCall = slot.calledAt !== undefined ? Math.max(held, now - slot.calledAt) : held;
  // The admission rate's measure goes on (it was dropped here before, so the rate was never measured
  // in a full queue, where every call follows a release).
  return { ...hold, ...(activeMs !== undefined ? { activeMs } : {}), slotMs: ewma(hold.slotMs, sinceCall) };
}

/**
 * Time constant of the measured admission rate (ms): the calls of about the last 20 s while people
 * waited. Per call (the earlier 1/32 weight) it spanned under a second at 40 calls/s, so one
 * burst or lull swung every ETA; in time, a sale's pace shows through its noise.
 */
export const RATE_WINDOW_MS = 20_000;
/** The busy time measured before the admission rate is trusted (ms). */
export const RATE_MIN_BUSY_MS = 1_000;

/**
 * The hold statistics after `called` positions were called at `at`, with people still `waiting`
 * after them or not. The admission rate is the calls over the busy time since the previous call
 * (both decayed by `RATE_WINDOW_MS`), counted only while people were waiting, and only once the
 * slots `turnedOver` (`isFirstTurn`): before, every slot is in the opening's first checkouts, and
 * the gaps between their first ends say when the wave comes, not how often slots free (measured:
 * one early leave, then the wave 4 s later, made the rate 7× too slow for seconds).
 */
export function holdAfterCalls(hold: HoldStats | undefined, called: number, at: number, waiting: boolean, turnedOver: boolean): HoldStats {
  const h: HoldStats = { ...(hold ?? {}) };
  if (h.slotMs === undefined || !turnedOver) return h;
  if (h.backlog && h.lastCallAt !== undefined) {
    const dt = Math.max(0, at - h.lastCallAt);
    const keep = Math.exp(-dt / RATE_WINDOW_MS);
    h.busyMs = (h.busyMs ?? 0) * keep + dt;
    h.calls = (h.calls ?? 0) * keep + called;
    // A few calls within a few ms say nothing of the pace: no rate until a second of it is measured.
    if (h.busyMs >= RATE_MIN_BUSY_MS) h.gapMs = h.busyMs / h.calls;
  }
  h.lastCallAt = at;
  h.backlog = waiting;
  return h;
}

/**
 * True until a tenth of the opening's slots were refilled (`maxConcurrent` × 1.1 calls): the first
 * ends are early leavers, seconds before the wave of first checkouts, so their gaps are no pace.
 * (A whole turn was too long: the first wave, slow on a loaded stack, then set the pace.)
 */
export function isFirstTurn(ctx: Pick<QueueContext, 'admitted' | 'maxConcurrent'>): boolean {
  return ctx.admitted < ctx.maxConcurrent + Math.ceil(ctx.maxConcurrent / 10);
}

/** The hold statistics when the staff pause admission: the pause is no gap between calls (the next call starts a new one). */
export function holdAtPause(hold: HoldStats | undefined): HoldStats | undefined {
  return hold?.backlog ? { ...hold, backlog: false } : hold;
}

/**
 * A called slot's expected end at `now`: a user who claims now checks out for one measured
 * checkout from now, and an absent user's call ends at its grace, so `min(deadline, now +
 * checkout)`, but never before a checkout counted from the call. It moves at most as fast as the
 * clock (the wait it implies never grows while the slot stays called).
 */
function calledEnd(ctx: Pick<QueueContext, 'claimGraceMs' | 'hold'>, slot: Slot, now: number): number {
  const activeMs = ctx.hold?.activeMs ?? 0;
  return Math.max(slot.deadline - ctx.claimGraceMs + activeMs, Math.min(slot.deadline, now + activeMs));
}

/**
 * What a claim at `now` fixes in the slot (`Slot.expect`): nothing for a prompt claim (the
 * checkout is then one of the memoryless ones), and, for a late claim whose call was expected to
 * end before a whole checkout from now, that earlier end (so a late claim never raises a wait).
 */
export function expectAtClaim(
  ctx: Pick<QueueContext, 'claimGraceMs' | 'hold'>,
  called: Slot,
  now: number,
  held: number,
): number | undefined {
  // A running checkout is credited one release per `held × gapMs` (or per mean checkout before
  // the admission rate is measured): a claim is prompt when its call's known end is no sooner.
  // Without either, no running checkout is credited at all and no estimate stands on one.
  const gapMs = ctx.hold?.gapMs;
  const activeMs = ctx.hold?.activeMs;
  if (gapMs === undefined && activeMs === undefined) return undefined;
  const credit = Math.max(1, gapMs !== undefined ? held * gapMs : activeMs!); // as `estimatedWaitMs` credits it
  const end = calledEnd(ctx, called, now);
  return end < now + credit ? end : undefined;
}

/**
 * The held slots, prepared once per slots record and mean: how many checkouts run with no fixed
 * end (memoryless), and the fixed ends of late-claimed checkouts (ascending); called slots listed.
 */
interface Prepared {
  activeMs: number | undefined;
  running: number;
  fixed: number[];
  called: Slot[];
  /** The sum of the held slots' starts (`slotStart`): their mean age at `now` is `now − startSum / count`. */
  startSum: number;
}
const prepared = new WeakMap<QueueContext['slots'], Prepared>();

function prepare(ctx: QueueContext): Prepared {
  const memo = prepared.get(ctx.slots);
  if (memo && memo.activeMs === ctx.hold?.activeMs) return memo;
  const fixed: number[] = [];
  const called: Slot[] = [];
  let running = 0;
  let startSum = 0;
  for (const pos in ctx.slots) {
    const slot = ctx.slots[pos]!;
    startSum += slot.calledAt ?? slotStart(ctx, slot);
    if (slot.state === 'called') called.push(slot);
    else if (slot.expect !== undefined) fixed.push(Math.min(slot.deadline, slot.expect));
    else running++;
  }
  const p = { activeMs: ctx.hold?.activeMs, running, fixed: fixed.sort((a, b) => a - b), called, startSum };
  prepared.set(ctx.slots, p);
  return p;
}

/** What the estimate reads of the queue (the settled context: due slots expired, cursor advanced). */
export type EtaContext = QueueContext;

/**
 * Expected ms until a waiting position with `ahead` people before it is called, or undefined
 * when nothing measured says (no slot has ended yet) or admission is stopped (`admitting` false).
 */
export function estimatedWaitMs(ctx: EtaContext, ahead: number, now: number, admitting: boolean): number | undefined {
  const slotMs = ctx.hold?.slotMs;
  const activeMs = ctx.hold?.activeMs;
  if (!admitting || slotMs === undefined) return undefined;
  const p = prepare(ctx);
  // Late-claimed checkouts past their expected end: one is due now (whoever is next is told "any
  // moment", never more), the others are running checkouts again. Counting them all as ending now
  // told buyers a hundred places back that they were next: checkouts outlive their mean, and on a
  // busy machine nearly every claim is late, so such ends piled up.
  let overdue = 0;
  while (overdue < p.fixed.length && p.fixed[overdue]! <= now) overdue++;
  // Releases with a known time: calls not claimed yet, and late-claimed checkouts not yet due (ms from now).
  const known = [...p.fixed.slice(overdue), ...p.called.map((slot) => calledEnd(ctx, slot, now))]
    .map((e) => Math.max(0, e - now))
    .sort((a, b) => a - b);
  const running = p.running + Math.max(0, overdue - 1);
  const n = p.running + p.fixed.length + p.called.length;
  // Running checkouts free at their share of the measured admission rate (1 / gapMs; before it is
  // measured, running / activeMs) whatever their age: memoryless, as a few long checkouts among
  // many short ones make "its mean minus its age" wrong both ways, and the mean of the checkouts
  // that ended so far is biased to the short ones.
  const gapMs = ctx.hold?.gapMs;
  const rate = gapMs !== undefined ? running / n / Math.max(1, gapMs) : activeMs === undefined ? 0 : running / Math.max(1, activeMs);
  // Before the rate is measured, a call holds a slot `slotMs` (Little's law). In the first turn the
  // slots that ended are the quick ones, and those still held have already been held their mean
  // age: the mean hold is at least that (this only paces positions beyond the held slots, never
  // the next in line, so it may grow with the clock).
  const holdMs = isFirstTurn(ctx) && n > 0 ? Math.max(slotMs, now - p.startSum / n) : slotMs;
  const perCall = gapMs ?? holdMs / ctx.maxConcurrent;
  /** When the j-th release (1-based, j ≤ n) is expected: the first τ with rate·τ + #{known ≤ τ} ≥ j, after the one due now. */
  const release = (j: number): number => (overdue > 0 ? (j <= 1 ? 0 : releaseOf(j - 1)) : releaseOf(j));
  const releaseOf = (j: number): number => {
    for (let i = 0; i <= known.length; i++) {
      const from = i === 0 ? 0 : known[i - 1]!;
      const t = j - i <= 0 ? from : rate > 0 ? Math.max(from, (j - i) / rate) : Infinity;
      if (i === known.length || t < known[i]!) return t;
    }
    return Infinity;
  };
  // The k-th release calls this position: its place among the waiters, plus the slots above the cap.
  const m = ctx.maxConcurrent;
  const k = ahead + 1 + Math.max(0, n - m);
  if (n === 0) return k * perCall; // nothing held: only the turnover says
  // Beyond the held slots, each of the cap's slots is refilled as it frees and held `slotMs` per
  // call: the k-th release is the (k − c·M)-th one plus c turns.
  const turns = k <= n ? 0 : Math.ceil((k - n) / m);
  const idx = k - turns * m;
  const t = idx < 1 ? release(n) + (k - n) * perCall : release(idx) + turns * m * perCall;
  return Number.isFinite(t) ? t : undefined; // checkouts running but none measured yet
}
