/**
 * @module contracts/events/ticketclass
 * Domain events a ticket class emits (past tense, to the outbox, published on
 * `tb.evt.ticketclass.<id>.<name>`). Every event carries `classId`, `eventId`, the new `available`
 * and `held` and `at` (the command's time), so a consumer never needs the actor's state. Delivery is
 * at-least-once (runtime rule 4: effects after commit, at least once): consumers dedupe by `Nats-Msg-Id` or by `(orderId, type)`.
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';

function event<T extends string, P extends TProperties>(type: T, properties: P) {
  return Type.Object({
    type: Type.Literal(type),
    classId: Type.String(),
    eventId: Type.String(),
    available: Type.Integer({ minimum: 0 }),
    /** Tickets held by unpaid checkouts after this event (absent in events written before it was added). */
    held: Type.Optional(Type.Integer({ minimum: 0 })),
    at: Type.Integer({ description: 'ms since epoch: the time of the command that caused it' }),
    ...properties,
  });
}

const Catalog = {
  name: Type.String(),
  priceMinor: Type.Integer(),
  currency: Type.String(),
  total: Type.Integer(),
  saleStartsAt: Type.Optional(Type.Integer()),
  saleEndsAt: Type.Optional(Type.Integer()),
};

/** Names of the events, as a const object. */
export const TicketClassEventType = {
  Created: 'ticketclass.created',
  Reserved: 'ticketclass.reserved',
  Extended: 'ticketclass.extended',
  Confirmed: 'ticketclass.confirmed',
  Released: 'ticketclass.released',
  Updated: 'ticketclass.updated',
  SoldOut: 'ticketclass.soldOut',
  AllHeld: 'ticketclass.allHeld',
  BackInStock: 'ticketclass.backInStock',
  Paused: 'ticketclass.paused',
  Resumed: 'ticketclass.resumed',
  Closed: 'ticketclass.closed',
} as const;

const T = TicketClassEventType;

/** TypeBox schema of every emitted event, by type. */
export const TicketClassEventSchemas = {
  [T.Created]: event(T.Created, Catalog),
  /** A hold was taken; it lapses at `expiresAt` unless confirmed, released or extended. */
  [T.Reserved]: event(T.Reserved, { orderId: Type.String(), quantity: Type.Integer(), expiresAt: Type.Integer() }),
  [T.Extended]: event(T.Extended, { orderId: Type.String(), quantity: Type.Integer(), expiresAt: Type.Integer() }),
  /** Tickets sold: the order-history projection keeps these (the actor only keeps a bounded memory). */
  [T.Confirmed]: event(T.Confirmed, {
    orderId: Type.String(),
    quantity: Type.Integer(),
    unitPriceMinor: Type.Integer(),
    currency: Type.String(),
    sold: Type.Integer(),
  }),
  [T.Released]: event(T.Released, { orderId: Type.String(), quantity: Type.Integer(), reason: Type.String() }),
  [T.Updated]: event(T.Updated, { ...Catalog, changed: Type.Array(Type.String()) }),
  /** Every ticket is sold (none available, none held) while the class was open: sold means sold. */
  [T.SoldOut]: event(T.SoldOut, {}),
  /** None available but some held by unpaid checkouts while the class was open: they may come back (not sold out). */
  [T.AllHeld]: event(T.AllHeld, {}),
  /** `available` rose above 0 again (a hold lapsed or was released, or total grew). */
  [T.BackInStock]: event(T.BackInStock, {}),
  [T.Paused]: event(T.Paused, {}),
  [T.Resumed]: event(T.Resumed, {}),
  [T.Closed]: event(T.Closed, {}),
};

type Schemas = typeof TicketClassEventSchemas;
/** One emitted event. */
export type TicketClassEvent = { [K in keyof Schemas]: Static<Schemas[K]> }[keyof Schemas];
/** The emitted event of a given type. */
export type TicketClassEventOf<K extends TicketClassEvent['type']> = Extract<TicketClassEvent, { type: K }>;
/** Union of all emitted event schemas, for a consumer that validates what it reads. */
export const TicketClassEventSchema = Type.Union(Object.values(TicketClassEventSchemas));
