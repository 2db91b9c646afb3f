/**
 * @module test/security/login-throttle.test
 * Attack (issue 10, item 6): sign-in had a per-IP limit only, so guesses on one account spread
 * over many IPs (or many gateways) were unlimited. Now failed attempts are counted per account in
 * NATS KV, shared by every gateway: past `loginMaxFailures` the account answers 429
 * `AUTH_TOO_MANY_ATTEMPTS` with `Retry-After`, whatever the password, with a doubling lock; the
 * lock ends, and the right password then works again. Two real gateways (uWS), one nats-server,
 * a throwaway PostgreSQL database; a movable clock stands in for waiting out the locks.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMailer, createAccounts, createLoginThrottle, openLoginThrottleBucket } from '../../accounts/index.js';
import { loadConfig } from '../../config/index.js';
import { createDb, migrate, type DbHandle } from '../../db/index.js';
import { createGateway, type Gateway } from '../../gateway/index.js';
import { createRoutes } from '../../gateway/routes/index.js';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';

const clock = { ms: Date.now() };
const PASSWORD = 'Blue-kettle-42-river';
let nats: NatsServerHandle;
let dbName: string;
let db: DbHandle;
const conns: NatsConnection[] = [];
const gateways: Gateway[] = [];
const urls: string[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  dbName = throwawayName();
  await migrate(testDatabaseUrl(dbName));
  db = createDb(testDatabaseUrl(dbName), { max: 4 });
  const silent = pino({ level: process.env['TB_TEST_LOG'] ?? 'silent' });
  const cfg = loadConfig(
    {},
    {
      natsUrl: nats.url,
      rateLimitIpPerSec: 10_000,
      rateLimitIpBurst: 10_000,
      rateLimitAuthIpPerMin: 60_000,
      rateLimitAuthIpBurst: 10_000,
    },
  );
  // Two gateways, each with its own NATS connection and its own view of the throttle bucket.
  for (let i = 0; i < 2; i++) {
    const nc = await connect({ servers: nats.url });
    conns.push(nc);
    const loginThrottle = createLoginThrottle(await openLoginThrottleBucket(nc), {
      maxFailures: 5,
      lockSec: 60,
      lockMaxSec: 900,
      now: () => clock.ms,
    });
    const accounts = createAccounts({
      db: db.db,
      config: { jwtSecret: 'throttle-test-secret-throttle-test-0123', publicBaseUrl: 'http://127.0.0.1' },
      mailer: new MemoryMailer(),
      log: silent,
      now: () => clock.ms,
      loginThrottle,
    });
    const gw = createGateway({
      config: cfg,
      log: silent,
      nc,
      routes: createRoutes({ accounts }),
      verifyAccessToken: (t) => accounts.verifyAccessToken(t),
    });
    urls.push(`http://127.0.0.1:${await gw.listen('127.0.0.1', 0)}`);
    gateways.push(gw);
  }
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await Promise.all(conns.map((c) => c.close().catch(() => undefined)));
  await db?.close();
  await dropDatabase(dbName).catch(() => undefined);
  await nats?.stop();
});

let n = 0;
async function register(): Promise<string> {
  const email = `victim${++n}.${Date.now().toString(36)}@example.com`;
  const r = await fetch(`${urls[0]}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, displayName: 'V' }),
  });
  expect(r.status).toBe(201);
  return email;
}

async function login(gw: number, email: string, password: string): Promise<{ status: number; code?: string; retryAfter: string | null }> {
  const r = await fetch(`${urls[gw]}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await r.json()) as { error?: { code: string } };
  return { status: r.status, ...(body.error ? { code: body.error.code } : {}), retryAfter: r.headers.get('retry-after') };
}

describe('security - per-account sign-in throttle across gateways', () => {
  it('security - five failures over two gateways lock the account; even the right password waits, then works', async () => {
    const email = await register();
    for (let i = 0; i < 5; i++) expect((await login(i % 2, email, `wrong-${i}`)).code).toBe('AUTH_INVALID_CREDENTIALS');
    const locked = await login(1, email, 'wrong-5');
    expect(locked).toMatchObject({ status: 429, code: 'AUTH_TOO_MANY_ATTEMPTS', retryAfter: '60' });
    // The lock is per account and shared: the other gateway refuses the right password too.
    expect(await login(0, email, PASSWORD)).toMatchObject({ status: 429, code: 'AUTH_TOO_MANY_ATTEMPTS' });
    clock.ms += 61_000;
    // Not locked out for good: after the window the right password signs in, and that forgets the failures.
    expect((await login(0, email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login(1, email, `again-${i}`)).code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('security - repeated locks double the wait (backoff) up to the maximum', async () => {
    const email = await register();
    const waits: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) expect((await login(i % 2, email, 'nope')).status).toBe(401);
      const r = await login(0, email, 'nope');
      expect(r.code).toBe('AUTH_TOO_MANY_ATTEMPTS');
      waits.push(r.retryAfter!);
      clock.ms += Number(r.retryAfter) * 1000 + 1_000;
    }
    expect(waits).toEqual(['60', '120', '240']);
    expect((await login(1, email, PASSWORD)).status).toBe(200);
  });

  it('security - 40 concurrent guesses on two gateways: at most five passwords are checked', async () => {
    const email = await register();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2, email, `guess-${i}`)));
    const checked = answers.filter((a) => a.code === 'AUTH_INVALID_CREDENTIALS').length;
    const throttled = answers.filter((a) => a.code === 'AUTH_TOO_MANY_ATTEMPTS').length;
    expect(checked).toBeLessThanOrEqual(5);
    expect(checked + throttled).toBe(40);
    expect(answers.every((a) => a.status < 500)).toBe(true);
  });

  it('security - an unknown email is throttled alike (nothing to enumerate)', async () => {
    const ghost = `ghost.${Date.now().toString(36)}@example.com`;
    for (let i = 0; i < 5; i++) expect((await login(i % 2, ghost, 'x')).code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await login(0, ghost, 'x')).code).toBe('AUTH_TOO_MANY_ATTEMPTS');
  });
});
