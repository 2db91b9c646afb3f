/**
 * @module orders/worker-main
 * Process entry of the order saga worker (`npx tsx orders/worker-main.ts`; run one or more, they
 * share the durable consumer): performs open saga intents and frees waitroom slots on
 * `checkout.*`. Serves `/healthz`, `/readyz` (503 naming every stuck compensation, so an
 * operator sees it) and `/metrics` on `TB_ORDER_WORKER_HTTP_PORT`. Restartable at will.
 */
import { createServer } from 'node:http';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { startSagaWorker, type SagaWorker } from './saga-worker.js';

const config = loadConfig();

refuseUnsafeStart(config, 'order-saga-worker');
const log = pino({ level: config.logLevel, base: { svc: 'order-saga-worker', pid: process.pid } });
const nc = await connect({ ...natsConnectOptions(config, `tb-order-saga-${process.pid}`), maxReconnectAttempts: -1, noAsyncTraces: true });

// The actor nodes create TB_EVENTS; wait for it rather than fail when started first.
let worker: SagaWorker | undefined;
for (let attempt = 0; !worker; attempt++) {
  try {
    worker = await startSagaWorker({ nc, partitions: config.partitions, config, log });
  } catch (err) {
    if (attempt % 10 === 0) log.warn({ err }, 'waiting for the TB_EVENTS stream');
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
log.info('order saga worker started');

const server = createServer((req, res) => {
  const s = worker!.stats();
  if (req.url === '/healthz') { res.writeHead(200).end('ok'); return; }
  if (req.url === '/readyz') {
    res.writeHead(s.stuck.length ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ready: s.stuck.length === 0, stuckCompensations: s.stuck }));
    return;
  }
  if (req.url === '/metrics') {
    const lines = [
      '# TYPE tb_order_saga_performed_total counter', `tb_order_saga_performed_total ${s.performed}`,
      '# TYPE tb_order_saga_skipped_total counter', `tb_order_saga_skipped_total ${s.skipped}`,
      '# TYPE tb_order_saga_failures_total counter', `tb_order_saga_failures_total ${s.failures}`,
      '# TYPE tb_order_saga_checkouts_total counter', `tb_order_saga_checkouts_total ${s.checkouts}`,
      '# TYPE tb_order_compensations_stuck gauge', `tb_order_compensations_stuck ${s.stuck.length}`,
    ];
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
    return;
  }
  res.writeHead(404).end();
});
if (config.orderWorkerHttpPort >= 0) server.listen(config.orderWorkerHttpPort, config.httpHost, () => log.info({ address: server.address() }, 'order saga worker http'));

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  server.close();
  await worker?.stop().catch(() => undefined);
  await nc.drain().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
