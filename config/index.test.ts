import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADMIN_PORTS, INSTANCE_STRIDE, adminPortOf } from '../platform/ports.js';
import { SETTINGS, TUNING, configWarnings, loadConfig } from './index.js';

describe('config - settings', () => {
  it('has a default for every setting, and the README lists every variable and every admin port', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const missing = Object.values(SETTINGS)
      .map((s) => s.env)
      .filter((env) => !readme.includes(`\`${env}\``));
    expect(missing).toEqual([]);
    const ports = Object.entries(ADMIN_PORTS).filter(([kind, port]) => !readme.includes(`| \`${kind}\` | ${port} |`));
    expect(ports).toEqual([]);
    expect(() => loadConfig({})).not.toThrow();
  });

  it('keeps the settings an operator turns, under 40 (there were 107)', () => {
    expect(Object.keys(SETTINGS).length).toBeLessThan(40);
  });

  it('takes each payment provider as one <id>:<secret>… setting, split into its fields; a malformed one is refused without its value', () => {
    const c = loadConfig({ TB_ZALOPAY: '553:k1:k2:with:colons', TB_PAYOS: 'cid:api:sum', TB_VNPAY: 'TMN:hash' });
    expect([c.zalopayAppId, c.zalopayKey1, c.zalopayKey2]).toEqual(['553', 'k1', 'k2:with:colons']);
    expect([c.payosClientId, c.payosApiKey, c.payosChecksumKey]).toEqual(['cid', 'api', 'sum']);
    expect([c.vnpayTmnCode, c.vnpayHashSecret]).toEqual(['TMN', 'hash']);
    expect(loadConfig({}).zalopayAppId).toBe('');
    let message = '';
    try {
      loadConfig({ TB_PAYOS: 'cid:secret-api-key', TB_VNPAY: ':hash' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/TB_PAYOS must be <clientId>:<apiKey>:<checksumKey>/);
    expect(message).toMatch(/TB_VNPAY must be <tmnCode>:<hashSecret>/);
    expect(message).not.toContain('secret-api-key');
  });

  it('still reads the per-part provider variables of before, with a warning naming the new one', () => {
    const c = loadConfig({ TB_VNPAY_TMN_CODE: 'TMN', TB_VNPAY_HASH_SECRET: 'h:s' });
    expect([c.vnpayTmnCode, c.vnpayHashSecret]).toEqual(['TMN', 'h:s']);
    expect(configWarnings).toContain('TB_VNPAY_TMN_CODE, TB_VNPAY_HASH_SECRET deprecated: set TB_VNPAY=<tmnCode>:<hashSecret> instead');
    expect(loadConfig({ TB_VNPAY: 'NEW:x', TB_VNPAY_TMN_CODE: 'OLD' }).vnpayTmnCode).toBe('NEW');
  });

  it('refuses a non-integer where a number is expected, naming the variable', () => {
    expect(() => loadConfig({ TB_PARTITIONS: 'many' })).toThrow(/TB_PARTITIONS/);
  });

  it('lists every bad variable at once, with the bound or the allowed values', () => {
    let message = '';
    try {
      loadConfig({ TB_PARTITIONS: '0', TB_LOG_LEVEL: 'loud', TB_ADMIN_PORT: '70000', TB_PAYMENT_ENDPOINTS: 'live' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/TB_PARTITIONS "0": Expected integer to be greater or equal to 1/);
    expect(message).toMatch(/TB_LOG_LEVEL "loud".*one of fatal, error, warn, info, debug, trace, silent/);
    expect(message).toMatch(/TB_ADMIN_PORT "70000"/);
    expect(message).toMatch(/TB_PAYMENT_ENDPOINTS "live".*one of sandbox, production/);
  });

  it('reads the environment and lets overrides win', () => {
    expect(loadConfig({ TB_PARTITIONS: '8' }).partitions).toBe(8);
    expect(loadConfig({ TB_PARTITIONS: '8' }, { partitions: 4 }).partitions).toBe(4);
  });

  it('has the tuning constants as config fields, overridden by TB_TUNING (checked by name and type)', () => {
    expect(loadConfig({}).orderSagaGraceMs).toBe(TUNING.orderSagaGraceMs);
    expect(loadConfig({ TB_TUNING: '{"orderSagaGraceMs":500}' }).orderSagaGraceMs).toBe(500);
    expect(() => loadConfig({ TB_TUNING: '{"orderSagaGraceMz":500}' })).toThrow(/orderSagaGraceMz is no tuning constant/);
    expect(() => loadConfig({ TB_TUNING: '{"orderSagaGraceMs":"500"}' })).toThrow(/orderSagaGraceMs must be a number/);
    expect(() => loadConfig({ TB_TUNING: 'x' })).toThrow(/TB_TUNING must be a JSON object/);
  });

  it('reads MONGODB_URL under its new name TB_MONGODB_URL, with a warning; a retired variable is ignored with a warning', () => {
    expect(loadConfig({ MONGODB_URL: 'mongodb://old' }).mongodbUrl).toBe('mongodb://old');
    expect(loadConfig({ MONGODB_URL: 'mongodb://old', TB_MONGODB_URL: 'mongodb://new' }).mongodbUrl).toBe('mongodb://new');
    expect(configWarnings).toContain('MONGODB_URL is deprecated: rename it TB_MONGODB_URL');
    expect(loadConfig({ TB_ORDER_SAGA_GRACE_MS: '1' }).orderSagaGraceMs).toBe(TUNING.orderSagaGraceMs);
    expect(configWarnings.some((w) => w.startsWith('TB_ORDER_SAGA_GRACE_MS is no longer read'))).toBe(true);
  });

  it('chooses the payment provider URLs with TB_PAYMENT_ENDPOINTS', () => {
    expect(loadConfig({}).vnpayPayUrl).toMatch(/sandbox\.vnpayment\.vn/);
    expect(loadConfig({ TB_PAYMENT_ENDPOINTS: 'production' }).vnpayPayUrl).toBe('https://pay.vnpay.vn/vpcpay.html');
  });

  it('gives every process kind a fixed admin port, base + 10 × TB_INSTANCE; TB_ADMIN_PORT overrides it', () => {
    expect(adminPortOf('actor-node', loadConfig({}))).toBe(9181);
    expect(adminPortOf('actor-node', loadConfig({ TB_INSTANCE: '1' }))).toBe(9181 + INSTANCE_STRIDE);
    expect(adminPortOf('actor-node', loadConfig({ TB_ADMIN_PORT: '0' }))).toBe(0);
    expect(adminPortOf('gateway', loadConfig({ TB_ADMIN_PORT: '-1' }))).toBe(-1);
    const all = Object.keys(ADMIN_PORTS).flatMap((k) =>
      [0, 1, 2].map((i) => adminPortOf(k as keyof typeof ADMIN_PORTS, loadConfig({ TB_INSTANCE: String(i) }))),
    );
    expect(new Set(all).size).toBe(all.length);
  });
});
