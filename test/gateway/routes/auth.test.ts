/**
 * @module test/gateway/routes/auth.test
 * gateway routes over real NATS, PostgreSQL and uWebSockets.js: accounts (`/auth`, `/me`, the
 * internal batch lookup), token failures, and the stricter credential rate limit.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.js';
import { createGateway } from '../../../gateway/index.js';
import { authRateLimit, createRoutes } from '../../../gateway/routes/index.js';
import { firstLink } from '../../../accounts/index.js';
import { startRoutesStack, type RoutesStack } from './setup.js';

let s: RoutesStack;
beforeAll(async () => {
  s = await startRoutesStack();
});
afterAll(async () => {
  await s?.stop();
});

describe('gateway routes - accounts', () => {
  it('gateway routes - register, login, refresh, logout and logout-all', async () => {
    const email = `alice.${Date.now()}@example.com`;
    const reg = await s.api('POST', '/api/v1/auth/register', { body: { email, password: 'Blue-kettle-42-river', displayName: 'Alice' } });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ email, displayName: 'Alice', emailVerified: false });
    expect(reg.body).not.toHaveProperty('passwordHash');
    const again = await s.api('POST', '/api/v1/auth/register', { body: { email, password: 'Blue-kettle-42-river', displayName: 'Alice' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ACCOUNT_EMAIL_TAKEN');
    const weak = await s.api('POST', '/api/v1/auth/register', { body: { email: `w${email}`, password: 'abc', displayName: 'W' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('ACCOUNT_PASSWORD_TOO_WEAK');

    const bad = await s.api('POST', '/api/v1/auth/login', { body: { email, password: 'wrong-password-123' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('AUTH_INVALID_CREDENTIALS');
    const login = await s.api('POST', '/api/v1/auth/login', { body: { email, password: 'Blue-kettle-42-river' } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', user: { email } });

    const refreshed = await s.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(login.body.refreshToken);
    const replay = await s.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('AUTH_REFRESH_TOKEN_REUSED');

    const second = await s.api('POST', '/api/v1/auth/login', { body: { email, password: 'Blue-kettle-42-river' } });
    const out = await s.api('POST', '/api/v1/auth/logout', { body: { refreshToken: second.body.refreshToken } });
    expect(out.status).toBe(204);
    expect((await s.api('POST', '/api/v1/auth/logout', { body: { refreshToken: second.body.refreshToken } })).status).toBe(204);
    expect((await s.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: second.body.refreshToken } })).status).toBe(401);

    const third = await s.api('POST', '/api/v1/auth/login', { body: { email, password: 'Blue-kettle-42-river' } });
    const all = await s.api('POST', '/api/v1/auth/logout-all', { token: third.body.accessToken });
    expect(all.status).toBe(200);
    expect(all.body.revoked).toBeGreaterThanOrEqual(1);
    expect((await s.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: third.body.refreshToken } })).status).toBe(401);
  });

  it('gateway routes - email verification request and link', async () => {
    const u = await s.signUp('verify');
    const req = await s.api('POST', '/api/v1/auth/verify-email/request', { token: u.token });
    expect(req.status).toBe(202);
    expect(req.body.expiresAt).toEqual(expect.any(String));
    const link = firstLink(s.mailer.sent.at(-1)!)!;
    const token = new URL(link).searchParams.get('token')!;
    const ok = await s.api('GET', `/api/v1/auth/verify-email?token=${encodeURIComponent(token)}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: u.id, emailVerified: true });
    const twice = await s.api('GET', `/api/v1/auth/verify-email?token=${encodeURIComponent(token)}`);
    expect(twice.status).toBe(400);
    expect(twice.body.error.code).toBe('ACCOUNT_VERIFICATION_TOKEN_INVALID');
    expect((await s.api('GET', '/api/v1/auth/verify-email')).status).toBe(400);
    const already = await s.api('POST', '/api/v1/auth/verify-email/request', { token: u.token });
    expect(already.status).toBe(409);
  });

  it('gateway routes - me: read, rename, change password, soft delete', async () => {
    const u = await s.signUp('me');
    const me = await s.api('GET', '/api/v1/me', { token: u.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: u.id, email: u.email, roles: [] });
    const renamed = await s.api('PATCH', '/api/v1/me', { token: u.token, body: { displayName: 'New Name' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('New Name');
    const sneaky = await s.api('PATCH', '/api/v1/me', { token: u.token, body: { displayName: 'X', roles: ['admin'] } });
    expect(sneaky.status).toBe(400);
    expect((await s.api('GET', '/api/v1/me', { token: u.token })).body).toMatchObject({ displayName: 'New Name', roles: [] });

    const wrong = await s.api('POST', '/api/v1/me/password', {
      token: u.token,
      body: { currentPassword: 'nope-nope-nope-1', newPassword: 'Green-teapot-77-lake' },
    });
    expect(wrong.status).toBe(401);
    const changed = await s.api('POST', '/api/v1/me/password', {
      token: u.token,
      body: { currentPassword: u.password, newPassword: 'Green-teapot-77-lake' },
    });
    expect(changed.status).toBe(204);
    expect((await s.api('POST', '/api/v1/auth/login', { body: { email: u.email, password: 'Green-teapot-77-lake' } })).status).toBe(200);

    const del = await s.api('DELETE', '/api/v1/me', { token: u.token });
    expect(del.status).toBe(204);
    const after = await s.api('GET', '/api/v1/me', { token: u.token });
    expect(after.status).toBe(401);
    expect((await s.api('POST', '/api/v1/auth/login', { body: { email: u.email, password: 'Green-teapot-77-lake' } })).status).toBe(401);
  });

  it('gateway routes - internal batch lookup is for platform admins only', async () => {
    const [a, b, admin] = [await s.signUp('a'), await s.signUp('b'), await s.signUp('root', { admin: true })];
    const ids = [b.id, '00000000-0000-4000-8000-000000000000', a.id];
    const denied = await s.api('POST', '/api/v1/internal/users/batch', { token: a.token, body: { ids } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('AUTH_FORBIDDEN');
    const ok = await s.api('POST', '/api/v1/internal/users/batch', { token: admin.token, body: { ids } });
    expect(ok.status).toBe(200);
    expect(ok.body.users.map((u: { id: string }) => u.id)).toEqual([b.id, a.id]);
    const tooMany = await s.api('POST', '/api/v1/internal/users/batch', { token: admin.token, body: { ids: Array(101).fill(a.id) } });
    expect(tooMany.status).toBe(400);
    expect((await s.api('POST', '/api/v1/internal/users/batch', { body: { ids } })).status).toBe(401);
  });

  it('gateway routes - missing, malformed, forged and expired tokens are 401', async () => {
    const u = await s.signUp('tok');
    const missing = await s.api('GET', '/api/v1/me');
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('AUTH_TOKEN_MISSING');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const malformed = await s.api('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } });
    expect(malformed.body.error.code).toBe('AUTH_TOKEN_INVALID');
    const [h, p] = u.token.split('.');
    const forged = await s.api('GET', '/api/v1/me', { token: `${h}.${p}.${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('AUTH_TOKEN_INVALID');
    const saved = s.clock.ms;
    s.clock.ms += 16 * 60_000;
    try {
      const expired = await s.api('GET', '/api/v1/me', { token: u.token });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('AUTH_TOKEN_EXPIRED');
      const onCreate = await s.api('POST', '/api/v1/events', { token: u.token, body: { name: 'x', startsAt: 1, endsAt: 2 } });
      expect(onCreate.body.error.code).toBe('AUTH_TOKEN_EXPIRED');
    } finally {
      s.clock.ms = saved;
    }
  });

  it('gateway routes - credential routes have a stricter per-IP limit', async () => {
    const config = loadConfig({}, { rateLimitIpPerSec: 1_000, rateLimitIpBurst: 1_000 });
    const gw = createGateway({
      config,
      log: pino({ level: 'silent' }),
      routes: createRoutes({ accounts: s.accounts }),
      middlewares: [authRateLimit({ perMinute: 6, burst: 3, maxKeys: 100 })],
    });
    const login = () =>
      gw.handle({
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'x@example.com', password: 'y' }),
        ip: '10.0.0.1',
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await login();
    expect(JSON.parse(new TextDecoder().decode(limited.body)).error).toMatchObject({
      code: 'HTTP_RATE_LIMITED',
      details: { scope: 'auth' },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another IP, and non-credential routes, are not affected.
    expect(
      (
        await gw.handle({
          method: 'POST',
          path: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          body: '{}',
          ip: '10.0.0.2',
        })
      ).status,
    ).toBe(400);
    expect((await gw.handle({ method: 'GET', path: '/healthz', ip: '10.0.0.1' })).status).toBe(200);
    await gw.close();
  });
});
