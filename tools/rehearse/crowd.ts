/**
 * @module tools/rehearse/crowd
 * The crowd: plans every buyer from a seeded random generator (arrival time on the chosen
 * curve, who abandons, who fails a payment and retries), spreads the buyers over worker
 * processes, takes the sampler's look at the sale once a second (queue counters, ticket classes)
 * for the live line and the charts, and ends the sale when every ticket
 * is sold, every buyer is done, or time is up. Invariant: every worker is stopped on return.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { entryCommand } from '../../app/index.js';
import { childNodeArgs } from '../../app/index.js';
import type { MintedUser } from '../../test/gateway/ws/users.js';
import type { Sampler } from './sampler.js';
import type { RehearseOptions } from './options.js';
import type { Sale } from './setup.js';
import type { BuyerPlan, BuyerRecord, FromWorker, Sample, WorkerCounts } from './types.js';
import { sleep } from '../../platform/index.js';

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offset (ms after opening) of a post-opening arrival for uniform draw `u`. */
function arrivalOffset(curve: RehearseOptions['arrival'], u: number, sec: number): number {
  if (curve === 'uniform') return u * sec * 1000;
  if (curve === 'ramp') return Math.sqrt(u) * sec * 1000;
  return Math.min(sec, -Math.log(1 - u * 0.99) * (sec / 4.6)) * 1000; // burst: ~99 % within `sec`
}

/** Every buyer's plan. Pre-queue buyers arrive between publishing and one second before opening. */
export function planBuyers(o: RehearseOptions, users: MintedUser[], sale: Sale, publishedAt: number, deadline: number): BuyerPlan[] {
  const rand = rng(o.seed);
  const preWindow = Math.max(0, sale.opensAt - 1_000 - publishedAt);
  return users.map((u, i) => {
    const pre = rand() < o.preQueueShare;
    const arriveAt = pre ? publishedAt + rand() * preWindow : sale.opensAt + arrivalOffset(o.arrival, rand(), o.arrivalSec);
    const abandonQueue = rand() < o.abandonQueue;
    const failPayment = rand() < o.failPayment;
    return {
      userId: u.id,
      token: u.token,
      arriveAt,
      deadline,
      ...(abandonQueue ? { abandonQueueAfterMs: Math.max(0, sale.opensAt - arriveAt) + 200 + rand() * 3_000 } : {}),
      leaveOnAbandon: rand() < 0.5,
      abandonCheckout: rand() < o.abandonCheckout,
      failPayment,
      retry: failPayment && rand() < o.retryFailedPayment,
      classPref: i % sale.classIds.length,
    };
  });
}

/** What the crowd produced. */
export interface CrowdResult {
  records: BuyerRecord[];
  samples: Sample[];
  endedBy: 'soldOut' | 'allDone' | 'timeout' /** CPU seconds of the buyer workers (and of this driver process so far). */;
  cpuS: number;
}

/** The buyer worker, in the form this code runs in (compiled, or the sources through tsx). */
const WORKER = entryCommand('tools/rehearse/worker.ts');
const sum = (cs: WorkerCounts[], k: keyof WorkerCounts) => cs.reduce((n, c) => n + c[k], 0);

/** Run the crowd until the sale ends; `line` gets the live progress line. */
export async function runCrowd(
  o: RehearseOptions,
  sale: Sale,
  plans: BuyerPlan[],
  ctx: {
    gatewayUrl: string;
    sandboxSecret?: string | undefined;
    deadline: number;
    line: (s: string) => void;
    onTick?: (elapsedSec: number) => void;
    sample: Sampler['sample'];
  },
): Promise<CrowdResult> {
  const n = o.workers > 0 ? o.workers : Math.max(2, Math.ceil(plans.length / 4_000));
  const counts: WorkerCounts[] = Array.from({ length: n }, () => ({
    arriving: 0,
    queued: 0,
    checkout: 0,
    admitted: 0,
    done: 0,
    sold: 0,
    failed: 0,
  }));
  const records: BuyerRecord[][] = [];
  let workerCpu = 0;
  const workers: ChildProcess[] = [];
  const finished = Array.from(
    { length: n },
    (_, w) =>
      new Promise<void>((resolve) => {
        const child = fork(WORKER.path, [], {
          execArgv: [...childNodeArgs(), ...WORKER.nodeArgs],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        workers.push(child);
        // The crowd stands for browsers on other machines: on a machine it shares with the system
        // under test it runs at a lower priority (nice 10), taking the CPU the system leaves.
        if (child.pid !== undefined && o.crowdNice > 0) {
          try {
            setPriority(child.pid, o.crowdNice);
          } catch {
            /* not permitted: run at the same priority */
          }
        }
        child.on('message', (m: FromWorker) => {
          if (m.t === 'counts') counts[w] = m.counts;
          else {
            records[w] = m.records;
            workerCpu += m.cpuS;
            resolve();
          }
        });
        child.once('exit', () => resolve());
        child.send({
          t: 'start',
          gatewayUrl: ctx.gatewayUrl,
          eventId: sale.eventId,
          classIds: sale.classIds,
          opensAt: sale.opensAt,
          ...(ctx.sandboxSecret ? { sandboxSecret: ctx.sandboxSecret } : {}),
          duplicateCallbacks: o.duplicateCallbacks,
          wsClient: o.wsClient,
          plans: plans.filter((_, i) => i % n === w),
        });
      }),
  );
  const total = sale.classTotals.reduce((a, b) => a + b, 0);
  const samples: Sample[] = [];
  let endedBy: CrowdResult['endedBy'] = 'allDone';
  let stopping = false;
  const stopAll = (why: CrowdResult['endedBy']) => {
    if (stopping) return;
    stopping = true;
    endedBy = why;
    for (const c of workers) if (c.connected) c.send({ t: 'stop' });
  };
  let sampling = false;
  let lastItems: unknown[] = [];
  let lastQueue: unknown;
  const sampler = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void (async () => {
      // A saturated gateway may answer late or shed the sample (503): the line then shows the
      // last figures it did get, never a sold count that falls back to 0.
      const [q, tc] = await ctx.sample();
      const items = (tc.status === 200 ? (tc.body?.items ?? []) : lastItems) as Array<{
        sold: number;
        reserved: number;
        available: number;
      }>;
      if (tc.status === 200) lastItems = items;
      if (q.status === 200) lastQueue = q.body;
      const qb = (q.status === 200 ? q.body : lastQueue) as Record<string, number> | undefined;
      const s: Sample = {
        at: Date.now(),
        joined: qb?.['joined'] ?? 0,
        cursor: qb?.['cursor'] ?? 0,
        queueLength: Math.max(0, (qb?.['joined'] ?? 0) - (qb?.['cursor'] ?? 0)),
        slotsInUse: qb?.['slotsInUse'] ?? 0,
        admitted: qb?.['admitted'] ?? 0,
        available: items.reduce((a, c) => a + c.available, 0),
        sold: items.reduce((a, c) => a + c.sold, 0),
        reserved: items.reduce((a, c) => a + c.reserved, 0),
        counts: {
          arriving: sum(counts, 'arriving'),
          queued: sum(counts, 'queued'),
          checkout: sum(counts, 'checkout'),
          admitted: sum(counts, 'admitted'),
          done: sum(counts, 'done'),
          sold: sum(counts, 'sold'),
          failed: sum(counts, 'failed'),
        },
      };
      if (tc.status === 200) samples.push(s);
      const el = ((s.at - sale.opensAt) / 1000).toFixed(1);
      ctx.line(
        `t=${el}s queued ${s.counts.queued} admitted ${s.counts.admitted} in checkout ${s.counts.checkout} sold ${s.sold}/${total} failed ${s.counts.failed} done ${s.counts.done}/${plans.length}`,
      );
      ctx.onTick?.((s.at - sale.opensAt) / 1000);
      if (tc.status === 200 && s.sold >= total) stopAll('soldOut');
      if (Date.now() > ctx.deadline) stopAll('timeout');
    })().finally(() => {
      sampling = false;
    });
  }, 1_000);
  await Promise.all(finished);
  clearInterval(sampler);
  // A worker exits by itself once its records are sent (and writes its CPU profile, if asked);
  // one that has not after a few seconds is killed.
  await Promise.all(
    workers.map((c) =>
      c.exitCode !== null || c.signalCode !== null ? undefined : Promise.race([new Promise((r) => c.once('exit', r)), sleep(5_000)]),
    ),
  );
  for (const c of workers) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  const own = process.cpuUsage();
  return { records: records.flat(), samples, endedBy, cpuS: Math.round((workerCpu + (own.user + own.system) / 1e6) * 10) / 10 };
}
