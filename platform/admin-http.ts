/**
 * @module platform/admin-http
 * The admin listener of every process but the gateway (whose uWS app serves its own on the same
 * port scheme): `/healthz` (the process answers), `/readyz` (the process's own readiness, 503
 * when not ready) and `/metrics` (Prometheus text from the process's registry).
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface AdminHttpOptions {
  registry: Registry;
  /** Readiness; default: always ready. */
  ready?: () => { ready: boolean; detail?: Record<string, unknown> };
}

export interface AdminHttp {
  /** The bound port. */
  port: number;
  /** `http://host:port`. */
  url: string;
  close(): Promise<void>;
}

/** Listen on `host:port` (0 = any free port); undefined when `port` < 0 (no listener). */
export async function serveAdmin(port: number, host: string, o: AdminHttpOptions): Promise<AdminHttp | undefined> {
  if (port < 0) return undefined;
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (url === '/readyz') {
      const r = o.ready?.() ?? { ready: true };
      res
        .writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: r.ready ? 'ready' : 'not_ready', ...r.detail }));
    } else if (url === '/metrics') {
      o.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': o.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"HTTP_NOT_FOUND","message":"Not found"}}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  return {
    port: bound,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
