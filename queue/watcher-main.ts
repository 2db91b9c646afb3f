/**
 * @module queue/watcher-main
 * Process entry of the stock watcher (one per deployment, spawned by `npm start`): keeps every
 * waitroom told about its event's stock, so admission stops at sold out and resumes when holds
 * come back. Serves `/healthz` and `/metrics` on its admin port (9183). Restartable at will: it
 * rebuilds its sums from `TB_EVENTS` on start.
 */
import { runService, waitForEvents } from '../platform/index.js';
import { startStockWatcher } from './stock-watcher.js';

await runService({
  kind: 'stock-watcher',
  async start({ config, log, nc }) {
    // The actor nodes create TB_EVENTS; wait for it rather than fail when started first.
    const watcher = await waitForEvents(log, () => startStockWatcher({ nc, partitions: config.partitions, log }));
    return { stop: () => watcher.stop() };
  },
});
