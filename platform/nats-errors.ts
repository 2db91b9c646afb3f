/**
 * @module platform/nats-errors
 * What a failed NATS request means, told by nats-core's own error classes (3.x): a missing
 * responder is a `RequestError` whose `cause` is a `NoRespondersError` (`isNoResponders()`), a
 * timeout is a `TimeoutError` (or a `RequestError` caused by one). Never by message text.
 */
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';

/** `noResponders`, `timeout`, or undefined for anything else (a closed connection, a permission violation, …). */
export function requestFailureOf(err: unknown): 'noResponders' | 'timeout' | undefined {
  if (err instanceof NoRespondersError) return 'noResponders';
  if (err instanceof TimeoutError) return 'timeout';
  if (err instanceof RequestError) {
    if (err.isNoResponders()) return 'noResponders';
    if (err.cause instanceof TimeoutError) return 'timeout';
  }
  return undefined;
}
