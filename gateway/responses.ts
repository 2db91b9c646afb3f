/**
 * @module gateway/responses
 * Building responses, and the one error format: `{ "error": { code, message, retryable, details } }`
 * with the registry's HTTP status. Invariant: only a known `TbError` shows its message; anything
 * else (or an `INTERNAL` `TbError`) gets the fixed `INTERNAL` body, never `err.message`, so no internals leak.
 */
import { ErrorCodes, TbError, Type, isErrorCode } from '../contracts/index.js';
import type { GatewayResponse, RouteResult } from './types.js';

const encoder = new TextEncoder();

/** The JSON Schema of every error body (used by the OpenAPI document). */
export const ErrorResponseSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code (see docs/errors.md)' }),
      message: Type.String(),
      retryable: Type.Boolean({ description: 'Whether retrying (with the same command id) may succeed' }),
      details: Type.Record(Type.String(), Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', title: 'ErrorResponse' },
);

/** A JSON response; `headers` are merged over `content-type: application/json`. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): GatewayResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: encoder.encode(JSON.stringify(value)),
  };
}

/**
 * Turn a handler's result into a response: bytes and strings pass through (strings default to
 * `text/plain`), `undefined` is an empty body, anything else is JSON. Status defaults to 200
 * (204 when there is no body).
 */
export function toResponse(result: RouteResult): GatewayResponse {
  const headers = { ...(result.headers ?? {}) };
  const body = result.body;
  if (body === undefined) return { status: result.status ?? 204, headers, body: new Uint8Array(0) };
  if (body instanceof Uint8Array) return { status: result.status ?? 200, headers, body };
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    return { status: result.status ?? 200, headers, body: encoder.encode(body) };
  }
  return jsonResponse(result.status ?? 200, body, headers);
}

/** Whether the error may be shown to the client as it is: a registered code other than INTERNAL. */
function isPublic(err: unknown): err is TbError {
  return err instanceof TbError && isErrorCode(err.code) && err.code !== 'INTERNAL' && err.status >= 400 && err.status < 600;
}

/**
 * The response for any thrown value. Known `TbError` → its status and body; anything else →
 * 500 `INTERNAL` with the fixed message. `retryable` errors with a 429/503 status that carry
 * `retryAfterSec` in their details also get a `Retry-After` header.
 */
export function errorResponse(err: unknown): GatewayResponse {
  if (!isPublic(err)) {
    const spec = ErrorCodes.INTERNAL;
    return jsonResponse(spec.status, { error: { code: spec.code, message: spec.message, retryable: false, details: {} } });
  }
  const headers: Record<string, string> = {};
  const retryAfter = err.details?.['retryAfterSec'];
  if (typeof retryAfter === 'number' && (err.status === 429 || err.status === 503)) headers['retry-after'] = String(retryAfter);
  if (err.code === 'HTTP_METHOD_NOT_ALLOWED' && typeof err.details?.['allow'] === 'string') headers['allow'] = err.details['allow'];
  return jsonResponse(
    err.status,
    { error: { code: err.code, message: err.message, retryable: err.retryable, details: err.details ?? {} } },
    headers,
  );
}
