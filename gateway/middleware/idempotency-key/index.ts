/**
 * @module gateway/middleware/idempotency-key
 * The one place the `Idempotency-Key` header is declared: its syntax, its check on every mutating
 * request (POST, PUT, PATCH, DELETE; a malformed key is 400 `COMMAND_INVALID` with `in: headers`,
 * before any handler runs, so no route can forget it), and its OpenAPI parameter. Routes read the
 * checked key with `idempotencyKey(ctx)` (`gateway/routes/shared.ts`).
 */
import { TbError } from '../../../contracts/index.js';
import type { Middleware } from '../../types.js';

/** The header (lower case, as the core stores header names). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** 1–128 of `A-Z a-z 0-9 _ . : -`: no spaces, so a repeated header (joined with `, `) is malformed too. */
const KEY_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Methods that change something, and so may carry a key. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The key of a request: undefined when absent; throws `COMMAND_INVALID` when malformed. An empty
 * value is malformed too: uWebSockets.js hands over a header that is not valid UTF-8 as ''.
 */
export function readIdempotencyKey(headers: Record<string, string>): string | undefined {
  const raw = headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  if (!KEY_RE.test(raw)) {
    throw new TbError('COMMAND_INVALID', {
      reason: 'headers/idempotency-key: must be 1-128 of A-Za-z0-9_.:-',
      path: '/idempotency-key',
      in: 'headers',
    });
  }
  return raw;
}

/** The header as an OpenAPI parameter, added to every mutating operation. */
export const IDEMPOTENCY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retry repeat the first outcome instead of acting twice; malformed → 400 COMMAND_INVALID',
  schema: { type: 'string', pattern: KEY_RE.source, maxLength: 128 },
} as const;

/** The `idempotency-key` middleware: checks the header of every matched mutating request. */
export function idempotencyKeyCheck(): Middleware {
  return {
    name: 'idempotency-key',
    preValidation(ctx) {
      if (ctx.route && MUTATING_METHODS.has(ctx.request.method)) readIdempotencyKey(ctx.request.headers);
    },
  };
}
