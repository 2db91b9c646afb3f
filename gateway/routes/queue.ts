/**
 * @module gateway/routes/queue
 * The waitroom over REST (clients without WebSocket): join, my status (a poll is also the
 * heartbeat, and claims the slot when the user's turn has come), claim, leave, and the public
 * counters. The gateway decides nothing: it asks the queue service (`queue/`, one per connection),
 * which talks to the `queue` actor and to the sessions KV bucket.
 * Invariant: the user is always the verified caller, never a body field.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { TbError, Type } from '../../contracts/index.js';
import { EventLimits } from '../../contracts/kinds/event.js';
import { QueueView } from '../../contracts/kinds/queue.js';
import { loadConfig } from '../../config/index.js';
import { createQueueService, openSessionsBucket, type QueueService } from '../../queue/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute, RouteContext } from '../types.js';
import { EventParams, problem, userOf } from './shared.js';
import { AccessCodeHeaders } from './headers.js';

const TAGS = ['waitroom'];
const services = new WeakMap<NatsConnection, Promise<QueueService>>();

/**
 * The queue service of this gateway's connection, built once on first use (settings read once, the
 * sessions bucket opened once), so its caches (known queues, the sessions store) live as long as
 * the connection. A failed build is forgotten, so the next request tries again.
 */
async function serviceFor(ctx: RouteContext<unknown, unknown, unknown>): Promise<QueueService> {
  const nc = ctx.nc;
  if (!nc) throw new TbError('RUNTIME_UNAVAILABLE');
  let service = services.get(nc);
  if (!service) {
    const settings = loadConfig();
    service = openSessionsBucket(nc, settings.kvReplicas).then((kv) =>
      createQueueService({
        nc,
        kv,
        config: settings,
        log: ctx.log.child({ mod: 'queue' }),
        // The gateway's own actor client (its partition count), without the first request's id.
        actors: ctx.actors.with({ requestId: undefined }),
      }),
    );
    service.catch(() => services.delete(nc));
    services.set(nc, service);
  }
  return service;
}

/** The user's status as REST answers it (see `queue/status.ts`). */
const UserStatus = Type.Object({
  eventId: Type.String(),
  sessionId: Type.String(),
  ticket: Type.Integer(),
  state: Type.Union(['queued', 'admitted', 'completed', 'expired', 'left'].map((s) => Type.Literal(s))),
  phase: Type.Union([Type.Literal('preQueue'), Type.Literal('open')]),
  position: Type.Optional(Type.Integer()),
  cursor: Type.Integer(),
  ahead: Type.Optional(Type.Integer()),
  estimatedWaitSec: Type.Optional(Type.Integer()),
  called: Type.Optional(Type.Boolean()),
  claimBy: Type.Optional(Type.Integer()),
  token: Type.Optional(Type.String({ description: 'checkout token (JWT) when admitted' })),
  tokenExpiresAt: Type.Optional(Type.Integer()),
  outcome: Type.Optional(Type.String()),
  soldOut: Type.Boolean(),
  allHeld: Type.Optional(Type.Boolean()),
  available: Type.Optional(Type.Integer()),
  likelySoldOut: Type.Optional(Type.Boolean()),
  opensAt: Type.Optional(Type.Integer()),
  seedHash: Type.String(),
  seed: Type.Optional(Type.String()),
  preQueueSize: Type.Optional(Type.Integer()),
  admittedRate: Type.Number(),
  at: Type.Integer(),
});

const NOT_JOINED = problem('The caller has not joined this queue (QUEUE_NOT_JOINED)');
const NOT_OPEN = problem('The event is not published, has no waitroom, or its sale has ended (QUEUE_NOT_OPEN, QUEUE_NOT_ENABLED)');

/** The `/api/v1/events/:eventId/queue` routes. */
export const queueRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/events/:eventId/queue/join',
    summary: 'Join the waitroom (or find my session)',
    tags: TAGS,
    auth: 'required',
    description:
      'One session per user per event: joining again answers the same session; a user who LEFT takes a new place at the back (once, however many times this is sent). Before the sale opens the user is in the pre-queue, shuffled fairly at open. A private event needs its access code in the X-Event-Access-Code header (404 without it).',
    params: EventParams,
    headers: AccessCodeHeaders,
    responses: { 200: UserStatus, 404: problem('No such event (COMMAND_NOT_FOUND)'), 409: NOT_OPEN },
    handler: async (ctx) => {
      const user = userOf(ctx);
      const accessCode = ctx.request.headers[EventLimits.accessCodeHeader];
      return {
        body: await (await serviceFor(ctx)).join(ctx.params.eventId, user.userId, {
          rejoin: true,
          platformRoles: user.roles,
          ...(accessCode ? { accessCode } : {}),
        }),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/events/:eventId/queue/me',
    summary: 'My place in the waitroom',
    tags: TAGS,
    auth: 'required',
    description:
      'queued (position, ahead, estimatedWaitSec, likelySoldOut), admitted (token, tokenExpiresAt), completed, expired or left. Polling counts as presence: when the turn has come, the slot is claimed and the token returned.',
    params: EventParams,
    responses: { 200: UserStatus, 404: NOT_JOINED },
    handler: async (ctx) => ({ body: await (await serviceFor(ctx)).status(ctx.params.eventId, userOf(ctx).userId) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/events/:eventId/queue/claim',
    summary: 'Take my checkout slot (my turn has come)',
    tags: TAGS,
    auth: 'required',
    description: 'Answers `admitted` with the checkout token. Idempotent: claiming again answers the same slot.',
    params: EventParams,
    responses: { 200: UserStatus, 404: NOT_JOINED, 409: problem('Not yet (QUEUE_NOT_YOUR_TURN) or too late (QUEUE_SLOT_EXPIRED)') },
    handler: async (ctx) => ({ body: await (await serviceFor(ctx)).claim(ctx.params.eventId, userOf(ctx).userId) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/events/:eventId/queue/leave',
    summary: 'Leave the waitroom (or give back my checkout slot)',
    tags: TAGS,
    auth: 'required',
    description: 'Idempotent. The place is skipped without stalling the queue.',
    params: EventParams,
    responses: { 200: UserStatus, 404: NOT_JOINED },
    handler: async (ctx) => ({ body: await (await serviceFor(ctx)).leave(ctx.params.eventId, userOf(ctx).userId) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/events/:eventId/queue',
    summary: "The waitroom's public counters",
    tags: TAGS,
    auth: 'none',
    description:
      'Now serving (`cursor`), pre-queue size, `seedHash` (published at creation) and `seed` (revealed when the sale opens: recompute the pre-queue order with `positionOf`), admission rate, stock. No user data.',
    params: EventParams,
    responses: { 200: QueueView, 404: problem('No waitroom for this event yet (COMMAND_NOT_FOUND)') },
    handler: async (ctx) => ({ body: await (await serviceFor(ctx)).publicStatus(ctx.params.eventId) }),
  }),
];
