/**
 * @module gateway/static/pages.test
 * The pages middleware in-process (through `handle()`): hashed assets immutable, other files and
 * the SPA fallback no-cache with the same-origin CSP, API and reserved paths never answered with
 * the page, unknown assets and path tricks 404, HEAD like GET, a missing build a clear 503.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { createGateway } from '../app.js';
import type { AnyRoute } from '../types.js';
import { PAGES_CSP, pagesMiddleware } from './pages.js';

const dir = mkdtempSync(join(tmpdir(), 'tb-pages-'));
mkdirSync(join(dir, 'assets'));
mkdirSync(join(dir, '.vite'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>TB</title><script type="module" src="/assets/index-AbCdEf12.js"></script>');
writeFileSync(join(dir, 'assets', 'index-AbCdEf12.js'), 'console.log(1)');
writeFileSync(join(dir, 'robots.txt'), 'User-agent: *');
writeFileSync(join(dir, '.vite', 'manifest.json'), '{}');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api: AnyRoute = {
  method: 'GET',
  path: '/api/v1/thing',
  summary: 'x',
  tags: ['t'],
  auth: 'none',
  responses: { 200: { description: 'ok' } },
  handler: () => ({ body: { ok: true } }),
};
const gatewayOn = (pagesDir: string) =>
  createGateway({
    config: loadConfig({}, { rateLimitIpPerSec: 0, rateLimitUserPerSec: 0 }),
    log: pino({ level: 'silent' }),
    routes: [api],
    middlewares: [pagesMiddleware({ dir: pagesDir })],
  });
const gw = gatewayOn(dir);
const get = (path: string, method = 'GET') => gw.handle({ method, path, headers: {}, ip: '127.0.0.1' });
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('gateway pages', () => {
  it('gateway pages - hashed assets are immutable, everything else no-cache; page routes get index.html with the same-origin CSP', async () => {
    const js = await get('/assets/index-AbCdEf12.js');
    expect([js.status, js.headers['cache-control'], js.headers['content-type']]).toEqual([
      200,
      'public, max-age=31536000, immutable',
      'text/javascript; charset=utf-8',
    ]);
    const robots = await get('/robots.txt');
    expect([robots.status, robots.headers['cache-control']]).toEqual([200, 'no-cache']);
    for (const path of ['/', '/events/ev1', '/events/ev1/queue', '/orders/ord_1', '/index.html']) {
      const r = await get(path);
      expect([path, r.status, r.headers['cache-control'], r.headers['content-security-policy']]).toEqual([
        path,
        200,
        'no-cache',
        PAGES_CSP,
      ]);
      expect(text(r.body)).toContain('<title>TB</title>');
    }
    expect((await get('/events/ev1', 'HEAD')).status).toBe(200);
  });

  it('gateway pages - API and reserved paths, unknown assets, dot files and path tricks are never the page', async () => {
    expect(text((await get('/api/v1/thing')).body)).toContain('"ok":true');
    for (const path of [
      '/api/v1/nope',
      '/api',
      '/internal/x',
      '/sandbox/pay/x',
      '/metrics/x',
      '/assets/index-Zzzzzzzz.js',
      '/.vite/manifest.json',
      '/assets/../../package.json',
      '/%2e%2e/package.json',
      '/favicon.ico',
    ]) {
      const r = await get(path);
      expect([path, r.status]).toEqual([path, 404]);
    }
    expect((await gw.handle({ method: 'POST', path: '/events/ev1', headers: {}, ip: '127.0.0.1' })).status).toBe(404);
  });

  it('gateway pages - without a build, page paths say how to build it (503) and the API still answers', async () => {
    const bare = gatewayOn(join(dir, 'missing'));
    const r = await bare.handle({ method: 'GET', path: '/events/ev1', headers: {}, ip: '127.0.0.1' });
    expect([r.status, text(r.body)]).toEqual([503, expect.stringContaining('npm run build:web')]);
    expect((await bare.handle({ method: 'GET', path: '/api/v1/thing', headers: {}, ip: '127.0.0.1' })).status).toBe(200);
  });
});
