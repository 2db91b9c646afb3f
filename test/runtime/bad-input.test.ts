/**
 * Bad input gets an error reply with a stable code; the actor and the node keep serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/nats-core';
import { Packr } from 'msgpackr';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor, startNode, until } from './helpers.js';
import type { ActorNode } from '../../actors/runtime/index.js';
import { decodeReply, encode, partitionOf, directSubject } from '../../contracts/index.js';
import type { ActorClient } from '../../actors/client/index.js';

let server: NatsServerHandle;
let node: ActorNode;
let nodeNc: NatsConnection;
let nc: NatsConnection;
let client: ActorClient;

beforeAll(async () => {
  server = await startNatsServer();
  ({ node, nc: nodeNc } = await startNode(server.url, { maxCommandBytes: 4096 }));
  ({ nc, client } = await clientFor(server.url));
  await until(() => node.ownedPartitions().length === 16, 'node owns all partitions');
  await client.request('counter', 'victim', 'add', { commandId: 'seed', amount: 1 });
});
afterAll(async () => {
  await node?.stop();
  await nodeNc?.close();
  await nc?.close();
  await server?.stop();
});

const json = () => {
  const h = headers();
  h.set('content-type', 'application/json');
  return h;
};

async function raw(subject: string, data: Uint8Array, h = headers()) {
  const msg = await nc.request(subject, data, { timeout: 3_000, headers: h });
  try {
    decodeReply(msg);
    return { code: 'OK', msg };
  } catch (e) {
    return { code: (e as { code: string }).code, msg };
  }
}

describe('runtime - bad input', () => {
  const cases: [string, string, Uint8Array, ReturnType<typeof headers>?][] = [
    ['malformed msgpack', 'tb.counter.victim.add', new Uint8Array([0xc1, 0xff, 0x00, 0x12])],
    ['truncated msgpack', 'tb.counter.victim.add', new Packr({ useRecords: false }).pack({ commandId: 'x', amount: 1 }).subarray(0, 5)],
    ['malformed JSON', 'tb.counter.victim.add', new TextEncoder().encode('{"commandId":'), json()],
    ['wrong schema (string amount)', 'tb.counter.victim.add', encode({ commandId: 'w1', amount: 'lots' })],
    ['unknown field', 'tb.counter.victim.add', encode({ commandId: 'w2', amount: 1, admin: true })],
    ['missing commandId', 'tb.counter.victim.add', encode({ amount: 1 })],
    ['absurd amount', 'tb.counter.victim.add', encode({ commandId: 'w3', amount: 1e12 })],
    ['array body', 'tb.counter.victim.add', encode([1, 2, 3])],
    ['unknown verb', 'tb.counter.victim.explode', encode({ commandId: 'w4' })],
    ['unknown kind', 'tb.nosuchkind.victim.add', encode({ commandId: 'w5', amount: 1 })],
    ['private verb', 'tb.counter.victim.timer', encode({ commandId: 'w6' })],
    ['private event type smuggled in the body', 'tb.counter.victim.add', encode({ commandId: 'w7', amount: 1, type: 'timer.fired' })],
    ['oversized payload', 'tb.counter.victim.add', encode({ commandId: 'w8', amount: 1, pad: 'x'.repeat(10_000) })],
    [
      'unsupported content type',
      'tb.counter.victim.add',
      encode({ commandId: 'w9', amount: 1 }),
      (() => {
        const h = headers();
        h.set('content-type', 'text/xml');
        return h;
      })(),
    ],
  ];
  const expected: Record<string, string> = {
    'malformed msgpack': 'CODEC_MALFORMED',
    'truncated msgpack': 'CODEC_MALFORMED',
    'malformed JSON': 'CODEC_MALFORMED',
    'wrong schema (string amount)': 'COMMAND_INVALID',
    'unknown field': 'COMMAND_INVALID',
    'missing commandId': 'COMMAND_INVALID',
    'absurd amount': 'COMMAND_INVALID',
    'array body': 'COMMAND_INVALID',
    'unknown verb': 'COMMAND_UNKNOWN_VERB',
    'private verb': 'RUNTIME_PRIVATE_MESSAGE',
    'private event type smuggled in the body': 'RUNTIME_PRIVATE_MESSAGE',
    'oversized payload': 'CODEC_PAYLOAD_TOO_LARGE',
    'unsupported content type': 'CODEC_UNSUPPORTED_CONTENT_TYPE',
  };

  for (const [name, subject, data, h] of cases) {
    if (name === 'unknown kind') continue; // nobody serves tb.nosuchkind.*: see the direct-subject case below
    it(`answers ${expected[name]} for ${name}`, async () => {
      const r = await raw(subject, data, h);
      expect(r.code).toBe(expected[name]);
      expect(r.msg.headers?.get('Nats-Service-Error-Code')).toMatch(/^4\d\d$/);
    });
  }

  it('answers COMMAND_UNKNOWN_KIND on a direct subject for an unknown kind', async () => {
    const p = partitionOf('nosuchkind', 'victim', 16);
    const r = await raw(directSubject(p, 'nosuchkind', 'victim', 'add'), encode({ commandId: 'k', amount: 1 }));
    expect(r.code).toBe('COMMAND_UNKNOWN_KIND');
  });

  it('answers COMMAND_INVALID for a direct subject naming the wrong partition', async () => {
    const p = (partitionOf('counter', 'victim', 16) + 1) % 16;
    const r = await raw(directSubject(p, 'counter', 'victim', 'add'), encode({ commandId: 'k2', amount: 1 }));
    expect(r.code).toBe('COMMAND_INVALID');
  });

  it('answers in JSON when asked in JSON, so an operator can use nats req by hand', async () => {
    const msg = await nc.request('tb.counter.victim.get', new TextEncoder().encode('{"commandId":"op-1"}'), {
      timeout: 3_000,
      headers: json(),
    });
    expect(msg.headers?.get('content-type')).toBe('application/json');
    const body = JSON.parse(new TextDecoder().decode(msg.data));
    expect(body).toMatchObject({ commandId: 'op-1', result: { value: 1 } });
    const bad = await nc.request('tb.counter.victim.add', new TextEncoder().encode('{"commandId":"op-2","amount":"x"}'), {
      timeout: 3_000,
      headers: json(),
    });
    expect(JSON.parse(new TextDecoder().decode(bad.data))).toMatchObject({ code: 'COMMAND_INVALID', retryable: false, commandId: 'op-2' });
  });

  it('keeps serving the same actor and node after all of that, with nothing changed', async () => {
    const r = await client.request<{ value: number; adds: number }>('counter', 'victim', 'get', { commandId: 'after' });
    expect(r).toMatchObject({ value: 1, adds: 1 });
    const r2 = await client.request<{ value: number }>('counter', 'victim', 'add', { commandId: 'after-add', amount: 2 });
    expect(r2.value).toBe(3);
  });
});
