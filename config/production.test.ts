import { describe, expect, it } from 'vitest';
import { SETTINGS, loadConfig } from './index.js';
import { isProduction, natsConnectOptions, productionProblems, sandboxAvailable, splitNatsUrl } from './production.js';

const good = (s: string) => `${s}-0123456789abcdef0123456789abcdef`;
const safe = {
  TB_ENV: 'production',
  TB_JWT_SECRET: good('jwt'),
  TB_CHECKOUT_SECRET: good('co'),
  TB_QUEUE_SEED_SECRET: good('qs'),
  TB_NATS_USER: 'gateway',
  TB_NATS_PASSWORD: good('nats'),
  TB_ORDER_DEFAULT_PROVIDER: 'vnpay',
  TB_VNPAY: `T:${good('vnp')}`,
  TB_TICKET_ROTATION_SECRET: good('rot'),
  TB_TICKET_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIA==', // any non-empty value passes this check; tickets/codes.ts parses it
};

describe('config - production mode', () => {
  it('is off by default, on with TB_ENV=production, and NODE_ENV=production implies it', () => {
    expect(isProduction(loadConfig({}))).toBe(false);
    expect(isProduction(loadConfig({ TB_ENV: 'production' }))).toBe(true);
    expect(isProduction(loadConfig({ NODE_ENV: 'production' }))).toBe(true);
    expect(isProduction(loadConfig({ NODE_ENV: 'production', TB_ENV: 'development' }))).toBe(true);
    expect(productionProblems(loadConfig({}))).toEqual([]);
  });

  it('names each offending setting once, never its value', () => {
    const lines = productionProblems(loadConfig({ TB_ENV: 'production' }));
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'TB_JWT_SECRET',
      'TB_CHECKOUT_SECRET',
      'TB_QUEUE_SEED_SECRET',
      'TB_TICKET_ROTATION_SECRET',
      'TB_TICKET_SIGNING_KEY',
      'TB_NATS_USER',
      'TB_NATS_PASSWORD',
      'TB_ORDER_DEFAULT_PROVIDER',
    ]);
    expect(lines.join('\n')).not.toContain(SETTINGS.jwtSecret.default);
    expect(productionProblems(loadConfig(safe))).toEqual([]);
    expect(productionProblems(loadConfig({ ...safe, TB_CHECKOUT_SECRET: 'x'.repeat(31) }))).toEqual([
      'TB_CHECKOUT_SECRET is 31 bytes; at least 32 are needed',
    ]);
  });

  it('checks a provider only once configured, and the sandbox only where it exists', () => {
    expect(productionProblems(loadConfig({ ...safe, TB_ZALOPAY: '553:k1:' })).map((l) => l.split(' ')[0])).toEqual([
      'TB_ZALOPAY:key1',
      'TB_ZALOPAY:key2',
    ]);
    expect(productionProblems(loadConfig({ ...safe, TB_ORDER_DEFAULT_PROVIDER: 'payos' }))[0]).toMatch(
      /^TB_ORDER_DEFAULT_PROVIDER is payos, which is not configured/,
    );
    expect(sandboxAvailable(loadConfig(safe))).toBe(false);
    expect(sandboxAvailable(loadConfig({}))).toBe(true);
    const staging = loadConfig({ ...safe, TB_SANDBOX_STAGING: '1', TB_ORDER_DEFAULT_PROVIDER: 'sandbox' });
    expect(sandboxAvailable(staging)).toBe(true);
    expect(productionProblems(staging).map((l) => l.split(' ')[0])).toEqual(['TB_SANDBOX_PAYMENT_SECRET']);
  });
});

describe('config - NATS credentials', () => {
  it('takes user:pass from TB_NATS_URL (stripped from the servers) unless TB_NATS_USER is set', () => {
    expect(splitNatsUrl('nats://a:p%40ss@h1:4222, nats://a:p%40ss@h2:4222')).toEqual({
      servers: ['nats://h1:4222', 'nats://h2:4222'],
      user: 'a',
      pass: 'p@ss',
    });
    expect(splitNatsUrl('nats://127.0.0.1:4222')).toEqual({ servers: ['nats://127.0.0.1:4222'] });
    expect(natsConnectOptions(loadConfig({ TB_NATS_URL: 'nats://a:b@h:1' }), 'n')).toEqual({
      servers: ['nats://h:1'],
      name: 'n',
      user: 'a',
      pass: 'b',
    });
    expect(natsConnectOptions(loadConfig({ TB_NATS_URL: 'nats://a:b@h:1', TB_NATS_USER: 'u', TB_NATS_PASSWORD: 'p' }), 'n')).toMatchObject({
      user: 'u',
      pass: 'p',
    });
    expect(natsConnectOptions(loadConfig({}), 'n')).toEqual({ servers: ['nats://127.0.0.1:4222'], name: 'n' });
  });
});
