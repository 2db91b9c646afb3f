/**
 * @module gateway/routes/ticket-class-schemas
 * REST bodies and views of the ticket-class routes. Bodies mirror the `ticketclass` actor's
 * `create`/`update` commands (`contracts/kinds/ticketclass.ts`) minus `commandId` and `eventId`
 * (the gateway sets both), with bounded dates and no unknown fields. The public view leaves out
 * sales figures (reserved, sold, holds), which only the event's staff see.
 */
import { Type, type Static } from '../../contracts/index.js';
import { TicketClassFields, TicketClassView } from '../../contracts/kinds/index.js';
import { EpochMs } from './shared.js';

const { Name, PriceMinor, Currency, Total, HoldMs: HoldTtlMs, MaxPerOrder, MaxHolds } = TicketClassFields;

/** POST /api/v1/events/:eventId/ticket-classes */
export const CreateTicketClassBody = Type.Object(
  {
    name: Name,
    priceMinor: PriceMinor,
    currency: Currency,
    total: Total,
    saleStartsAt: Type.Optional(EpochMs),
    saleEndsAt: Type.Optional(EpochMs),
    holdTtlMs: Type.Optional(HoldTtlMs),
    maxPerOrder: Type.Optional(MaxPerOrder),
    maxHolds: Type.Optional(MaxHolds),
  },
  { additionalProperties: false },
);

/** PATCH /api/v1/ticket-classes/:classId — at least one field; `null` clears a sale bound. */
export const UpdateTicketClassBody = Type.Object(
  {
    name: Type.Optional(Name),
    priceMinor: Type.Optional(PriceMinor),
    total: Type.Optional(Total),
    saleStartsAt: Type.Optional(Type.Union([EpochMs, Type.Null()])),
    saleEndsAt: Type.Optional(Type.Union([EpochMs, Type.Null()])),
    holdTtlMs: Type.Optional(HoldTtlMs),
    maxPerOrder: Type.Optional(MaxPerOrder),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** What anyone who may read the event sees of a class: price, live availability, status, sale window. */
export const TicketClassPublicView = Type.Object(
  {
    classId: Type.String(),
    eventId: Type.String(),
    name: Type.String(),
    priceMinor: Type.Integer(),
    currency: Type.String(),
    available: Type.Integer({ description: 'tickets left right now (total − reserved − sold)' }),
    status: Type.String({
      description:
        'active, paused, allHeld (nothing available, some held by unpaid checkouts: may come back), soldOut (every ticket sold) or closed',
    }),
    saleStartsAt: Type.Optional(Type.Integer()),
    saleEndsAt: Type.Optional(Type.Integer()),
    maxPerOrder: Type.Integer(),
  },
  { title: 'TicketClassPublicView' },
);
export type TicketClassPublicView = Static<typeof TicketClassPublicView>;

/** A class as the caller may see it: the full view for the event's staff, the public one otherwise. */
export const TicketClassOut = Type.Union([TicketClassView, TicketClassPublicView], {
  description: 'staff of the event get every field (total, reserved, sold, holdsCount, …); others the public fields',
});

/** GET /api/v1/events/:eventId/ticket-classes */
export const TicketClassList = Type.Object({ items: Type.Array(TicketClassOut) }, { title: 'TicketClassList' });

/** The public fields of a full view. */
export function publicViewOf(v: TicketClassView): TicketClassPublicView {
  return {
    classId: v.classId,
    eventId: v.eventId,
    name: v.name,
    priceMinor: v.priceMinor,
    currency: v.currency,
    available: v.available,
    status: v.status,
    maxPerOrder: v.maxPerOrder,
    ...(v.saleStartsAt !== undefined ? { saleStartsAt: v.saleStartsAt } : {}),
    ...(v.saleEndsAt !== undefined ? { saleEndsAt: v.saleEndsAt } : {}),
  };
}
