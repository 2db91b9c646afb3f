/**
 * @module test/gateway/routes/validation.test
 * gateway routes refuse hostile input with a 4xx in the one error format, never a 500, and
 * change nothing: malformed JSON, wrong types, huge bodies, unknown fields (a client-sent
 * `actor`, roles or status), negative and absurd numbers, SQL-looking ids and emails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classBody, eventBody, startRoutesStack, type ApiResponse, type RoutesStack, type TestUser } from './setup.js';

let s: RoutesStack;
let owner: TestUser;
let stranger: TestUser;
let eventId: string;
let classId: string;
beforeAll(async () => {
  s = await startRoutesStack({ httpBodyLimitBytes: 64 * 1024 });
  owner = await s.signUp('owner');
  stranger = await s.signUp('stranger');
  eventId = (await s.api('POST', '/api/v1/events', { token: owner.token, body: eventBody('Target') })).body.eventId;
  classId = (await s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: owner.token, body: classBody('GA', 100) })).body
    .classId;
});
afterAll(async () => {
  await s?.stop();
});

/** A refusal in the error format with a 4xx status. */
function expectRefused(r: ApiResponse, status?: number, code?: string): void {
  expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(500);
  if (status !== undefined) expect(r.status).toBe(status);
  expect(r.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), retryable: false });
  if (code !== undefined) expect(r.body.error.code).toBe(code);
}

async function snapshot(): Promise<[unknown, unknown]> {
  const e = await s.api('GET', `/api/v1/events/${eventId}`, { token: owner.token });
  const c = await s.api('GET', `/api/v1/ticket-classes/${classId}`, { token: owner.token });
  return [e.body, c.body];
}

describe('gateway routes - hostile input', () => {
  it('gateway routes - malformed JSON, wrong content type and wrong types are 4xx and change nothing', async () => {
    const before = await snapshot();
    const t = owner.token;
    expectRefused(await s.api('PATCH', `/api/v1/events/${eventId}`, { token: t, raw: '{"name": "x"' }), 400, 'HTTP_MALFORMED_JSON');
    expectRefused(
      await s.api('PATCH', `/api/v1/events/${eventId}`, { token: t, raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }),
      400,
      'HTTP_MALFORMED_JSON',
    );
    expectRefused(
      await s.api('PATCH', `/api/v1/events/${eventId}`, {
        token: t,
        raw: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
    expectRefused(await s.api('PATCH', `/api/v1/events/${eventId}`, { token: t, body: { name: 42 } }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('PATCH', `/api/v1/events/${eventId}`, { token: t, body: {} }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('PATCH', `/api/v1/events/${eventId}`, { token: t, body: [] }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('PATCH', `/api/v1/events/${eventId}`, { token: t, raw: 'null' }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('PUT', `/api/v1/events/${eventId}/config`, { token: t, body: { isPublic: 'yes' } }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('PATCH', `/api/v1/ticket-classes/${classId}`, { token: t, body: { total: '10' } }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('POST', '/api/v1/events', { token: t }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('POST', '/api/v1/auth/login', { body: { email: ['a@b.co'], password: 1 } }), 400, 'COMMAND_INVALID');
    expect(await snapshot()).toEqual(before);
  });

  it('gateway routes - unknown fields are refused: no client-sent actor, roles, status, eventId or commandId', async () => {
    const before = await snapshot();
    const t = stranger.token;
    const attempts: [string, string, object][] = [
      ['PATCH', `/api/v1/events/${eventId}`, { name: 'mine', actor: { userId: owner.id, platformRoles: ['admin'] } }],
      ['PATCH', `/api/v1/events/${eventId}`, { name: 'mine', roles: { [stranger.id]: 'admin' } }],
      ['PUT', `/api/v1/events/${eventId}/config`, { isPublic: true, status: 'PUBLISHED' }],
      ['POST', `/api/v1/events/${eventId}/cancel`, { actor: { userId: owner.id, platformRoles: ['admin'] } }],
      ['PUT', `/api/v1/events/${eventId}/roles/${stranger.id}`, { role: 'admin', actor: { userId: owner.id, platformRoles: [] } }],
      ['PUT', `/api/v1/events/${eventId}/roles/${stranger.id}`, { role: 'owner' }],
      ['POST', `/api/v1/events/${eventId}/ticket-classes`, { ...classBody(), eventId: 'ev_other' }],
      ['PATCH', `/api/v1/ticket-classes/${classId}`, { priceMinor: 1, commandId: 'x', sold: 0 }],
      ['POST', '/api/v1/events', { ...eventBody(), createdBy: owner.id }],
      ['PATCH', '/api/v1/me', { displayName: 'x', roles: ['admin'] }],
    ];
    for (const [method, path, body] of attempts) {
      const r = await s.api(method, path, { token: t, body });
      expectRefused(r, 400, 'COMMAND_INVALID');
    }
    expect(await snapshot()).toEqual(before);
    expect((await s.api('GET', '/api/v1/me', { token: t })).body.roles).toEqual([]);
  });

  it('gateway routes - negative and absurd numbers are refused', async () => {
    const before = await snapshot();
    const t = owner.token;
    const create = (extra: object) =>
      s.api('POST', `/api/v1/events/${eventId}/ticket-classes`, { token: t, body: { ...classBody(), ...extra } });
    for (const extra of [
      { priceMinor: -1 },
      { priceMinor: 1e300 },
      { priceMinor: 1.5 },
      { total: -5 },
      { total: 10_000_001 },
      { maxPerOrder: 0 },
      { maxPerOrder: 1_000 },
      { holdTtlMs: 1 },
      { currency: 'vnd' },
      { saleStartsAt: -1 },
      { name: '' },
    ]) {
      expectRefused(await create(extra), 400, 'COMMAND_INVALID');
    }
    for (const body of [{ total: -1 }, { priceMinor: -100 }, { total: 1e9 }, { saleEndsAt: 1e20 }]) {
      expectRefused(await s.api('PATCH', `/api/v1/ticket-classes/${classId}`, { token: t, body }), 400, 'COMMAND_INVALID');
    }
    for (const body of [{ maxConcurrent: 0 }, { maxConcurrent: 1e7 }, { maxAttendees: -3 }, { ticketSaleStartDate: 1e300 }]) {
      expectRefused(await s.api('PUT', `/api/v1/events/${eventId}/config`, { token: t, body }), 400, 'COMMAND_INVALID');
    }
    expectRefused(await s.api('POST', '/api/v1/events', { token: t, body: { ...eventBody(), startsAt: -1 } }), 400, 'COMMAND_INVALID');
    const backwards = eventBody();
    expectRefused(
      await s.api('POST', '/api/v1/events', { token: t, body: { ...backwards, endsAt: backwards.startsAt - 1 } }),
      400,
      'EVENT_INVALID_DATES',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('gateway routes - huge bodies are 413 and huge fields 400', async () => {
    const before = await snapshot();
    const huge = await s.api('PATCH', `/api/v1/events/${eventId}`, { token: owner.token, body: { description: 'x'.repeat(200_000) } });
    expectRefused(huge, 413, 'HTTP_PAYLOAD_TOO_LARGE');
    const long = await s.api('PATCH', `/api/v1/events/${eventId}`, { token: owner.token, body: { description: 'x'.repeat(20_000) } });
    expectRefused(long, 400, 'COMMAND_INVALID');
    const cats = await s.api('PATCH', `/api/v1/events/${eventId}`, {
      token: owner.token,
      body: { categories: Array.from({ length: 11 }, (_, i) => `c${i}`) },
    });
    expectRefused(cats, 400, 'COMMAND_INVALID');
    expect(await snapshot()).toEqual(before);
  });

  it('gateway routes - SQL-looking ids, emails and keys are refused; SQL-looking text is just text', async () => {
    const before = await snapshot();
    const t = owner.token;
    const sqlId = encodeURIComponent("ev_1' OR '1'='1");
    expectRefused(await s.api('GET', `/api/v1/events/${sqlId}`, { token: t }), 400, 'COMMAND_INVALID');
    expectRefused(
      await s.api('PATCH', `/api/v1/events/${encodeURIComponent('x;DROP TABLE users')}`, { token: t, body: { name: 'x' } }),
      400,
      'COMMAND_INVALID',
    );
    expectRefused(
      await s.api('GET', `/api/v1/ticket-classes/${encodeURIComponent('1 UNION SELECT * FROM users--')}`),
      400,
      'COMMAND_INVALID',
    );
    expectRefused(
      await s.api('PUT', `/api/v1/events/${eventId}/roles/${encodeURIComponent("1' OR 1=1--")}`, { token: t, body: { role: 'admin' } }),
      400,
      'COMMAND_INVALID',
    );
    expectRefused(await s.api('POST', '/api/v1/auth/login', { body: { email: "' OR 1=1; --", password: 'x' } }), 400, 'COMMAND_INVALID');
    expectRefused(await s.api('POST', '/api/v1/internal/users/batch', { token: t, body: { ids: ["1' OR '1'='1"] } }), 403);
    expectRefused(
      await s.api('PATCH', `/api/v1/events/${eventId}`, {
        token: t,
        headers: { 'idempotency-key': "k'; DROP TABLE users;--" },
        body: { name: 'x' },
      }),
      400,
      'COMMAND_INVALID',
    );
    expectRefused(
      await s.api('GET', `/api/v1/auth/verify-email?token=${encodeURIComponent("' OR 1=1 --")}`),
      400,
      'ACCOUNT_VERIFICATION_TOKEN_INVALID',
    );
    expect(await snapshot()).toEqual(before);

    const text = "Robert'); DROP TABLE users;--";
    const named = await s.api('PATCH', `/api/v1/events/${eventId}`, { token: t, body: { description: text } });
    expect(named.status).toBe(200);
    expect((await s.api('GET', `/api/v1/events/${eventId}`, { token: t })).body.description).toBe(text);
    expect((await s.api('GET', '/api/v1/me', { token: stranger.token })).status).toBe(200);
  });

  it('gateway routes - the OpenAPI document lists every application route with its schemas', async () => {
    const doc = await s.api('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    for (const route of s.gateway.routes.filter((r) => !r.hidden)) {
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const op = doc.body.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (route.body)
        expect(op.requestBody.content['application/json'].schema.additionalProperties, `${route.method} ${route.path}`).toBe(false);
    }
    expect(doc.body.paths['/api/v1/events/{eventId}/ticket-classes'].post.responses['201']).toBeDefined();
  });
});
