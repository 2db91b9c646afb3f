/**
 * @module orders/worker-main
 * Process entry of the order saga worker (`npx tsx orders/worker-main.ts`; run one or more, they
 * share the durable consumer): performs open saga intents and frees waitroom slots on
 * `checkout.*`. Serves `/healthz`, `/readyz` (503 naming every stuck compensation, so an
 * operator sees it) and `/metrics` on its admin port (9187). Restartable at will.
 */
import { runService, scrapeGauge } from '../platform/index.js';
import { startSagaWorker } from './saga-worker.js';

const COUNTERS = [
  ['performed', 'Saga intents performed by the worker'],
  ['skipped', 'Saga intents already performed by someone else'],
  ['failures', 'Saga steps that failed (retried, or reported stuck)'],
  ['checkouts', 'Waitroom slots completed on checkout outcomes'],
] as const;

await runService({
  kind: 'order-saga',
  async start({ config, log, nc, registry }) {
    const worker = await startSagaWorker({ nc, partitions: config.partitions, config, log });
    for (const [name, help] of COUNTERS) {
      scrapeGauge(registry, `tb_order_saga_${name}_total`, help, [], () => [{ labels: {}, value: worker.stats()[name] }]);
    }
    scrapeGauge(registry, 'tb_order_compensations_stuck', 'Releases failing past the stuck threshold (still retried)', [], () => [
      { labels: {}, value: worker.stats().stuck.length },
    ]);
    return {
      stop: () => worker.stop(),
      ready: () => {
        const stuck = worker.stats().stuck;
        return { ready: stuck.length === 0, detail: { stuckCompensations: stuck } };
      },
    };
  },
});
