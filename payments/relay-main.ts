/**
 * @module payments/relay-main
 * Process entry of the payment outbox relay (`tsx payments/relay-main.ts`): migrates the
 * database, publishes `payment_outbox` to `TB_EVENTS`, serves `/healthz` and `/metrics` on
 * `TB_PAYMENT_RELAY_HTTP_PORT`, and stops gracefully on SIGTERM/SIGINT (the batch in flight is
 * published and marked; anything unmarked is re-published by the next relay under the same
 * msg id). Several relays may run at once (`FOR UPDATE SKIP LOCKED`).
 */
import { createServer, type Server } from 'node:http';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from '../config/index.js';
import { TbError } from '../contracts/index.js';
import { createDb, migrate } from '../db/index.js';
import { startOutboxRelay } from './outbox-relay.js';

/**
 * @internal Test hook for the crash test: hold every batch this long after its publishes and
 * before marking them, logging "payment relay holding batch", so a test can SIGKILL the relay
 * inside that window. Never set in production.
 */
const TEST_HOLD_ENV = 'TB_PAYMENT_RELAY_TEST_HOLD_MS';

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

/** Run the relay until SIGTERM/SIGINT. */
export async function runPaymentRelay(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel, name: 'payment-relay' });
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
  const handle = createDb(config.databaseUrl, { max: 3 });
  const nc = await connect({
    servers: config.natsUrl.split(','), name: `tb-payment-relay-${process.pid}`, maxReconnectAttempts: -1, reconnectTimeWait: 250,
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
  const http = config.paymentRelayHttpPort >= 0 ? await serveHttp(registry, config.paymentRelayHttpPort, config.httpHost) : undefined;
  if (http) log.info({ address: http.address() }, 'payment relay http');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'payment relay shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    await relay.stop();
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
  runPaymentRelay().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
