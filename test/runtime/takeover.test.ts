/**
 * Takeover by real node processes after a SIGKILL: the outbox (rule 4) and durable timers
 * (rule 5). Node ids are fixed so the test can pick an actor that rendezvous hashing places on
 * the node it is about to kill.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager, jetstream, AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { clientFor, fastEnv, until } from './helpers.js';
import { ownerOf } from '../../actors/runtime/index.js';
import { decode, partitionOf } from '../../contracts/index.js';
import type { ActorClient, RequestStats } from '../../actors/client/index.js';

let server: NatsServerHandle;
let nc: NatsConnection;
let client: ActorClient;
const children: ChildHandle[] = [];

/** An actor id of kind counter whose partition `victim` owns when both nodes are live. */
function idOwnedBy(kind: string, victim: string, nodes: string[], prefix: string): string {
  for (let i = 0; ; i++) {
    const id = `${prefix}${i}`;
    if (ownerOf(partitionOf(kind, id, 16), nodes) === victim) return id;
  }
}

async function startPair(tag: string, faultKey?: string): Promise<[ChildHandle, ChildHandle]> {
  const a = spawnTs('test/fixtures/counter-node.ts', {
    name: `${tag}-a`,
    env: fastEnv(server.url, { TB_NODE_ID: `${tag}-a`, ...(faultKey ? { TB_FAULT_CRASH_AFTER_WRITE: faultKey } : {}) }),
  });
  const b = spawnTs('test/fixtures/counter-node.ts', { name: `${tag}-b`, env: fastEnv(server.url, { TB_NODE_ID: `${tag}-b` }) });
  children.push(a, b);
  await Promise.all([a.waitForLine(/actor node started/, 30_000), b.waitForLine(/actor node started/, 30_000)]);
  return [a, b];
}

beforeAll(async () => {
  server = await startNatsServer();
  ({ nc, client } = await clientFor(server.url));
});
// Each test's nodes leave with it: the next test places its actor by its own two nodes only.
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.stop()));
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** Whether a node's log says it acquired `partition` (its one-line summary: `"acquired":[…]`). */
function acquiredInLog(tail: string, partition: number): boolean {
  return [...tail.matchAll(/"acquired":\[([\d,]*)\]/g)].some((m) => m[1]!.split(',').map(Number).includes(partition));
}

// Both ways an actor persists: `counter` writes whole entries, `jcounter` a journal of batches with snapshots (journal.ts).
describe.each(['counter', 'jcounter'])('runtime - takeover after a node is killed (kind %s)', (kind) => {
  const p = kind === 'jcounter' ? 'j' : '';
  it('rule 4: a node dies between the state write and the publish; after takeover the event reaches a durable consumer once', async () => {
    const nodes = [`${p}ob-a`, `${p}ob-b`];
    const id = idOwnedBy(kind, nodes[0]!, nodes, `${p}crashy`);
    const [a] = await startPair(`${p}ob`, `${kind}.${id}`);
    // Wait until ob-a serves the actor's partition (both nodes settled).
    await until(
      async () =>
        await client.request<{ value: number }>(kind, `${id}-probe`, 'add', { commandId: 'p', amount: 0 }).then(
          () => true,
          () => false,
        ),
      'cluster serving',
      30_000,
    );
    await until(async () => acquiredInLog(a.logTail(400), partitionOf(kind, id, 16)), `${nodes[0]} owns the partition`, 30_000);

    // The first attempt's reply never comes: the node commits, then dies. Give up quickly, so
    // that nothing but the durable index can wake the actor on its new owner.
    await expect(
      client.request(kind, id, 'add', { commandId: 'the-one', amount: 7 }, { budgetMs: 1_000, timeoutMs: 800 }),
    ).rejects.toMatchObject({ retryable: true });
    await a.exited; // it killed itself right after committing

    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add('TB_EVENTS', {
      durable_name: `${p}outbox-test`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `tb.evt.${kind}.${id}.>`,
    });
    const consumer = await jetstream(nc).consumers.get('TB_EVENTS', `${p}outbox-test`);
    const seen: string[] = [];
    await until(
      async () => {
        const batch = await consumer.fetch({ max_messages: 10, expires: 1_000 });
        for await (const m of batch) {
          seen.push(`${m.headers?.get('Nats-Msg-Id')}:${(decode(m.data) as { type: string }).type}`);
          m.ack();
        }
        return seen.length >= 1;
      },
      'the committed event to be published by the new owner',
      30_000,
    );
    // The client's retry with the same command id finds the committed answer: no second apply.
    const stats: RequestStats = { attempts: 0, retried: [] };
    const reply = await client.request<{ value: number; adds: number }>(
      kind,
      id,
      'add',
      { commandId: 'the-one', amount: 7 },
      { budgetMs: 20_000 },
      stats,
    );
    expect(reply).toMatchObject({ value: 7, adds: 1 });
    // Give any duplicate a chance to show up, then check each event id was seen once.
    const more = await consumer.fetch({ max_messages: 10, expires: 2_000 });
    for await (const m of more) seen.push(`${m.headers?.get('Nats-Msg-Id')}:dup`);
    expect(seen).toEqual([`${kind}.${id}.1.0:counter.added`]);
  });

  it('rule 5: a timer set on a node that is then killed fires once on the new owner, never before its deadline', async () => {
    const nodes = [`${p}tm-a`, `${p}tm-b`];
    const id = idOwnedBy(kind, nodes[0]!, nodes, `${p}timed`);
    const [a, b] = await startPair(`${p}tm`);
    await until(async () => acquiredInLog(a.logTail(400), partitionOf(kind, id, 16)), `${nodes[0]} owns the partition`, 30_000);
    const armed = await client.request<{ deadline: number }>(kind, id, 'arm', { commandId: 'arm-1', inMs: 4_000 });
    a.kill('SIGKILL');
    await a.exited;
    await until(
      async () =>
        await client.request<{ firedAt: number[] }>(kind, id, 'get', { commandId: 'g' }).then(
          (r) => r.firedAt.length > 0,
          () => false,
        ),
      'the timer to fire on tm-b',
      30_000,
    );
    const state = await client.request<{ firedAt: number[]; deadline: number | null }>(kind, id, 'get', { commandId: 'g2' });
    expect(state.firedAt).toHaveLength(1);
    expect(state.deadline).toBeNull();
    const lateness = state.firedAt[0]! - armed.deadline;
    // How late it fires is a latency figure (bench), not a correctness property; early is a bug.
    expect(lateness).toBeGreaterThanOrEqual(0);
    // tm-b acquired partitions (logged as one summary line per partition-loop pass, not one line per partition).
    expect(b.logTail(2000)).toMatch(/"acquired":\[\d/);
  });
});
