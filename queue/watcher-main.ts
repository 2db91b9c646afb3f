/**
 * @module queue/watcher-main
 * Process entry of the stock watcher (one per deployment, spawned by `npm start`): keeps every
 * waitroom told about its event's stock, so admission stops at sold out and resumes when holds
 * come back. Restartable at will: it rebuilds its sums from `TB_EVENTS` on start.
 */
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { startStockWatcher } from './stock-watcher.js';

const config = loadConfig();

refuseUnsafeStart(config, 'stock-watcher');
const log = pino({ level: config.logLevel, name: 'stock-watcher' });
const nc = await connect({ ...natsConnectOptions(config, `tb-stock-watcher-${process.pid}`), maxReconnectAttempts: -1, noAsyncTraces: true });

// The actor nodes create TB_EVENTS; wait for it rather than fail when started first.
let watcher: Awaited<ReturnType<typeof startStockWatcher>> | undefined;
for (let attempt = 0; !watcher; attempt++) {
  try {
    watcher = await startStockWatcher({ nc, partitions: config.partitions, log });
  } catch (err) {
    if (attempt % 10 === 0) log.warn({ err }, 'waiting for the TB_EVENTS stream');
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
log.info('stock watcher started');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await watcher?.stop().catch(() => undefined);
  await nc.drain().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
