import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { RequestError, TimeoutError } from '@nats-io/nats-core';
import { requestCancelPatched } from './nats-request-patch.js';
import { NATS_CONNECT_DEFAULTS } from './nats.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let nc: NatsConnection;
beforeAll(async () => {
  nc = await connect({ servers: process.env['TB_NATS_URL'] ?? '127.0.0.1:4222', ...NATS_CONNECT_DEFAULTS, maxReconnectAttempts: 0 });
});
afterAll(async () => {
  await nc?.close();
});

describe('platform - nats.js request patch', () => {
  it('is in place, answered requests build no Error, and timeouts and missing responders still reject as before', async () => {
    expect(requestCancelPatched()).toBe(true);
    const subject = `tb-test.patch.${process.pid}`;
    const sub = nc.subscribe(subject, { callback: (_e, m) => m.respond(m.data) });
    // Count RequestErrors the library builds while 200 requests are answered: request.js reads
    // `RequestError` off its errors module at each use, so a counting subclass there sees them all
    // (the unpatched library builds one per answered request).
    const errorsModule = createRequire(import.meta.url)(
      join(dirname(createRequire(import.meta.url).resolve('@nats-io/nats-core')), 'errors.js'),
    ) as { RequestError: typeof RequestError };
    const Original = errorsModule.RequestError;
    let built = 0;
    errorsModule.RequestError = class extends Original {
      constructor(...args: ConstructorParameters<typeof RequestError>) {
        super(...args);
        built++;
      }
    };
    try {
      for (let i = 0; i < 200; i++) expect(new TextDecoder().decode((await nc.request(subject, `m${i}`)).data)).toBe(`m${i}`);
    } finally {
      errorsModule.RequestError = Original;
    }
    expect(built).toBeLessThan(20);
    sub.unsubscribe();
    await expect(nc.request(`tb-test.nobody.${process.pid}`, 'x', { timeout: 500 })).rejects.toBeInstanceOf(Error);
    const quiet = nc.subscribe(`tb-test.quiet.${process.pid}`, { callback: () => undefined });
    await expect(nc.request(`tb-test.quiet.${process.pid}`, 'x', { timeout: 200 })).rejects.toSatisfy(
      (e) => e instanceof TimeoutError || e instanceof RequestError,
    );
    quiet.unsubscribe();
  });
});
