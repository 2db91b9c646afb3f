/**
 * @module actors/buyer/types
 * The buyer's persisted context and machine events. Bounded: open and kept orders together hold
 * at most `maxTicketsPerBuyer` tickets (each order ≥ 1), released orders are remembered up to
 * `BuyerLimits.maxReleased`.
 */

/** One order the buyer's quota knows: `open` (unpaid, until `until`) or `kept` (completed). */
export interface QuotaEntry {
  quantity: number;
  state: 'open' | 'kept';
  /** Open entries only: past this the order cannot still be open, so its quota comes back (durable deadline). */
  until?: number;
}

/** The persisted context of one buyer on one event. */
export interface BuyerContext {
  eventId: string;
  userId: string;
  /** By order id; keys are order ids (`ord_…`), never `__proto__`. */
  orders: Record<string, QuotaEntry>;
  /** Orders whose quota came back, oldest first (bounded): a repeated `released` is a no-op. */
  released: string[];
  createdAt: number;
  updatedAt: number;
}

/** Input of `initialTransition` (built by the `reserve` handler: the first reservation). */
export interface BuyerInput {
  eventId: string;
  userId: string;
  orderId: string;
  quantity: number;
  until: number;
  now: number;
}

/** Machine events: verbs dotted by kind, plus the runtime's `timer.fired`. */
export type BuyerMachineEvent =
  | { type: 'buyer.reserve'; orderId: string; quantity: number; until: number; now: number }
  | { type: 'buyer.settle'; orderId: string; outcome: 'kept' | 'released'; quantity: number; now: number }
  | { type: 'timer.fired'; now: number };
