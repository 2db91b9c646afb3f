/**
 * @module actors/ticketclass/types
 * The ticket class's persisted context and its machine events. Invariant kept by every
 * transition: `reserved == Σ holds[*].quantity`, `reserved + sold + available == total`,
 * `available ≥ 0`, `holdsCount ≤ reserved` (every hold is ≥ 1 ticket, so the stock bounds the holds:
 * there is no separate hold cap that could refuse a buyer while stock is left), and the entry grows
 * by ≤ `TicketClassLimits.holdEntryBytes` per live hold plus ≤ 256 remembered finished orders.
 */
import type { ReleaseReason } from '../../contracts/kinds/ticketclass.js';
import type { BucketMap } from './bucket-map.js';

/** A live hold of one order: `quantity ≥ 1` tickets until `expiresAt` (exclusive: due when `now ≥ expiresAt`). */
export interface Hold {
  quantity: number;
  expiresAt: number;
}

/** A hold as stored: `expiresAt · 128 + quantity` (see `packHold` in `inventory.ts`). */
export type PackedHold = number;

/** What the class remembers about a finished order, so repeated confirm/release answer the same. */
export interface FinishedOrder {
  state: 'confirmed' | 'released';
  quantity: number;
  reason?: ReleaseReason;
}

/**
 * Bounded memory of finished orders, in generations: new entries go to `head`; when `head` holds
 * `TicketClassLimits.recentGenerationSize` entries it becomes the newest of `old`, and the oldest
 * generation beyond `recentGenerations − 1` is dropped whole. So the last
 * `(recentGenerations − 1) · recentGenerationSize` finished orders are always remembered.
 */
export interface RecentOrders {
  head: BucketMap<FinishedOrder>;
  headCount: number;
  old: BucketMap<FinishedOrder>[];
}

/** The persisted context of a ticket class. */
export interface TicketClassContext {
  classId: string;
  eventId: string;
  name: string;
  priceMinor: number;
  currency: string;
  total: number;
  /** Σ of live holds' quantities. */
  reserved: number;
  sold: number;
  /** Number of orders confirmed so far (their detail lives in the emitted `ticketclass.confirmed` events). */
  soldOrders: number;
  saleStartsAt?: number;
  saleEndsAt?: number;
  holdTtlMs: number;
  maxPerOrder: number;
  /** Deprecated and ignored (kept so old commands and views keep their shape): the stock bounds the holds. */
  maxHolds: number;
  /** Live holds by order id, packed (a bucketed `Record<orderId, PackedHold>`: see `bucket-map.ts`). */
  holds: BucketMap<PackedHold>;
  holdsCount: number;
  /** A lower bound of the earliest `expiresAt` in `holds` (exact after a sweep); undefined when there are none. */
  nextExpiryAt?: number;
  /** Recently finished orders, bounded (see `RecentOrders`). */
  recent: RecentOrders;
  /** The `commandId` of the `create` that made this class: a different create is `INVENTORY_ALREADY_EXISTS`. */
  createCommandId: string;
  createdAt: number;
  updatedAt: number;
}

/** Input of `initialTransition` (built by the `create` handler). */
export interface TicketClassInput {
  classId: string;
  eventId: string;
  name: string;
  priceMinor: number;
  currency: string;
  total: number;
  saleStartsAt?: number;
  saleEndsAt?: number;
  holdTtlMs: number;
  maxPerOrder: number;
  maxHolds: number;
  createCommandId: string;
  now: number;
}

/** Fields `update` may change; `null` clears a sale bound. */
export interface TicketClassChanges {
  name?: string;
  priceMinor?: number;
  total?: number;
  saleStartsAt?: number | null;
  saleEndsAt?: number | null;
  holdTtlMs?: number;
  maxPerOrder?: number;
}

/** Machine events: public verbs (dotted by kind) plus the runtime's `timer.fired`. All carry `now`. */
export type TicketClassMachineEvent =
  | { type: 'ticketclass.reserve'; orderId: string; quantity: number; holdMs: number; now: number }
  | { type: 'ticketclass.extend'; orderId: string; holdMs: number; now: number }
  | { type: 'ticketclass.confirm'; orderId: string; now: number }
  | { type: 'ticketclass.release'; orderId: string; reason: ReleaseReason; now: number }
  | { type: 'ticketclass.update'; changes: TicketClassChanges; now: number }
  | { type: 'ticketclass.pause'; now: number }
  | { type: 'ticketclass.resume'; now: number }
  | { type: 'ticketclass.close'; now: number }
  | { type: 'timer.fired'; now: number };

/** Machine state values: `soldOut` is not a state but derived from `available` (see `statusOf`). */
export type TicketClassStateValue = 'active' | 'paused' | 'closed';

/** A policy refusal: a registered error code and its facts; handlers turn it into a `TbError`. */
export interface Refusal {
  code:
    | 'INVENTORY_SOLD_OUT'
    | 'INVENTORY_INSUFFICIENT'
    | 'INVENTORY_QUANTITY_OVER_LIMIT'
    | 'INVENTORY_NOT_ON_SALE'
    | 'INVENTORY_CLASS_CLOSED'
    | 'INVENTORY_HOLD_NOT_FOUND'
    | 'INVENTORY_HOLD_CONFLICT'
    | 'INVENTORY_ORDER_FINISHED'
    | 'INVENTORY_TOTAL_TOO_LOW'
    | 'INVENTORY_INVALID_SALE_WINDOW'
    | 'INVENTORY_ALL_HELD';
  params: Record<string, unknown>;
}

/** Result of a policy check: go ahead, answer from state without a transition, or refuse. */
export type Verdict = { kind: 'apply' } | { kind: 'noop' } | { kind: 'refuse'; refusal: Refusal };
