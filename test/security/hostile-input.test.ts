/**
 * @module test/security/hostile-input.test
 * Attacks (issue 10, item 6): a NUL (or another control character) in register, login and
 * profile strings — and anywhere else in a body or query — surfaced as a 500 from PostgreSQL; a
 * route without a body schema acted on whatever body it was sent, malformed JSON included. Both
 * now answer 400 with a stable code and change nothing. Real NATS, PostgreSQL, actors, uWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody, startRoutesStack, type RoutesStack, type TestUser } from '../gateway/routes/setup.js';

let s: RoutesStack;
let owner: TestUser;
let platformAdmin: TestUser;
beforeAll(async () => {
  s = await startRoutesStack();
  owner = await s.signUp('owner');
  platformAdmin = await s.signUp('platform', { admin: true });
});
afterAll(async () => {
  await s?.stop();
});

const CONTROL = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085'];

describe('security - control characters in account text', () => {
  it('security - register with a NUL or control character answers 400 COMMAND_INVALID and creates nothing', async () => {
    for (const c of CONTROL) {
      const email = `ctl${CONTROL.indexOf(c)}.${Date.now().toString(36)}@example.com`;
      const bodies = [
        { email: `a${c}${email}`, password: 'Blue-kettle-42-river', displayName: 'Ann' },
        { email, password: `Blue-kettle-42${c}river`, displayName: 'Ann' },
        { email, password: 'Blue-kettle-42-river', displayName: `Ann${c}` },
      ];
      for (const body of bodies) {
        const r = await s.api('POST', '/api/v1/auth/register', { body });
        expect(r.status, JSON.stringify(body)).toBe(400);
        expect(r.body.error.code).toBe('COMMAND_INVALID');
      }
      // None of them created the account: the plain email is still free.
      expect(
        (await s.api('POST', '/api/v1/auth/register', { body: { email, password: 'Blue-kettle-42-river', displayName: 'Ann' } })).status,
      ).toBe(201);
    }
  });

  it('security - login with a NUL answers 400, not 500', async () => {
    for (const body of [
      { email: `${owner.email}\u0000`, password: owner.password },
      { email: owner.email, password: `${owner.password}\u0000` },
    ]) {
      const r = await s.api('POST', '/api/v1/auth/login', { body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('COMMAND_INVALID');
    }
    expect((await s.api('POST', '/api/v1/auth/login', { body: { email: owner.email, password: owner.password } })).status).toBe(200);
  });

  it('security - a profile rename with control characters is refused and the name kept', async () => {
    const before = (await s.api('GET', '/api/v1/me', { token: owner.token })).body;
    for (const c of CONTROL) {
      const r = await s.api('PATCH', '/api/v1/me', { token: owner.token, body: { displayName: `Evil${c}name` } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('COMMAND_INVALID');
    }
    const pw = await s.api('POST', '/api/v1/me/password', {
      token: owner.token,
      body: { currentPassword: owner.password, newPassword: 'Green\u0000kettle-42-lake' },
    });
    expect(pw.status).toBe(400);
    expect((await s.api('GET', '/api/v1/me', { token: owner.token })).body).toEqual(before);
  });

  it('security - a NUL anywhere else (event text, search query, refresh token) is 400, never 500', async () => {
    const created = await s.api('POST', '/api/v1/events', { token: owner.token, body: { ...eventBody('Nul'), description: 'a\u0000b' } });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'COMMAND_INVALID', details: { in: 'body' } });
    const keyNul = await s.api('POST', '/api/v1/events', {
      token: owner.token,
      raw: JSON.stringify({ ...eventBody('Nul'), 'x\u0000': 1 }),
    });
    expect(keyNul.status).toBe(400);
    for (const q of ['q=%00', 'category=a%00b', 'cursor=%00']) {
      const r = await s.api('GET', `/api/v1/events?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('COMMAND_INVALID');
    }
    expect((await s.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: 'x\u0000y' } })).status).toBe(400);
    expect((await s.api('GET', '/api/v1/auth/verify-email?token=%00')).status).toBe(400);
  });
});

describe('security - routes without a body schema validate their body', () => {
  async function approvedEvent(): Promise<string> {
    const id = (await s.api('POST', '/api/v1/events', { token: owner.token, body: eventBody('Bodyless') })).body.eventId as string;
    expect((await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: { isPublic: true } })).status).toBe(200);
    expect((await s.api('POST', `/api/v1/events/${id}/approve`, { token: platformAdmin.token })).status).toBe(200);
    return id;
  }

  it('security - publish with a malformed, unexpected or non-JSON body is refused and the event stays APPROVED', async () => {
    const id = await approvedEvent();
    const attempts: [string, Record<string, string>, number, string][] = [
      ['{"oops', {}, 400, 'HTTP_MALFORMED_JSON'],
      ['\u00ff\u00fe', {}, 400, 'HTTP_MALFORMED_JSON'],
      ['{"status":"PUBLISHED","actor":{"userId":"x"}}', {}, 400, 'COMMAND_INVALID'],
      ['[]', {}, 400, 'COMMAND_INVALID'],
      ['null', {}, 400, 'COMMAND_INVALID'],
      ['status=PUBLISHED', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'HTTP_UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [raw, headers, status, code] of attempts) {
      const r = await s.api('POST', `/api/v1/events/${id}/publish`, { token: owner.token, raw, headers });
      expect(r.status, raw).toBe(status);
      expect(r.body.error.code, raw).toBe(code);
    }
    expect((await s.api('GET', `/api/v1/events/${id}`, { token: owner.token })).body.status).toBe('APPROVED');
    // No body, or {}, is what the route takes.
    expect((await s.api('POST', `/api/v1/events/${id}/publish`, { token: owner.token, body: {} })).body.status).toBe('PUBLISHED');
  });

  it('security - DELETE /me with a malformed body deletes nothing', async () => {
    const victim = await s.signUp('victim');
    const r = await s.api('DELETE', '/api/v1/me', { token: victim.token, raw: '{not json' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('HTTP_MALFORMED_JSON');
    expect((await s.api('GET', '/api/v1/me', { token: victim.token })).status).toBe(200);
  });
});
