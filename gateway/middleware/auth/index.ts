/**
 * @module gateway/middleware/auth
 * Establishes the caller from `Authorization: Bearer <access token>` through an injected verifier
 * (the accounts module plugs its JWT check in), and enforces the route's `auth` mode and roles.
 * Invariants: a `required` route never runs without a verified user; a token that is sent but
 * does not verify is refused even on `optional` routes (a client with a stale token should know);
 * the token itself is never logged or echoed.
 */
import { TbError } from '../../../contracts/index.js';
import type { Middleware, VerifyAccessToken } from '../../types.js';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]{1,4096})[ ]*$/i;

/** Extract the bearer token, or `undefined` when there is no Authorization header. Throws on a malformed one. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const m = BEARER.exec(header);
  if (!m) throw new TbError('AUTH_TOKEN_INVALID');
  return m[1];
}

/**
 * What a failed token check answers: the verifier's own 401/403, a retryable failure as it is
 * (the token may be fine and the account store busy or down: 503/504, never "your token is
 * invalid", which a rehearsal showed to 300 buyers at once), anything else `AUTH_TOKEN_INVALID`.
 */
export function asAuthError(err: unknown): TbError {
  if (TbError.is(err) && (err.status === 401 || err.status === 403 || err.retryable)) return err;
  return new TbError('AUTH_TOKEN_INVALID', {}, { cause: err });
}

/** The `auth` middleware. Without a verifier, any route that needs a user answers 401. */
export function auth(verify: VerifyAccessToken | undefined): Middleware {
  return {
    name: 'auth',
    async onRequest(ctx) {
      const route = ctx.route;
      if (!route || route.auth === 'none') return;
      const token = bearerToken(ctx.request.headers['authorization']);
      if (token === undefined) {
        if (route.auth === 'required') throw new TbError('AUTH_TOKEN_MISSING');
        return;
      }
      if (!verify) throw new TbError('AUTH_TOKEN_INVALID');
      try {
        ctx.user = await verify(token);
      } catch (err) {
        throw asAuthError(err);
      }
      if (route.roles && route.roles.length > 0 && !route.roles.some((r) => ctx.user!.roles.includes(r))) {
        throw new TbError('AUTH_FORBIDDEN', { roles: route.roles.join(', ') });
      }
    },
    onError(ctx, err) {
      if (TbError.is(err) && err.status === 401) ctx.responseHeaders['www-authenticate'] = 'Bearer';
      return undefined;
    },
  };
}
