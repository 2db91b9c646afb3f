/**
 * @module orders/history/types
 * The order-history port: the order view the `order` actor publishes in every `order.*` event
 * (`data.order`), what the projection stores, and the read shapes — behind ONE interface,
 * `OrderHistoryStore`, implemented over PostgreSQL (default) and MongoDB (`TB_MONGODB_URL`).
 * Types and schemas only; no I/O.
 */
import { Type, type Static } from '../../contracts/index.js';

/** One line of an order view. */
export interface OrderLineView {
  classId: string;
  quantity: number;
  unitPriceMinor: number;
  currency: string;
  /** Per-line saga state (pending, held, refused, confirmed, released …), as the actor reports it. */
  state: string;
}

/** The order view carried by every `order.*` event in `data.order` (the order actor's contract). */
export interface OrderView {
  orderId: string;
  code: string;
  userId: string;
  eventId: string;
  /** CREATING, PENDING, COMPLETED, FAILED, CANCELLED (upper case). */
  status: string;
  lines: OrderLineView[];
  totalMinor: number;
  currency: string;
  payment?: Record<string, unknown> | null;
  failureReason?: string | null;
  refundRequired?: boolean | null;
  /** ms since the epoch. */
  createdAt: number;
  updatedAt: number;
}

/** One decoded `order.*` event, ready to project. `(version, n)` orders the events of one order. */
export interface OrderHistoryEvent {
  type: string;
  order: OrderView;
  /** The actor's write sequence (`seq` of the event body). */
  version: number;
  /** Index of the event within that write (`n`). */
  n: number;
}

/** An order as listed and shown. */
export const OrderHistoryItem = Type.Object(
  {
    orderId: Type.String(),
    code: Type.String(),
    eventId: Type.String(),
    status: Type.String(),
    totalMinor: Type.Integer(),
    currency: Type.String(),
    lines: Type.Array(
      Type.Object({
        classId: Type.String(),
        quantity: Type.Integer(),
        unitPriceMinor: Type.Integer(),
        currency: Type.String(),
        state: Type.String(),
      }),
    ),
    payment: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
      description: 'the payment as the order last reported it (status, provider, …)',
    }),
    failureReason: Type.Union([Type.String(), Type.Null()]),
    refundRequired: Type.Boolean(),
    createdAt: Type.Integer({ description: 'ms since the epoch' }),
    updatedAt: Type.Integer({ description: 'ms since the epoch' }),
  },
  { $id: 'OrderHistoryItem' },
);
export type OrderHistoryItem = Static<typeof OrderHistoryItem>;

/** A page of my orders, newest first. */
export const OrderHistoryPage = Type.Object({
  items: Type.Array(OrderHistoryItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type OrderHistoryPage = Static<typeof OrderHistoryPage>;

/** Sales of one ticket class (COMPLETED orders without a pending refund). */
export const ClassSales = Type.Object({
  classId: Type.String(),
  currency: Type.String(),
  ticketsSold: Type.Integer(),
  revenueMinor: Type.Integer(),
  orders: Type.Integer(),
});
export type ClassSales = Static<typeof ClassSales>;

/** An event's sales per ticket class, plus the totals per currency. */
export const EventSales = Type.Object({
  eventId: Type.String(),
  classes: Type.Array(ClassSales),
  totals: Type.Array(
    Type.Object({ currency: Type.String(), ticketsSold: Type.Integer(), revenueMinor: Type.Integer(), orders: Type.Integer() }),
  ),
});
export type EventSales = Static<typeof EventSales>;

/** Paging of `listForUser`: `limit` 1–100 (default 20), `cursor` from the previous page. */
export interface PageOptions {
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** What `apply` did with a batch. */
export interface ApplyResult {
  /** Orders written (a newer version than stored). */
  applied: number;
  /** Events older than (or equal to) what was stored: no-ops. */
  stale: number;
}

/**
 * The order-history store. Invariants for every implementation (the conformance suite
 * `test/orders/history-suite.ts` checks them): `apply` is idempotent and order-insensitive
 * (only a higher `(version, n)` replaces an order); `get` answers only the owner (anyone else
 * gets `undefined`, like a missing order); pages never skip or repeat an order.
 */
export interface OrderHistoryStore {
  readonly backend: 'postgres' | 'mongodb';
  /** Project a batch of events (in any order) atomically where the backend allows. */
  apply(events: readonly OrderHistoryEvent[]): Promise<ApplyResult>;
  /** The user's orders, newest first. Throws `HISTORY_INVALID_CURSOR` for a bad cursor. */
  listForUser(userId: string, page?: PageOptions): Promise<OrderHistoryPage>;
  /** One order with its lines, when `viewerId` owns it; otherwise undefined. */
  get(orderId: string, viewerId: string): Promise<OrderHistoryItem | undefined>;
  /** Sales per ticket class of `eventId` (access is the caller's job: the event's staff only). */
  salesByEvent(eventId: string): Promise<EventSales>;
  /**
   * Ids of the event's orders still open as last projected (RESERVING or PENDING), oldest first,
   * at most `limit` after `afterOrderId` (the event-cancel consumer pages through them).
   */
  openOrderIds(eventId: string, limit: number, afterOrderId?: string): Promise<string[]>;
  /** How many orders are in each status, as last projected (the `tb_orders` gauge). */
  countByStatus(): Promise<Record<string, number>>;
  /** Release connections the store opened itself (no-op for a borrowed pool). */
  close(): Promise<void>;
}
