/**
 * @module gateway/middleware/body-limit
 * Refuse bodies above the limit with 413 `HTTP_PAYLOAD_TOO_LARGE`, before anything parses them.
 * The adapter enforces the same limit while streaming (it stops buffering and marks
 * `bodyOverflow`), so a huge body is never held in memory; this hook turns that mark, a declared
 * `content-length` above the limit, or an oversized in-process body into the error response.
 */
import { TbError } from '../../../contracts/index.js';
import type { Middleware } from '../../types.js';

/** The `body-limit` middleware. */
export function bodyLimit(limitBytes: number): Middleware {
  return {
    name: 'body-limit',
    onRequest(ctx) {
      const req = ctx.request;
      const declared = Number(req.headers['content-length'] ?? '0');
      if (req.bodyOverflow !== undefined || req.body.byteLength > limitBytes || (Number.isFinite(declared) && declared > limitBytes)) {
        // The rest of the body was not read: the adapter closes the connection after this reply.
        ctx.responseHeaders['connection'] = 'close';
        throw new TbError('HTTP_PAYLOAD_TOO_LARGE', { limit: limitBytes });
      }
    },
  };
}
