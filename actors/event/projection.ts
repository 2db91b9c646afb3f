/**
 * @module actors/event/projection
 * The event as others see it: the catalog projection (carried whole by every emitted event) and
 * the reply view. Staff roles are shown to staff and platform admins only.
 */
import type { ActingUser, EventProjection, EventView } from '../../contracts/kinds/event.js';
import { isPlatformAdmin, roleOf, statusOf } from './policy.js';
import type { EventContext, EventStateValue } from './types.js';

/** The catalog fields of the event in `state`; `version` lets a projection keep only the newest. */
export function projectionOf(ctx: EventContext, state: EventStateValue): EventProjection {
  const { config } = ctx;
  return {
    eventId: ctx.eventId,
    name: ctx.name,
    description: ctx.description,
    location: ctx.location,
    startsAt: ctx.startsAt,
    endsAt: ctx.endsAt,
    categories: [...ctx.categories],
    status: statusOf(state),
    isPublic: config.isPublic,
    isFree: config.isFree,
    isNewTrending: config.isNewTrending,
    allowWaitRoom: config.allowWaitRoom,
    ...(config.ticketSaleStartDate !== undefined ? { ticketSaleStartDate: config.ticketSaleStartDate } : {}),
    ...(config.ticketSaleEndDate !== undefined ? { ticketSaleEndDate: config.ticketSaleEndDate } : {}),
    ...(ctx.organizer ? { organizer: ctx.organizer } : {}),
    createdBy: ctx.createdBy,
    ticketClassIds: [...ctx.ticketClassIds],
    version: ctx.version,
    updatedAt: ctx.updatedAt,
  };
}

/** The reply view for `viewer` (undefined: anonymous). The caller has checked read permission. */
export function viewOf(
  ctx: EventContext,
  state: EventStateValue,
  viewer: Pick<ActingUser, 'userId' | 'platformRoles'> | undefined,
): EventView {
  const staff = isPlatformAdmin(viewer) || (viewer !== undefined && roleOf(ctx, viewer.userId) !== null);
  return {
    ...projectionOf(ctx, state),
    config: staff ? { ...ctx.config } : withoutAccessCode(ctx.config),
    ...(staff ? { roles: { ...ctx.roles } } : {}),
    ...(ctx.cancelReason !== undefined ? { cancelReason: ctx.cancelReason } : {}),
    createdAt: ctx.createdAt,
  };
}

/** The config as buyers see it: a private event's access code is for its staff only. */
function withoutAccessCode(config: EventContext['config']): EventContext['config'] {
  const { accessCode: _, ...rest } = config;
  return rest;
}
