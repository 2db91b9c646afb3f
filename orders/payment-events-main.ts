/**
 * @module orders/payment-events-main
 * Process entry of the payment-events consumer (`tsx orders/payment-events-main.ts`; one per
 * deployment is enough, more are safe): migrates PostgreSQL (for `flagged_payments`), turns
 * `tb.evt.payment.>` into `order` commands through the actor client, serves `/healthz` and
 * `/metrics` on `TB_PAYMENT_EVENTS_HTTP_PORT`, runs the refund side (the refund worker that
 * executes refunds through the providers, the order refund requests and the event-cancellation
 * refunds, `orders/refund-requests.ts`), and stops gracefully on SIGTERM/SIGINT (messages in
 * flight are acked after their answer or redelivered to the next run).
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createActorClient } from '../actors/client/index.js';
import { createDb } from '../db/index.js';
import { createRefundProviders, fetchHttpClient, startRefundWorker } from '../payments/index.js';
import { createMailer, startOrderNotifier } from '../mailer/index.js';
import { startRefundConsumers } from './refund-requests.js';
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
  const actors = createActorClient(nc, { partitions: config.partitions });
  const refunds = startRefundConsumers({ nc, db: handle.db, actors, log, retryDelayMs: config.paymentEventsRetryDelayMs });
  const refundWorker = startRefundWorker({
    nc, db: handle.db, providers: createRefundProviders(config), http: fetchHttpClient(10_000), log, registry, retryDelayMs: config.refundRetryDelayMs,
  });
  // Order confirmations and refund notices, in the buyer's language.
  const notifier = startOrderNotifier({ nc, db: handle.db, mailer: createMailer(config, log.child({ mod: 'mailer' })), log, publicBaseUrl: config.publicBaseUrl });
  const http = await serveHealth(registry, config.paymentEventsHttpPort, config.httpHost);
  if (http) log.info({ address: http.address() }, 'order-payments http');
  onSignals(log, async () => {
    await Promise.all([consumer.stop(), refunds.stop(), refundWorker.stop(), notifier.stop()]);
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
