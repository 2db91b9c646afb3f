/**
 * @module orders/payment-events-main
 * Process entry of the payment-events consumer (`tsx orders/payment-events-main.ts`; one per
 * deployment is enough, more are safe): migrates PostgreSQL (for `flagged_payments`), turns
 * `tb.evt.payment.>` into `order` commands through the actor client, serves `/healthz` and
 * `/metrics` on its admin port (9185), runs the refund side (the refund worker that
 * executes refunds through the providers, the order refund requests and the event-cancellation
 * refunds, `orders/refund-requests.ts`), and stops gracefully on SIGTERM/SIGINT (messages in
 * flight are acked after their answer or redelivered to the next run).
 */
import { createActorClient } from '../actors/client/index.js';
import { createRefundProviders, fetchHttpClient, startRefundWorker } from '../payments/index.js';
import { createMailer, startOrderNotifier } from '../mailer/index.js';
import { moduleLogger, runService } from '../platform/index.js';
import { startRefundConsumers } from './refund-requests.js';
import { startPaymentEventsConsumer } from './payment-events.js';

/** Run the consumer until SIGTERM/SIGINT. */
export async function runPaymentEvents(): Promise<void> {
  await runService({
    kind: 'payment-events',
    database: { max: 4 },
    async start({ config, log, nc, registry, db }) {
      const handle = db!;
      const actors = createActorClient(nc, { partitions: config.partitions });
      const consumer = startPaymentEventsConsumer({
        nc,
        db: handle.db,
        actors,
        log,
        registry,
        retryDelayMs: config.paymentEventsRetryDelayMs,
      });
      const refunds = startRefundConsumers({ nc, db: handle.db, actors, log, retryDelayMs: config.paymentEventsRetryDelayMs });
      const refundWorker = startRefundWorker({
        nc,
        db: handle.db,
        providers: createRefundProviders(config),
        http: fetchHttpClient(10_000),
        log,
        registry,
        retryDelayMs: config.refundRetryDelayMs,
      });
      // Order confirmations and refund notices, in the buyer's language.
      const notifier = startOrderNotifier({
        nc,
        db: handle.db,
        mailer: createMailer(config, moduleLogger(log, 'mailer')),
        log,
        publicBaseUrl: config.publicBaseUrl,
      });
      return {
        stop: async () => {
          await Promise.all([consumer.stop(), refunds.stop(), refundWorker.stop(), notifier.stop()]);
        },
      };
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) void runPaymentEvents();
