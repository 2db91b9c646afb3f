/**
 * @module test/security/idempotency-key.test
 * Attack (issue 10, item 6): docs/api.md promises 400 for a malformed `Idempotency-Key`, but
 * routes that never read the key (register, profile, delete, roles …) ignored it and acted, so a
 * client that believed its retry was safe acted twice. Now every mutating route refuses a
 * malformed key before its handler runs, changes nothing, and the OpenAPI document declares the
 * header on every mutating operation. Real NATS, PostgreSQL, actors, uWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody, startRoutesStack, type RoutesStack, type TestUser } from '../gateway/routes/setup.js';

let s: RoutesStack;
let owner: TestUser;
beforeAll(async () => {
  s = await startRoutesStack();
  owner = await s.signUp('owner');
});
afterAll(async () => {
  await s?.stop();
});

const BAD_KEYS = ['has space', 'x'.repeat(129), 'semi;colon', 'üñí', 'a,b'];

function expectBadKey(r: { status: number; body: any }, what: string): void {
  expect(r.status, what).toBe(400);
  expect(r.body.error, what).toMatchObject({ code: 'COMMAND_INVALID', details: { in: 'headers' } });
}

describe('security - a malformed Idempotency-Key is refused on every mutating route', () => {
  it('security - register, profile, delete and role routes refuse a bad key and change nothing', async () => {
    for (const key of BAD_KEYS) {
      const email = `idem${BAD_KEYS.indexOf(key)}.${Date.now().toString(36)}@example.com`;
      const headers = { 'idempotency-key': key };
      expectBadKey(
        await s.api('POST', '/api/v1/auth/register', { headers, body: { email, password: 'Blue-kettle-42-river', displayName: 'K' } }),
        `register ${key}`,
      );
      // Not registered: the same email registers fine without the key.
      expect(
        (await s.api('POST', '/api/v1/auth/register', { body: { email, password: 'Blue-kettle-42-river', displayName: 'K' } })).status,
      ).toBe(201);
      expectBadKey(await s.api('PATCH', '/api/v1/me', { token: owner.token, headers, body: { displayName: 'Renamed' } }), `rename ${key}`);
      expectBadKey(await s.api('DELETE', '/api/v1/me', { token: owner.token, headers }), `delete ${key}`);
    }
    const me = (await s.api('GET', '/api/v1/me', { token: owner.token })).body;
    expect(me.displayName).not.toBe('Renamed');

    const id = (await s.api('POST', '/api/v1/events', { token: owner.token, body: eventBody('Keys') })).body.eventId as string;
    const other = await s.signUp('other');
    expectBadKey(
      await s.api('PUT', `/api/v1/events/${id}/roles/${other.id}`, {
        token: owner.token,
        headers: { 'idempotency-key': 'bad key' },
        body: { role: 'editor' },
      }),
      'setRole',
    );
    expect((await s.api('GET', `/api/v1/events/${id}`, { token: owner.token })).body.roles[other.id]).toBeUndefined();
    expectBadKey(
      await s.api('POST', '/api/v1/auth/logout-all', { token: owner.token, headers: { 'idempotency-key': 'bad key' } }),
      'logout-all',
    );
    // The refresh token still works: logout-all did not run.
    expect((await s.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: owner.refreshToken } })).status).toBe(200);
  });

  it('security - a repeated Idempotency-Key header (two values) is malformed', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(s.url).port);
    const body = JSON.stringify(eventBody('Twice'));
    const request = [
      'POST /api/v1/events HTTP/1.1',
      'Host: x',
      `Authorization: Bearer ${owner.token}`,
      'Content-Type: application/json',
      'Idempotency-Key: one',
      'Idempotency-Key: two',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n');
    const answer = await new Promise<string>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      let data = '';
      sock.on('data', (d) => {
        data += d.toString();
      });
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
      sock.write(request);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(answer).toContain('"in":"headers"');
  });

  it('security - the OpenAPI document declares the header on every mutating operation', async () => {
    const doc = (await s.api('GET', '/api/v1/openapi.json')).body;
    let mutating = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        mutating += 1;
        const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key');
        expect(header, `${method} ${path}`).toMatchObject({ required: false, schema: { type: 'string', maxLength: 128 } });
      }
    }
    expect(mutating).toBeGreaterThan(15);
  });
});
