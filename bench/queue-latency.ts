/**
 * @module bench/queue-latency
 * Admission latency, measured the same way for both designs, on the same queue actor and
 * gateway: from the moment a checkout slot frees (the `complete` is sent) to the moment the next
 * user's WebSocket receives `admitted`.
 *   admit      event-driven (ours): the complete goes to the queue actor at once.
 *   seed_tick  the classic design simulated: slots free at random (Poisson, ~8/s), but a
 *              processor wakes once a second and only then admits a batch of at most 10.
 */
import { percentile } from './lib.js';
import type { QueueBenchStack } from './queue-stack.js';
import { openQueueClient, type QueueClient } from '../test/gateway/ws/client.js';

const round = (n: number) => Math.round(n * 100) / 100;

/** `maxConcurrent + samples` connected clients of a fresh event, sorted by position, first slots admitted. */
async function line(stack: QueueBenchStack, eventId: string, tokens: string[], maxConcurrent: number): Promise<QueueClient[]> {
  await stack.openEvent(eventId, maxConcurrent);
  const clients: QueueClient[] = [];
  for (let i = 0; i < tokens.length; i += 50) {
    clients.push(...(await Promise.all(tokens.slice(i, i + 50).map((t) => openQueueClient(stack.wsUrl, eventId, t, { record: false })))));
  }
  clients.sort((a, b) => a.position! - b.position!);
  await Promise.all(clients.slice(0, maxConcurrent).map((c) => c.waitFor((x) => x.admitted !== undefined, 60_000)));
  return clients;
}

const summary = (lat: number[]) => {
  const s = [...lat].sort((a, b) => a - b);
  return { p50_ms: round(percentile(s, 0.5)), p99_ms: round(percentile(s, 0.99)), samples: s.length };
};

/** `admit`: one slot frees at a time; wait for the next user's `admitted` frame. */
export async function measureAdmit(
  stack: QueueBenchStack,
  tokens: string[],
  maxConcurrent = 10,
): Promise<{ p50_ms: number; p99_ms: number; samples: number }> {
  const clients = await line(stack, 'bq-admit', tokens, maxConcurrent);
  const lat: number[] = [];
  for (let i = 0; i + maxConcurrent < clients.length; i++) {
    const next = clients[i + maxConcurrent]!;
    const t0 = Date.now();
    void stack.complete('bq-admit', clients[i]!.sessionId!);
    await next.waitFor((x) => x.admitted !== undefined, 30_000);
    lat.push(next.admitted!.at - t0);
    if (i % 50 === 0) process.stderr.write(`  admit: ${i}/${clients.length - maxConcurrent}\n`);
  }
  for (const c of clients) c.close();
  return summary(lat);
}

/** `seed_tick`: slots free at ~`freesPerSec` at random; a 1 s tick admits at most `batch` of them. */
export async function measureSeedTick(
  stack: QueueBenchStack,
  tokens: string[],
  maxConcurrent = 10,
  freesPerSec = 8,
  batch = 10,
): Promise<{ p50_ms: number; p99_ms: number; samples: number }> {
  const clients = await line(stack, 'bq-tick', tokens, maxConcurrent);
  const total = clients.length - maxConcurrent;
  const freedAt: number[] = [];
  const pending: number[] = [];
  let freed = 0;
  // Slot frees: a Poisson process (exponential gaps).
  const frees = (async () => {
    while (freed < total) {
      await new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * (1000 / freesPerSec)));
      freedAt.push(Date.now());
      pending.push(freed++);
    }
  })();
  // The classic processor: wakes every second, admits a batch (by completing what freed since).
  const tick = setInterval(() => {
    for (const i of pending.splice(0, batch)) void stack.complete('bq-tick', clients[i]!.sessionId!);
  }, 1_000);
  await frees;
  const lat: number[] = [];
  for (let i = 0; i < total; i++) {
    const next = clients[i + maxConcurrent]!;
    await next.waitFor((x) => x.admitted !== undefined, 60_000);
    lat.push(next.admitted!.at - freedAt[i]!);
  }
  clearInterval(tick);
  for (const c of clients) c.close();
  return summary(lat);
}
