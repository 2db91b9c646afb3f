/**
 * @module gateway/routes/orders
 * Buying tickets: create an order (the gateway drives the saga's fast path through the order
 * service and answers with the payment URL), read it, cancel it. The buyer is always the verified
 * caller, never a body field; prices come from the ticket classes, never from the client; a
 * repeat with the same `Idempotency-Key` reaches the same order and never holds twice; anyone but
 * the owner gets the same 404 as for a missing order.
 */
import { TbError, Type } from '../../contracts/index.js';
import { EventLimits } from '../../contracts/kinds/event.js';
import { OrderLimits, OrderLineRequest, OrderView } from '../../contracts/kinds/order.js';
import { createEventCache, createOrderService, type EventCache, type OrderService, type OrderServiceConfig } from '../../orders/index.js';
import type { HttpClient, PaymentProviders, PaymentStore } from '../../payments/index.js';
import { pino } from 'pino';
import { ticketIdsOfOrder } from '../../tickets/issue.js';
import { defineRoute } from '../route.js';
import type { AnyRoute, RouteContext } from '../types.js';
import { EventId, IDEMPOTENCY_NOTE, commandIdFor, idempotencyKey, problem, userOf } from './shared.js';
import { AccessCodeHeaders } from './headers.js';

const TAGS = ['orders'];

/** What the order routes need besides NATS. */
export interface OrderRouteDeps {
  payments: PaymentStore;
  providers: PaymentProviders;
  config: OrderServiceConfig;
  http?: HttpClient;
}

const CreateOrderBody = Type.Object(
  {
    eventId: EventId,
    lines: Type.Array(OrderLineRequest, { minItems: 1, maxItems: OrderLimits.maxLines }),
    provider: Type.Optional(Type.Union(['sandbox', 'zalopay', 'payos', 'vnpay'].map((p) => Type.Literal(p)))),
    checkoutToken: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4_000, description: 'the waitroom checkout token, when the event has a waitroom' }),
    ),
  },
  { additionalProperties: false },
);

const OrderParams = Type.Object(
  { orderId: Type.String({ pattern: '^ord_[A-Za-z0-9]{1,60}$', description: 'order id, e.g. ord_3f9a…' }) },
  { additionalProperties: false },
);
/** The order view plus the ids of its tickets once it is COMPLETED (deterministic: `<orderId>-<n>`). */
const OrderWithTickets = Type.Intersect([
  OrderView,
  Type.Object({ ticketIds: Type.Optional(Type.Array(Type.String())), ticketsUrl: Type.Optional(Type.String()) }),
]);
const NOT_FOUND = problem("No such order, or not the caller's (ORDER_NOT_FOUND)");

/** The order routes, bound to the payment store and providers. */
export function orderRoutes(deps: OrderRouteDeps): AnyRoute[] {
  // One cache of event views for every create of this gateway, listening on its NATS connection.
  let eventCache: EventCache | undefined;
  const eventCacheFor = (ctx: RouteContext<unknown, unknown, unknown>): EventCache | undefined => {
    if (!eventCache && ctx.nc) eventCache = createEventCache({ nc: ctx.nc });
    return eventCache;
  };
  const serviceFor = (ctx: RouteContext<unknown, unknown, unknown>): OrderService => {
    const cache = eventCacheFor(ctx);
    return createOrderService({
      ...(cache ? { eventCache: cache } : {}),
      actors: ctx.actors,
      payments: deps.payments,
      providers: deps.providers,
      config: deps.config,
      log: ctx.log ?? pino({ level: 'silent' }),
      ...(deps.http ? { http: deps.http } : {}),
    });
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/orders',
      summary: 'Buy tickets: reserve every line, create the payment, answer its URL',
      tags: TAGS,
      auth: 'required',
      description: `All or nothing: a line that cannot be had releases the others and answers 409 naming the class and what is left. A free order is COMPLETED at once. Events with a waitroom need the checkout token; one admission makes one order (the first one made with the token). Each event caps the tickets a buyer holds across orders and their unpaid orders. A private event needs its access code in the X-Event-Access-Code header. ${IDEMPOTENCY_NOTE} The same key answers the same order.`,
      body: CreateOrderBody,
      headers: AccessCodeHeaders,
      responses: {
        201: OrderView,
        200: OrderView,
        400: problem(
          'Bad body (COMMAND_INVALID), a class of another event (ORDER_CLASS_NOT_IN_EVENT), over a limit (INVENTORY_QUANTITY_OVER_LIMIT, ORDER_TOO_MANY_TICKETS)',
        ),
        403: problem(
          "Signed in, but without a valid checkout token for this event: none (ORDER_CHECKOUT_TOKEN_REQUIRED), forged or altered (QUEUE_TOKEN_INVALID), expired (QUEUE_TOKEN_EXPIRED), another user's or another event's (QUEUE_TOKEN_WRONG_USER, QUEUE_TOKEN_WRONG_EVENT)",
        ),
        404: problem('No such event, or a private event without its access code (COMMAND_NOT_FOUND)'),
        409: problem(
          'Sold out (INVENTORY_SOLD_OUT: every ticket sold; INVENTORY_ALL_HELD: what is left is held by unpaid checkouts, retry at details.retryAt; INVENTORY_INSUFFICIENT with classId and available), not on sale (ORDER_EVENT_NOT_ON_SALE, INVENTORY_NOT_ON_SALE), the checkout token already made another order (ORDER_CHECKOUT_TOKEN_USED), over a buyer limit of the event (ORDER_BUYER_TICKET_LIMIT, ORDER_BUYER_OPEN_ORDERS_LIMIT)',
        ),
        410: problem(
          'The checkout slot of the token has ended: order completed or failed, slot expired, buyer left (ORDER_CHECKOUT_SLOT_ENDED)',
        ),
      },
      handler: async (ctx) => {
        const key = idempotencyKey(ctx);
        const user = userOf(ctx);
        const accessCode = ctx.request.headers[EventLimits.accessCodeHeader];
        const { order, created } = await serviceFor(ctx).create({
          userId: user.userId,
          platformRoles: user.roles,
          eventId: ctx.body.eventId,
          lines: ctx.body.lines,
          ...(accessCode ? { accessCode } : {}),
          ...(ctx.body.provider ? { provider: ctx.body.provider } : {}),
          ...(ctx.body.checkoutToken ? { checkoutToken: ctx.body.checkoutToken } : {}),
          ...(key ? { idempotencyKey: key } : {}),
        });
        if (order.status === 'FAILED')
          throw new TbError('ORDER_FAILED', { orderId: order.orderId, reason: order.failureReason ?? 'unknown' });
        return { status: created ? 201 : 200, headers: { location: `/api/v1/orders/${order.orderId}` }, body: order };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/orders/:orderId',
      summary: 'My order: status, lines, payment URL and status',
      tags: TAGS,
      auth: 'required',
      description: 'Owner only; anyone else gets 404. A COMPLETED order names its tickets (`ticketIds`, `ticketsUrl`).',
      params: OrderParams,
      responses: { 200: OrderWithTickets, 404: NOT_FOUND },
      handler: async (ctx) => {
        const order = await serviceFor(ctx).get(ctx.params.orderId, userOf(ctx).userId);
        const ticketIds = ticketIdsOfOrder(order);
        return { body: ticketIds.length > 0 ? { ...order, ticketIds, ticketsUrl: `/api/v1/orders/${order.orderId}/tickets` } : order };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/orders/:orderId/cancel',
      summary: 'Cancel my PENDING order (holds released)',
      tags: TAGS,
      auth: 'required',
      description: `Owner only. Cancelling a cancelled order answers it again. ${IDEMPOTENCY_NOTE}`,
      params: OrderParams,
      responses: { 200: OrderView, 404: NOT_FOUND, 409: problem('The order is not PENDING (ORDER_NOT_CANCELLABLE, with status)') },
      handler: async (ctx) => ({
        body: await serviceFor(ctx).cancel(ctx.params.orderId, userOf(ctx).userId, commandIdFor(ctx, `${ctx.params.orderId}:cancel`)),
      }),
    }),
  ];
}
