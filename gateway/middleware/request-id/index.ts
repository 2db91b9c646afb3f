/**
 * @module gateway/middleware/request-id
 * Every request gets a correlation id before any other hook runs: a sane incoming `x-request-id`
 * is kept (so a caller's trace continues), anything else is replaced by a fresh one. The id is
 * echoed in the response, bound to the request's logger (`reqId`), and handlers pass it to NATS as
 * `tb-request-id`. Invariant: the id is always 1–128 characters of `[A-Za-z0-9._:-]`.
 */
import { uniqueId } from '../../../contracts/index.js';
import type { Middleware } from '../../types.js';

/** The request and response header that carries the id. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** A fresh id: 22 base64url characters, unique across processes (not secret: it is echoed to clients and logged). */
export function newRequestId(): string {
  return uniqueId();
}

/** True when an incoming id may be reused as is (no spaces, no control or header-breaking characters). */
export function isSaneRequestId(value: string | undefined): value is string {
  return value !== undefined && SANE.test(value);
}

/** The `request-id` middleware: must be registered first. */
export function requestId(options: { trustIncoming?: boolean } = {}): Middleware {
  const trust = options.trustIncoming ?? true;
  return {
    name: 'request-id',
    onRequest(ctx) {
      const incoming = ctx.request.headers[REQUEST_ID_HEADER];
      const id = trust && isSaneRequestId(incoming) ? incoming : newRequestId();
      ctx.request.requestId = id;
      ctx.responseHeaders[REQUEST_ID_HEADER] = id;
      ctx.log = ctx.log.child({ reqId: id });
    },
  };
}
