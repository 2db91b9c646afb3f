/**
 * @module gateway/adapter/uws
 * The only module that imports `uWebSockets.js`: an `HttpServer` over one uWS app, with
 * HTTP on `any('/*')` and WebSocket routes added through `addWebSocketRoute`. Refuses to start on
 * the slow pure-JS fallback the npm republish silently loads when its native binary does not.
 */
import uWS from 'uWebSockets.js';
import type { HttpServer, RequestHandler, WebSocketRoute } from '../../types.js';
import { handleHttp } from './http.js';
import { addWebSocketRoute } from './websocket.js';

/** Throws a plain `Error` unless uWebSockets.js loaded its native binary. */
export function assertNativeUws(): void {
  if (!uWS.App.toString().includes('[native code]')) {
    throw new Error('uWebSockets.js native binary did not load (pure-JS fallback): refusing to start; use Node 16/18/20 on linux-x64');
  }
}

export interface UwsServerOptions {
  handler: RequestHandler;
  bodyLimitBytes: number;
  trustProxy: boolean;
  webSocketRoutes?: WebSocketRoute<unknown>[];
  onWriteError?: (err: unknown) => void;
}

/** A uWS server; `close()` also closes open keep-alive and WebSocket connections. */
export interface UwsServer extends HttpServer {
  /** Close every connection now (after in-flight requests are done). */
  closeAll(): void;
}

/** Create the server. Throws when uWS is not native. Nothing listens until `listen`. */
export function createUwsServer(opts: UwsServerOptions): UwsServer {
  assertNativeUws();
  const app = uWS.App();
  // WebSocket routes first: their patterns are more specific than the HTTP catch-all.
  for (const route of opts.webSocketRoutes ?? []) addWebSocketRoute(app, route, opts.trustProxy);
  app.any('/*', (res, req) => handleHttp(res, req, opts));
  let listenSocket: uWS.us_listen_socket | undefined;
  return {
    listen(host, port) {
      return new Promise((resolve, reject) => {
        app.listen(host, port, (socket) => {
          if (!socket) return reject(new Error(`cannot listen on ${host}:${port}`));
          listenSocket = socket;
          resolve(uWS.us_socket_local_port(socket as unknown as uWS.us_socket));
        });
      });
    },
    publish: (topic, message, isBinary = typeof message !== 'string') => app.publish(topic, message, isBinary),
    stopAccepting() {
      if (listenSocket) uWS.us_listen_socket_close(listenSocket);
      listenSocket = undefined;
    },
    closeAll() {
      this.stopAccepting();
      (app as unknown as { close?: () => void }).close?.();
    },
  };
}
