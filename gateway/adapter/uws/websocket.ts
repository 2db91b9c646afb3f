/**
 * @module gateway/adapter/uws/websocket
 * Maps a transport-free `WebSocketRoute` onto `app.ws(pattern, behavior)`. The upgrade decision
 * is asynchronous (auth, lookups), so the upgrade request is copied first and the upgrade is
 * completed in a corked callback only if the client is still there. Each connection gets one
 * `GatewaySocket` wrapper for its whole life; it is never used after `close`.
 */
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_socket_context_t } from 'uWebSockets.js';
import type { GatewaySocket, WebSocketRoute } from '../../types.js';
import { readRequestHead, writeResponse } from './http.js';

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
      const head = readRequestHead(res, req, trustProxy);
      const key = req.getHeader('sec-websocket-key');
      const protocol = req.getHeader('sec-websocket-protocol');
      const extensions = req.getHeader('sec-websocket-extensions');
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      route.upgrade(head).then(
        (decision) => {
          if (aborted) return;
          if ('response' in decision) return writeResponse(res, decision.response, false);
          res.cork(() => res.upgrade<UserData<D>>({ data: decision.data }, key, decision.protocol ?? protocol, extensions, context));
        },
        () => {
          if (!aborted) res.cork(() => res.writeStatus('500 Internal Server Error').end());
        },
      );
    },
    open: (ws) => route.open?.(wrap(ws)),
    message: (ws, message, isBinary) => route.message?.(wrap(ws), new Uint8Array(message.slice(0)), isBinary),
    drain: (ws) => route.drain?.(wrap(ws)),
    close: (ws, code) => route.close?.(wrap(ws), code),
  });
}
