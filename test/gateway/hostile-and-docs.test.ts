/**
 * @module test/gateway/hostile-and-docs.test
 * gateway integration: hostile input never yields a 500; OpenAPI/docs; graceful shutdown
 */
import { connect as tcp } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, stopAll, type StartedGateway } from './start-gateway.js';

let gw: StartedGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(stopAll);

/** Send raw bytes and resolve with the status line of the answer ('' when the server just closed). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = tcp(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => {
      data += d.toString('latin1');
      if (data.includes('\r\n\r\n')) s.end();
    });
    s.on('error', () => resolve(data.split('\r\n')[0] ?? ''));
    s.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    s.setTimeout(1_000, () => s.destroy());
    s.write(request);
  });
}

describe('gateway hostile input and documents', () => {
  it('gateway - never a 500 on hostile input', async () => {
    const paths = [
      '/%',
      '/%00',
      '/%E0%A4%A',
      '/api/v1/echo/%ZZ',
      `/${'a'.repeat(5000)}`,
      '/..%2f..%2fetc/passwd',
      '/api/v1/echo/<script>',
      '/healthz?%%%=&&==',
      '/api/v1/openapi.json?__proto__[x]=1',
      '/api/docs?constructor=1',
      '/%2e%2e/',
      '/\u00e9\u00e8',
    ];
    for (const p of paths) {
      const r = await fetch(`${gw.url}${p}`);
      expect(r.status, p).toBeLessThan(500);
      await r.arrayBuffer();
    }
    const bodies: [string, string | Uint8Array][] = [
      ['application/json', '{"name":"x","__proto__":{"admin":true}}'],
      ['application/json', 'null'],
      ['application/json', '[]'],
      ['application/json', '"str"'],
      ['application/json', '{"name":{"$gt":""}}'],
      ['application/json', '1e999999'],
      ['application/json', new Uint8Array([0xff, 0xfe, 0x00, 0x7b])],
      ['application/json; charset=utf-16', '{"name":"x"}'],
      ['application/json', `{"name":"${'x'.repeat(100_000)}"}`],
      ['application/json', '['.repeat(100_000)],
      ['multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
      ['', ''],
      ['application/json', ''],
    ];
    for (const [type, body] of bodies) {
      const r = await fetch(`${gw.url}/api/v1/echo/a`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });
      expect(r.status, `${type} ${String(body).slice(0, 40)}`).toBeLessThan(500);
      const json = (await r.json()) as { id?: string; error?: { code: string } };
      // Each answer is either the echo or a registered error code; both branches assert.
      if (r.status < 400) expect(json).toMatchObject({ id: 'a', name: expect.any(String) });
      else expect(json.error?.code).toMatch(/^[A-Z_]+$/);
    }
    const headerSets: Record<string, string>[] = [
      { authorization: `Bearer ${'a'.repeat(10_000)}` },
      { authorization: 'Bearer' },
      { 'content-length': 'abc' },
      { origin: 'null', 'access-control-request-method': 'DELETE' },
      { 'x-request-id': '../../etc' },
      { 'x-forwarded-for': 'garbage' },
      { 'content-type': 'application/json'.repeat(100) },
    ];
    for (const h of headerSets) {
      const r = await fetch(`${gw.url}/api/v1/echo/a`, { method: 'POST', headers: h, body: '{"name":"x"}' }).catch(
        (err: unknown) => err as Error,
      );
      if (r instanceof Error) {
        // Only the client may refuse to send such a request (undici validates some headers);
        // the gateway itself must stay up and answer the next request.
        expect(r).toBeInstanceOf(TypeError);
        expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      } else {
        expect(r.status, JSON.stringify(h).slice(0, 60)).toBeLessThan(500);
      }
    }
    for (const req of [
      'GARBAGE\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
      'BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n',
      'GET /healthz HTTP/9.9\r\n\r\n',
    ]) {
      const status = await raw(gw.port, req);
      expect(status, JSON.stringify(req)).not.toMatch(/ 5\d\d /);
    }
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });

  it('gateway - openapi.json is OpenAPI 3.1 with the routes present', async () => {
    const r = await fetch(`${gw.url}/api/v1/openapi.json`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/api/v1/openapi.json', '/api/v1/echo/{id}', '/api/v1/slow']),
    );
    const echo = doc.paths['/api/v1/echo/{id}'].post;
    expect(echo.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true });
    expect(echo.requestBody.content['application/json'].schema.type).toBe('object');
    for (const item of Object.values(doc.paths) as any[]) {
      for (const op of Object.values(item) as any[]) {
        expect(op.operationId).toMatch(/^[A-Za-z0-9]+$/);
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      }
    }
    expect(doc.components.schemas.ErrorResponse).toBeDefined();
  });

  it('gateway - the plain docs page is self-contained HTML listing the operations', async () => {
    const r = await fetch(`${gw.url}/api/docs/plain`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    const html = await r.text();
    expect(html).toContain('/api/v1/echo/{id}');
    expect(html).not.toMatch(/src="http|href="http/);
  });

  it('gateway - /api/docs is Swagger UI served from the gateway: page, its files and the document it loads', async () => {
    const r = await fetch(`${gw.url}/api/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await r.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from another origin
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((u) => u.startsWith('/api/docs/'));
    expect(assets.sort()).toEqual([
      '/api/docs/favicon-32x32.png',
      '/api/docs/init.js',
      '/api/docs/plain',
      '/api/docs/swagger-ui-bundle.js',
      '/api/docs/swagger-ui.css',
    ]);
    for (const path of assets) {
      const a = await fetch(`${gw.url}${path}`);
      expect(a.status, path).toBe(200);
      expect((await a.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    expect((await fetch(`${gw.url}/api/docs/swagger-ui-bundle.js`)).headers.get('content-type')).toMatch(/javascript/);
    const init = await (await fetch(`${gw.url}/api/docs/init.js`)).text();
    expect(init).toContain('"url":"/api/v1/openapi.json"');
    expect(init).toContain('"validatorUrl":null');
    const missing = await fetch(`${gw.url}/api/docs/no-such-file.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('HTTP_NOT_FOUND');
  });

  it('gateway - graceful shutdown finishes in-flight requests, then stops accepting', async () => {
    const g = await startGateway();
    const slow = fetch(`${g.url}/api/v1/slow`);
    await new Promise((r) => setTimeout(r, 50));
    const closing = g.gateway.close();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    await closing;
    await expect(fetch(`${g.url}/healthz`)).rejects.toThrow();
  });
});
