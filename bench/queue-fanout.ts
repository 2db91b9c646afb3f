/**
 * @module bench/queue-fanout
 * The `fanout` case: `clients` WebSocket clients on ONE gateway process, held by worker
 * processes of at most 5,000 sockets each (the fd limit is 20,000 per process), while
 * admissions run at `ratePerSec` (the driver completes each admitted checkout, paced). Reports
 * how stale waiting clients' positions are (sampled every 250 ms by the workers), the gateway's
 * CPU per delivered frame (`process.cpuUsage()` deltas from `/internal/ws/stats` over the
 * window, divided by topic deliveries plus direct frames), and its RSS at the end.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTs, type ChildHandle } from '../test/harness/processes.js';
import type { QueueBenchStack } from './queue-stack.js';

const PER_WORKER = 5_000;

/** What the `fanout` line reports. */
export interface FanoutResult {
  clients: number;
  staleness_p50_ms: number;
  staleness_p99_ms: number;
  cpu_us_per_frame: number;
  rss_mb: number;
  admissions_per_s: number;
  frames_per_s: number;
}

/** Percentile of a sparse histogram `[value, count][]`. */
function histPercentile(hist: Map<number, number>, q: number): number {
  const keys = [...hist.keys()].sort((a, b) => a - b);
  const total = keys.reduce((n, k) => n + hist.get(k)!, 0);
  let seen = 0;
  for (const k of keys) {
    seen += hist.get(k)!;
    if (seen >= q * total) return k;
  }
  return keys.at(-1) ?? 0;
}

/** Run the case; `progress` gets one line per step. */
export async function measureFanout(
  stack: QueueBenchStack,
  tokens: string[],
  opts: { ratePerSec: number; windowSec: number; progress: (m: string) => void },
): Promise<FanoutResult> {
  const eventId = 'bq-fan';
  await stack.openEvent(eventId, 100);
  const file = join(tmpdir(), `bq-tokens-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(tokens));
  const admitted: string[] = [];
  const sub = stack.nc.subscribe('bench.fanout.admitted', {
    callback: (_e, m) => void admitted.push((m.json() as { sessionId: string }).sessionId),
  });
  const workers: ChildHandle[] = [];
  const n = Math.ceil(tokens.length / PER_WORKER);
  for (let w = 0; w < n; w++) {
    workers.push(
      spawnTs('bench/queue-fanout-worker.ts', {
        name: `bench-fanout-${w}`,
        env: {
          ...stack.env,
          BQ_WS_URL: stack.wsUrl,
          BQ_EVENT: eventId,
          BQ_TOKENS_FILE: file,
          BQ_FROM: String(w * PER_WORKER),
          BQ_TO: String(Math.min(tokens.length, (w + 1) * PER_WORKER)),
          BQ_ID: String(w),
        },
      }),
    );
  }
  let ready = 0;
  for (const [w, worker] of workers.entries()) {
    const line = await worker.waitForLine(/fanout worker \d+ ready \d+/, 300_000);
    ready += Number(/ready (\d+)/.exec(line)![1]);
    opts.progress(`fanout: worker ${w} ready (${ready} sockets connected)`);
  }
  // Pace admissions at `ratePerSec` on average (catching up after a late timer), FIFO.
  let completed = 0;
  const pacedFrom = Date.now();
  const pacer = setInterval(() => {
    const due = Math.floor(((Date.now() - pacedFrom) / 1000) * opts.ratePerSec) - completed;
    for (const sessionId of admitted.splice(0, Math.max(0, due))) {
      completed++;
      void stack.complete(eventId, sessionId).catch(() => undefined);
    }
  }, 50);
  await new Promise((r) => setTimeout(r, 3_000)); // warm up
  const s0 = await stack.gatewayStats();
  const c0 = completed;
  stack.nc.publish('bench.fanout.sampling', 'on');
  for (let t = 0; t < opts.windowSec; t += 5) {
    await new Promise((r) => setTimeout(r, 5_000));
    opts.progress(`fanout: ${t + 5}/${opts.windowSec} s, ${completed - c0} admissions completed`);
  }
  stack.nc.publish('bench.fanout.sampling', 'off');
  const s1 = await stack.gatewayStats();
  const c1 = completed;
  if (process.env['BQ_DEBUG'])
    opts.progress(`fanout: gateway stats ${JSON.stringify(s1)}; admitted reported ${admitted.length + completed}`);
  clearInterval(pacer);
  const hist = new Map<number, number>();
  for (let w = 0; w < n; w++) {
    const r = (await stack.nc.request(`bench.fanout.report.${w}`, '', { timeout: 10_000 })).json() as { hist: [number, number][] };
    for (const [ms, count] of r.hist) hist.set(ms, (hist.get(ms) ?? 0) + count);
  }
  stack.nc.publish('bench.fanout.stop', '');
  await Promise.all(workers.map((w) => Promise.race([w.exited, new Promise((r) => setTimeout(r, 10_000))]).then(() => w.stop())));
  sub.unsubscribe();
  const seconds = (s1.at - s0.at) / 1000;
  const frames = s1.delivered + s1.sent - (s0.delivered + s0.sent);
  const cpuUs = s1.cpuUserUs + s1.cpuSystemUs - (s0.cpuUserUs + s0.cpuSystemUs);
  return {
    clients: s1.sockets,
    staleness_p50_ms: histPercentile(hist, 0.5),
    staleness_p99_ms: histPercentile(hist, 0.99),
    cpu_us_per_frame: frames > 0 ? Math.round((cpuUs / frames) * 100) / 100 : 0,
    rss_mb: Math.round(s1.rssBytes / 1048576),
    admissions_per_s: Math.round((c1 - c0) / seconds),
    frames_per_s: Math.round(frames / seconds),
  };
}
