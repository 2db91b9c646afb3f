/**
 * @module gateway/routes/refunds
 * Refunds at the edge: an event admin refunds a paid order of the event
 * (`POST /api/v1/events/:eventId/orders/:orderId/refund`), and the local sandbox provider's
 * refund desk (`POST /api/v1/payments/sandbox/refunds`, `…/query`: no login, the HMAC signature
 * is the authentication, exactly like a real provider's refund API). Invariants: the caller's
 * role is checked on the event (the `cancel` permission: event admins and platform admins)
 * before the order is asked, and the order must belong to that event; the refund itself is the
 * order actor's decision (REFUND_PENDING once, then the payments side refunds once per
 * transaction), so a replayed or concurrent request refunds once.
 */
import { TbError, Type } from '../../contracts/index.js';
import { EventPermission } from '../../contracts/kinds/index.js';
import { OrderView } from '../../contracts/kinds/order.js';
import { SANDBOX_REFUND_PATH, type SandboxRefundDesk } from '../../payments/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute } from '../types.js';
import { checkAccess } from './event-lifecycle.js';
import { EventId, IDEMPOTENCY_NOTE, commandKeyFor, eventNotFound, problem, userOf } from './shared.js';

const RefundParams = Type.Object(
  {
    eventId: EventId,
    orderId: Type.String({ pattern: '^ord_[A-Za-z0-9]{1,60}$', description: 'order id, e.g. ord_3f9a…' }),
  },
  { additionalProperties: false },
);

/** The organizer's refund route. */
export function organizerRefundRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/events/:eventId/orders/:orderId/refund',
      summary: 'Refund a paid order of my event (event admins)',
      tags: ['orders', 'organizer'],
      auth: 'required',
      description: `The order becomes REFUND_PENDING, its payment is refunded through the provider exactly once, then it is REFUNDED and its tickets are void. A refunded or refund-pending order answers as it is. ${IDEMPOTENCY_NOTE}`,
      params: RefundParams,
      responses: {
        200: OrderView,
        403: problem('The caller is not an admin of the event (REFUND_FORBIDDEN)'),
        404: problem('No such event or order, or the order is of another event (COMMAND_NOT_FOUND, ORDER_NOT_FOUND)'),
        409: problem('The order is not paid (REFUND_NOT_REFUNDABLE, with status)'),
      },
      handler: async (ctx) => {
        const { eventId, orderId } = ctx.params;
        const access = await checkAccess(ctx, eventId);
        if (!access.permissions.includes(EventPermission.Read)) throw eventNotFound(eventId);
        if (!access.permissions.includes(EventPermission.Cancel)) throw new TbError('REFUND_FORBIDDEN', { eventId });
        // The order's state makes every repeat harmless (REFUND_PENDING answers as it is); a fixed id would
        // also replay an early refusal (409 while PENDING) after the order is paid, so the key decides.
        const order = await ctx.actors
          .order(orderId)
          .refund({ requestedBy: userOf(ctx).userId, reason: 'organizer', eventId }, commandKeyFor(ctx, `refund:${orderId}`));
        return { body: order };
      },
    }),
  ];
}

/** The sandbox provider's refund desk (served only where the sandbox is on). */
export function sandboxRefundRoutes(desk: SandboxRefundDesk, enabled: () => boolean): AnyRoute[] {
  const on = () => {
    if (!enabled()) throw new TbError('WEBHOOK_SANDBOX_DISABLED');
  };
  const doc = {
    200: { description: 'Signed answer: { refundId, status: SUCCEEDED | FAILED | NOT_FOUND, sandboxRefundId, amountMinor, duplicate }' },
    401: { description: 'Bad signature' },
  };
  return [
    defineRoute({
      method: 'POST',
      path: SANDBOX_REFUND_PATH,
      summary: 'Sandbox provider: refund a sandbox transaction (signed like a provider API)',
      tags: ['payments'],
      auth: 'none',
      responses: doc,
      rawBody: true,
      description: 'Body and header as in docs/payments.md (Refunds); refunds each refund id once and never more than was paid.',
      handler: async (ctx) => {
        on();
        const a = await desk.refund(ctx.request.body, ctx.request.headers);
        return { status: a.status, headers: a.headers, body: a.body };
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${SANDBOX_REFUND_PATH}/query`,
      summary: 'Sandbox provider: the status of a refund',
      tags: ['payments'],
      auth: 'none',
      responses: doc,
      rawBody: true,
      handler: async (ctx) => {
        on();
        const a = await desk.query(ctx.request.body, ctx.request.headers);
        return { status: a.status, headers: a.headers, body: a.body };
      },
    }),
  ];
}
