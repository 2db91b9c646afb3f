/**
 * @module test/security/production-mode.test
 * Attack (issue 10, item 3): with NODE_ENV=production and no secrets the gateway started with one
 * warning, and then anyone could sign access tokens with the public default TB_JWT_SECRET, forge
 * sandbox callbacks with the default sandbox secret (the `sandbox` provider and its callback route
 * stayed live with the page off), mint checkout tokens and compute the pre-queue shuffle.
 * Shown here: (1) every entry point, started in production mode (TB_ENV=production, or only
 * NODE_ENV=production) with the published default secrets, exits 1 before connecting anywhere,
 * with one line per offending setting; a short secret is named with its size; (2) the whole stack
 * with good secrets and NATS credentials starts in production mode, and there the sandbox does
 * not exist: a callback signed with the default sandbox secret, the pay page and the pay API all
 * answer 404, an order naming `sandbox` is refused before anything is held, and a token signed
 * with the default JWT secret is refused; (3) docker-compose.yml runs production mode with every
 * secret from `.env`, publishes no NATS port and names no sandbox, and `.env.example` holds no secret.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../config/index.js';
import { signSandboxCallback } from '../../payments/index.js';
import { signAccessToken, signingKey } from '../../accounts/tokens.js';
import { apiFor, grantPlatformAdmin, publishEvent, signUp, type Api, type User } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { REPO_ROOT, spawnTs } from '../harness/processes.js';

const ENTRY_POINTS = [
  'gateway/main.ts',
  'actors/node-main.ts',
  'orders/worker-main.ts',
  'orders/payment-events-main.ts',
  'orders/history-main.ts',
  'payments/relay-main.ts',
  'catalog/projector-main.ts',
  'queue/watcher-main.ts',
  'tickets/main.ts',
  'ops/start.ts',
];
/** The published development defaults, set explicitly (whatever the test runner's environment holds). */
const DEFAULTS = {
  TB_JWT_SECRET: SETTINGS.jwtSecret.default,
  TB_CHECKOUT_SECRET: SETTINGS.checkoutSecret.default,
  TB_QUEUE_SEED_SECRET: SETTINGS.queueSeedSecret.default,
  TB_SANDBOX_PAYMENT_SECRET: SETTINGS.sandboxPaymentSecret.default,
  TB_TICKET_ROTATION_SECRET: SETTINGS.ticketRotationSecret.default,
  TB_TICKET_SIGNING_KEY: '',
  TB_NATS_USER: '',
  TB_NATS_PASSWORD: '',
  TB_ORDER_DEFAULT_PROVIDER: 'sandbox',
  TB_SANDBOX_STAGING: '0',
  // Unreachable on purpose: a process that got past its checks would hang or fail differently.
  TB_NATS_URL: 'nats://127.0.0.1:1',
  TB_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
};
const GOOD = (what: string) => `${what}-0123456789abcdef0123456789abcdef`;
/** A real Ed25519 signing key (base64 DER), as production needs one. */
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
const GOOD_TICKETS = { TB_TICKET_ROTATION_SECRET: GOOD('rot'), TB_TICKET_SIGNING_KEY: SIGNING_KEY };

const run = async (file: string, env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> => {
  const child = spawnTs(file, { name: `prod-${file.replace(/\W+/g, '-')}`, env });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await child.exited;
  clearTimeout(timer);
  return {
    code,
    lines: child
      .logTail(200)
      .split('\n')
      .filter((l) => l.includes('refusing to start in production mode')),
  };
};

describe('security - production mode refuses unsafe settings', () => {
  it('security - every entry point exits 1 with one line per offending setting (TB_ENV=production, default secrets)', async () => {
    const results = await Promise.all(
      ENTRY_POINTS.map(async (file) => [file, await run(file, { ...DEFAULTS, TB_ENV: 'production', NODE_ENV: 'development' })] as const),
    );
    for (const [file, r] of results) {
      expect([file, r.code]).toEqual([file, 1]);
      const named = r.lines.map((l) => /: (TB_[A-Z0-9_]+) /.exec(l)?.[1]);
      expect([file, named.sort()]).toEqual([
        file,
        [
          'TB_CHECKOUT_SECRET',
          'TB_JWT_SECRET',
          'TB_NATS_PASSWORD',
          'TB_NATS_USER',
          'TB_ORDER_DEFAULT_PROVIDER',
          'TB_QUEUE_SEED_SECRET',
          'TB_TICKET_ROTATION_SECRET',
          'TB_TICKET_SIGNING_KEY',
        ],
      ]);
      expect(r.lines.find((l) => l.includes('TB_JWT_SECRET'))).toMatch(/public development default/);
      // A line names a setting, never its value.
      expect(r.lines.join('\n')).not.toContain(SETTINGS.jwtSecret.default);
    }
  }, 240_000);

  it('security - NODE_ENV=production alone implies production mode; a short secret is named with its size', async () => {
    const r = await run('gateway/main.ts', {
      ...DEFAULTS,
      ...GOOD_TICKETS,
      TB_ENV: '',
      NODE_ENV: 'production',
      TB_JWT_SECRET: 'short-secret',
      TB_CHECKOUT_SECRET: GOOD('co'),
      TB_QUEUE_SEED_SECRET: GOOD('qs'),
      TB_NATS_USER: 'gateway',
      TB_NATS_PASSWORD: GOOD('nats'),
      TB_ORDER_DEFAULT_PROVIDER: 'vnpay',
      TB_VNPAY: `TBTEST01:${GOOD('vnp')}`,
    });
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/TB_JWT_SECRET is 12 bytes; at least 32 are needed/);
  });

  it("security - a configured provider's weak secret and a staging sandbox's default secret are refused too", async () => {
    const base = {
      ...DEFAULTS,
      ...GOOD_TICKETS,
      TB_ENV: 'production',
      TB_JWT_SECRET: GOOD('jwt'),
      TB_CHECKOUT_SECRET: GOOD('co'),
      TB_QUEUE_SEED_SECRET: GOOD('qs'),
      TB_NATS_USER: 'actor',
      TB_NATS_PASSWORD: GOOD('nats'),
    };
    const weakProvider = await run('actors/node-main.ts', {
      ...base,
      TB_ORDER_DEFAULT_PROVIDER: 'payos',
      TB_PAYOS: `c:k:${GOOD('sum')}`,
    });
    expect([weakProvider.code, weakProvider.lines.map((l) => /: (TB_[A-Z0-9_]+(?::\w+)?) /.exec(l)?.[1])]).toEqual([
      1,
      ['TB_PAYOS:apiKey'],
    ]);
    const staging = await run('actors/node-main.ts', { ...base, TB_SANDBOX_STAGING: '1' });
    expect([staging.code, staging.lines.map((l) => /: (TB_[A-Z0-9_]+) /.exec(l)?.[1])]).toEqual([1, ['TB_SANDBOX_PAYMENT_SECRET']]);
  });
});

describe('security - production mode with good secrets: it starts, and the sandbox does not exist', () => {
  let s: E2EStack;
  let api: Api;
  let organizer: User;
  let admin: User;
  beforeAll(async () => {
    // Every process of the real stack in production mode; the plain test nats-server ignores credentials.
    s = await startE2EStack({
      nodes: 1,
      env: {
        ...GOOD_TICKETS,
        TB_ENV: 'production',
        TB_NATS_USER: 'actor',
        TB_NATS_PASSWORD: GOOD('nats'),
        TB_ORDER_DEFAULT_PROVIDER: 'vnpay',
        TB_VNPAY: `TBTEST01:${GOOD('vnp')}`,
      },
    });
    api = apiFor(s.url);
    [organizer, admin] = [await signUp(api, 'organizer'), await signUp(api, 'admin')];
    await grantPlatformAdmin(s.db, admin.id);
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('security - no sandbox callback, page or pay API; no sandbox orders; no tokens from the default JWT secret', async () => {
    const forged = signSandboxCallback(SETTINGS.sandboxPaymentSecret.default, {
      providerTxnId: 'sbx-forged',
      orderCode: '123456789012',
      amountMinor: 1,
      currency: 'VND',
      outcome: 'completed',
      paidAt: 1,
    });
    const cb = await fetch(`${s.url}/api/v1/payments/sandbox/callback`, { method: 'POST', headers: forged.headers, body: forged.body });
    expect(cb.status).toBe(404);
    expect((await fetch(`${s.url}/sandbox/pay/sbx_123456789012?orderCode=123456789012`)).status).toBe(404);
    expect((await fetch(`${s.url}/api/v1/payments/sandbox/pay?orderCode=123456789012`)).status).toBe(404);
    const pay = await api('POST', '/api/v1/payments/sandbox/pay', { body: { orderCode: '123456789012', outcome: 'completed' } });
    expect(pay.status).toBe(404);

    const { eventId, classIds } = await publishEvent(api, organizer, admin, { classes: [{ total: 5 }] });
    const buyer = await signUp(api, 'buyer');
    const viaSandbox = await api('POST', '/api/v1/orders', {
      token: buyer.token,
      key: 'sbx-1',
      body: { eventId, lines: [{ classId: classIds[0], quantity: 1 }], provider: 'sandbox' },
    });
    expect([viaSandbox.status, viaSandbox.body.error?.code]).toEqual([400, 'PAYMENT_PROVIDER_UNKNOWN']);
    const cls = await api('GET', `/api/v1/ticket-classes/${classIds[0]}`, { token: organizer.token });
    expect(cls.body).toMatchObject({ reserved: 0, sold: 0 });
    // The default provider (a configured real one) takes the order.
    const real = await api('POST', '/api/v1/orders', {
      token: buyer.token,
      key: 'vnp-1',
      body: { eventId, lines: [{ classId: classIds[0], quantity: 1 }] },
    });
    expect([real.status, real.body.status, real.body.payment?.paymentUrl]).toEqual([201, 'PENDING', expect.stringContaining('vpcpay')]);

    // The organizer's id is public (events list `createdBy`); a token signed with the default secret is worthless.
    const forgedToken = await signAccessToken(signingKey(SETTINGS.jwtSecret.default), organizer.id, [], Date.now(), 900);
    const me = await api('GET', '/api/v1/me', { token: forgedToken });
    expect(me.status).toBe(401);
  });
});

describe('security - docker-compose.yml and .env.example', () => {
  const compose = readFileSync(`${REPO_ROOT}docker-compose.yml`, 'utf8');
  const natsConf = readFileSync(`${REPO_ROOT}nats.conf`, 'utf8');
  const example = readFileSync(`${REPO_ROOT}.env.example`, 'utf8');
  /** Each top-level service's block of text (two-space indented key under `services:`). */
  const services = Object.fromEntries(
    compose
      .split('\n')
      .filter((l) => !/^\s*#/.test(l))
      .join('\n')
      .split(/\nservices:\n/)[1]!
      .split(/\n(?=[a-z])/)[0]!
      .split(/\n(?= {2}[a-z0-9-]+:\n)/)
      .map((b) => [/^\s*([a-z0-9-]+):/.exec(b)![1]!, b]),
  );

  it('security - compose runs production mode, every secret from .env with no default, no sandbox default', () => {
    expect(compose).toMatch(/x-app-env: &app-env\n(?: {2}.*\n)*? {2}TB_ENV: production\n/);
    for (const v of [
      'TB_JWT_SECRET',
      'TB_CHECKOUT_SECRET',
      'TB_QUEUE_SEED_SECRET',
      'TB_TICKET_ROTATION_SECRET',
      'TB_TICKET_SIGNING_KEY',
      'TB_ORDER_DEFAULT_PROVIDER',
    ]) {
      expect(compose).toMatch(new RegExp(`  ${v}: \\$\\{${v}:\\?`));
    }
    expect(compose).not.toMatch(/dev-only|TB_ORDER_DEFAULT_PROVIDER: *"?sandbox|TB_SANDBOX_STAGING: *"?1/);
    // Every password variable nats.conf reads is required by compose; every app service connects as a nats.conf user.
    const confVars = [...natsConf.matchAll(/password: \$(TB_NATS_[A-Z]+_PASSWORD)/g)].map((m) => m[1]!);
    expect(confVars).toHaveLength(10);
    for (const v of confVars) expect(compose).toMatch(new RegExp(`${v}: \\$\\{${v}:\\?`));
    const confUsers = new Set([...natsConf.matchAll(/\{ user: ([a-z]+), password:/g)].map((m) => m[1]!));
    for (const name of [
      'actor-1',
      'actor-2',
      'catalog',
      'stock-watcher',
      'payment-relay',
      'order-saga',
      'payment-events',
      'order-history',
      'gateway',
    ]) {
      const block = services[name]!;
      const user = /TB_NATS_USER: ([a-z]+)/.exec(block)?.[1] ?? (block.includes('*nats-actor') ? 'actor' : undefined);
      expect([name, user !== undefined && confUsers.has(user) && user !== 'operator']).toEqual([name, true]);
    }
  });

  it('security - compose publishes no NATS client or monitoring port; only the gateway is reachable', () => {
    const published = Object.entries(services)
      .filter(([, b]) => /\n {4}ports:/.test(b))
      .map(([n]) => n);
    expect(published).toEqual(['gateway']);
    expect(services['gateway']).toMatch(/ports: \["8080:8080"\]/);
  });

  it('security - .env.example carries no secret and .env is kept out of git and the image', () => {
    const values = example
      .split('\n')
      .filter((l) => /^TB_[A-Z0-9_]+=/.test(l))
      .map((l) => l.split('=') as [string, string]);
    for (const [k, v] of values) if (/SECRET|PASSWORD|KEY/.test(k)) expect([k, v]).toEqual([k, '']);
    expect(readFileSync(`${REPO_ROOT}.gitignore`, 'utf8').split('\n')).toContain('.env');
    expect(readFileSync(`${REPO_ROOT}.dockerignore`, 'utf8').split('\n')).toContain('.env');
  });
});
