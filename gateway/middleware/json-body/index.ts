/**
 * @module gateway/middleware/json-body
 * Parse the request body as JSON for routes that declare a body schema. Clear refusals:
 * a non-empty body with another content type → 415 `HTTP_UNSUPPORTED_MEDIA_TYPE`; bytes that are
 * not UTF-8 JSON → 400 `HTTP_MALFORMED_JSON`. An empty body parses as `undefined`, which the
 * route's schema then rejects (`COMMAND_INVALID`) unless it allows it. Bodies sent to routes
 * without a body schema are ignored.
 */
import { TbError } from '../../../contracts/index.js';
import type { Middleware } from '../../types.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** True for `application/json` and `application/*+json`, with any parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const base = header.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || (base.startsWith('application/') && base.endsWith('+json'));
}

/** Decode UTF-8 JSON bytes; throws `HTTP_MALFORMED_JSON` (the parser's text is never echoed). */
export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new TbError('HTTP_MALFORMED_JSON', {}, { cause });
  }
}

/** The `json-body` middleware. */
export function jsonBody(): Middleware {
  return {
    name: 'json-body',
    preValidation(ctx) {
      if (!ctx.route?.body) return;
      const { body, headers } = ctx.request;
      if (body.byteLength === 0) return;
      const type = headers['content-type'];
      if (!isJsonContentType(type)) {
        throw new TbError('HTTP_UNSUPPORTED_MEDIA_TYPE', { contentType: (type ?? '(none)').split(';')[0]!.trim().slice(0, 64) });
      }
      ctx.body = parseJson(body);
    },
  };
}
