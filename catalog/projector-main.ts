/**
 * @module catalog/projector-main
 * Process entry of the catalog projector (`tsx catalog/projector-main.ts`, spawned once by
 * `npm start`): migrates the database, keeps the catalog tables from `TB_EVENTS`, serves
 * `/healthz` and `/metrics` on `TB_CATALOG_HTTP_PORT`, and stops gracefully on SIGTERM/SIGINT
 * (the batch in progress commits and is acked; anything else is redelivered to the next run).
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createDb } from '../db/index.js';
import { migrateWithRetry, onSignals, serveHealth } from '../ops/service-process.js';
import { startCatalogProjector } from './projector.js';

/** Run the projector until SIGTERM/SIGINT. */
export async function runCatalogProjector(): Promise<void> {
  const config = loadConfig();
  refuseUnsafeStart(config, 'catalog-projector');
  const log = pino({ level: config.logLevel, name: 'catalog-projector' });
  await migrateWithRetry(config.databaseUrl, log);
  const handle = createDb(config.databaseUrl, { max: 4 });
  const nc = await connect({
    ...natsConnectOptions(config, `tb-catalog-${process.pid}`), maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const projector = startCatalogProjector({
    nc, db: handle.db, log, registry, batchSize: config.catalogBatchSize, retryDelayMs: config.catalogRetryDelayMs,
  });
  const http = await serveHealth(registry, config.catalogHttpPort, config.httpHost);
  if (http) log.info({ address: http.address() }, 'catalog projector http');
  onSignals(log, async () => {
    await projector.stop();
    http?.close();
    await nc.drain().catch(() => undefined);
    await handle.close();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCatalogProjector().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
