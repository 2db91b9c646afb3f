/**
 * @module catalog/schemas
 * TypeBox schemas of the catalog's read API: query parameters and result items. The gateway
 * builds its REST routes and OpenAPI document from these; `queries.ts` validates with them, so
 * the documented bounds and the enforced ones are the same objects.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EventStatus, Organizer } from '../contracts/kinds/index.js';
import { MAX_EPOCH_MS } from './cursor.js';

const epoch = (description = 'ms since the Unix epoch') => Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS, description });
const EpochMs = epoch();
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'page size (default 20, at most 100)' });
const Cursor = Type.String({ minLength: 1, maxLength: 512, description: 'nextCursor of the previous page (opaque)' });
const Status = Type.Union(Object.values(EventStatus).map((s) => Type.Literal(s)));

/** Default page size. */
export const DEFAULT_LIMIT = 20;

/** Parameters of the public listing (`GET /events`). */
export const CatalogListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'full-text search (web search syntax: words, "phrases", -not, or) over name, location, description',
      }),
    ),
    category: Type.Optional(
      Type.String({ minLength: 1, maxLength: 50, description: 'one category (kept for older clients; `categories` takes several)' }),
    ),
    categories: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1_000, description: 'comma-separated categories: events in ANY of them (at most 20)' }),
    ),
    from: Type.Optional(epoch('only events still running at or after this time (endsAt ≥ from), ms since the Unix epoch')),
    to: Type.Optional(
      epoch(
        'only events starting at or before this time (startsAt ≤ to, included: pass the last ms of the last day picked), ms since the Unix epoch',
      ),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type CatalogListQuery = Static<typeof CatalogListQuery>;

/** Parameters of "my events": events where the user is staff, any status. */
export const CatalogMyEventsQuery = Type.Object(
  {
    status: Type.Optional(Status),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type CatalogMyEventsQuery = Static<typeof CatalogMyEventsQuery>;

/** One event as listed. */
export const CatalogEventItem = Type.Object(
  {
    eventId: Type.String(),
    name: Type.String(),
    description: Type.String(),
    location: Type.String(),
    startsAt: EpochMs,
    endsAt: EpochMs,
    categories: Type.Array(Type.String()),
    status: Status,
    isPublic: Type.Boolean(),
    isFree: Type.Boolean(),
    isNewTrending: Type.Boolean(),
    allowWaitRoom: Type.Boolean(),
    ticketSaleStartDate: Type.Optional(EpochMs),
    ticketSaleEndDate: Type.Optional(EpochMs),
    organizer: Type.Optional(Organizer),
    createdBy: Type.String(),
    version: Type.Integer({ description: 'the event projection version this row reflects' }),
    updatedAt: EpochMs,
  },
  { title: 'CatalogEventItem' },
);
export type CatalogEventItem = Static<typeof CatalogEventItem>;

/** Ticket class status as shown; `soldOut` is derived from `available` (approximate, see docs). */
export const CatalogTicketClassStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('paused'),
  Type.Literal('soldOut'),
  Type.Literal('closed'),
]);

/** One ticket class on an event page; `available` lags the inventory actor by the projection delay. */
export const CatalogTicketClassItem = Type.Object({
  classId: Type.String(),
  eventId: Type.String(),
  name: Type.String(),
  priceMinor: Type.Integer(),
  currency: Type.String(),
  total: Type.Integer(),
  available: Type.Integer(),
  status: CatalogTicketClassStatus,
  saleStartsAt: Type.Optional(EpochMs),
  saleEndsAt: Type.Optional(EpochMs),
});
export type CatalogTicketClassItem = Static<typeof CatalogTicketClassItem>;

/** An event page: the event and its ticket classes. */
export const CatalogEventDetail = Type.Composite([CatalogEventItem, Type.Object({ ticketClasses: Type.Array(CatalogTicketClassItem) })]);
export type CatalogEventDetail = Static<typeof CatalogEventDetail>;

/** A page of events; `nextCursor` is null on the last page, `prevCursor` on the first (pass either back as `cursor`). */
export const CatalogEventPage = Type.Object(
  {
    items: Type.Array(CatalogEventItem),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
    prevCursor: Type.Union([Type.String(), Type.Null()], { description: 'the page before this one (null on the first page)' }),
  },
  { title: 'CatalogEventPage' },
);
export type CatalogEventPage = Static<typeof CatalogEventPage>;

/** A category with the number of public published events in it. */
export const CatalogCategory = Type.Object({ category: Type.String(), count: Type.Integer() }, { title: 'CatalogCategory' });
export type CatalogCategory = Static<typeof CatalogCategory>;
