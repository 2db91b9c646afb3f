/**
 * @module test/gateway/openapi-lint.test
 * The gateway's OpenAPI document, as served with every application route, passes Redocly's
 * recommended rules (`redocly.yaml` says which rule is off and why): no error, no warning.
 * Plus what a client generator relies on: public operations say `security: []`, the headers the
 * API reads are declared parameters, the password rules are in the schema, views are components.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { createGateway } from '../../gateway/index.js';
import { allApplicationRoutes } from '../../tools/api-docs.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tb-openapi-'));
let doc: any;
beforeAll(async () => {
  const gateway = createGateway({ config: loadConfig({}), log: pino({ level: 'silent' }), routes: allApplicationRoutes() });
  const r = await gateway.handle({ method: 'GET', path: '/api/v1/openapi.json' });
  expect(r.status).toBe(200);
  doc = JSON.parse(Buffer.from(r.body).toString('utf8'));
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(doc));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

describe('OpenAPI document', () => {
  it('passes Redocly lint with the recommended rules: no error, no warning', async () => {
    const cli = join(root, 'node_modules/@redocly/cli/bin/cli.js');
    // No telemetry, no update check: the test talks to nobody.
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
    const out = await run(
      process.execPath,
      [cli, 'lint', join(dir, 'openapi.json'), '--config', join(root, 'redocly.yaml'), '--format', 'json'],
      {
        cwd: dir,
        env,
        maxBuffer: 64 << 20,
      },
    ).catch((err: { stdout: string; stderr: string }) => err);
    const report = JSON.parse(out.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);

  it('public operations say security: [], the others name the bearer scheme', () => {
    const register = doc.paths['/api/v1/auth/register'].post;
    expect(register.security).toEqual([]);
    expect(doc.paths['/api/v1/orders'].post.security).toEqual([{ bearerAuth: [] }]);
    for (const { path, method, op } of operations()) expect(Array.isArray(op.security), `${method} ${path}`).toBe(true);
  });

  it('declares the headers the API reads', () => {
    const headerNames = (path: string, method: string) =>
      (doc.paths[path][method].parameters as { in: string; name: string }[]).filter((p) => p.in === 'header').map((p) => p.name);
    for (const [path, method] of [
      ['/api/v1/orders', 'post'],
      ['/api/v1/events/{eventId}', 'get'],
      ['/api/v1/events/{eventId}/queue/join', 'post'],
    ]) {
      expect(headerNames(path!, method!)).toContain('X-Event-Access-Code');
    }
    expect(headerNames('/api/v1/orders', 'post')).toEqual(expect.arrayContaining(['Idempotency-Key', 'X-Request-Id']));
    expect(headerNames('/api/v1/auth/register', 'post')).toContain('Accept-Language');
    expect(headerNames('/api/v1/payments/sandbox/callback', 'post')).toContain('X-Tb-Sandbox-Signature');
    for (const { path, method, op } of operations()) {
      expect(
        op.parameters.some((p: { name: string }) => p.name === 'X-Request-Id'),
        `${method} ${path}`,
      ).toBe(true);
    }
  });

  it('carries the password policy and examples in the schema', () => {
    const body = doc.paths['/api/v1/auth/register'].post.requestBody.content['application/json'].schema;
    expect(body.properties.password).toMatchObject({ minLength: 10, maxLength: 256 });
    expect(body.properties.password.description).toContain('ACCOUNT_PASSWORD_TOO_WEAK');
    expect(body.properties.password).not.toHaveProperty('x-documented');
    expect(body.properties.email.examples).toEqual(['alice@example.com']);
    const change = doc.paths['/api/v1/me/password'].post.requestBody.content['application/json'].schema;
    expect(change.properties.newPassword.minLength).toBe(10);
  });

  it('names the views as components and refers to them', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ErrorResponse', 'EventView', 'OrderView', 'TicketClassView', 'QueueView', 'PublicUser']),
    );
    expect(doc.paths['/api/v1/orders'].post.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/OrderView',
    });
    expect(doc.paths['/api/v1/orders'].post.responses['403'].description).toContain('ORDER_CHECKOUT_TOKEN_REQUIRED');
    expect(doc.paths['/api/v1/orders'].post.responses).not.toHaveProperty('401.description', expect.stringContaining('checkout'));
  });
});
