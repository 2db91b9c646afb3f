/**
 * @module payments/relay-main
 * Process entry of the payment outbox relay (`tsx payments/relay-main.ts`): migrates the
 * database, publishes `payment_outbox` to `TB_EVENTS`, serves `/healthz` and `/metrics` on its
 * admin port (9184), and stops gracefully on SIGTERM/SIGINT (the batch in flight is
 * published and marked; anything unmarked is re-published by the next relay under the same
 * msg id). Several relays may run at once (`FOR UPDATE SKIP LOCKED`).
 */
import { runService, sleep } from '../platform/index.js';
import { startOutboxRelay } from './outbox-relay.js';

/**
 * @internal Test hook for the crash test: hold every batch this long after its publishes and
 * before marking them, logging "payment relay holding batch", so a test can SIGKILL the relay
 * inside that window. Never set in production.
 */
const TEST_HOLD_ENV = 'TB_PAYMENT_RELAY_TEST_HOLD_MS';

/** Run the relay until SIGTERM/SIGINT. */
export async function runPaymentRelay(): Promise<void> {
  await runService({
    kind: 'payment-relay',
    database: { max: 3 },
    async start({ config, log, nc, registry, db }) {
      const holdMs = Number(process.env[TEST_HOLD_ENV] ?? 0);
      const relay = startOutboxRelay({
        db: db!.db,
        nc,
        log,
        registry,
        batchSize: config.paymentRelayBatchSize,
        pollMs: config.paymentRelayPollMs,
        backoffMaxMs: config.paymentRelayBackoffMaxMs,
        ...(holdMs > 0
          ? {
              beforeMark: async (msgIds: string[]) => {
                log.info({ published: msgIds.length }, 'payment relay holding batch');
                await sleep(holdMs);
              },
            }
          : {}),
      });
      return { stop: () => relay.stop() };
    },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) void runPaymentRelay();
