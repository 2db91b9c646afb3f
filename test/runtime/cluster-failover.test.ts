/**
 * Three actor nodes as separate processes on a 3-node NATS JetStream cluster (replicas 3); one
 * node is SIGKILLed in the middle of a run. Every command is acknowledged eventually (clients
 * retry retryable answers with the same command id), none is lost, none is applied twice, and
 * the dead node's partitions are served again within a few seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsCluster, type NatsClusterHandle } from '../harness/nats.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { clientFor, fastEnv, until } from './helpers.js';
import { partitionOf } from '../../contracts/index.js';
import type { ActorClient, RequestStats } from '../../actors/client/index.js';

let cluster: NatsClusterHandle;
let nc: NatsConnection;
let client: ActorClient;
const nodes: ChildHandle[] = [];

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  for (const name of ['fo-a', 'fo-b', 'fo-c']) {
    nodes.push(spawnTs('test/fixtures/counter-node.ts', { name, env: fastEnv(cluster.url, { TB_NODE_ID: name, TB_KV_REPLICAS: '3' }) }));
  }
  await Promise.all(nodes.map((n) => n.waitForLine(/actor node started/, 60_000)));
  ({ nc, client } = await clientFor(cluster.url));
});
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await nc?.close();
  await cluster?.stop();
});

/**
 * One actor per partition of each way to persist (`counter`: whole entries; `jcounter`: a
 * journal of batches with snapshots), so "every partition answers" can be checked for both.
 */
function actorPerPartition(): [kind: string, id: string][] {
  const all: [string, string][] = [];
  for (const kind of ['counter', 'jcounter']) {
    const out: string[] = new Array(16);
    for (let i = 0; out.filter(Boolean).length < 16; i++) {
      const p = partitionOf(kind, `fo${i}`, 16);
      out[p] ??= `fo${i}`;
    }
    for (const id of out) all.push([kind, id]);
  }
  return all;
}

describe('runtime - cluster failover', () => {
  it('a node SIGKILLed mid-run: every acknowledged command is in the final state exactly once, retries succeed, every partition is served again', async () => {
    const actors = actorPerPartition();
    // Every partition is served before the run starts.
    await until(
      async () =>
        (
          await Promise.all(
            actors.map(([kind, id]) =>
              client.request(kind, id, 'add', { commandId: `warm-${id}`, amount: 0 }).then(
                () => true,
                () => false,
              ),
            ),
          )
        ).every(Boolean),
      'all partitions served',
      60_000,
    );

    const sent = new Map<string, { actor: [string, string]; amount: number }>();
    const acked = new Map<string, { value: number }>();
    const retriedThenOk: string[] = [];
    let stop = false;
    let seq = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const commandId = `w${w}-${seq++}`;
        const actor = actors[(seq * 7 + w) % actors.length]!;
        const amount = 1 + (seq % 5);
        sent.set(commandId, { actor, amount });
        const stats: RequestStats = { attempts: 0, retried: [] };
        const r = await client.request<{ value: number }>(actor[0], actor[1], 'add', { commandId, amount }, { budgetMs: 60_000 }, stats);
        acked.set(commandId, r);
        if (stats.retried.length > 0) retriedThenOk.push(commandId);
      }
    };
    const run = Promise.all(Array.from({ length: 48 }, (_, w) => worker(w)));
    // Kill once a good number of commands went through (a count, not a time window).
    await until(async () => acked.size > 100, 'a hundred commands acknowledged before the kill', 60_000);
    const ackedBeforeKill = acked.size;
    const killedAt = Date.now();
    nodes[1]!.kill('SIGKILL');
    await nodes[1]!.exited;
    // Keep going through the takeover, and a while after it.
    await until(
      async () =>
        (
          await Promise.all(
            actors.map(([kind, id]) =>
              client.request(kind, id, 'get', { commandId: 'probe' }, { budgetMs: 500, timeoutMs: 400 }).then(
                () => true,
                () => false,
              ),
            ),
          )
        ).every(Boolean),
      'every partition served again',
      30_000,
    );
    const takeoverMs = Date.now() - killedAt;
    const ackedAtTakeover = acked.size;
    await until(async () => acked.size > ackedAtTakeover + 100, 'a hundred more commands after the takeover', 60_000);
    stop = true;
    await run;

    // Every command sent was acknowledged (clients retried with the same id until it was).
    expect(acked.size).toBe(sent.size);
    expect(ackedBeforeKill).toBeGreaterThan(100);
    expect(acked.size).toBeGreaterThan(ackedBeforeKill);
    // Clients that were told to retry (or timed out) did succeed on retry.
    expect(retriedThenOk.length).toBeGreaterThan(0);
    // The final state holds each acknowledged command exactly once.
    const expected = new Map<string, { sum: number; count: number }>();
    for (const { actor, amount } of sent.values()) {
      const e = expected.get(actor.join('.')) ?? { sum: 0, count: 0 };
      e.sum += amount;
      e.count += 1;
      expected.set(actor.join('.'), e);
    }
    for (const actor of actors) {
      const state = await client.request<{ value: number; adds: number }>(actor[0], actor[1], 'get', { commandId: 'final' });
      const e = expected.get(actor.join('.')) ?? { sum: 0, count: 0 };
      expect({ actor: actor.join('.'), value: state.value, adds: state.adds - 1 /* the warm-up add of 0 */ }).toEqual({
        actor: actor.join('.'),
        value: e.sum,
        adds: e.count,
      });
    }
    // How fast the partitions moved (takeoverMs) is a figure for the log, not an assertion.
    console.log(
      JSON.stringify({ test: 'cluster-failover', commands: acked.size, ackedBeforeKill, retried: retriedThenOk.length, takeoverMs }),
    );
  });
});
