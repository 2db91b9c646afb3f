/**
 * @module gateway/routes/history
 * The order-history read routes: my orders (`/api/v1/me/orders`), one of my orders with its
 * lines and payment status, and an event's sales per ticket class for its staff. They read the
 * order-history projection (`orders/history.ts`), so they lag the order actors by the projection
 * delay. Invariants: the user id comes from the verified token only; someone else's order is
 * answered exactly like a missing one (404 `HISTORY_ORDER_NOT_FOUND`); sales need the event's
 * `seeSales` permission, asked of the `event` actor (`checkAccess`) before the store is read.
 */
import { TbError, Type } from '../../contracts/index.js';
import { EventPermission } from '../../contracts/kinds/index.js';
import { EventSales, OrderHistoryItem, OrderHistoryPage, type OrderHistoryStore } from '../../orders/history.js';
import type { PaymentStore } from '../../payments/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute } from '../types.js';
import { checkAccess } from './event-lifecycle.js';
import { EventParams, eventNotFound, problem, userOf } from './shared.js';

/** What the history routes are bound to. */
export interface HistoryRouteDeps {
  history: OrderHistoryStore;
  /** When given, one order's answer carries the live payment rows' status too. */
  payments?: Pick<PaymentStore, 'getByOrder'>;
}

const TAGS = ['orders'];
const OrderId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'order id' });
const PageQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 256 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 20' })),
  },
  { additionalProperties: false },
);
const PaymentRow = Type.Object({
  paymentId: Type.String(),
  provider: Type.String(),
  status: Type.String(),
  amountMinor: Type.Integer(),
  currency: Type.String(),
});
const OrderDetail = Type.Intersect([
  OrderHistoryItem,
  Type.Object({
    paymentStatus: Type.Union([Type.String(), Type.Null()], {
      description: 'status of the newest payment (live), else as the order last reported it',
    }),
    payments: Type.Array(PaymentRow),
  }),
]);

/** The history routes bound to `deps`. */
export function historyRoutes(deps: HistoryRouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/orders',
      summary: 'My orders, newest first',
      tags: TAGS,
      auth: 'required',
      query: PageQuery,
      responses: { 200: OrderHistoryPage, 400: problem('HISTORY_INVALID_CURSOR') },
      handler: async (ctx) => ({
        body: await deps.history.listForUser(userOf(ctx).userId, { cursor: ctx.query.cursor, limit: ctx.query.limit }),
      }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/orders/:orderId',
      summary: 'One of my orders, with its lines and payment status',
      tags: TAGS,
      auth: 'required',
      params: Type.Object({ orderId: OrderId }, { additionalProperties: false }),
      responses: { 200: OrderDetail, 404: problem('No such order, or not mine (HISTORY_ORDER_NOT_FOUND)') },
      handler: async (ctx) => {
        const item = await deps.history.get(ctx.params.orderId, userOf(ctx).userId);
        if (!item) throw new TbError('HISTORY_ORDER_NOT_FOUND', { orderId: ctx.params.orderId });
        const rows = deps.payments ? await deps.payments.getByOrder(item.orderId) : [];
        const payments = rows.map((p) => ({
          paymentId: p.id,
          provider: p.provider,
          status: p.status,
          amountMinor: p.amountMinor,
          currency: p.currency,
        }));
        const reported = typeof item.payment?.['status'] === 'string' ? (item.payment['status'] as string) : null;
        return { body: { ...item, paymentStatus: payments[0]?.status ?? reported, payments } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/events/:eventId/sales',
      summary: 'Sales per ticket class (event staff)',
      tags: TAGS,
      auth: 'required',
      description:
        'COMPLETED orders without a pending refund: tickets sold, revenue (minor units) and orders per ticket class and currency. Needs the `seeSales` permission on the event.',
      params: EventParams,
      responses: { 200: EventSales, 403: problem('EVENT_FORBIDDEN'), 404: problem('No such event, or not visible (COMMAND_NOT_FOUND)') },
      handler: async (ctx) => {
        const { eventId } = ctx.params;
        const access = await checkAccess(ctx, eventId);
        if (!access.permissions.includes(EventPermission.SeeSales)) {
          if (!access.permissions.includes(EventPermission.Read)) throw eventNotFound(eventId);
          throw new TbError('EVENT_FORBIDDEN', { eventId, userId: access.userId, action: EventPermission.SeeSales, role: access.role });
        }
        return { body: await deps.history.salesByEvent(eventId) };
      },
    }),
  ];
}
