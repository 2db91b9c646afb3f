/**
 * @module tickets/main
 * Process entry of the tickets process (`tsx tickets/main.ts`; more than one is safe): migrates
 * PostgreSQL, issues tickets from `order.completed`, voids them on `order.refunded`, projects
 * check-ins onto ticket rows, serves `/healthz` and `/metrics` on `TB_TICKETS_HTTP_PORT`, and
 * stops gracefully on SIGTERM/SIGINT (the batch in progress commits; the rest is redelivered).
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { createActorClient, createActors } from '../actors/client/index.js';
import { createDb } from '../db/index.js';
import { migrateWithRetry, onSignals, serveHealth } from '../ops/service-process.js';
import { startTicketsConsumers } from './consumer.js';
import { createTickets } from './index.js';

/** Run the tickets process until SIGTERM/SIGINT. */
export async function runTickets(): Promise<void> {
  const config = loadConfig();
  refuseUnsafeStart(config, 'tickets');
  const log = pino({ level: config.logLevel, name: 'tickets' });
  await migrateWithRetry(config.databaseUrl, log);
  const handle = createDb(config.databaseUrl, { max: 4 });
  const nc = await connect({ ...natsConnectOptions(config, `tb-tickets-${process.pid}`), maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true });
  const actors = createActorClient(nc, { partitions: config.partitions });
  const tickets = createTickets({ sql: handle.sql, actors: createActors(actors), config });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const consumers = startTicketsConsumers({
    nc, store: tickets.store, service: tickets.service, log, registry, batchSize: config.ticketsBatchSize, retryDelayMs: config.ticketsRetryDelayMs,
  });
  const http = await serveHealth(registry, config.ticketsHttpPort, config.httpHost);
  log.info({ address: http?.address() ?? null }, 'tickets process started');
  onSignals(log, async () => {
    await consumers.stop();
    http?.close();
    await nc.drain().catch(() => undefined);
    await handle.close();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runTickets().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
