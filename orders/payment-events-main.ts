/**
 * @module orders/payment-events-main
 * Process entry of the payment-events consumer (`tsx orders/payment-events-main.ts`; one per
 * deployment is enough, more are safe): migrates PostgreSQL (for `flagged_payments`), turns
 * `tb.evt.payment.>` into `order` commands through the actor client, serves `/healthz` and
 * `/metrics` on `TB_PAYMENT_EVENTS_HTTP_PORT`, and stops gracefully on SIGTERM/SIGINT (messages in
 * flight are acked after their answer or redelivered to the next run).
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createActorClient } from '../contracts/index.js';
import { createDb } from '../db/index.js';
import { migrateWithRetry, onSignals, serveHealth } from '../ops/service-process.js';
import { startPaymentEventsConsumer } from './payment-events.js';

/** Run the consumer until SIGTERM/SIGINT. */
export async function runPaymentEvents(): Promise<void> {
  const config = loadConfig();
  refuseUnsafeStart(config, 'order-payments');
  const log = pino({ level: config.logLevel, name: 'order-payments' });
  await migrateWithRetry(config.databaseUrl, log);
  const handle = createDb(config.databaseUrl, { max: 4 });
  const nc = await connect({ ...natsConnectOptions(config, `tb-order-payments-${process.pid}`), maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const consumer = startPaymentEventsConsumer({
    nc, db: handle.db, actors: createActorClient(nc, { partitions: config.partitions }), log, registry, retryDelayMs: config.paymentEventsRetryDelayMs,
  });
  const http = await serveHealth(registry, config.paymentEventsHttpPort, config.httpHost);
  if (http) log.info({ address: http.address() }, 'order-payments http');
  onSignals(log, async () => {
    await consumer.stop();
    http?.close();
    await nc.drain().catch(() => undefined);
    await handle.close();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runPaymentEvents().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
