/**
 * @module test/client/nats-request-patch.test
 * The nats-core request patch (`actors/client/nats-request-patch.ts`) on a real nats-server: it is
 * in place for the pinned nats-core, and requests behave exactly as before: an answer resolves,
 * a missing responder and a timeout reject with nats-core's own errors, a closed connection
 * rejects, and a flood of answered requests leaves no request behind.
 */
import { connect } from '@nats-io/transport-node';
import { RequestError, TimeoutError, type NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsRequestPatched } from '../../actors/client/nats-request-patch.js';
import { requestFailureOf } from '../../actors/client/index.js';
import { hasNatsServer, startNatsServer, type NatsServerHandle } from '../harness/nats.js';

let server: NatsServerHandle;
let nc: NatsConnection;

describe.skipIf(!hasNatsServer())('contracts - nats-core request patch', () => {
  beforeAll(async () => {
    server = await startNatsServer({ jetstream: false });
    nc = await connect({ servers: server.url, noAsyncTraces: true });
    nc.subscribe('echo', {
      callback: (_err, m) => {
        m.respond(m.data);
      },
    });
    nc.subscribe('silent', { callback: () => undefined });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it('is applied to the pinned nats-core', () => {
    expect(natsRequestPatched).toBe(true);
  });

  it('answers, refuses and times out as nats-core does', async () => {
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => nc.request('echo', `m${i}`, { timeout: 5_000 })));
    expect(answers.map((m) => m.string())).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    const none = await nc.request('nobody.here', 'x', { timeout: 2_000 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(none).toBeInstanceOf(RequestError);
    expect((none as RequestError).isNoResponders()).toBe(true);
    const late = await nc.request('silent', 'x', { timeout: 200 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(late).toBeInstanceOf(TimeoutError);
    // The actor client and the router tell these apart by class, never by message text.
    expect(requestFailureOf(none)).toBe('noResponders');
    expect(requestFailureOf(late)).toBe('timeout');
    expect(requestFailureOf(new Error('no responders timeout'))).toBeUndefined();
  });

  it('rejects requests still open when the connection closes', async () => {
    const other = await connect({ servers: server.url, noAsyncTraces: true });
    const pending = other.request('silent', 'x', { timeout: 10_000 }).then(
      () => 'answered',
      (err: unknown) => err,
    );
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
