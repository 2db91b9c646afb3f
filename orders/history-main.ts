/**
 * @module orders/history-main
 * Process entry of the order-history projector (`tsx orders/history-main.ts`, one per
 * deployment; more are safe): migrates PostgreSQL, opens the history store (MongoDB when
 * `MONGODB_URL` is set, PostgreSQL otherwise), projects `tb.evt.order.>` into it, ends the open
 * orders of cancelled events (`event-cancel.ts`, it needs this store), serves
 * `/healthz` and `/metrics` on `TB_ORDER_HISTORY_HTTP_PORT`, and stops gracefully on SIGTERM/SIGINT
 * (the batch in progress commits and is acked; the rest is redelivered to the next run).
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createDb } from '../db/index.js';
import { createActorClient } from '../actors/client/index.js';
import { startEventCancelConsumer } from './event-cancel.js';
import { openOrderHistoryStore, startOrderHistoryProjector } from './history.js';
import { migrateWithRetry, onSignals, serveHealth } from '../ops/service-process.js';

/** Run the projector until SIGTERM/SIGINT. */
export async function runOrderHistory(): Promise<void> {
  const config = loadConfig();
  refuseUnsafeStart(config, 'order-history');
  const log = pino({ level: config.logLevel, name: 'order-history' });
  await migrateWithRetry(config.databaseUrl, log);
  const handle = createDb(config.databaseUrl, { max: 4 });
  const store = await openOrderHistoryStore({ db: handle.db, mongodbUrl: config.mongodbUrl });
  log.info({ backend: store.backend }, 'order history store open');
  const nc = await connect({ ...natsConnectOptions(config, `tb-order-history-${process.pid}`), maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const projector = startOrderHistoryProjector({
    nc, store, log, registry, batchSize: config.orderHistoryBatchSize, retryDelayMs: config.orderHistoryRetryDelayMs,
  });
  // Cancelling an event ends its open orders: this process holds the store that knows them.
  const cancels = startEventCancelConsumer({ nc, store, actors: createActorClient(nc, { partitions: config.partitions }), log });
  const http = await serveHealth(registry, config.orderHistoryHttpPort, config.httpHost);
  if (http) log.info({ address: http.address() }, 'order history http');
  onSignals(log, async () => {
    await projector.stop();
    await cancels.stop();
    http?.close();
    await nc.drain().catch(() => undefined);
    await store.close();
    await handle.close();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runOrderHistory().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
