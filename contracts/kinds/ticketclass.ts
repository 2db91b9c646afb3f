/**
 * @module contracts/kinds/ticketclass
 * The public protocol of the `ticketclass` actor (inventory of one ticket class): limits, command
 * schemas and reply schemas for `tb.ticketclass.<id>.<verb>`. The invariant every reply reflects:
 * `available = total − reserved − sold ≥ 0`, and a ticket is never sold twice.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Command, ReadCommand } from '../schemas.js';

/** Limits of a ticket class; the command schemas enforce them, so a violation is `COMMAND_INVALID`. */
export const TicketClassLimits = {
  /** Largest `total` a class may have. */
  maxTotal: 1_000_000,
  /** Hold lifetime when neither the command nor the class says otherwise: 15 minutes. */
  defaultHoldTtlMs: 15 * 60_000,
  /** Shortest hold a reserve or extend may ask for. */
  minHoldMs: 10_000,
  /** Longest hold, counted from the command's time (`reserve.holdMs`, `extend.holdMs`, `holdTtlMs`): 1 hour. */
  maxHoldMs: 60 * 60_000,
  /** Default per-order cap on `reserve.quantity`; each class may set 1..`maxPerOrderCap`. */
  defaultMaxPerOrder: 10,
  maxPerOrderCap: 100,
  /**
   * `maxHolds` is accepted for compatibility and ignored: a class never refuses a buyer for its
   * number of holds while stock is left. Live holds are bounded by the stock itself (each holds
   * ≥ 1 ticket, so holds ≤ total − sold) and each costs at most `holdEntryBytes` of the entry.
   */
  defaultMaxHolds: 2_000,
  maxHoldsCap: 10_000,
  /**
   * Bytes one live hold adds to the packed entry at most (measured: 38), for the platform's order ids (`ord_` +
   * 24 hex, hold key ≤ 31 characters): key + one packed number (`packHold`). Asserted by
   * `test/security/hold-cap.test.ts`.
   */
  holdEntryBytes: 40,
  /**
   * Finished orders (confirmed or released) are remembered for idempotent replies in generations of
   * this size; `recentGenerations` of them are kept, so at least the last 192 and at most 256 (≈ 14 KB).
   * Kept small because a hot class rewrites its whole entry on every group commit (at 1,024 the
   * entry was ≈ 55 KB); retries with the same command id are answered by the runtime's reply
   * memory, which survives takeovers, so this only serves repeats under a *new* command id.
   */
  recentGenerationSize: 64,
  recentGenerations: 4,
} as const;

/** Why a hold was released. */
export const ReleaseReason = {
  /** The hold's deadline passed (only the timer sets this). */
  Expired: 'expired',
  /** The order was cancelled by the buyer or the saga's compensation. */
  Cancelled: 'cancelled',
  /** The payment provider reported a failure. */
  PaymentFailed: 'paymentFailed',
  /** The payment deadline passed before the provider answered. */
  PaymentExpired: 'paymentExpired',
} as const;
export type ReleaseReason = (typeof ReleaseReason)[keyof typeof ReleaseReason];

/**
 * The status a ticket class reports; `allHeld` and `soldOut` are derived from an active class's
 * stock: `allHeld` = nothing available but some tickets held by unpaid checkouts (they may come
 * back: retry at `nextHoldEndsAt`), `soldOut` = every ticket sold.
 */
export const TicketClassStatus = { Active: 'active', Paused: 'paused', AllHeld: 'allHeld', SoldOut: 'soldOut', Closed: 'closed' } as const;
export type TicketClassStatus = (typeof TicketClassStatus)[keyof typeof TicketClassStatus];

/** An order id: it is also the id of the `order` actor, so it follows the actor id pattern. */
/** Starts with a letter or digit, so it can never be `__proto__` when used as a record key. */
export const OrderId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' });
const EpochMs = Type.Integer({ minimum: 0, description: 'ms since the Unix epoch' });
const HoldMs = Type.Integer({ minimum: TicketClassLimits.minHoldMs, maximum: TicketClassLimits.maxHoldMs });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const PriceMinor = Type.Integer({ minimum: 0, maximum: 1e13, description: 'price in minor units (e.g. cents; VND has none)' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
const Total = Type.Integer({ minimum: 0, maximum: TicketClassLimits.maxTotal });
const MaxPerOrder = Type.Integer({ minimum: 1, maximum: TicketClassLimits.maxPerOrderCap });
const MaxHolds = Type.Integer({
  minimum: 1,
  maximum: TicketClassLimits.maxHoldsCap,
  description: 'deprecated, ignored: holds are bounded by the stock',
});

/** The field schemas a class is configured with, shared by the commands and the REST bodies. */
export const TicketClassFields = { Name, PriceMinor, Currency, Total, HoldMs, MaxPerOrder, MaxHolds } as const;

/** Command schemas, one per verb. */
export const TicketClassCommands = {
  create: Command({
    eventId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    name: Name,
    priceMinor: PriceMinor,
    currency: Currency,
    total: Total,
    saleStartsAt: Type.Optional(EpochMs),
    saleEndsAt: Type.Optional(EpochMs),
    holdTtlMs: Type.Optional(HoldMs),
    maxPerOrder: Type.Optional(MaxPerOrder),
    maxHolds: Type.Optional(MaxHolds),
  }),
  get: ReadCommand({}),
  reserve: Command({
    orderId: OrderId,
    quantity: Type.Integer({ minimum: 1, maximum: TicketClassLimits.maxPerOrderCap }),
    holdMs: Type.Optional(HoldMs),
  }),
  extend: Command({ orderId: OrderId, holdMs: HoldMs }),
  confirm: Command({ orderId: OrderId }),
  release: Command({
    orderId: OrderId,
    reason: Type.Optional(
      Type.Union([
        Type.Literal(ReleaseReason.Cancelled),
        Type.Literal(ReleaseReason.PaymentFailed),
        Type.Literal(ReleaseReason.PaymentExpired),
      ]),
    ),
  }),
  update: Command({
    name: Type.Optional(Name),
    priceMinor: Type.Optional(PriceMinor),
    total: Type.Optional(Total),
    saleStartsAt: Type.Optional(Type.Union([EpochMs, Type.Null()], { description: 'null clears it' })),
    saleEndsAt: Type.Optional(Type.Union([EpochMs, Type.Null()], { description: 'null clears it' })),
    holdTtlMs: Type.Optional(HoldMs),
    maxPerOrder: Type.Optional(MaxPerOrder),
  }),
  pause: Command({}),
  resume: Command({}),
  close: Command({}),
};

const Status = Type.Union(Object.values(TicketClassStatus).map((s) => Type.Literal(s)));

/** Everything `get` (and `create`, `update`, `pause`, `resume`, `close`) answer. */
export const TicketClassView = Type.Object(
  {
    classId: Type.String(),
    eventId: Type.String(),
    name: Type.String(),
    priceMinor: Type.Integer(),
    currency: Type.String(),
    total: Type.Integer(),
    reserved: Type.Integer(),
    sold: Type.Integer(),
    available: Type.Integer(),
    holdsCount: Type.Integer(),
    soldOrders: Type.Integer({ description: 'orders confirmed so far' }),
    status: Status,
    saleStartsAt: Type.Optional(EpochMs),
    saleEndsAt: Type.Optional(EpochMs),
    holdTtlMs: Type.Integer(),
    maxPerOrder: Type.Integer(),
    maxHolds: Type.Integer({ description: 'deprecated, ignored: holds are bounded by the stock' }),
    nextHoldEndsAt: Type.Optional(
      Type.Integer({ description: 'the earliest a live hold can lapse (holds may also be released sooner); absent without holds' }),
    ),
  },
  { title: 'TicketClassView' },
);
export type TicketClassView = Static<typeof TicketClassView>;

/** Reply of `reserve` (also of a repeated reserve for the same order) and of `extend`. */
export const HoldResult = Type.Object({
  classId: Type.String(),
  orderId: Type.String(),
  quantity: Type.Integer(),
  expiresAt: EpochMs,
  available: Type.Integer(),
  unitPriceMinor: Type.Integer({ description: 'the class price when answering' }),
  currency: Type.String(),
});
export type HoldResult = Static<typeof HoldResult>;

/** Reply of `confirm` and `release`: what state the order is in now on this class. */
export const OrderOutcome = Type.Object({
  classId: Type.String(),
  orderId: Type.String(),
  state: Type.Union([Type.Literal('confirmed'), Type.Literal('released'), Type.Literal('unknown')]),
  quantity: Type.Integer({ description: '0 when unknown' }),
  reason: Type.Optional(Type.String({ description: 'why it was released' })),
  changed: Type.Boolean({ description: 'false when this command found the order already in that state' }),
  available: Type.Integer(),
});
export type OrderOutcome = Static<typeof OrderOutcome>;

/** Reply schema per verb. */
export const TicketClassReplies = {
  create: TicketClassView,
  get: TicketClassView,
  reserve: HoldResult,
  extend: HoldResult,
  confirm: OrderOutcome,
  release: OrderOutcome,
  update: TicketClassView,
  pause: TicketClassView,
  resume: TicketClassView,
  close: TicketClassView,
};

/** A decoded command of `verb`. */
export type TicketClassCommand<V extends keyof typeof TicketClassCommands> = Static<(typeof TicketClassCommands)[V]>;
