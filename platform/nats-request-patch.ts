/**
 * @module platform/nats-request-patch
 * nats.js 3.4 (`@nats-io/nats-core`) ends every answered request with `RequestOne.cancel()`,
 * which builds `new RequestError("cancelled")` to reject a promise that is already resolved:
 * an Error, so a stack capture, per request, whatever `noAsyncTraces` says. Profiled at 376 ms of
 * an actor node's 7.9 s busy time in `bench:reserve` (every JetStream publish and every command
 * reply-to-request pays it). This replaces `cancel` with the same steps and one shared error for
 * the "cancelled" rejection: an answered request rejects nothing anyone awaits, and a request
 * really cancelled is still rejected with a `RequestError("cancelled")`.
 * Imported for its effect by `platform/nats.ts`; remove when the library stops allocating there.
 */
import { RequestError } from '@nats-io/nats-core';
import { RequestOne } from '@nats-io/nats-core/internal';

const CANCELLED = new RequestError('cancelled');

interface PatchableRequest {
  timer?: { cancel(): void };
  mux: { cancel(r: unknown): void };
  deferred: { reject(err: unknown): void };
  cancel(err?: Error): void;
}

function cancel(this: PatchableRequest, err?: Error): void {
  this.timer?.cancel();
  this.mux.cancel(this);
  this.deferred.reject(err ?? CANCELLED);
}

(RequestOne.prototype as unknown as PatchableRequest).cancel = cancel;

/** True when the request cancel in use is this module's (tests check the patch took). */
export function requestCancelPatched(): boolean {
  return (RequestOne.prototype as unknown as PatchableRequest).cancel === cancel;
}
