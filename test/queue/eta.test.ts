/**
 * @module test/queue/eta.test
 * The estimated wait over real NATS (in-process actor node, sessions in KV), in the case issue 14
 * reported: with nobody ahead, absent joiners held the called slots until their claim grace ran
 * out, the admission rate decayed meanwhile, and the ETA `(ahead + 1) / admittedRate` rose (16 →
 * 40 s). Here two buyers check out quickly (the checkout time is measured), the next two are
 * called and never come back, and the buyer behind them polls: the old formula, computed from
 * the same statuses, rises; the ETA the buyer is shown never does, and the buyer is called when
 * the absent users' grace ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { startKindsNode } from '../actors/helpers.js';
import { clientFor, FAST } from '../runtime/helpers.js';
import type { ActorClient } from '../../actors/client/index.js';
import type { QueueService } from '../../queue/index.js';
import { publishEvent, serviceOn } from './helpers.js';

let nats: NatsServerHandle;
let stopNode: () => Promise<void>;
let nc: NatsConnection;
let client: ActorClient;
let service: QueueService;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  nats = await startNatsServer();
  ({ stop: stopNode } = await startKindsNode(nats.url));
  ({ nc, client } = await clientFor(nats.url));
  service = serviceOn(nc, FAST.partitions!, { queueClaimGraceMs: 4_000, queueCheckoutTtlMs: 60_000 });
});
afterAll(async () => {
  await nc?.close();
  await stopNode?.();
  await nats?.stop();
});

describe('queue - estimated wait', () => {
  it('queue - absent joiners hold the called slots: the ETA of the buyer with nobody ahead never rises (the old rate formula did)', async () => {
    const ev = 'ev-eta-absent';
    await publishEvent(client, ev, { saleStartsAt: Date.now() - 1_000, maxConcurrent: 2 });
    const a = await service.join(ev, 'ann');
    const b = await service.join(ev, 'bob');
    expect([a.state, b.state]).toEqual(['admitted', 'admitted']);
    // Xavier and Yann join and will never be seen again; Zoe joins behind them.
    expect(await service.join(ev, 'xavier')).toMatchObject({ state: 'queued', ahead: 0 });
    expect(await service.join(ev, 'yann')).toMatchObject({ state: 'queued', ahead: 1 });
    expect(await service.join(ev, 'zoe')).toMatchObject({ state: 'queued', ahead: 2 });
    // Ann and Bob pay: their slots free, Xavier and Yann are called (and never claim).
    for (const s of [a, b])
      await client.request('queue', ev, 'complete', { commandId: `complete-${s.sessionId}`, sessionId: s.sessionId, outcome: 'completed' });

    const shown: number[] = [];
    const old: number[] = [];
    for (;;) {
      const z = await service.status(ev, 'zoe');
      if (z.state !== 'queued') {
        expect(z.state).toBe('admitted');
        break;
      }
      expect(z.ahead).toBe(0);
      expect(z.estimatedWaitSec).toBeTypeOf('number'); // two checkouts were measured
      shown.push(z.estimatedWaitSec!);
      old.push(Math.ceil(1 / z.admittedRate)); // what status.ts computed before
      await sleep(250);
    }
    expect(shown.length).toBeGreaterThan(4); // Zoe waited with nobody ahead through the absent users' grace
    for (let i = 1; i < shown.length; i++) expect(shown[i], `ETAs shown: ${shown.join(', ')}`).toBeLessThanOrEqual(shown[i - 1]!);
    expect(Math.max(...old.slice(1)), `old ETAs: ${old.join(', ')}`).toBeGreaterThan(old[0]!);
    // Nobody claimed: both calls expired unclaimed, and Zoe was the next called.
    expect((await service.status(ev, 'xavier')).state).toBe('expired');
  });
});
