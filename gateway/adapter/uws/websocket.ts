/**
 * @module gateway/adapter/uws/websocket
 * Maps a transport-free `WebSocketRoute` onto `app.ws(pattern, behavior)`. Invariant: the upgrade
 * is decided and completed synchronously inside uWS's `upgrade` handler, never from a promise
 * continuation (uNetworking/uWebSockets.js#1108); the route does its I/O after `open`. Each
 * connection gets one `GatewaySocket` wrapper for its whole life; it is never used after `close`.
 */
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_socket_context_t } from 'uWebSockets.js';
import type { GatewaySocket, WebSocketRoute } from '../../types.js';
import { readRequestHead, writeResponse } from './http.js';

const LAST_RESORT = new TextEncoder().encode('{"error":{"code":"INTERNAL","message":"Internal error","retryable":false,"details":{}}}');

interface UserData<D> {
  data: D;
  socket?: GatewaySocket<D>;
}

function wrap<D>(ws: WebSocket<UserData<D>>): GatewaySocket<D> {
  const ud = ws.getUserData();
  ud.socket ??= {
    data: ud.data,
    // 1 = written, 0 = buffered (backpressure), 2 = dropped (over maxBackpressure).
    send: (message, isBinary = typeof message !== 'string') => ws.send(message, isBinary) === 1,
    getBufferedAmount: () => ws.getBufferedAmount(),
    subscribe: (topic) => void ws.subscribe(topic),
    unsubscribe: (topic) => void ws.unsubscribe(topic),
    end: (code = 1000, reason = '') => ws.end(code, reason),
  };
  return ud.socket;
}

/** Register `route` on `app`. Call before `listen`. */
export function addWebSocketRoute<D>(app: TemplatedApp, route: WebSocketRoute<D>, trustProxy: boolean): void {
  app.ws<UserData<D>>(route.path, {
    maxPayloadLength: route.maxPayloadBytes ?? 16 * 1024,
    idleTimeout: route.idleTimeoutSec ?? 120,
    maxBackpressure: route.maxBackpressureBytes ?? 64 * 1024,
    // Pings keep idle-but-alive clients open; a client that does not answer hits idleTimeout.
    sendPingsAutomatically: true,
    closeOnBackpressureLimit: 0,
    upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t) {
      // Decided and completed here, synchronously (uWS corks this handler itself): an upgrade
      // completed later from a promise, `res.cork(() => res.upgrade(…))`, sometimes has its
      // fresh socket shut right after `open` (uNetworking/uWebSockets.js#1108).
      const head = readRequestHead(res, req, trustProxy);
      let decision: ReturnType<WebSocketRoute<D>['upgrade']>;
      try {
        decision = route.upgrade(head);
      } catch {
        decision = { response: { status: 500, headers: { 'content-type': 'application/json' }, body: LAST_RESORT } };
      }
      if ('response' in decision) return writeResponse(res, decision.response, false);
      const protocol = decision.protocol ?? req.getHeader('sec-websocket-protocol');
      res.upgrade<UserData<D>>(
        { data: decision.data },
        req.getHeader('sec-websocket-key'),
        protocol,
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => route.open?.(wrap(ws)),
    message: (ws, message, isBinary) => route.message?.(wrap(ws), new Uint8Array(message.slice(0)), isBinary),
    drain: (ws) => route.drain?.(wrap(ws)),
    close: (ws, code) => route.close?.(wrap(ws), code),
  });
}
