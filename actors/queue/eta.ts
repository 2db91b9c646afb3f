/**
 * @module actors/queue/eta
 * The estimated wait: the expected time until a waiting position is **called** (offered a
 * checkout slot; a connected buyer is admitted the same moment). Pure functions of the queue's
 * context and `now`.
 *
 * A waiting position with `ahead` people before it is called at the (`ahead` + 1)-th slot that
 * frees (plus the slots held above the cap after the staff lowered it). So:
 * - every held slot has an expected end `e`: an **active** slot the time its checkout is expected
 *   to end, fixed when it was claimed (`Slot.expect` = claim time + the measured mean checkout,
 *   never later than the called slot's own expectation); a **called** slot nobody has claimed yet
 *   runs a whole checkout from now if its user claims now, and ends at its claim grace if they
 *   are absent: `e = max(calledAt + checkout, min(deadline, now + checkout))`. Nothing ends
 *   before `now`: `max(now, e)`.
 * - the k-th slot to free (k ≤ slots held) frees at the k-th smallest `e`; beyond the held slots,
 *   every slot is refilled as it frees and held `meanHold` per call (how long one call holds a
 *   slot, unclaimed calls included), so the (k + M)-th release is the k-th plus `meanHold`.
 * - and never less than the measured turnover: `(k · meanHold) / maxConcurrent` for the k-th
 *   release (checkouts that ran past the mean have an expected end in the past; they still take
 *   time to free).
 * - the means are measured from the slots that ended (`QueueContext.hold`, exponentially
 *   weighted); until one slot has ended there is no estimate, and none while admission is stopped
 *   (pre-queue, paused, every ticket left held, sold out): "not known" is honest, a number is not.
 *
 * Why it never rises while nobody is ahead: the position is then called by the next slot that
 * frees (any release calls it), and between two releases nothing it is computed from can move
 * up. The measured means change only when a slot ends; a slot's `e` is fixed at its claim and a
 * claim can only lower it; every `e` moves at most as fast as the clock, so `max(now, e) − now`
 * does not grow with time; the turnover term changes only with the means. (The staff lowering the
 * slot count, or pausing, is the exception: it is announced by the console, not hidden.)
 */
import type { QueueContext, Slot } from './types.js';

/** Weight of one ended slot in the measured means (an exponentially weighted mean over ~32 slots). */
export const HOLD_WEIGHT = 1 / 32;

/** Measured slot holding times (ms), exponentially weighted over the slots that ended. */
export interface HoldStats {
  /** Mean checkout: claim → the slot freed (completed, failed, left, checkout deadline). */
  activeMs?: number;
  /** Mean time one call holds a slot: a checkout, or the claim grace of an absent user. */
  slotMs?: number;
}

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
  return { ...(activeMs !== undefined ? { activeMs } : {}), slotMs: ewma(hold.slotMs, sinceCall) };
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

/** The expected end of the checkout claimed at `now` from a called slot (fixed in the slot: `Slot.expect`); never later than the called slot's. */
export function expectAtClaim(ctx: Pick<QueueContext, 'claimGraceMs' | 'hold'>, called: Slot, now: number): number | undefined {
  const activeMs = ctx.hold?.activeMs;
  if (activeMs === undefined) return undefined;
  return Math.min(calledEnd(ctx, called, now), now + activeMs);
}

/** An active slot's expected end (callers take `max(now, ·)`). */
export function activeEnd(ctx: Pick<QueueContext, 'checkoutTtlMs' | 'claimGraceMs' | 'hold'>, slot: Slot): number {
  const e = slot.expect ?? slotStart(ctx, slot) + (ctx.hold?.activeMs ?? 0);
  return Math.min(slot.deadline, e);
}

/** The held slots, prepared once per slots record and mean: active ends sorted, called slots listed. */
interface Prepared { activeMs: number | undefined; active: Float64Array; called: Slot[] }
const prepared = new WeakMap<QueueContext['slots'], Prepared>();

function prepare(ctx: QueueContext): Prepared {
  const memo = prepared.get(ctx.slots);
  if (memo && memo.activeMs === ctx.hold?.activeMs) return memo;
  const ends: number[] = [];
  const called: Slot[] = [];
  for (const pos in ctx.slots) {
    const slot = ctx.slots[pos]!;
    if (slot.state === 'called') called.push(slot);
    else ends.push(activeEnd(ctx, slot));
  }
  const p = { activeMs: ctx.hold?.activeMs, active: Float64Array.from(ends).sort(), called };
  prepared.set(ctx.slots, p);
  return p;
}

/** The k-th smallest (1-based) of two ascending arrays. */
function kth(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  let i = 0, j = 0, v = 0;
  for (let n = 0; n < k; n++) v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
  return v;
}

/** What the estimate reads of the queue (the settled context: due slots expired, cursor advanced). */
export type EtaContext = QueueContext;

/**
 * Expected ms until a waiting position with `ahead` people before it is called, or undefined
 * when nothing measured says (no slot has ended yet) or admission is stopped (`admitting` false).
 */
export function estimatedWaitMs(ctx: EtaContext, ahead: number, now: number, admitting: boolean): number | undefined {
  const slotMs = ctx.hold?.slotMs;
  if (!admitting || slotMs === undefined) return undefined;
  const p = prepare(ctx);
  const called = p.called.map((slot) => calledEnd(ctx, slot, now)).sort((x, y) => x - y);
  const n = p.active.length + called.length;
  // The k-th release (1-based) calls this position: its place among the waiters, plus the slots above the cap.
  const k = ahead + 1 + Math.max(0, n - ctx.maxConcurrent);
  // Never less than the measured turnover says: k releases at maxConcurrent / slotMs per ms. (The
  // held slots' expected ends alone say 0 once checkouts run past the mean, as long ones do.)
  const turnover = (k * slotMs) / ctx.maxConcurrent;
  return Math.max(turnover, fromHeldSlots(ctx, p, called, n, k, slotMs, now));
}

/** The k-th release from the held slots' expected ends, then whole turns of `slotMs` per slot. */
function fromHeldSlots(ctx: QueueContext, p: Prepared, called: number[], n: number, k: number, slotMs: number, now: number): number {
  if (n === 0) return 0;
  if (k <= n) return Math.max(0, kth(p.active, called, k) - now);
  // Beyond the held slots, each of the cap's slots is refilled as it frees and held `slotMs` per
  // call: the k-th release is the (k − c·M)-th known one plus c turns.
  const m = ctx.maxConcurrent;
  const turns = Math.ceil((k - n) / m);
  const idx = k - turns * m;
  if (idx < 1) return Math.max(0, kth(p.active, called, n) - now) + ((k - n) * slotMs) / m; // fewer held than the cap: not admitting
  return Math.max(0, kth(p.active, called, idx) - now) + turns * slotMs;
}
