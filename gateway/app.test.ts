/**
 * @module gateway/app.test
 * gateway/app tests, in-process through handle(): auth, validation, limits, CORS, shutdown
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { TbError, Type } from '../contracts/index.js';
import { createGateway } from './app.js';
import { defineRoute } from './route.js';

const log = pino({ level: 'silent' });
const json = (r: { body: Uint8Array }) => JSON.parse(new TextDecoder().decode(r.body));

const echo = defineRoute({
  method: 'POST',
  path: '/api/v1/things/:id',
  summary: 'echo',
  tags: ['t'],
  auth: 'required',
  params: Type.Object({ id: Type.String({ maxLength: 8 }) }),
  query: Type.Object({ n: Type.Optional(Type.Integer({ minimum: 1 })) }),
  body: Type.Object({ name: Type.String() }, { additionalProperties: false }),
  responses: { 200: Type.Object({}) },
  handler: (ctx) => ({ body: { id: ctx.params.id, n: ctx.query.n, name: ctx.body.name, user: ctx.user?.userId, reqId: ctx.requestId } }),
});
const admin = defineRoute({
  method: 'GET',
  path: '/api/v1/admin',
  summary: 'admin',
  tags: ['t'],
  auth: 'required',
  roles: ['admin'],
  responses: { 200: Type.Object({}) },
  handler: () => ({ body: {} }),
});
const boom = defineRoute({
  method: 'GET',
  path: '/boom',
  summary: 'boom',
  tags: ['t'],
  auth: 'none',
  responses: {},
  handler: () => {
    throw new Error('secret detail');
  },
});
const ask = defineRoute({
  method: 'GET',
  path: '/ask',
  summary: 'ask',
  tags: ['t'],
  auth: 'none',
  responses: {},
  handler: async (ctx) => ({ body: await ctx.actors.event('e1').get() }),
});

function gateway(overrides = {}) {
  let now = 0;
  const config = loadConfig(
    {},
    { rateLimitIpPerSec: 1, rateLimitIpBurst: 1000, rateLimitUserPerSec: 1, rateLimitUserBurst: 3, ...overrides },
  );
  const gw = createGateway({
    config,
    log,
    routes: [echo, admin, boom, ask],
    now: () => now,
    verifyAccessToken: async (t) => {
      if (t === 'good') return { userId: 'u1', roles: ['user'] };
      if (t === 'expired') throw new TbError('AUTH_TOKEN_EXPIRED');
      if (t === 'store-down') throw new TbError('RUNTIME_UNAVAILABLE');
      throw new Error('bad signature');
    },
  });
  return { gw, tick: (ms: number) => (now += ms) };
}
const authz = { authorization: 'Bearer good' };

describe('gateway app (in-process)', () => {
  it('runs auth, JSON parsing, coercion and validation before the handler', async () => {
    const { gw } = gateway();
    const r = await gw.handle({ method: 'POST', path: '/api/v1/things/a1?n=3', headers: authz, body: { name: 'x' } });
    expect(r.status).toBe(200);
    expect(json(r)).toMatchObject({ id: 'a1', n: 3, name: 'x', user: 'u1' });
    expect(json(r).reqId).toBe(r.headers['x-request-id']);
  });

  it('keeps a sane incoming request id and replaces a hostile one', async () => {
    const { gw } = gateway();
    expect((await gw.handle({ path: '/healthz', headers: { 'x-request-id': 'abc-123' } })).headers['x-request-id']).toBe('abc-123');
    const r = await gw.handle({ path: '/healthz', headers: { 'x-request-id': 'a b\u0000<script>' } });
    expect(r.headers['x-request-id']).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('answers 401/403 for missing, invalid, expired tokens and missing roles', async () => {
    const { gw } = gateway();
    const body = { name: 'x' };
    const missing = await gw.handle({ method: 'POST', path: '/api/v1/things/a', body });
    expect([missing.status, json(missing).error.code, missing.headers['www-authenticate']]).toEqual([401, 'AUTH_TOKEN_MISSING', 'Bearer']);
    const bad = await gw.handle({ method: 'POST', path: '/api/v1/things/a', body, headers: { authorization: 'Bearer nope' } });
    expect(json(bad).error.code).toBe('AUTH_TOKEN_INVALID');
    const expired = await gw.handle({ method: 'POST', path: '/api/v1/things/a', body, headers: { authorization: 'Bearer expired' } });
    expect(json(expired).error.code).toBe('AUTH_TOKEN_EXPIRED');
    const garbage = await gw.handle({ method: 'POST', path: '/api/v1/things/a', body, headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(json(garbage).error.code).toBe('AUTH_TOKEN_INVALID');
    // The account store failing is not the token's fault: 503, retryable, no WWW-Authenticate.
    const down = await gw.handle({ method: 'POST', path: '/api/v1/things/a', body, headers: { authorization: 'Bearer store-down' } });
    expect([down.status, json(down).error.code, json(down).error.retryable, down.headers['www-authenticate']]).toEqual([
      503,
      'RUNTIME_UNAVAILABLE',
      true,
      undefined,
    ]);
    const forbidden = await gw.handle({ path: '/api/v1/admin', headers: authz });
    expect([forbidden.status, json(forbidden).error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
  });

  it('gives clear errors for bad bodies, queries and params', async () => {
    const { gw } = gateway({ rateLimitUserBurst: 100 });
    const post = (body: string | object, headers: Record<string, string> = {}, path = '/api/v1/things/a') =>
      gw.handle({ method: 'POST', path, headers: { ...authz, ...headers }, body });
    const malformed = await post('{"name":', { 'content-type': 'application/json' });
    expect([malformed.status, json(malformed).error.code]).toEqual([400, 'HTTP_MALFORMED_JSON']);
    const wrongType = await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect([wrongType.status, json(wrongType).error.code]).toEqual([415, 'HTTP_UNSUPPORTED_MEDIA_TYPE']);
    const extra = await post({ name: 'x', admin: true });
    expect([extra.status, json(extra).error.code, json(extra).error.details.in]).toEqual([400, 'COMMAND_INVALID', 'body']);
    const badQuery = await post({ name: 'x' }, {}, '/api/v1/things/a?n=zero');
    expect(json(badQuery).error, JSON.stringify(json(badQuery))).toMatchObject({ code: 'COMMAND_INVALID', details: { in: 'query' } });
    const badParam = await post({ name: 'x' }, {}, '/api/v1/things/waytoolongid');
    expect(json(badParam).error.details.in).toBe('params');
    const big = await gw.handle({ method: 'POST', path: '/api/v1/things/a', headers: authz, body: new Uint8Array(2 * 1024 * 1024) });
    expect([big.status, json(big).error.code]).toEqual([413, 'HTTP_PAYLOAD_TOO_LARGE']);
  });

  it('maps unknown failures to a fixed INTERNAL body', async () => {
    const { gw } = gateway();
    const r = await gw.handle({ path: '/boom' });
    expect(r.status).toBe(500);
    expect(JSON.stringify(json(r))).not.toContain('secret');
    const noNats = await gw.handle({ path: '/ask' });
    expect([noNats.status, json(noNats).error.code]).toEqual([503, 'RUNTIME_UNAVAILABLE']);
  });

  it('rate limits per user after auth, with Retry-After', async () => {
    const { gw, tick } = gateway();
    const call = () => gw.handle({ method: 'POST', path: '/api/v1/things/a', headers: authz, body: { name: 'x' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call();
    expect(limited.headers['retry-after']).toBe('1');
    expect(json(limited).error).toMatchObject({ code: 'HTTP_RATE_LIMITED', retryable: true, details: { scope: 'user' } });
    tick(1000);
    expect((await call()).status).toBe(200);
  });

  it('answers CORS preflight for allowed origins only', async () => {
    const { gw } = gateway({ httpCorsOrigins: 'https://shop.example' });
    const pre = (origin: string) =>
      gw.handle({ method: 'OPTIONS', path: '/api/v1/things/a', headers: { origin, 'access-control-request-method': 'POST' } });
    const ok = await pre('https://shop.example');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(ok.headers['access-control-allow-headers']).toContain('authorization');
    const no = await pre('https://evil.example');
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await gw.handle({ path: '/healthz', headers: { origin: 'https://shop.example' } });
    expect(simple.headers['access-control-allow-origin']).toBe('https://shop.example');
  });

  it('reports not ready while shutting down, then refuses work', async () => {
    const { gw } = gateway();
    expect((await gw.handle({ path: '/readyz' })).status).toBe(200);
    await gw.close();
    const ready = await gw.handle({ path: '/readyz' });
    expect([ready.status, json(ready).error.code]).toEqual([503, 'HTTP_NOT_READY']);
    expect(json(await gw.handle({ path: '/boom' })).error.code).toBe('RUNTIME_SHUTTING_DOWN');
  });
});
