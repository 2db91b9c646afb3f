/**
 * What operators see with `nats micro stats tb-actors` (`$SRV.STATS`, read here with the services
 * client): every command the node answered is counted on its kind's endpoint, whether it came on
 * the public subject or straight to the owner (`tbp.*`, what the gateways and workers use), and
 * every error answer is counted as an error with its code. And a JSON request without a
 * content-type header (`nats req tb.counter.x.get '{}'`) is answered in JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { Svcm } from '@nats-io/services';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor, startNode, until } from './helpers.js';
import { refusal } from '../actors/helpers.js';
import type { ActorNode } from '../../actors/runtime/index.js';
import type { ActorClient } from '../../actors/client/index.js';

let server: NatsServerHandle;
let nc: NatsConnection;
let client: ActorClient;
let node: { node: ActorNode; nc: NatsConnection };

beforeAll(async () => {
  server = await startNatsServer();
  ({ nc, client } = await clientFor(server.url));
  node = await startNode(server.url, {}, 'ms-a');
  await until(() => node.node.ownedPartitions().length === 16, 'ms-a owns everything');
});
afterAll(async () => {
  await node?.node.stop();
  await node?.nc.close();
  await nc?.close();
  await server?.stop();
});

type EndpointStats = { name: string; num_requests: number; num_errors: number; last_error?: string; processing_time: number };

async function counterStats(): Promise<EndpointStats> {
  const all: { endpoints: EndpointStats[] }[] = [];
  for await (const s of await new Svcm(nc).client().stats('tb-actors')) all.push(s as never);
  expect(all).toHaveLength(1);
  return all[0]!.endpoints.find((e) => e.name === 'counter')!;
}

describe('runtime - micro stats and JSON', () => {
  it('counts direct and public commands and their errors on the kind endpoint', async () => {
    const before = await counterStats();
    for (let i = 0; i < 5; i++) await client.request('counter', `ms${i}`, 'add', { commandId: `ms-${i}`, amount: 1 }); // tbp.*
    expect((await refusal(() => client.request('counter', 'ms0', 'fail', { commandId: 'ms-fail' }))).code).toBe('COMMAND_REJECTED'); // tbp.*, an error answer
    expect((await refusal(() => client.request('counter', 'ms0', 'add', { commandId: 'ms-bad', amount: 'x' }))).code).toBe(
      'COMMAND_INVALID',
    ); // refused before the actor
    await nc.request('tb.counter.ms4.get', '{"commandId":"g"}', { timeout: 5_000 }); // public subject, through the micro endpoint
    const after = await counterStats();
    expect(after.num_requests - before.num_requests).toBe(8);
    expect(after.num_errors - before.num_errors).toBe(2);
    expect(after.last_error).toBe('COMMAND_INVALID');
    expect(after.processing_time).toBeGreaterThan(before.processing_time);
  });

  it('answers a JSON request without a content-type header in JSON', async () => {
    await client.request('counter', 'json1', 'add', { commandId: 'json-1', amount: 3 });
    const ok = await nc.request('tb.counter.json1.get', ' {"commandId":"j"}', { timeout: 5_000 });
    expect(ok.headers?.get('content-type') ?? 'application/json').toBe('application/json');
    expect(JSON.parse(ok.string())).toMatchObject({ commandId: 'j', result: { value: 3 } });
    const bad = await nc.request('tb.counter.json1.add', '{"amount":1}', { timeout: 5_000 });
    expect(JSON.parse(bad.string())).toMatchObject({ code: 'COMMAND_INVALID' });
    // msgpack stays the default: an empty body is answered in msgpack.
    const empty = await nc.request('tb.counter.json1.get', '', { timeout: 5_000 });
    expect(() => JSON.parse(empty.string())).toThrow();
  });
});
