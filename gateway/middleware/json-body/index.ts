/**
 * @module gateway/middleware/json-body
 * Parse the request body as JSON for routes that declare a body schema, and for mutating routes
 * without one (which take nothing or `{}`: the pipeline validates that, so a malformed body never
 * reaches a handler). Clear refusals: a non-empty body with another content type → 415
 * `HTTP_UNSUPPORTED_MEDIA_TYPE`; bytes that are not UTF-8 JSON → 400 `HTTP_MALFORMED_JSON`; a NUL
 * character anywhere in it (PostgreSQL refuses NUL in text) → 400 `COMMAND_INVALID`. An empty body
 * parses as `undefined`, which the route's schema then rejects unless it allows it. Raw-body routes
 * (`rawBody`: webhooks) and bodies of GET/HEAD are left alone.
 */
import { TbError } from '../../../contracts/index.js';
import type { Middleware } from '../../types.js';
import { assertNoNul } from '../../validation.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** True for `application/json` and `application/*+json`, with any parameters. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const base = header.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || (base.startsWith('application/') && base.endsWith('+json'));
}

/** Decode UTF-8 JSON bytes; throws `HTTP_MALFORMED_JSON` (the parser's text is never echoed), or `COMMAND_INVALID` for a NUL. */
export function parseJson(bytes: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch (cause) {
    throw new TbError('HTTP_MALFORMED_JSON', {}, { cause });
  }
  // A raw NUL is not valid JSON, so only the escape can bring one in: walk only then.
  if (text.includes('\\u0000')) assertNoNul('body', value);
  return value;
}

const bodyless = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The `json-body` middleware. */
export function jsonBody(): Middleware {
  return {
    name: 'json-body',
    preValidation(ctx) {
      const route = ctx.route;
      if (!route || route.rawBody || (!route.body && bodyless.has(ctx.request.method))) return;
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
