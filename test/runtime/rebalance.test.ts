/**
 * Rebalancing (a node joins; a node leaves cleanly with a hand-off), service discovery through
 * `$SRV` (what `nats micro ls|info|stats` show), and passivation keeping a node's memory bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor, startNode, until } from './helpers.js';
import type { ActorNode } from '../../actors/runtime/index.js';
import type { ActorClient } from '../../actors/client/index.js';

let server: NatsServerHandle;
let nc: NatsConnection;
let client: ActorClient;
const started: { node: ActorNode; nc: NatsConnection }[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  ({ nc, client } = await clientFor(server.url));
});
afterAll(async () => {
  for (const s of started) {
    await s.node.stop();
    await s.nc.close();
  }
  await nc?.close();
  await server?.stop();
});

const conflicts = (n: ActorNode) => n.metrics.conflicts.get().then((m) => m.values.reduce((a, v) => a + v.value, 0));

describe('runtime - rebalancing and discovery', () => {
  it('spreads partitions when a node joins and takes them back at once when it leaves cleanly, with no failed command', async () => {
    // Leases last 30 s here: if a hand-off did not release its leases, re-taking them would
    // have to wait for expiry and the 10 s waits below would fail. No clock is asserted.
    const LONG = { leaseTtlMs: 30_000 };
    const a = await startNode(server.url, LONG, 'rb-a');
    started.push(a);
    await until(() => a.node.ownedPartitions().length === 16, 'rb-a owns everything');

    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        await client.request('counter', `rb${i % 32}`, 'add', { commandId: `rb-${i}`, amount: 1 }).then(
          () => ok++,
          (e) => failures.push(String(e.code)),
        );
      }
    })();

    // Commands flow before, between and after the hand-offs (counted, not timed: a busy CI
    // machine may run only a few dozen in the window).
    await until(() => ok >= 10, 'commands flow before rb-b joins');
    const b = await startNode(server.url, LONG, 'rb-b');
    started.push(b);
    await until(
      () => b.node.ownedPartitions().length > 0 && a.node.ownedPartitions().length + b.node.ownedPartitions().length === 16,
      'partitions split between rb-a and rb-b (handed off, not expired)',
      10_000,
    );
    const owned = [...a.node.ownedPartitions(), ...b.node.ownedPartitions()].sort((x, y) => x - y);
    expect(owned).toEqual(Array.from({ length: 16 }, (_, p) => p)); // disjoint and complete

    const okSplit = ok;
    await until(() => ok >= okSplit + 10, 'commands flow while the partitions are split');
    await b.node.stop();
    await until(() => a.node.ownedPartitions().length === 16, 'rb-a owns everything again (released leases, not expired ones)', 10_000);
    const okBack = ok;
    await until(() => ok >= okBack + 10, 'commands flow after rb-b left');
    stop = true;
    await load;

    expect(failures).toEqual([]); // clients retried through both hand-offs
    expect(await conflicts(a.node)).toBe(0); // clean hand-offs never race a write
    expect(await conflicts(b.node)).toBe(0);
  });

  it('registers each node with @nats-io/services: ping, info and stats list nodes and endpoints', async () => {
    const svc = new Svcm(nc).client();
    const pings: { name: string; metadata?: Record<string, string> }[] = [];
    for await (const p of await svc.ping('tb-actors')) pings.push(p as never);
    expect(pings.map((p) => p.metadata?.node)).toContain('rb-a');
    const infos: { endpoints: { name: string; subject: string; queue_group?: string; metadata?: Record<string, string> }[] }[] = [];
    for await (const i of await svc.info('tb-actors')) infos.push(i as never);
    const ep = infos[0]!.endpoints.find((e) => e.name === 'counter')!;
    expect(ep).toMatchObject({ subject: 'tb.counter.*.*', queue_group: 'tb-actors' });
    expect(ep.metadata?.verbs).toBe('add,arm,bump,fail,get,pad');
    const stats: { endpoints: { num_requests: number; data?: unknown }[] }[] = [];
    for await (const s of await svc.stats('tb-actors')) stats.push(s as never);
    expect(stats.length).toBeGreaterThan(0);
  });

  it('passivates idle actors so memory stays bounded, and reactivates them from their stored state', async () => {
    const { node, nc: pnc } = await startNode(server.url, { maxActivations: 40, passivateAfterMs: 4_000 }, 'pv');
    started.push({ node, nc: pnc });
    // Let pv and rb-a settle the split, then touch many actors.
    await until(() => node.ownedPartitions().length > 0, 'pv owns partitions', 20_000);
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => client.request('counter', `pv${i}`, 'add', { commandId: `pv-${i}`, amount: i })),
    );
    await until(() => node.activationCount <= 40, 'activations passivated down to the bound', 20_000);
    for (const i of [0, 17, 299]) {
      const s = await client.request<{ value: number; adds: number }>('counter', `pv${i}`, 'get', { commandId: 'g' });
      expect(s).toMatchObject({ value: i, adds: 1 });
    }
  });
});
