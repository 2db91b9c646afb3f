/**
 * @module catalog/projector-main
 * Process entry of the catalog projector (`tsx catalog/projector-main.ts`, spawned once by
 * `npm start`): migrates the database, keeps the catalog tables from `TB_EVENTS`, serves
 * `/healthz` and `/metrics` on `TB_CATALOG_HTTP_PORT`, and stops gracefully on SIGTERM/SIGINT
 * (the batch in progress commits and is acked; anything else is redelivered to the next run).
 */
import { createServer, type Server } from 'node:http';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from '../config/index.js';
import { TbError } from '../contracts/index.js';
import { createDb, migrate } from '../db/index.js';
import { startCatalogProjector } from './projector.js';

/** Serve `/healthz` and `/metrics` from `registry` on `port` (0 = any free port). */
function serveHttp(registry: Registry, port: number, host: string): Promise<Server> {
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

/** Run the projector until SIGTERM/SIGINT. */
export async function runCatalogProjector(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, name: 'catalog-projector' });
  // PostgreSQL may come up after us (or be briefly full): retry what is retryable for a minute.
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(config.databaseUrl);
      break;
    } catch (err) {
      if (!TbError.is(err) || !err.retryable || attempt >= 60) throw err;
      log.warn({ err, attempt }, 'database not ready; retrying');
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  const handle = createDb(config.databaseUrl, { max: 4 });
  const nc = await connect({
    servers: config.natsUrl.split(','), name: `tb-catalog-${process.pid}`, maxReconnectAttempts: -1, reconnectTimeWait: 250,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const projector = startCatalogProjector({
    nc, db: handle.db, log, registry, batchSize: config.catalogBatchSize, retryDelayMs: config.catalogRetryDelayMs,
  });
  const http = config.catalogHttpPort >= 0 ? await serveHttp(registry, config.catalogHttpPort, config.httpHost) : undefined;
  if (http) log.info({ address: http.address() }, 'catalog projector http');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'catalog projector shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    await projector.stop();
    http?.close();
    await nc.drain().catch(() => undefined);
    await handle.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCatalogProjector().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
