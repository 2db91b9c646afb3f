/**
 * @module test/queue/rejoin.test
 * A returning buyer who left the waitroom can rejoin, at the back (issue 14), over real NATS
 * (in-process actor node, sessions in KV): the rejoin takes a new ticket after everyone who
 * joined meanwhile; the queue-stream's join (a reconnecting socket) never rejoins by itself;
 * and many racing rejoins of the same buyer (two tabs, retried requests, several gateways)
 * take ONE new place. On the old code a rejoin answered the old, left session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { startKindsNode } from '../actors/helpers.js';
import { clientFor, FAST } from '../runtime/helpers.js';
import type { ActorClient } from '../../actors/client/index.js';
import type { QueueView } from '../../contracts/kinds/queue.js';
import type { QueueService } from '../../queue/index.js';
import { publishEvent, serviceOn } from './helpers.js';

let nats: NatsServerHandle;
let stopNode: () => Promise<void>;
let nc: NatsConnection;
let client: ActorClient;
let services: QueueService[];
const P = FAST.partitions!;

beforeAll(async () => {
  nats = await startNatsServer();
  ({ stop: stopNode } = await startKindsNode(nats.url));
  ({ nc, client } = await clientFor(nats.url));
  // Three services = three gateways: nothing is shared but NATS.
  services = [serviceOn(nc, P), serviceOn(nc, P), serviceOn(nc, P)];
});
afterAll(async () => {
  await nc?.close();
  await stopNode?.();
  await nats?.stop();
});

const joined = async (eventId: string) =>
  (await client.request<QueueView>('queue', eventId, 'status', { commandId: `read-${Math.random()}` })).joined;

describe('queue - rejoin', () => {
  it('queue - a buyer who left rejoins at the back, once; a plain join (a reconnecting socket) does not rejoin', async () => {
    const [service] = services;
    await publishEvent(client, 'ev-rejoin', { saleStartsAt: Date.now() - 1_000, maxConcurrent: 1 });
    expect((await service!.join('ev-rejoin', 'holder')).state).toBe('admitted');
    const first = await service!.join('ev-rejoin', 'ann');
    expect(first).toMatchObject({ state: 'queued', position: 2 });
    await service!.join('ev-rejoin', 'bob');
    expect((await service!.leave('ev-rejoin', 'ann')).state).toBe('left');
    await service!.join('ev-rejoin', 'cat'); // joined after Ann left: ahead of her when she comes back

    // A socket reconnecting calls join without `rejoin`: Ann stays out.
    expect((await service!.join('ev-rejoin', 'ann')).state).toBe('left');
    expect(await joined('ev-rejoin')).toBe(4);

    const back = await service!.join('ev-rejoin', 'ann', { rejoin: true });
    expect(back).toMatchObject({ state: 'queued', position: 5, ahead: 2 }); // Bob and Cat; her old place is skipped
    expect(back.sessionId).not.toBe(first.sessionId);
    // Again: the same new place, no third ticket.
    expect(await service!.join('ev-rejoin', 'ann', { rejoin: true })).toMatchObject({
      state: 'queued',
      position: 5,
      sessionId: back.sessionId,
    });
    expect(await joined('ev-rejoin')).toBe(5);
  });

  it('queue - 24 racing rejoins of one buyer through three services take one new place', async () => {
    await publishEvent(client, 'ev-rejoin-race', { saleStartsAt: Date.now() - 1_000, maxConcurrent: 1 });
    await services[0]!.join('ev-rejoin-race', 'holder');
    await services[0]!.join('ev-rejoin-race', 'dan');
    await services[1]!.leave('ev-rejoin-race', 'dan');
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => services[i % 3]!.join('ev-rejoin-race', 'dan', { rejoin: true })),
    );
    expect(new Set(answers.map((a) => a.sessionId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.position)).size).toBe(1);
    expect(await joined('ev-rejoin-race')).toBe(3);
    expect((await services[2]!.status('ev-rejoin-race', 'dan')).state).toBe('queued');
  });
});
