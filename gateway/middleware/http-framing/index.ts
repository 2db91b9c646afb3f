/**
 * @module gateway/middleware/http-framing
 * Refuse a request whose body length is ambiguous, before anything reads its body: a
 * `Content-Length` that is not a decimal number, two different `Content-Length` values (a repeated
 * header reaches the core joined by `, `), or `Content-Length` together with `Transfer-Encoding`
 * (RFC 9112 §6.3: such a message may be a smuggling attempt). Each is 400
 * `HTTP_BAD_CONTENT_LENGTH` and the connection is closed after the answer, since the server and
 * a proxy in front of it might disagree on where the next request starts. Repeats of one same
 * value are accepted (RFC 9110 §8.6). The uWS adapter applies the same check before the core
 * and closes the connection without an answer (see `adapter/uws/http.ts` for why).
 */
import { TbError } from '../../../contracts/index.js';
import type { Middleware } from '../../types.js';

const DIGITS = /^\d{1,15}$/;

/** Why the framing headers are unacceptable, or undefined when they are fine. */
export function framingProblem(headers: Record<string, string>): string | undefined {
  const length = headers['content-length'];
  if (length !== undefined) {
    const values = length.split(',').map((v) => v.trim());
    if (!values.every((v) => DIGITS.test(v))) return 'Content-Length is not a decimal number';
    if (values.some((v) => Number(v) !== Number(values[0]))) return 'conflicting Content-Length values';
    if (headers['transfer-encoding'] !== undefined) return 'both Content-Length and Transfer-Encoding';
  }
  return undefined;
}

/** The `http-framing` middleware: register it before `body-limit`. */
export function httpFraming(): Middleware {
  return {
    name: 'http-framing',
    onRequest(ctx) {
      const reason = framingProblem(ctx.request.headers);
      if (reason === undefined) return;
      ctx.responseHeaders['connection'] = 'close';
      throw new TbError('HTTP_BAD_CONTENT_LENGTH', { reason });
    },
  };
}
