/**
 * The admin listener of a real actor node process (`actors/node-main.ts` through `runService`,
 * serving the production kinds) on the port it was given: after real commands over NATS its
 * `/metrics` shows the command latency histogram per kind and verb and the business gauges of
 * the actors it holds (waitroom waiting and slots, stock left, held and sold per class), and
 * `/healthz` and `/readyz` answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { freePorts, startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import type { ActorClient } from '../../actors/client/index.js';
import { clientFor, fastEnv, until } from './helpers.js';

let server: NatsServerHandle;
let node: ChildHandle;
let nc: NatsConnection;
let client: ActorClient;
let admin: string;

beforeAll(async () => {
  server = await startNatsServer();
  const [port] = (await freePorts(1)) as [number];
  admin = `http://127.0.0.1:${port}`;
  node = spawnTs('test/fixtures/kinds-node.ts', {
    name: 'metrics-node',
    env: fastEnv(server.url, { TB_NODE_ID: 'metrics-node', TB_ADMIN_PORT: String(port) }),
  });
  await node.waitForLine(/"msg":"actor-node ready"/, 60_000);
  ({ nc, client } = await clientFor(server.url));
});
afterAll(async () => {
  await node?.stop();
  await nc?.close();
  await server?.stop();
});

/** The value of the series `name{labels…}` in Prometheus text (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => inside.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('observability - a real actor node', () => {
  it('serves /healthz, /readyz and /metrics on its admin port, with command latency and the business gauges after real commands', async () => {
    expect((await fetch(`${admin}/healthz`)).status).toBe(200);
    await until(async () => (await fetch(`${admin}/readyz`)).status === 200, 'node ready');

    const mk = { commandId: 'm-mk', eventId: 'ev-metrics', name: 'GA', priceMinor: 100_000, currency: 'VND', total: 100, maxPerOrder: 4 };
    await until(
      () =>
        client.request('ticketclass', 'tc-metrics', 'create', mk).then(
          () => true,
          () => false,
        ),
      'class created',
      30_000,
    );
    await client.request('ticketclass', 'tc-metrics', 'reserve', { commandId: 'm-r1', orderId: 'ord_m1', quantity: 3 });
    await client.request('ticketclass', 'tc-metrics', 'reserve', { commandId: 'm-r2', orderId: 'ord_m2', quantity: 2 });
    await client.request('ticketclass', 'tc-metrics', 'confirm', { commandId: 'm-c2', orderId: 'ord_m2' });
    await client.request('queue', 'ev-metrics', 'create', { commandId: 'm-q', maxConcurrent: 10, seed: 'ab'.repeat(32) });
    for (const u of ['u1', 'u2', 'u3']) await client.request('queue', 'ev-metrics', 'join', { commandId: `m-j-${u}`, userId: u });

    const text = await (await fetch(`${admin}/metrics`)).text();
    const cls = { event: 'ev-metrics', class: 'tc-metrics' };
    expect(sample(text, 'tb_ticketclass_available', cls)).toBe(95);
    expect(sample(text, 'tb_ticketclass_held', cls)).toBe(3);
    expect(sample(text, 'tb_ticketclass_sold', cls)).toBe(2);
    expect(sample(text, 'tb_queue_waiting', { event: 'ev-metrics' })).toBe(3);
    expect(sample(text, 'tb_queue_admitted', { event: 'ev-metrics' })).toBe(0);
    expect(sample(text, 'tb_queue_slots_in_use', { event: 'ev-metrics' })).toBe(0);
    expect(sample(text, 'tb_actor_command_seconds_count', { kind: 'ticketclass', verb: 'reserve', node: 'metrics-node' })).toBe(2);
    expect(sample(text, 'tb_actor_command_seconds_count', { kind: 'queue', verb: 'join' })).toBe(3);
    expect(sample(text, 'tb_actor_command_seconds_bucket', { kind: 'ticketclass', verb: 'confirm', le: '+Inf' })).toBe(1);
    expect(sample(text, 'tb_actor_commands_total', { kind: 'ticketclass', verb: 'reserve', outcome: 'ok' })).toBe(2);
  });
});
