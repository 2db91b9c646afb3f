/**
 * The waitroom's cap under failure: one queue (maxConcurrent 8, 2.5 s claim grace, 3 s checkout)
 * on a 3-node NATS JetStream cluster (replicas 3) served by 3 actor node PROCESSES; 200 users
 * join and poll concurrently, most complete their checkout, some abandon it (the checkout
 * deadline frees the slot) and some never come back (the claim grace does). The node owning the
 * queue is SIGKILLed mid-run. Never more than 8 slots (sampled from the actor, and replayed from
 * the event stream), no user admitted twice, no user lost (each ends admitted or expired: a
 * call whose grace runs out during the takeover expires), no slot left after the deadlines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { startNatsCluster, type NatsClusterHandle } from '../harness/nats.js';
import type { ChildHandle } from '../harness/processes.js';
import { clientFor, FAST, leaseOwner, spawnKindsNodes, until } from '../runtime/helpers.js';
import { readEvents } from '../actors/events.js';
import { createActors, type ActorClient } from '../../actors/client/index.js';
import type { QueueView } from '../../contracts/kinds/queue.js';
import { createQueueService, type QueueService } from '../../queue/index.js';
import { pool, publishEvent, queueConfig } from './helpers.js';

const EVENT = 'ev-cap';
const MAX = 8;
const USERS = 200;
const NAMES = ['q-a', 'q-b', 'q-c'];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let cluster: NatsClusterHandle;
let nc: NatsConnection;
let client: ActorClient;
let service: QueueService;
const nodes: ChildHandle[] = [];

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  nodes.push(...(await spawnKindsNodes(cluster.url, NAMES, { TB_KV_REPLICAS: '3' })));
  ({ nc, client } = await clientFor(cluster.url));
  service = createQueueService({
    nc,
    config: queueConfig(FAST.partitions!, { queueClaimGraceMs: 2_500, queueCheckoutTtlMs: 3_000, kvReplicas: 3 }),
    log: pino({ level: 'silent' }),
    actors: createActors(client, { budgetMs: 60_000 }),
  });
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await nc?.close();
  await cluster?.stop();
});

type Fate = 'complete' | 'abandon' | 'ghost';

describe('queue - cap under failure', () => {
  it('queue - never more than maxConcurrent slots, nobody admitted twice or lost, no slot leaked, with the owner SIGKILLed', async () => {
    await until(
      () =>
        publishEvent(client, EVENT, { saleStartsAt: Date.now() - 1_000, maxConcurrent: MAX }).then(
          () => true,
          () => false,
        ),
      'event published',
      60_000,
    );
    const fates: Fate[] = Array.from({ length: USERS }, (_, i) => (i % 10 === 3 ? 'ghost' : i % 10 === 7 ? 'abandon' : 'complete'));
    const admittedTimes = new Map<string, number>();
    const samples: number[] = [];
    let done = false;
    const sampler = (async () => {
      while (!done) {
        const v = await client
          .request<QueueView>('queue', EVENT, 'status', { commandId: 'sample' }, { budgetMs: 60_000 })
          .catch(() => undefined);
        if (v) samples.push(v.slotsInUse);
        await sleep(100);
      }
    })();
    let killed = '';
    const killer = (async () => {
      await until(() => admittedTimes.size >= 40, '40 admissions', 120_000);
      killed = (await leaseOwner(nc, 'queue', EVENT)) ?? '';
      const victim = nodes[NAMES.indexOf(killed)];
      if (!victim) throw new Error(`queue owner unknown: ${killed}`);
      victim.kill('SIGKILL');
      await victim.exited;
    })();

    const finals = await pool(fates, 64, async (fate, i) => {
      const user = `u${i}`;
      let s = await service.join(EVENT, user);
      if (fate === 'ghost') {
        // Joining while a slot is free claims it at once (the joiner is present); then they vanish.
        if (s.state === 'admitted') admittedTimes.set(user, (admittedTimes.get(user) ?? 0) + 1);
        return { user, fate, state: s.state };
      }
      while (s.state === 'queued') {
        await sleep(200 + (i % 7) * 20);
        s = await service.status(EVENT, user);
      }
      if (s.state === 'admitted') {
        admittedTimes.set(user, (admittedTimes.get(user) ?? 0) + 1);
        await sleep(100 + (i % 5) * 50);
        if (fate === 'complete')
          await client.request(
            'queue',
            EVENT,
            'complete',
            { commandId: `done-${user}`, sessionId: s.sessionId, outcome: 'completed' },
            { budgetMs: 60_000 },
          );
      }
      return { user, fate, state: s.state };
    });
    await killer;
    // Every deadline has passed: nothing may still hold a slot, and everyone was called.
    await until(
      async () => {
        const v = await service.publicStatus(EVENT);
        return v.slotsInUse === 0 && v.cursor === USERS;
      },
      'all slots freed after the deadlines',
      60_000,
    );
    done = true;
    await sampler;

    // Nobody lost: every user ended admitted (exactly once) or expired. A polling user may expire
    // only when their call's claim grace ran out while the queue was being taken over.
    for (const f of finals) expect([f.user, ['admitted', 'expired'].includes(f.state) || f.fate === 'ghost']).toEqual([f.user, true]);
    const expiredWhilePolling = finals.filter((f) => f.fate !== 'ghost' && f.state === 'expired').length;
    expect(expiredWhilePolling).toBeLessThanOrEqual(2 * MAX);
    for (const [user, n] of admittedTimes) expect([user, n]).toEqual([user, 1]);
    for (const f of finals.filter((x) => x.fate === 'ghost'))
      expect((await service.status(EVENT, f.user, { autoClaim: false })).state).toBe('expired');
    for (const f of finals.filter((x) => x.fate === 'abandon' && x.state === 'admitted'))
      expect((await service.status(EVENT, f.user)).state).toBe('expired');
    for (const f of finals.filter((x) => x.fate === 'complete').slice(0, 20))
      expect((await service.status(EVENT, f.user)).state).toBe('completed');
    expect(Math.max(...samples)).toBeLessThanOrEqual(MAX);

    // The event stream tells the same story: replay calls and frees in commit order.
    const seen = new Set<string>();
    const events = (await readEvents(nc, 'queue', EVENT)).filter((e) => !seen.has(`${e.seq}.${e.n}`) && seen.add(`${e.seq}.${e.n}`));
    events.sort((a, b) => a.seq - b.seq || a.n - b.n);
    const held = new Set<number>();
    let peak = 0;
    const readyBy = new Map<string, number>();
    for (const e of events) {
      const d = e.data;
      if (e.type === 'queue.advanced') for (let p = (d['from'] as number) + 1; p <= (d['cursor'] as number); p++) held.add(p);
      if (e.type === 'queue.released' || e.type === 'queue.expired') expect(held.delete(d['position'] as number)).toBe(true);
      if (e.type === 'queue.ready') readyBy.set(d['userId'] as string, (readyBy.get(d['userId'] as string) ?? 0) + 1);
      peak = Math.max(peak, held.size);
    }
    expect(peak).toBeLessThanOrEqual(MAX);
    expect(held.size).toBe(0);
    expect([...readyBy.values()].every((n) => n === 1)).toBe(true);
    const readyButNotSeen = [...readyBy.keys()]
      .filter((u) => !admittedTimes.has(u))
      .map((u) => ({
        u,
        final: finals.find((f) => f.user === u),
        ev: events.filter((e) => e.data['userId'] === u).map((e) => [e.type, e.at, e.data['position'], e.data['reason']]),
      }));
    expect(readyButNotSeen).toEqual([]);
    console.log(
      JSON.stringify({
        test: 'queue-cap-failover',
        users: USERS,
        killed,
        samples: samples.length,
        sampledPeak: Math.max(...samples),
        streamPeak: peak,
        admitted: admittedTimes.size,
        expiredWhilePolling,
      }),
    );
  });
});
