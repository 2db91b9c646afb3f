/**
 * @module payments/relay-main
 * Process entry of the payment outbox relay (`tsx payments/relay-main.ts`): migrates the
 * database, publishes `payment_outbox` to `TB_EVENTS`, serves `/healthz` and `/metrics` on
 * `TB_PAYMENT_RELAY_HTTP_PORT`, and stops gracefully on SIGTERM/SIGINT (the batch in flight is
 * published and marked; anything unmarked is re-published by the next relay under the same
 * msg id). Several relays may run at once (`FOR UPDATE SKIP LOCKED`).
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createDb } from '../db/index.js';
import { migrateWithRetry, onSignals, serveHealth } from '../ops/service-process.js';
import { startOutboxRelay } from './outbox-relay.js';

/**
 * @internal Test hook for the crash test: hold every batch this long after its publishes and
 * before marking them, logging "payment relay holding batch", so a test can SIGKILL the relay
 * inside that window. Never set in production.
 */
const TEST_HOLD_ENV = 'TB_PAYMENT_RELAY_TEST_HOLD_MS';

/** Run the relay until SIGTERM/SIGINT. */
export async function runPaymentRelay(): Promise<void> {
  const config = loadConfig();
  refuseUnsafeStart(config, 'payment-relay');
  const log = pino({ level: config.logLevel, name: 'payment-relay' });
  await migrateWithRetry(config.databaseUrl, log);
  const handle = createDb(config.databaseUrl, { max: 3 });
  const nc = await connect({
    ...natsConnectOptions(config, `tb-payment-relay-${process.pid}`), maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true,
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const holdMs = Number(process.env[TEST_HOLD_ENV] ?? 0);
  const relay = startOutboxRelay({
    db: handle.db, nc, log, registry,
    batchSize: config.paymentRelayBatchSize, pollMs: config.paymentRelayPollMs, backoffMaxMs: config.paymentRelayBackoffMaxMs,
    ...(holdMs > 0 ? {
      beforeMark: async (msgIds: string[]) => {
        log.info({ published: msgIds.length }, 'payment relay holding batch');
        await new Promise((r) => setTimeout(r, holdMs));
      },
    } : {}),
  });
  const http = await serveHealth(registry, config.paymentRelayHttpPort, config.httpHost);
  if (http) log.info({ address: http.address() }, 'payment relay http');
  onSignals(log, async () => {
    await relay.stop();
    http?.close();
    await nc.drain().catch(() => undefined);
    await handle.close();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runPaymentRelay().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
