/**
 * @module gateway/request
 * Normalising a request for the core: `handle()` in tests passes a loose description
 * (`{ method, path: '/x?y=1', headers, body: {…} }`); adapters pass a complete `GatewayRequest`,
 * which is used as is. Invariants after `createRequest`: method upper-case, path starts with `/`
 * and has no query, header names lower-case, body is bytes.
 */
import type { GatewayRequest } from './types.js';

/** A request as a test (or adapter) describes it. */
export interface GatewayRequestInit {
  /** Default `GET`. */
  method?: string;
  /** Path, optionally with `?query`. */
  path: string;
  /** Raw query string (overrides one in `path`). */
  query?: string;
  headers?: Record<string, string>;
  /** Bytes and strings are sent as is; anything else as JSON (with `content-type: application/json` unless set). */
  body?: Uint8Array | string | object;
  /** Default `127.0.0.1`. */
  ip?: string;
  requestId?: string;
  bodyOverflow?: number;
}

const encoder = new TextEncoder();

function isComplete(init: GatewayRequestInit): init is GatewayRequest {
  return (
    typeof init.requestId === 'string' &&
    init.body instanceof Uint8Array &&
    typeof init.query === 'string' &&
    typeof init.method === 'string' &&
    typeof init.ip === 'string' &&
    init.headers !== undefined
  );
}

/** Build the core's request from `init`. Never throws. */
export function createRequest(init: GatewayRequestInit): GatewayRequest {
  if (isComplete(init)) return init;
  const headers: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let path = init.path || '/';
  let query = '';
  const q = path.indexOf('?');
  if (q >= 0) {
    query = path.slice(q + 1);
    path = path.slice(0, q);
  }
  if (!path.startsWith('/')) path = `/${path}`;
  let body: Uint8Array;
  if (init.body === undefined) body = new Uint8Array(0);
  else if (init.body instanceof Uint8Array) body = init.body;
  else if (typeof init.body === 'string') body = encoder.encode(init.body);
  else {
    body = encoder.encode(JSON.stringify(init.body));
    headers['content-type'] ??= 'application/json';
  }
  const req: GatewayRequest = {
    method: (init.method ?? 'GET').toUpperCase(),
    path,
    query: init.query ?? query,
    headers,
    body,
    ip: init.ip ?? '127.0.0.1',
    requestId: init.requestId ?? '',
  };
  if (init.bodyOverflow !== undefined) req.bodyOverflow = init.bodyOverflow;
  return req;
}
