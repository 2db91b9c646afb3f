/**
 * @module contracts/kinds/buyer
 * The public protocol of the `buyer` actor: one buyer's quota on one event
 * (`tb.buyer.<buyerId>.<verb>`, `buyerId = buyerIdOf(eventId, userId)`). It is the single writer
 * of what that buyer holds, so the event's limits — tickets per buyer across all their orders and
 * unpaid orders at once — hold under any number of concurrent orders through any number of
 * gateways. Quota is taken before an order exists (`reserve`, idempotent by order id) and given
 * back once when the order fails, is cancelled or expires (`settle`); completed orders keep counting.
 */
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { Command, ReadCommand } from '../schemas.js';
import { UserId } from './event.js';

/** Defaults and bounds of the buyer limits (event config `maxTicketsPerBuyer`, `maxOpenOrdersPerBuyer`). */
export const BuyerLimits = {
  defaultMaxTicketsPerBuyer: 10,
  maxTicketsPerBuyerCap: 1_000,
  defaultMaxOpenOrdersPerBuyer: 1,
  maxOpenOrdersPerBuyerCap: 10,
  /** Finished orders remembered after their quota came back (a late completion still counts them once). */
  maxReleased: 64,
} as const;

/** The buyer actor's id for `(eventId, userId)`: `b_` + 32 hex (ids are subject tokens; no separator could be trusted). */
export function buyerIdOf(eventId: string, userId: string): string {
  return `b_${createHash('sha256').update(`buyer\u0000${eventId}\u0000${userId}`).digest('hex').slice(0, 32)}`;
}

const OrderRef = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const EventRef = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Quantity = Type.Integer({ minimum: 1, maximum: 10_000 });

/** How an order ended for the quota: `kept` (completed: its tickets keep counting) or `released` (given back). */
export const QuotaOutcome = { Kept: 'kept', Released: 'released' } as const;
export type QuotaOutcome = (typeof QuotaOutcome)[keyof typeof QuotaOutcome];

/** Command schemas, one per verb. */
export const BuyerCommands = {
  /**
   * Take `quantity` tickets and one open order for `orderId`, within the limits the event sets
   * now. Repeating it for the same order answers yes and takes nothing more. Refusals:
   * `ORDER_BUYER_TICKET_LIMIT`, `ORDER_BUYER_OPEN_ORDERS_LIMIT`. `until` bounds how long the
   * order may stay open (its payment deadline and extension): past it the quota comes back by
   * itself, so a crash between `reserve` and the order never leaks it.
   */
  reserve: Command({
    eventId: EventRef,
    userId: UserId,
    orderId: OrderRef,
    quantity: Quantity,
    maxTickets: Type.Integer({ minimum: 1, maximum: BuyerLimits.maxTicketsPerBuyerCap }),
    maxOpenOrders: Type.Integer({ minimum: 1, maximum: BuyerLimits.maxOpenOrdersPerBuyerCap }),
    until: Type.Integer({ minimum: 0 }),
  }),
  /** The order ended: `kept` moves it to the completed tickets, `released` gives its quota back. Idempotent. */
  settle: Command({ orderId: OrderRef, outcome: Type.Union([Type.Literal('kept'), Type.Literal('released')]), quantity: Quantity }),
  /** What the buyer holds (operators, tests). */
  get: ReadCommand({}),
};

/** The buyer's quota as every verb answers it. */
export const BuyerView = Type.Object({
  eventId: Type.String(),
  userId: Type.String(),
  /** Tickets of open orders plus tickets of completed ones. */
  tickets: Type.Integer(),
  openOrders: Type.Integer(),
  orders: Type.Array(
    Type.Object({ orderId: Type.String(), quantity: Type.Integer(), state: Type.Union([Type.Literal('open'), Type.Literal('kept')]) }),
  ),
});
export type BuyerView = Static<typeof BuyerView>;

/** Reply schema per verb. */
export const BuyerReplies = { reserve: BuyerView, settle: BuyerView, get: BuyerView };

/** A decoded command of `verb`. */
export type BuyerCommand<V extends keyof typeof BuyerCommands> = Static<(typeof BuyerCommands)[V]>;
