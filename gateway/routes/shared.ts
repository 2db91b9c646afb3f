/**
 * @module gateway/routes/shared
 * What every resource module shares: id schemas (validated by pattern before any actor sees
 * them), the acting user taken from the verified token (never from the body), and command ids /
 * server-generated ids derived from the `Idempotency-Key` header so a retried request repeats
 * the same command. Invariant: a key is scoped by user, method and path, so two users (or two
 * routes) reusing one key never collide.
 */
import { createHash, randomBytes } from 'node:crypto';
import { TbError, Type } from '../../contracts/index.js';
import { commandIdOf, type ActingUser, type CommandKey } from '../../contracts/kinds/index.js';
import { IDEMPOTENCY_HEADER, readIdempotencyKey } from '../middleware/idempotency-key/index.js';
import { ErrorResponseSchema } from '../responses.js';
import type { AuthUser, RouteContext } from '../types.js';

const ACTOR_ID = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

/** An event id (`ev_…` when created here; any actor id is accepted for reads). */
export const EventId = Type.String({ pattern: ACTOR_ID, maxLength: 64, description: 'event id, e.g. ev_3k9f…' });
/** A ticket class id (`tc_…` when created here). */
export const ClassId = Type.String({ pattern: ACTOR_ID, maxLength: 64, description: 'ticket class id, e.g. tc_8f3a…' });
/** `:eventId` path parameter. */
export const EventParams = Type.Object({ eventId: EventId }, { additionalProperties: false });
/** `:classId` path parameter. */
export const ClassParams = Type.Object({ classId: ClassId }, { additionalProperties: false });
/** Milliseconds since the epoch, bounded to year 9999 so no absurd date reaches an actor or the catalog. */
export const EpochMs = Type.Integer({ minimum: 0, maximum: 253_402_300_799_999, description: 'ms since the Unix epoch' });

/** Header that makes a mutating request idempotent (declared and checked in `middleware/idempotency-key`). */
export { IDEMPOTENCY_HEADER };

/** The documented `Idempotency-Key` note appended to route descriptions. */
export const IDEMPOTENCY_NOTE =
  'Send `Idempotency-Key` (1–128 of `A-Za-z0-9_.:-`) to make a retry repeat the first outcome instead of acting twice.';

/** The caller as an actor's `actor`/`viewer` field: from the verified token only. */
export function actingUser(user: AuthUser): ActingUser {
  return { userId: user.userId, platformRoles: user.roles.slice(0, 16).map((r) => r.slice(0, 32)) };
}

/** The verified caller; only for `auth: 'required'` routes, where the pipeline guarantees one. */
export function userOf(ctx: RouteContext<unknown, unknown, unknown>): AuthUser {
  if (!ctx.user) throw new TbError('AUTH_TOKEN_MISSING');
  return ctx.user;
}

/**
 * The `Idempotency-Key` header, or undefined. A malformed key is `COMMAND_INVALID` (in `headers`);
 * the gateway already refused it before the handler on every mutating route.
 */
export function idempotencyKey(ctx: RouteContext<unknown, unknown, unknown>): string | undefined {
  return readIdempotencyKey(ctx.request.headers);
}

function digest(parts: string[], length: number): string {
  // Hex keeps derived ids plain alphanumerics, valid as actor ids and command ids alike.
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, length);
}

/**
 * The command id for `scope` (e.g. `event.publish`): derived from the caller, the request's
 * method + path and the idempotency key when one is sent (so a retry is the same command), else
 * random (every request is a new command).
 */
export function commandIdFor(ctx: RouteContext<unknown, unknown, unknown>, scope: string): string {
  return commandIdOf(commandKeyFor(ctx, scope));
}

/** The command key for `scope` (see `commandIdFor`): `[scope, 'k' + digest]`, or `[scope, random]` without a key. */
export function commandKeyFor(ctx: RouteContext<unknown, unknown, unknown>, scope: string): CommandKey {
  const key = idempotencyKey(ctx);
  if (key === undefined) return [scope, randomBytes(12).toString('hex')];
  return [scope, `k${digest([ctx.user?.userId ?? '', ctx.request.method, ctx.request.path, key], 32)}`];
}

/**
 * A server-generated actor id with `prefix` (`ev`, `tc`): derived from the idempotency key (and
 * the caller and `scope`) when one is sent, so a retried create addresses the same actor; random otherwise.
 */
export function newActorId(ctx: RouteContext<unknown, unknown, unknown>, prefix: string, scope: string): string {
  const key = idempotencyKey(ctx);
  if (key === undefined) return `${prefix}_${randomBytes(12).toString('hex')}`;
  return `${prefix}_${digest([ctx.user?.userId ?? '', scope, key], 24)}`;
}

/** "Not found" for a missing event and for one the caller may not see (kinds.md): the events service's rules. */
export { eventNotFound, hideForbiddenRead } from '../../events/index.js';

/** A documented error response (`responses: { 404: problem('…') }`) with the one error body. */
export function problem(description: string): { description: string; schema: typeof ErrorResponseSchema } {
  return { description, schema: ErrorResponseSchema };
}
