/**
 * @module contracts/kinds/queue
 * The public protocol of the `queue` actor (the waitroom of one event, `tb.queue.<eventId>.<verb>`):
 * limits, command and reply schemas. The invariant every reply reflects: at most `maxConcurrent`
 * slots (called + active) exist at once, and admission follows positions 1, 2, 3, … in order.
 * The pre-queue permutation (`positionOf`, `ticketAt`) is a pure function of the revealed seed
 * and the pre-queue size, so anyone can recompute the admission order (docs/waitroom.md).
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Command, ReadCommand } from '../schemas.js';
import { UserId } from './event.js';

/** Bounds that keep the queue's entry small whatever the number of users. */
export const QueueLimits = {
  /** Checkout slots when the event does not say otherwise. */
  defaultMaxConcurrent: 100,
  /** Most slots one queue keeps (a slot is ≈ 90 bytes of the entry: 2,000 ≈ 180 KB). */
  maxConcurrentCap: 2_000,
  /** How long a called position may go unclaimed before it is released (`queue.expired`). */
  defaultClaimGraceMs: 30_000,
  /** How long an admitted user keeps the checkout slot (and the checkout token lives). */
  defaultCheckoutTtlMs: 15 * 60_000,
  minDeadlineMs: 100,
  maxDeadlineMs: 60 * 60_000,
  /** Positions ahead of the cursor whose user left, skipped without a slot (beyond: claim grace). */
  maxSkips: 1_024,
  /** Finished positions remembered with their outcome, so `status` can tell completed from expired. */
  maxRecent: 256,
  /** Time constant of the measured admission rate (an exponentially decayed count). */
  rateTauMs: 30_000,
  /** Most tickets one `statuses` read answers (a gateway's batched corrections). */
  maxStatusBatch: 500,
} as const;

/** How a slot ended. */
export const SlotOutcome = {
  Completed: 'completed',
  Failed: 'failed',
  Expired: 'expired',
  Left: 'left',
} as const;
export type SlotOutcome = (typeof SlotOutcome)[keyof typeof SlotOutcome];

/** A session's state as `status` reports it to its user. */
export const SessionState = {
  /** Waiting: `position`, `ahead`, `estimatedWaitSec`. Before the sale opens the pre-queue has no position yet. */
  Queued: 'queued',
  /** Holds a checkout slot: `token` and `tokenExpiresAt`. */
  Admitted: 'admitted',
  Completed: 'completed',
  Expired: 'expired',
  Left: 'left',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

const EpochMs = Type.Integer({ minimum: 0, description: 'ms since the Unix epoch' });
const Ms = Type.Integer({ minimum: QueueLimits.minDeadlineMs, maximum: QueueLimits.maxDeadlineMs });
const Ticket = Type.Integer({ minimum: 1, description: 'the ticket number join gave (1, 2, 3, … in join order)' });
/** A queue session id (also a KV key part): letters, digits, `_`, `-`. */
export const SessionId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' });
const Hex32 = Type.String({ pattern: '^[0-9a-f]{64}$', description: '32 bytes, lower-case hex' });
/** An order id (`ord_…`), as the order service makes them. */
const OrderRef = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Outcome = Type.Union(Object.values(SlotOutcome).map((o) => Type.Literal(o)));

/** Command schemas, one per verb. */
export const QueueCommands = {
  /** Made by `queue/service.ts#ensureQueue` from the event's config; `seed` stays secret until open. */
  create: Command({
    maxConcurrent: Type.Integer({ minimum: 1, maximum: QueueLimits.maxConcurrentCap }),
    opensAt: Type.Optional(EpochMs),
    seed: Hex32,
    claimGraceMs: Type.Optional(Ms),
    checkoutTtlMs: Type.Optional(Ms),
  }),
  /** Open the sale now (staff, or tests); the durable deadline `opensAt` does the same. */
  open: Command({}),
  join: Command({ userId: UserId }),
  /** Leave the queue, or give back a held slot. */
  leave: Command({ ticket: Ticket, sessionId: SessionId, userId: UserId }),
  /** Take a called slot (idempotent by session). */
  claim: Command({ ticket: Ticket, sessionId: SessionId, userId: UserId }),
  /** The checkout ended (order flow): frees the slot. Unknown sessions are a no-op success. */
  complete: Command({ sessionId: SessionId, outcome: Outcome }),
  /**
   * Stock across the event's ticket classes (the stock watcher sends it): `soldOut` = every
   * ticket sold (none available, none held); `held` = tickets held by unpaid checkouts, which may
   * come back. Admission pauses while nothing is available and resumes when stock comes back.
   */
  stock: Command({ available: Type.Integer({ minimum: 0 }), soldOut: Type.Boolean(), held: Type.Optional(Type.Integer({ minimum: 0 })) }),
  /**
   * One admission, one checkout: bind the session's active slot to the first order created with
   * its checkout token. The same order again is a no-op; any other order is
   * `ORDER_CHECKOUT_TOKEN_USED`; no active slot for the session is `ORDER_CHECKOUT_SLOT_ENDED`.
   */
  bindOrder: Command({ sessionId: SessionId, orderId: OrderRef }),
  /** Undo the binding of an order that failed before it held anything (a refused line, a buyer limit): the slot may make another order. */
  unbindOrder: Command({ sessionId: SessionId, orderId: OrderRef }),
  /** Public counters, plus what concerns `ticket` when given. */
  status: ReadCommand({ ticket: Type.Optional(Ticket) }),
  /** Public counters and what concerns each of `tickets`: one read for many sockets' corrections. */
  statuses: ReadCommand({ tickets: Type.Array(Ticket, { minItems: 1, maxItems: QueueLimits.maxStatusBatch }) }),
  /** Stop admitting (event staff, from the sale console): held slots finish, nobody new is called. */
  pause: Command({}),
  /** Admit again after `pause`. */
  resume: Command({}),
  /** Change the number of checkout slots live; lowering it lets held slots finish, calling nobody until under the new cap. */
  configure: Command({ maxConcurrent: Type.Integer({ minimum: 1, maximum: QueueLimits.maxConcurrentCap }) }),
};

/** What the queue says about one ticket (the `you` part of `status`). */
export const TicketView = Type.Object({
  ticket: Type.Integer(),
  /** Known once the sale has opened (pre-queue tickets are shuffled at open), or at once for later tickets. */
  position: Type.Optional(Type.Integer()),
  slot: Type.Optional(
    Type.Object({
      state: Type.Union([Type.Literal('called'), Type.Literal('active')]),
      deadline: EpochMs,
      sessionId: Type.Optional(Type.String()),
    }),
  ),
  outcome: Type.Optional(Type.Union([Outcome, Type.Literal('skipped')])),
  /** Positions still to be called before this one (skips of users who left subtracted). */
  ahead: Type.Optional(Type.Integer()),
  /**
   * Expected ms from the view's `at` until this position is called (docs/waitroom.md, "The
   * estimated wait"); absent while admission is stopped or before any slot has ended.
   */
  estimatedWaitMs: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type TicketView = Static<typeof TicketView>;

/** Everything `status` answers (and the public `GET /events/:id/queue`). */
export const QueueView = Type.Object(
  {
    eventId: Type.String(),
    phase: Type.Union([Type.Literal('preQueue'), Type.Literal('open')]),
    joined: Type.Integer({ description: 'tickets given so far' }),
    preQueueSize: Type.Optional(Type.Integer({ description: 'P: tickets 1..P joined before the sale opened (frozen at open)' })),
    cursor: Type.Integer({ description: 'highest position called so far ("now serving")' }),
    maxConcurrent: Type.Integer(),
    slotsInUse: Type.Integer(),
    seedHash: Hex32,
    seed: Type.Optional(Hex32),
    opensAt: Type.Optional(EpochMs),
    openedAt: Type.Optional(EpochMs),
    admittedRate: Type.Number({ description: 'admissions per second, exponentially decayed (τ = 30 s)' }),
    admitted: Type.Integer(),
    soldOut: Type.Boolean({ description: 'every ticket is sold: waiting is pointless' }),
    allHeld: Type.Optional(
      Type.Boolean({ description: 'nothing available but tickets are held by unpaid checkouts: admission waits for them to come back' }),
    ),
    paused: Type.Optional(Type.Boolean({ description: 'admission paused by the event staff' })),
    available: Type.Optional(Type.Integer()),
    held: Type.Optional(Type.Integer({ description: 'tickets held by unpaid checkouts across the event' })),
    claimGraceMs: Type.Integer(),
    checkoutTtlMs: Type.Integer(),
    at: EpochMs,
    you: Type.Optional(TicketView),
  },
  { title: 'QueueView' },
);
export type QueueView = Static<typeof QueueView>;

/** Reply of `join`. */
export const JoinResult = Type.Object({ ticket: Type.Integer(), joinedAt: EpochMs, preQueue: Type.Boolean(), view: QueueView });
export type JoinResult = Static<typeof JoinResult>;

/** Reply of `claim`: the slot now held and its deadline (the checkout token's expiry). */
export const ClaimResult = Type.Object({ position: Type.Integer(), deadline: EpochMs, sessionId: Type.String(), view: QueueView });
export type ClaimResult = Static<typeof ClaimResult>;

/** Reply of `statuses`: the public view (without `you`) and one ticket view per asked ticket, in order. */
export const StatusesResult = Type.Object({ view: QueueView, tickets: Type.Array(TicketView) });
export type StatusesResult = Static<typeof StatusesResult>;

/** Reply of `bindOrder` / `unbindOrder`: the slot and the order it is bound to now (none after an unbind). */
export const BindResult = Type.Object({
  sessionId: Type.String(),
  position: Type.Optional(Type.Integer()),
  deadline: Type.Optional(EpochMs),
  orderId: Type.Optional(Type.String()),
});
export type BindResult = Static<typeof BindResult>;

/** Reply schema per verb. */
export const QueueReplies = {
  create: QueueView,
  open: QueueView,
  join: JoinResult,
  leave: QueueView,
  claim: ClaimResult,
  complete: QueueView,
  stock: QueueView,
  status: QueueView,
  statuses: StatusesResult,
  bindOrder: BindResult,
  unbindOrder: BindResult,
  pause: QueueView,
  resume: QueueView,
  configure: QueueView,
};

/** A decoded command of `verb`. */
export type QueueCommand<V extends keyof typeof QueueCommands> = Static<(typeof QueueCommands)[V]>;

// --- the pre-queue order: a keyed bijection of [1..P] (Feistel network with cycle-walking) ---

/** What fixes the pre-queue order: its size P and the seed revealed at open. */
export interface PreQueue {
  preQueueSize: number;
  /** 32 bytes, lower-case hex. */
  seed: string;
}

const ROUNDS = 8;
const keyCache = new Map<string, Buffer>();

/** `sha256(seed)` in hex: the commitment published when the queue is created. */
export function seedHashOf(seed: string): string {
  return createHash('sha256').update(Buffer.from(seed, 'hex')).digest('hex');
}

/** The permutation key: SHA-256 of the seed bytes (the same value as the published `seedHash`). */
function keyOf(seed: string): Buffer {
  let k = keyCache.get(seed);
  if (!k) {
    k = createHash('sha256').update(Buffer.from(seed, 'hex')).digest();
    if (keyCache.size > 1_000) keyCache.clear();
    keyCache.set(seed, k);
  }
  return k;
}

/** Round function: the first 4 bytes of SHA-256(key ‖ round ‖ half), big-endian, masked to `bits`. */
function round(key: Buffer, r: number, half: number, bits: number): number {
  const buf = Buffer.alloc(key.length + 5);
  key.copy(buf, 0);
  buf.writeUInt8(r, key.length);
  buf.writeUInt32BE(half >>> 0, key.length + 1);
  const h = createHash('sha256').update(buf).digest();
  return bits >= 32 ? h.readUInt32BE(0) : h.readUInt32BE(0) & ((1 << bits) - 1);
}

function halfBits(n: number): number {
  let bits = 2;
  while (2 ** bits < n) bits += 2;
  return bits / 2;
}

/** One pass of the balanced Feistel network over [0, 2^(2h)). */
function feistel(key: Buffer, x: number, h: number, inverse: boolean): number {
  const mask = 2 ** h;
  let l = Math.floor(x / mask);
  let r = x % mask;
  for (let i = 0; i < ROUNDS; i++) {
    if (!inverse) [l, r] = [r, (l ^ round(key, i, r, h)) >>> 0];
    else [l, r] = [(r ^ round(key, ROUNDS - 1 - i, l, h)) >>> 0, l];
  }
  return l * mask + r;
}

/**
 * The keyed permutation of [0, n): Feistel over the next even power of two, cycle-walking until
 * the value falls back in range (at most 4 walks on average). Bijective by construction.
 */
export function feistelPermute(x: number, n: number, seed: string): number {
  if (!Number.isInteger(x) || x < 0 || x >= n) throw new RangeError(`feistelPermute: ${x} not in [0, ${n})`);
  if (n === 1) return 0;
  const key = keyOf(seed);
  const h = halfBits(n);
  let y = x;
  do y = feistel(key, y, h, false);
  while (y >= n);
  return y;
}

/** Inverse of `feistelPermute` (same `n` and seed). */
export function feistelInvert(y: number, n: number, seed: string): number {
  if (!Number.isInteger(y) || y < 0 || y >= n) throw new RangeError(`feistelInvert: ${y} not in [0, ${n})`);
  if (n === 1) return 0;
  const key = keyOf(seed);
  const h = halfBits(n);
  let x = y;
  do x = feistel(key, x, h, true);
  while (x >= n);
  return x;
}

/**
 * The admission position of `ticket`: pre-queue tickets (1..P) get positions 1..P by the keyed
 * permutation; later tickets keep their number (FIFO). Pure: recompute it from the revealed seed.
 */
export function positionOf(ticket: number, pre: PreQueue): number {
  if (ticket > pre.preQueueSize) return ticket;
  return 1 + feistelPermute(ticket - 1, pre.preQueueSize, pre.seed);
}

/** The ticket admitted at `position` (inverse of `positionOf`). */
export function ticketAt(position: number, pre: PreQueue): number {
  if (position > pre.preQueueSize) return position;
  return 1 + feistelInvert(position - 1, pre.preQueueSize, pre.seed);
}
