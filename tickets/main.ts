/**
 * @module tickets/main
 * Process entry of the tickets process (`tsx tickets/main.ts`; more than one is safe): migrates
 * PostgreSQL, issues tickets from `order.completed`, voids them on `order.refunded`, projects
 * check-ins onto ticket rows, serves `/healthz` and `/metrics` on its admin port (9188), and
 * stops gracefully on SIGTERM/SIGINT (the batch in progress commits; the rest is redelivered).
 */
import { createActorClient, createActors } from '../actors/client/index.js';
import { runService } from '../platform/index.js';
import { startTicketsConsumers } from './consumer.js';
import { createTickets } from './index.js';

/** Run the tickets process until SIGTERM/SIGINT. */
export async function runTickets(): Promise<void> {
  await runService({
    kind: 'tickets',
    database: { max: 4 },
    async start({ config, log, nc, registry, db }) {
      const actors = createActorClient(nc, { partitions: config.partitions });
      const tickets = createTickets({ sql: db!.sql, actors: createActors(actors), config });
      const consumers = startTicketsConsumers({
        nc,
        store: tickets.store,
        service: tickets.service,
        log,
        registry,
        batchSize: config.ticketsBatchSize,
        retryDelayMs: config.ticketsRetryDelayMs,
      });
      return { stop: () => consumers.stop() };
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) void runTickets();
