/**
 * @module gateway/adapter/uws/http
 * One HTTP exchange over uWebSockets.js: copy what the request offers while it is valid (it is
 * stack-allocated), read the body with the size limit, call the core, and write the response in
 * one corked batch. Invariants: nothing is written after an abort; the body is never buffered
 * past the limit (the rest is discarded and the connection closed after the 413); a handler
 * failure still produces a response (the core never rejects, and a last-resort 500 covers bugs);
 * a request with an ambiguous body length gets its connection closed at once, before uWS parses
 * any pipelined bytes behind it (`middleware/http-framing`; the core answers it 400).
 */
import { STATUS_CODES } from 'node:http';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { framingProblem } from '../../middleware/http-framing/index.js';
import type { GatewayRequest, GatewayResponse, RequestHandler } from '../../types.js';

export interface HttpExchangeOptions {
  handler: RequestHandler;
  bodyLimitBytes: number;
  /** Take the client IP from the last `X-Forwarded-For` entry. */
  trustProxy: boolean;
  /** Called when writing a response failed (socket gone mid-write). */
  onWriteError?: (err: unknown) => void;
}

const decoder = new TextDecoder();
const LAST_RESORT = new TextEncoder().encode('{"error":{"code":"INTERNAL","message":"Internal error","retryable":false,"details":{}}}');

/** Copy method, path, query, headers and peer address out of the stack-allocated request. */
export function readRequestHead(res: HttpResponse, req: HttpRequest, trustProxy: boolean): GatewayRequest {
  const headers: Record<string, string> = Object.create(null);
  req.forEach((k, v) => {
    const key = k.toLowerCase();
    headers[key] = key in headers ? `${headers[key]}, ${v}` : v;
  });
  let ip = decoder.decode(res.getRemoteAddressAsText());
  const xff = headers['x-forwarded-for'];
  if (trustProxy && xff) ip = xff.split(',').pop()!.trim().slice(0, 64) || ip;
  return {
    method: req.getMethod().toUpperCase(),
    path: req.getUrl() || '/',
    query: req.getQuery() ?? '',
    headers,
    body: new Uint8Array(0),
    ip,
    requestId: '',
  };
}

/** Header values must not break the response framing. */
const safe = (v: string) => v.replace(/[\r\n]/g, ' ');

/** Write a full response in one corked batch. `connection: close` becomes a close after the end. */
export function writeResponse(res: HttpResponse, out: GatewayResponse, isHead: boolean): void {
  res.cork(() => {
    res.writeStatus(`${out.status} ${STATUS_CODES[out.status] ?? 'Unknown'}`);
    let close = false;
    for (const [k, v] of Object.entries(out.headers)) {
      if (k === 'content-length') continue; // uWS computes it
      if (k === 'connection') {
        close = v.toLowerCase() === 'close';
        continue;
      }
      res.writeHeader(k, safe(v));
    }
    if (isHead) res.endWithoutBody(out.body.byteLength, close);
    else res.end(out.body, close);
  });
}

/** Handle one request: the uWS `any('/*')` handler. */
export function handleHttp(res: HttpResponse, req: HttpRequest, opts: HttpExchangeOptions): void {
  const request = readRequestHead(res, req, opts.trustProxy);
  if (framingProblem(request.headers) !== undefined) {
    // Close the socket now, without an answer (as uWS itself does for Content-Length plus
    // Transfer-Encoding): uWS goes on parsing the bytes it already read right after this handler,
    // even after an `end` that asks to close, so a 400 would let a request smuggled behind the
    // ambiguous body run; and what is written in this handler is discarded by the close.
    res.close();
    return;
  }
  let aborted = false;
  let done = false;
  res.onAborted(() => {
    aborted = true;
  });

  const dispatch = () => {
    if (done) return;
    done = true;
    opts
      .handler(request)
      .then(
        (out) => out,
        (): GatewayResponse => ({ status: 500, headers: { 'content-type': 'application/json' }, body: LAST_RESORT }),
      )
      .then((out) => {
        if (aborted) return;
        try {
          writeResponse(res, out, request.method === 'HEAD');
        } catch (err) {
          opts.onWriteError?.(err);
        }
      });
  };

  const declared = Number(request.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > opts.bodyLimitBytes) {
    // Refuse before reading a byte: the client announced too much.
    request.bodyOverflow = declared;
    res.onData(() => {});
    dispatch();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.onData((chunk, isLast) => {
    if (done) return;
    size += chunk.byteLength;
    if (size > opts.bodyLimitBytes) {
      request.bodyOverflow = size;
      chunks.length = 0;
      dispatch();
      return;
    }
    // uWS neuters the ArrayBuffer after this callback: copy it.
    if (chunk.byteLength > 0) chunks.push(Buffer.from(chunk.slice(0)));
    if (isLast) {
      request.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      dispatch();
    }
  });
}
