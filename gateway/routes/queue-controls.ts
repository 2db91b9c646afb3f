/**
 * @module gateway/routes/queue-controls
 * The sale console's live controls of a waitroom: pause and resume admission, change the number
 * of checkout slots. Authorized by event role: the caller needs the `configure` permission on the
 * event (its admins and editors, or a platform admin), as decided by the `event` actor; a
 * stranger who may not even read the event gets 404, staff without the permission 403. The
 * `queue` actor applies the change (idempotent: pausing a paused queue changes nothing).
 */
import { TbError, Type } from '../../contracts/index.js';
import { EventPermission, QueueLimits, QueueView } from '../../contracts/kinds/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute, RouteContext } from '../types.js';
import { checkAccess } from './event-lifecycle.js';
import { EventParams, commandKeyFor, eventNotFound, problem } from './shared.js';

const TAGS = ['waitroom'];
const FORBIDDEN = problem('The caller may not configure the event (EVENT_FORBIDDEN)');
const NOT_FOUND = problem('No such event, not visible, or no waitroom yet (COMMAND_NOT_FOUND)');

/** Throw unless the caller may configure `eventId`. */
async function requireConfigure(ctx: RouteContext<{ eventId: string }, unknown, unknown>): Promise<void> {
  const access = await checkAccess(ctx, ctx.params.eventId);
  if (access.permissions.includes(EventPermission.Configure)) return;
  if (!access.permissions.includes(EventPermission.Read)) throw eventNotFound(ctx.params.eventId);
  throw new TbError('EVENT_FORBIDDEN', {
    eventId: ctx.params.eventId,
    userId: access.userId,
    action: EventPermission.Configure,
    role: access.role,
  });
}

const SlotsBody = Type.Object(
  {
    maxConcurrent: Type.Integer({ minimum: 1, maximum: QueueLimits.maxConcurrentCap, description: 'checkout slots from now on' }),
  },
  { additionalProperties: false },
);

/** `POST /queue/pause`, `POST /queue/resume`, `PUT /queue/slots` of an event. */
export const queueControlRoutes: AnyRoute[] = [
  ...(['pause', 'resume'] as const).map((verb) =>
    defineRoute({
      method: 'POST',
      path: `/api/v1/events/:eventId/queue/${verb}`,
      tags: TAGS,
      auth: 'required',
      summary: verb === 'pause' ? 'Pause admission (held checkout slots finish; nobody new is called)' : 'Resume admission',
      description: 'Event staff with the configure permission. Idempotent.',
      params: EventParams,
      responses: { 200: QueueView, 403: FORBIDDEN, 404: NOT_FOUND },
      handler: async (ctx) => {
        await requireConfigure(ctx);
        return { body: await ctx.actors.queue(ctx.params.eventId)[verb]({}, commandKeyFor(ctx, `queue-${verb}`)) };
      },
    }),
  ),
  defineRoute({
    method: 'PUT',
    path: '/api/v1/events/:eventId/queue/slots',
    summary: 'Change the number of checkout slots live',
    tags: TAGS,
    auth: 'required',
    description: 'Event staff with the configure permission. Raising it admits the next people at once; lowering it ends no held slot.',
    params: EventParams,
    body: SlotsBody,
    responses: { 200: QueueView, 403: FORBIDDEN, 404: NOT_FOUND },
    handler: async (ctx) => {
      await requireConfigure(ctx);
      return {
        body: await ctx.actors
          .queue(ctx.params.eventId)
          .configure({ maxConcurrent: ctx.body.maxConcurrent }, commandKeyFor(ctx, 'queue-configure')),
      };
    },
  }),
];
