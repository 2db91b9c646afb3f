/**
 * @module actors/queue/types
 * The queue's persisted context and its machine events. Invariants kept by every transition:
 * `Object.keys(slots).length ≤ maxConcurrent`, every slot's position is ≤ `cursor`, `cursor ≤
 * joined`, and the entry is O(1) in the number of users (counters, ≤ maxConcurrent slots, ≤
 * `QueueLimits.maxSkips` skips, ≤ `QueueLimits.maxRecent` remembered outcomes).
 */
import type { SlotOutcome } from '../../contracts/kinds/queue.js';

/** A checkout slot: `called` (waiting for its user to claim it) or `active` (checking out). */
export interface Slot {
  state: 'called' | 'active';
  /** Claim grace end (called) or checkout end (active); due when `now ≥ deadline`. */
  deadline: number;
  sessionId?: string;
  userId?: string;
  /** The one order this slot's checkout token made (`bindOrder`): one admission, one checkout. */
  orderId?: string;
  /** Active slots: when the checkout is expected to end, fixed at the claim (`eta.ts`). */
  expect?: number;
  /** Active slots: when the position was called (the claim keeps it, to measure a call's whole hold). */
  calledAt?: number;
}

/** The exponentially decayed admission count: `value` per second as of `at`. */
export interface Rate {
  value: number;
  at: number;
}

/** The persisted context of one event's queue. */
export interface QueueContext {
  eventId: string;
  maxConcurrent: number;
  claimGraceMs: number;
  checkoutTtlMs: number;
  /** Durable deadline: the sale opens (pre-queue shuffled, admission starts). */
  opensAt?: number;
  openedAt?: number;
  /** The secret seed; only shown once `openedAt` is set. */
  seed: string;
  seedHash: string;
  /** Tickets given so far (the last ticket number). */
  joined: number;
  /** P: tickets joined before the sale opened, frozen at open. */
  preQueueSize?: number;
  /** Highest position called so far. */
  cursor: number;
  /** Slots by position (as a string key). */
  slots: Record<string, Slot>;
  /** Positions ahead of the cursor whose user left: skipped without a slot. Bounded. */
  skips: number[];
  /** Outcomes of recently finished positions, oldest first. Bounded. */
  recent: Array<[number, SlotOutcome | 'skipped']>;
  /** Every ticket is sold (none available, none held): admission stops for good. */
  soldOut: boolean;
  /** Admission paused by the event staff (`pause`/`resume`). */
  paused?: boolean;
  available?: number;
  /** Tickets held by unpaid checkouts (may come back); admission pauses while `available` is 0. */
  held?: number;
  rate: Rate;
  /** Measured slot holding times, for the estimated wait (`eta.ts`); absent until a slot ended. */
  hold?: HoldStats;
  admitted: number;
  left: number;
  createCommandId: string;
  createdAt: number;
  updatedAt: number;
}

/** Input of `initialTransition` (built by the `create` handler). */
export interface QueueInput {
  eventId: string;
  maxConcurrent: number;
  claimGraceMs: number;
  checkoutTtlMs: number;
  opensAt?: number;
  seed: string;
  createCommandId: string;
  now: number;
}

/** Machine events: public verbs (dotted by kind) plus the runtime's `timer.fired`. All carry `now`. */
export type QueueMachineEvent =
  | { type: 'queue.open'; now: number }
  | { type: 'queue.join'; userId: string; now: number }
  | { type: 'queue.leave'; ticket: number; sessionId: string; userId: string; now: number }
  | { type: 'queue.claim'; ticket: number; sessionId: string; userId: string; now: number }
  | { type: 'queue.complete'; sessionId: string; outcome: SlotOutcome; now: number }
  | { type: 'queue.bindOrder'; sessionId: string; orderId: string; now: number }
  | { type: 'queue.unbindOrder'; sessionId: string; orderId: string; now: number }
  | { type: 'queue.stock'; available: number; soldOut: boolean; held?: number; now: number }
  | { type: 'queue.pause'; now: number }
  | { type: 'queue.resume'; now: number }
  | { type: 'queue.configure'; maxConcurrent: number; now: number }
  | { type: 'timer.fired'; now: number };

/** Machine state values. */
export type QueueStateValue = 'preQueue' | 'open';

/** Measured slot holding times (ms), exponentially weighted over the slots that ended. */
export interface HoldStats {
  /** Mean checkout: claim → the slot freed (completed, failed, left, checkout deadline). */
  activeMs?: number;
  /** Mean time one call holds a slot: a checkout, or the claim grace of an absent user. */
  slotMs?: number;
  /** Mean time between two calls while people were waiting (1 / the admission rate): `busyMs / calls`, updated only when someone is called. */
  gapMs?: number;
  /** Busy time (people waiting) and calls made in it, both decayed over `RATE_WINDOW_MS` (`eta.ts`). */
  busyMs?: number;
  calls?: number;
  /** When the last call happened, and whether people were still waiting after it (the next gap is then a busy one). */
  lastCallAt?: number;
  backlog?: boolean;
}
