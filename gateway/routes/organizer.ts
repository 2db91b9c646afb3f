/**
 * @module gateway/routes/organizer
 * The organizer's views of an event: orders and attendees (searchable, cursor-paged), CSV exports
 * of both, sales by ticket class over time, and check-in progress by gate (`orders/organizer.ts`
 * reads them from PostgreSQL). Staff roles decide who sees what: buyers' personal data (orders,
 * attendees, exports) needs the `update` permission (event admins and editors, platform admins);
 * the aggregate figures (sales, check-ins) need `seeSales` (viewers too). Someone who may not read
 * the event gets the same 404 as for a missing one; staff without the permission get 403.
 */
import { TbError, Type } from '../../contracts/index.js';
import { EventPermission } from '../../contracts/kinds/index.js';
import type { Db } from '../../db/index.js';
import {
  checkInProgress,
  listEventAttendees,
  listEventOrders,
  salesOverTime,
  toCsv,
  type AttendeeRow,
  type EventOrderRow,
} from '../../orders/organizer.js';
import { defineRoute } from '../route.js';
import type { AnyRoute, RouteContext } from '../types.js';
import { checkAccess } from './event-lifecycle.js';
import { EventParams, eventNotFound, problem } from './shared.js';

/** What the organizer routes read. */
export interface OrganizerRouteDeps {
  db: Db;
}

const TAGS = ['organizer'];
const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "order code prefix, or part of the buyer's email or name" })),
    status: Type.Optional(
      Type.Union(['PENDING', 'COMPLETED', 'FAILED', 'CANCELLED', 'REFUND_PENDING', 'REFUNDED'].map((s) => Type.Literal(s))),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'default 50' })),
  },
  { additionalProperties: false },
);
const AttendeeQuery = Type.Object(
  { q: ListQuery.properties.q, cursor: ListQuery.properties.cursor, limit: ListQuery.properties.limit },
  { additionalProperties: false },
);
const SalesQuery = Type.Object(
  { bucket: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { description: 'default hour' })) },
  { additionalProperties: false },
);
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);
const OrderItem = Type.Object({
  orderId: Type.String(),
  code: Type.String(),
  status: Type.String(),
  totalMinor: Type.Integer(),
  currency: Type.String(),
  tickets: Type.Integer(),
  buyerId: Type.String(),
  buyerEmail: Nullable(Type.String()),
  buyerName: Nullable(Type.String()),
  refundRequired: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const AttendeeItem = Type.Object({
  ticketId: Nullable(Type.String()),
  orderId: Type.String(),
  classId: Type.String(),
  quantity: Type.Integer(),
  status: Type.String(),
  ownerId: Type.String(),
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  checkedInAt: Nullable(Type.String()),
  gate: Nullable(Type.String()),
});
const pageOf = <T extends ReturnType<typeof Type.Object>>(item: T, extra = {}) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]), ...extra });
const NOT_VISIBLE = problem('No such event, or not visible to the caller (COMMAND_NOT_FOUND)');
const FORBIDDEN = problem("The caller's role on the event does not allow this view (ORGANIZER_FORBIDDEN)");
const BAD_CURSOR = problem('A cursor this list did not give out (ORGANIZER_CURSOR_INVALID), or a bad query (COMMAND_INVALID)');

/** Refuse unless the caller has `permission` on the event (404 when they may not even read it). */
async function need(ctx: RouteContext<unknown, unknown, unknown>, eventId: string, permission: string, what: string): Promise<void> {
  const access = await checkAccess(ctx, eventId);
  if (!access.permissions.includes(EventPermission.Read)) throw eventNotFound(eventId);
  if (!access.permissions.includes(permission as never)) throw new TbError('ORGANIZER_FORBIDDEN', { eventId, what });
}

const ORDER_COLUMNS: Array<keyof EventOrderRow & string> = [
  'orderId',
  'code',
  'status',
  'totalMinor',
  'currency',
  'tickets',
  'buyerEmail',
  'buyerName',
  'refundRequired',
  'createdAt',
  'updatedAt',
];
const ATTENDEE_COLUMNS: Array<keyof AttendeeRow & string> = [
  'ticketId',
  'orderId',
  'classId',
  'quantity',
  'status',
  'email',
  'name',
  'checkedInAt',
  'gate',
];
const csv = (name: string, body: string) => ({
  headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` },
  body,
});

/** The organizer routes bound to `deps`. */
export function organizerRoutes(deps: OrganizerRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/orders',
      summary: "The event's orders with their buyers (admins, editors)",
      tags: TAGS,
      auth: 'required',
      description: "Newest first; `q` searches the order code (prefix), the buyer's email and name; cursor paging.",
      params: EventParams,
      query: ListQuery,
      responses: { 200: pageOf(OrderItem), 400: BAD_CURSOR, 403: FORBIDDEN, 404: NOT_VISIBLE },
      handler: async (ctx) => {
        await need(ctx, ctx.params.eventId, EventPermission.Update, 'seeing buyers');
        return { body: await listEventOrders(deps.db, ctx.params.eventId, { ...ctx.query, limit: ctx.query.limit ?? 50 }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/attendees',
      summary: "The event's attendees (admins, editors)",
      tags: TAGS,
      auth: 'required',
      description: 'One row per issued ticket (`source: tickets`), or per paid order line before tickets exist (`source: orders`).',
      params: EventParams,
      query: AttendeeQuery,
      responses: { 200: pageOf(AttendeeItem, { source: Type.String() }), 400: BAD_CURSOR, 403: FORBIDDEN, 404: NOT_VISIBLE },
      handler: async (ctx) => {
        await need(ctx, ctx.params.eventId, EventPermission.Update, 'seeing attendees');
        return { body: await listEventAttendees(deps.db, ctx.params.eventId, { ...ctx.query, limit: ctx.query.limit ?? 50 }) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/exports/orders.csv',
      summary: "The event's orders as CSV (admins, editors)",
      tags: TAGS,
      auth: 'required',
      params: EventParams,
      responses: { 200: { description: 'text/csv' }, 403: FORBIDDEN, 404: NOT_VISIBLE },
      handler: async (ctx) => {
        await need(ctx, ctx.params.eventId, EventPermission.Update, 'exporting buyers');
        return csv(
          `orders-${ctx.params.eventId}.csv`,
          await toCsv(ORDER_COLUMNS, (cursor) =>
            listEventOrders(deps.db, ctx.params.eventId, { ...(cursor ? { cursor } : {}), limit: 1_000 }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/exports/attendees.csv',
      summary: "The event's attendees as CSV (admins, editors)",
      tags: TAGS,
      auth: 'required',
      params: EventParams,
      responses: { 200: { description: 'text/csv' }, 403: FORBIDDEN, 404: NOT_VISIBLE },
      handler: async (ctx) => {
        await need(ctx, ctx.params.eventId, EventPermission.Update, 'exporting attendees');
        return csv(
          `attendees-${ctx.params.eventId}.csv`,
          await toCsv(ATTENDEE_COLUMNS, (cursor) =>
            listEventAttendees(deps.db, ctx.params.eventId, { ...(cursor ? { cursor } : {}), limit: 1_000 }),
          ),
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/stats/sales',
      summary: 'Tickets sold and revenue by class over time (staff)',
      tags: TAGS,
      auth: 'required',
      params: EventParams,
      query: SalesQuery,
      responses: {
        200: Type.Object({
          bucket: Type.String(),
          points: Type.Array(
            Type.Object({
              at: Type.String(),
              classId: Type.String(),
              tickets: Type.Integer(),
              revenueMinor: Type.Integer(),
              currency: Type.String(),
            }),
          ),
        }),
        403: FORBIDDEN,
        404: NOT_VISIBLE,
      },
      handler: async (ctx) => {
        await need(ctx, ctx.params.eventId, EventPermission.SeeSales, 'seeing sales');
        const bucket = ctx.query.bucket ?? 'hour';
        return { body: { bucket, points: await salesOverTime(deps.db, ctx.params.eventId, bucket) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/stats/check-ins',
      summary: 'Check-in progress by gate (staff)',
      tags: TAGS,
      auth: 'required',
      description: '`source: unavailable` until issued tickets exist.',
      params: EventParams,
      responses: {
        200: Type.Object({
          source: Type.String(),
          issued: Type.Integer(),
          checkedIn: Type.Integer(),
          gates: Type.Array(Type.Object({ gate: Type.String(), checkedIn: Type.Integer() })),
        }),
        403: FORBIDDEN,
        404: NOT_VISIBLE,
      },
      handler: async (ctx) => {
        await need(ctx, ctx.params.eventId, EventPermission.SeeSales, 'seeing check-ins');
        return { body: await checkInProgress(deps.db, ctx.params.eventId) };
      },
    }),
  ];
}
