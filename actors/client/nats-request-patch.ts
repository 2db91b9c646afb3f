/**
 * @module actors/client/nats-request-patch
 * Works around nats-core 3.4.0 building an `Error` on every successful request: `RequestOne`
 * answers by resolving its promise and then calling `cancel()`, which rejects the (already
 * resolved, so unchanged) promise with `new RequestError("cancelled")`, a stack capture per
 * request that nobody sees. It was about 6 % of a busy gateway's CPU. The replacement `cancel`
 * does exactly what the original does, with that error made without a stack. Applied once, on
 * import, and only when the installed `cancel` is the one this was written against, so an
 * upgraded nats-core is left alone. Import for its effect (`client.ts` does). Re-checked with
 * nats-core 3.4.0, the newest release: `RequestOne.cancel` still builds that error on every
 * answered request, so the patch stays (its test fails the day the upstream body changes).
 */
import { RequestError, RequestOne } from '@nats-io/nats-core/internal';

/** The upstream body this replaces (compared without whitespace). */
const UPSTREAM =
  'cancel(err){if(this.timer){this.timer.cancel();}this.mux.cancel(this);this.deferred.reject(err?err:newerrors_1.RequestError("cancelled"));}';

function cancelledError(): RequestError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new RequestError('cancelled');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** True when the patch is in place (tests). */
export let natsRequestPatched = false;

const proto = RequestOne.prototype as RequestOne & { cancel(err?: Error): void };
if (proto.cancel.toString().replace(/\s+/g, '') === UPSTREAM) {
  proto.cancel = function cancel(this: RequestOne, err?: Error): void {
    if (this.timer) this.timer.cancel();
    this.mux.cancel(this);
    this.deferred.reject(err ?? cancelledError());
  };
  natsRequestPatched = true;
}
