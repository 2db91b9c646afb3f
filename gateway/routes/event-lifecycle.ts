/**
 * @module gateway/routes/event-lifecycle
 * Moving an event through its status (approve, publish, cancel), managing its staff roles, and
 * telling the caller what they may do on it. The `event` actor owns every rule: approval by a
 * platform admin when `requiresApproval`, only admins manage roles, the last admin stays; the
 * gateway passes its refusals through unchanged (403 `EVENT_FORBIDDEN`, 409
 * `EVENT_ILLEGAL_TRANSITION` with `allowed`, 409 `EVENT_LAST_ADMIN`).
 */
import { Type } from '../../contracts/index.js';
import { EventPermission, EventView, type EventAccess } from '../../contracts/kinds/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute, RouteContext } from '../types.js';
import { CancelEventBody, RoleParams, SetRoleBody } from './event-schemas.js';
import { EventParams, IDEMPOTENCY_NOTE, actingUser, commandKeyFor, eventNotFound, problem, userOf } from './shared.js';

const TAGS = ['events'];
const FORBIDDEN = problem('The caller may not do this on the event (EVENT_FORBIDDEN, with `action` and `role`)');
const NOT_FOUND = problem('No such event (COMMAND_NOT_FOUND)');
const CONFLICT = problem(
  'Not legal now: EVENT_ILLEGAL_TRANSITION (`from`, `to`, `allowed`), EVENT_CANCELLED, EVENT_LAST_ADMIN, EVENT_TOO_MANY_STAFF',
);

/** Response schema of `GET /events/:eventId/access`. */
export const AccessView = Type.Object({
  eventId: Type.String(),
  userId: Type.String(),
  role: Type.Union([Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer'), Type.Literal('scanner'), Type.Null()]),
  status: Type.String({ description: 'DRAFT, CONFIGURED, APPROVED, PUBLISHED or CANCELLED' }),
  permissions: Type.Array(Type.String(), {
    description: 'read, seeSales, update, configure, addTicketClass, manageRoles, approve, publish, cancel',
  }),
});

type Ctx = RouteContext<{ eventId: string }, unknown, unknown>;

/** One status move: the verb with the caller as `actor`, plus `extra` fields. */
function move(ctx: Ctx, verb: 'approve' | 'publish' | 'cancel', extra: { reason?: string } = {}): Promise<EventView> {
  return ctx.actors.event(ctx.params.eventId)[verb]({ ...extra, actor: actingUser(userOf(ctx)) }, commandKeyFor(ctx, verb));
}

/** Approve, publish, cancel, roles and access of `/api/v1/events/:eventId`. */
export const eventLifecycleRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/events/:eventId/approve',
    summary: 'Approve a configured event (CONFIGURED → APPROVED)',
    tags: TAGS,
    auth: 'required',
    description: `Platform admins always; the event's admins only when \`requiresApproval\` is false. ${IDEMPOTENCY_NOTE}`,
    params: EventParams,
    responses: { 200: EventView, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT },
    handler: async (ctx) => ({ body: await move(ctx, 'approve') }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/events/:eventId/publish',
    summary: 'Publish an approved event (APPROVED → PUBLISHED)',
    tags: TAGS,
    auth: 'required',
    description: `Event admins. ${IDEMPOTENCY_NOTE}`,
    params: EventParams,
    responses: { 200: EventView, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT },
    handler: async (ctx) => ({ body: await move(ctx, 'publish') }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/events/:eventId/cancel',
    summary: 'Cancel an event (any status → CANCELLED)',
    tags: TAGS,
    auth: 'required',
    description: `Event admins. Body \`{}\` or \`{ "reason": "…" }\`. ${IDEMPOTENCY_NOTE}`,
    params: EventParams,
    body: CancelEventBody,
    responses: { 200: EventView, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT },
    handler: async (ctx) => ({ body: await move(ctx, 'cancel', ctx.body.reason !== undefined ? { reason: ctx.body.reason } : {}) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/api/v1/events/:eventId/roles/:userId',
    summary: 'Give a user a role on the event',
    tags: TAGS,
    auth: 'required',
    description: `Event admins (and platform admins). Roles: admin, editor, viewer. ${IDEMPOTENCY_NOTE}`,
    params: RoleParams,
    body: SetRoleBody,
    responses: { 200: EventView, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT },
    handler: async (ctx) => ({
      body: await ctx.actors
        .event(ctx.params.eventId)
        .setRole({ actor: actingUser(userOf(ctx)), userId: ctx.params.userId, role: ctx.body.role }, commandKeyFor(ctx, 'setRole')),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/events/:eventId/roles/:userId',
    summary: "Remove a user's role on the event",
    tags: TAGS,
    auth: 'required',
    description: 'Event admins. Removing a user without a role is a no-op; the last admin cannot be removed (EVENT_LAST_ADMIN).',
    params: RoleParams,
    responses: { 200: EventView, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT },
    handler: async (ctx) => ({
      body: await ctx.actors
        .event(ctx.params.eventId)
        .setRole({ actor: actingUser(userOf(ctx)), userId: ctx.params.userId, role: null }, commandKeyFor(ctx, 'setRole')),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/events/:eventId/access',
    summary: 'My role on the event and what I may do now',
    tags: TAGS,
    auth: 'required',
    description: 'Answers 404 when the caller may not even read the event.',
    params: EventParams,
    responses: { 200: AccessView, 404: problem('No such event, or not visible to the caller (COMMAND_NOT_FOUND)') },
    handler: async (ctx) => {
      const access = await checkAccess(ctx, ctx.params.eventId);
      if (!access.permissions.includes(EventPermission.Read)) throw eventNotFound(ctx.params.eventId);
      return { body: access };
    },
  }),
];

/** The caller's access to `eventId` (read-only `checkAccess`); 404 `COMMAND_NOT_FOUND` for a missing event. */
export function checkAccess(ctx: RouteContext<unknown, unknown, unknown>, eventId: string): Promise<EventAccess> {
  const user = actingUser(userOf(ctx));
  return ctx.actors.event(eventId).checkAccess({ userId: user.userId, platformRoles: user.platformRoles });
}
