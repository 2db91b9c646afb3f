/**
 * @module orders/history-main
 * Process entry of the order-history projector (`tsx orders/history-main.ts`, one per
 * deployment; more are safe): migrates PostgreSQL, opens the history store (MongoDB when
 * `TB_MONGODB_URL` is set, PostgreSQL otherwise), projects `tb.evt.order.>` into it, ends the open
 * orders of cancelled events (`event-cancel.ts`, it needs this store), serves `/healthz` and
 * `/metrics` (with the orders-by-status gauge) on its admin port (9186), and stops gracefully on
 * SIGTERM/SIGINT (the batch in progress commits and is acked; the rest is redelivered to the next run).
 */
import { createActorClient } from '../actors/client/index.js';
import { runService } from '../platform/index.js';
import { startEventCancelConsumer } from './event-cancel.js';
import { openOrderHistoryStore, startOrderHistoryProjector } from './history.js';
import { registerOrderStatusGauge } from './history/metrics.js';

/** Run the projector until SIGTERM/SIGINT. */
export async function runOrderHistory(): Promise<void> {
  await runService({
    kind: 'order-history',
    database: { max: 4 },
    async start({ config, log, nc, registry, db }) {
      const store = await openOrderHistoryStore({ db: db!.db, mongodbUrl: config.mongodbUrl });
      log.info({ backend: store.backend }, 'order history store open');
      const projector = startOrderHistoryProjector({
        nc,
        store,
        log,
        registry,
        batchSize: config.orderHistoryBatchSize,
        retryDelayMs: config.orderHistoryRetryDelayMs,
      });
      registerOrderStatusGauge(registry, store);
      // Cancelling an event ends its open orders: this process holds the store that knows them.
      const cancels = startEventCancelConsumer({ nc, store, actors: createActorClient(nc, { partitions: config.partitions }), log });
      return {
        async stop() {
          await projector.stop();
          await cancels.stop();
          await store.close();
        },
      };
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) void runOrderHistory();
