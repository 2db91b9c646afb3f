/**
 * @module ops/service-process
 * What every consumer process (catalog projector, payments relay, payment events, order history)
 * shares: a tiny `/healthz` + `/metrics` HTTP server, and the start-up helpers
 * (migrate with retries while PostgreSQL comes up; a graceful stop on SIGTERM/SIGINT).
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { TbError } from '../contracts/index.js';
import { migrate } from '../db/index.js';

/** Serve `/healthz` and `/metrics` from `registry` on `port` (0 = any free port); undefined when `port` < 0. */
export async function serveHealth(registry: Registry, port: number, host: string): Promise<Server | undefined> {
  if (port < 0) return undefined;
  const server = createServer((req, res) => {
    if (req.url === '/healthz') { res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'); return; }
    if (req.url === '/metrics') {
      registry.metrics().then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body), () => res.writeHead(500).end());
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/** Migrate `url`, retrying what is retryable for about a minute (PostgreSQL may start after us). */
export async function migrateWithRetry(url: string, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(url);
      return;
    } catch (err) {
      if (!TbError.is(err) || !err.retryable || attempt >= 60) throw err;
      log.warn({ err, attempt }, 'database not ready; retrying');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** Run `stop` once on SIGTERM/SIGINT, then exit 0 (1 if it fails or takes over 20 s). */
export function onSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    stop().then(() => { clearTimeout(force); process.exit(0); }, (err: unknown) => { log.error({ err }, 'shutdown failed'); process.exit(1); });
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
