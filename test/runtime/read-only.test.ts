/**
 * @module test/runtime/read-only.test
 * Read-only verbs never write, on real NATS. An actor whose entry still holds acknowledged
 * domain events (published, not yet removed) used to rewrite its whole entry to drop them when a
 * `get` arrived: a read cost a state write. Now the removal rides on the next write that changes
 * something, or on the flush timer's own batch (`actorFlushMs`, set to 10 minutes here so
 * it cannot fire during the test). The test counts the key's tb_state revisions around bursts of
 * concurrent gets, each burst arriving while acknowledged events are waiting to be removed.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, Format } from '../../contracts/index.js';
import type { ActorClient } from '../../actors/client/index.js';
import type { ActorNode } from '../../actors/runtime/index.js';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor, startNode, until } from './helpers.js';

let server: NatsServerHandle;
let node: ActorNode;
let nodeNc: NatsConnection;
let nc: NatsConnection;
let client: ActorClient;
let kv: KV;

beforeAll(async () => {
  server = await startNatsServer();
  ({ node, nc: nodeNc } = await startNode(server.url, { actorFlushMs: 600_000 }));
  ({ nc, client } = await clientFor(server.url));
  await until(() => node.ownedPartitions().length === 16, 'node owns all partitions');
  kv = await new Kvm(nc).open('tb_state');
});

afterAll(async () => {
  await node?.stop();
  await nodeNc?.close();
  await nc?.close();
  await server?.stop();
});

const revision = async (key: string) => (await kv.get(key))!.revision;
const outboxOf = async (key: string) => (decode((await kv.get(key))!.value, Format.Msgpack) as { outbox: unknown[] }).outbox.length;

describe('runtime - read-only commands', () => {
  it('a burst of gets while acknowledged events wait in the entry writes nothing; the next real write removes them', async () => {
    const id = 'reader';
    const key = `counter.${id}`;
    const ROUNDS = 10;
    for (let round = 0; round < ROUNDS; round++) {
      // A real write that emits one event (counter.added) into the entry's outbox.
      await client.request('counter', id, 'add', { commandId: `add-${round}`, amount: 1 });
      const activation = node.__unsafe_activation('counter', id);
      // Published and acknowledged, but still in the entry (no write removed it yet).
      await until(() => activation.quiescent, 'the event acknowledged');
      expect(activation.idle).toBe(false);
      const before = await revision(key);
      const gets = await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.request<{ adds: number }>('counter', id, 'get', { commandId: `get-${round}-${i}` })),
      );
      for (const g of gets) expect(g.adds).toBe(round + 1);
      expect(await revision(key)).toBe(before);
      // Still there: the gets did not remove it either.
      expect(activation.idle).toBe(false);
      // The entry carries this round's event, plus the earlier ones only in the first round's
      // absence: each add's write removed what was acknowledged before it.
      expect(await outboxOf(key)).toBe(1);
    }
  });
});
