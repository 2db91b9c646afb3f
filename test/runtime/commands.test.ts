import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor, startNode, until } from './helpers.js';
import type { ActorNode } from '../../actors/runtime/index.js';
import type { NatsConnection } from '@nats-io/nats-core';
import type { ActorClient } from '../../actors/client/index.js';

/** Linger of this file's node after a big entry (long, so the effect cannot be missed). */
const LINGER_MS = 50;

let server: NatsServerHandle;
let node: ActorNode;
let nodeNc: NatsConnection;
let nc: NatsConnection;
let client: ActorClient;

beforeAll(async () => {
  server = await startNatsServer();
  ({ node, nc: nodeNc } = await startNode(server.url, { actorLingerMs: LINGER_MS }));
  ({ nc, client } = await clientFor(server.url));
  await until(() => node.ownedPartitions().length === 16, 'node owns all partitions');
});

afterAll(async () => {
  await node?.stop();
  await nodeNc?.close();
  await nc?.close();
  await server?.stop();
});

describe('runtime - commands', () => {
  it('applies every acknowledged command exactly once under 500 concurrent clients', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `add-${i}`);
    const results = await Promise.all(
      ids.map((commandId, i) => client.request<{ value: number }>('counter', 'hot', 'add', { commandId, amount: (i % 7) + 1 })),
    );
    const expected = ids.reduce((sum, _, i) => sum + (i % 7) + 1, 0);
    const final = await client.request<{ value: number; adds: number }>('counter', 'hot', 'get', { commandId: 'g1' });
    expect(final.value).toBe(expected);
    expect(final.adds).toBe(500);
    // Each reply reflects the state right after its own command: all distinct.
    expect(new Set(results.map((r) => r.value)).size).toBe(500);
  });

  it('returns the first answer to a repeated command id and changes nothing', async () => {
    const first = await client.request<{ value: number; adds: number }>('counter', 'dup', 'add', { commandId: 'once', amount: 5 });
    const again = await Promise.all(
      Array.from({ length: 50 }, () => client.request<{ value: number }>('counter', 'dup', 'add', { commandId: 'once', amount: 5 })),
    );
    for (const r of again) expect(r).toEqual(first);
    const final = await client.request<{ value: number; adds: number }>('counter', 'dup', 'get', { commandId: 'g' });
    expect(final.value).toBe(5);
    expect(final.adds).toBe(1);
  });

  it('refuses a command id reused for another verb', async () => {
    await client.request('counter', 'reuse', 'add', { commandId: 'x1', amount: 1 });
    await expect(client.request('counter', 'reuse', 'arm', { commandId: 'x1', inMs: 10 })).rejects.toMatchObject({
      code: 'COMMAND_ID_REUSED',
    });
  });

  it('answers COMMAND_NOT_FOUND for a verb that cannot create the actor', async () => {
    await expect(client.request('counter', 'nobody', 'get', { commandId: 'g' })).rejects.toMatchObject({
      code: 'COMMAND_NOT_FOUND',
      retryable: false,
    });
  });

  it('remembers rejected commands too', async () => {
    await client.request('counter', 'rej', 'add', { commandId: 'a', amount: 1 });
    await expect(client.request('counter', 'rej', 'fail', { commandId: 'f' })).rejects.toMatchObject({ code: 'COMMAND_REJECTED' });
    await expect(client.request('counter', 'rej', 'fail', { commandId: 'f' })).rejects.toMatchObject({ code: 'COMMAND_REJECTED' });
  });

  it('remembers answers across passivation and reactivation (reply log)', async () => {
    const first = await client.request('counter', 'passive', 'add', { commandId: 'p1', amount: 3 });
    // Let the reply log and outbox be acknowledged and flushed, then force passivation.
    await until(() => node.__unsafe_activation('counter', 'passive').idle, 'effects flushed');
    (node as unknown as { activations: Map<string, { drop(r: string): void }> }).activations.get('counter.passive')?.drop('test');
    (node as unknown as { activations: Map<string, unknown> }).activations.delete('counter.passive');
    const again = await client.request('counter', 'passive', 'add', { commandId: 'p1', amount: 3 });
    expect(again).toEqual(first);
    const final = await client.request<{ value: number }>('counter', 'passive', 'get', { commandId: 'g' });
    expect(final.value).toBe(3);
  });

  it('a trickle of commands to a 20 KB actor that lingers after each big write: each applied once, in order', async () => {
    const kv = await new Kvm(nc).open('tb_state');
    const writesDuring = async (id: string, pad: number) => {
      await client.request('counter', id, 'pad', { commandId: `${id}-pad`, bytes: pad });
      const before = (await kv.get(`counter.${id}`))!.revision;
      // 60 adds, one every 2 ms: without lingering each would find no write in flight.
      const replies: Promise<unknown>[] = [];
      for (let i = 0; i < 60; i++) {
        replies.push(client.request('counter', id, 'add', { commandId: `${id}-a${i}`, amount: 1 }));
        await new Promise((r) => setTimeout(r, 2));
      }
      await Promise.all(replies);
      const after = (await kv.get(`counter.${id}`))!.revision;
      const final = await client.request<{ adds: number }>('counter', id, 'get', { commandId: `${id}-g` });
      expect(final.adds).toBe(60);
      // Revisions are bucket-wide sequence numbers, and only this actor is written meanwhile.
      return after - before;
    };
    // How many writes the trickle shares depends on timing; the linger rule itself is a pure
    // function with its own unit test (actors/runtime/linger.test.ts). Here: correctness only.
    const big = await writesDuring('big', 20_000);
    const small = await writesDuring('small', 0);
    expect(big).toBeGreaterThanOrEqual(1);
    expect(small).toBeGreaterThanOrEqual(1);
  });

  it('keeps committing during a flood: 5,000 commands at once are written in many batches while they arrive, each applied once', async () => {
    const kv = await new Kvm(nc).open('tb_state');
    await client.request('counter', 'flood', 'add', { commandId: 'flood-0', amount: 0 });
    const before = (await kv.get('counter.flood'))!.revision;
    const replies = await Promise.all(
      Array.from({ length: 5_000 }, (_, i) =>
        client.request<{ adds: number }>('counter', 'flood', 'add', { commandId: `flood-${i + 1}`, amount: 1 }),
      ),
    );
    const after = (await kv.get('counter.flood'))!.revision;
    expect(new Set(replies.map((r) => r.adds)).size).toBe(5_000);
    expect((await client.request<{ adds: number }>('counter', 'flood', 'get', { commandId: 'flood-g' })).adds).toBe(5_001);
    // Written in slices while the flood lasted, not in one write once the mailbox finally emptied.
    expect(after - before).toBeGreaterThanOrEqual(3);
  });
});
