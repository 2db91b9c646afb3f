/**
 * @module tools/rehearse/worker
 * A buyer worker process: holds a share of the crowd (each buyer its own WebSocket, so a few
 * thousand sockets per process, well under the 20,000 fd limit), plays every buyer with
 * `playBuyer`, reports live counters to the driver every 500 ms over the IPC channel, and sends
 * every buyer's record when all are done (or after `stop`). Started by `crowd.ts` with `fork`.
 */
import { apiClient } from './http.js';
import { playBuyer, type BuyerEnv } from './buyer.js';
import type { BuyerRecord, FromWorker, ToWorker, WorkerCounts } from './types.js';

const send = (m: FromWorker) => new Promise<void>((res) => process.send!(m, undefined, {}, () => res()));
let stop!: () => void;
const stopped = new Promise<void>((r) => {
  stop = r;
});

function counts(records: BuyerRecord[]): WorkerCounts {
  const c: WorkerCounts = { arriving: 0, queued: 0, checkout: 0, admitted: 0, done: 0, sold: 0, failed: 0 };
  for (const r of records) {
    if (r.state === 'arriving') c.arriving++;
    else if (r.state === 'queued') c.queued++;
    else if (r.state === 'checkout') c.checkout++;
    else c.done++;
    if (r.admittedAt !== undefined) c.admitted++;
    for (const o of r.orders) {
      if (o.status === 'COMPLETED') c.sold++;
      else if (o.status === 'FAILED' && o.outcome === 'failed') c.failed++;
    }
  }
  return c;
}

async function run(m: Extract<ToWorker, { t: 'start' }>): Promise<void> {
  const records: BuyerRecord[] = m.plans.map((p) => ({ userId: p.userId, state: 'arriving', joinErrors: [], orders: [] }));
  const env: BuyerEnv = {
    api: apiClient(m.gatewayUrl),
    wsUrl: m.gatewayUrl.replace(/^http/, 'ws'),
    gatewayUrl: m.gatewayUrl,
    eventId: m.eventId,
    classIds: m.classIds,
    opensAt: m.opensAt,
    sandboxSecret: m.sandboxSecret,
    duplicateCallbacks: m.duplicateCallbacks,
    wsClient: m.wsClient ?? 'bare',
    onState: () => undefined,
    stopped,
  };
  const ticker = setInterval(() => void send({ t: 'counts', counts: counts(records) }), 500);
  await Promise.all(
    m.plans.map((p, i) =>
      playBuyer(env, p, records[i]!).catch((err: Error) => {
        records[i]!.outcome = 'error';
        records[i]!.error = err.message;
        records[i]!.state = 'done';
      }),
    ),
  );
  clearInterval(ticker);
  await send({ t: 'counts', counts: counts(records) });
  // Strip what the driver does not need (the replay copies of paid bodies) before sending.
  for (const r of records) for (const o of r.orders) delete o.paid;
  const cpu = process.cpuUsage();
  await send({ t: 'records', records, cpuS: (cpu.user + cpu.system) / 1e6 });
  process.disconnect();
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('message', (m: ToWorker) => {
  if (m.t === 'start') void run(m);
  else if (m.t === 'stop') stop();
});
process.on('disconnect', () => stop());
