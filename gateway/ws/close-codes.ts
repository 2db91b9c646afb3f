/**
 * @module gateway/ws/close-codes
 * How the queue stream refuses a socket after it opened (the checks that need I/O run after
 * `open`, so the upgrade itself is never completed from a promise continuation): one `error`
 * frame with the registry body, then a close with code `4000 + HTTP status` of that error
 * (`4401` AUTH_TOKEN_INVALID, `4404` COMMAND_NOT_FOUND, `4409` QUEUE_NOT_OPEN, `4429`,
 * `4500` INTERNAL, `4503` retryable) and the error code as the close reason. Invariant: the
 * server never ends a queue socket with a code outside 4000–4599 or 1000/1001, so any other
 * close a client sees (1006 above all) is a drop, not a refusal. docs/websocket.md lists them.
 */
import { ErrorCodes, TbError, isErrorCode } from '../../contracts/index.js';
import type { QueueFrame } from './types.js';

/** First of the application close codes the stream uses; the code is this plus an HTTP status. */
export const CLOSE_CODE_BASE = 4000;

/** The close of a refused socket: code, reason (the error code, ≤ 123 bytes), and the error frame. */
export interface Refusal {
  code: number;
  reason: string;
  frame: Extract<QueueFrame, { t: 'error' }>;
}

/** The refusal for any thrown value: a registry error keeps its status and code; anything else is `INTERNAL` (4500). */
export function refusalOf(err: unknown): Refusal {
  // The same rule as `errorResponse`: only registered codes with a 4xx/5xx status are shown as they are.
  const known = err instanceof TbError && isErrorCode(err.code) && err.code !== 'INTERNAL' && err.status >= 400 && err.status < 600;
  const code = known ? err.code : 'INTERNAL';
  const status = known ? err.status : ErrorCodes.INTERNAL.status;
  const message = known ? err.message : ErrorCodes.INTERNAL.message;
  const retryable = known ? err.retryable : false;
  return { code: CLOSE_CODE_BASE + status, reason: code.slice(0, 123), frame: { t: 'error', code, message, retryable } };
}

/** True for a close code the stream uses to refuse (what a client must not count as a drop). */
export function isRefusalCode(code: number): boolean {
  return code >= CLOSE_CODE_BASE + 400 && code < CLOSE_CODE_BASE + 600;
}
