/**
 * @module test/gateway/http.test
 * gateway integration over real uWebSockets.js sockets: probes, errors, CORS, limits, ids
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, stopAll, type StartedGateway } from './start-gateway.js';

let gw: StartedGateway;
beforeAll(async () => {
  gw = await startGateway({ config: { httpCorsOrigins: 'https://shop.example' } });
});
afterAll(stopAll);

const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string; details: unknown } }).error;

describe('gateway over uWebSockets.js', () => {
  it('gateway - healthz answers and listens on the port it reports', async () => {
    const r = await fetch(`${gw.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
    expect(gw.port).toBeGreaterThan(0);
  });

  it('gateway - readyz reflects NATS and injected checks', async () => {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: '127.0.0.1:4222', timeout: 2_000 });
    } catch (err) {
      // CI must fail, not skip silently (the services are part of its set-up).
      if (process.env.CI) throw err;
      console.warn('skipped: no NATS on 127.0.0.1:4222');
      return;
    }
    let pgUp = true;
    const g = await startGateway({ nc, readinessChecks: [{ name: 'postgres', check: async () => pgUp }] });
    const ready = await fetch(`${g.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { nats: 'ok', postgres: 'ok' } });
    pgUp = false;
    const down = await fetch(`${g.url}/readyz`);
    expect(down.status).toBe(503);
    const err = await errorOf(down);
    expect(err.code).toBe('HTTP_NOT_READY');
    expect(err.details).toMatchObject({ checks: { nats: 'ok', postgres: 'failed' } });
    pgUp = true;
    await nc.close();
    expect((await fetch(`${g.url}/readyz`)).status).toBe(503);
  });

  it('gateway - unknown route is 404 and wrong method is 405 with Allow', async () => {
    const nf = await fetch(`${gw.url}/api/v1/nothing-here`);
    expect(nf.status).toBe(404);
    expect((await errorOf(nf)).code).toBe('HTTP_NOT_FOUND');
    const na = await fetch(`${gw.url}/healthz`, { method: 'DELETE' });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('GET, HEAD');
    expect((await errorOf(na)).code).toBe('HTTP_METHOD_NOT_ALLOWED');
  });

  it('gateway - CORS preflight for configured origins', async () => {
    const pre = await fetch(`${gw.url}/api/v1/echo/a`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const evil = await fetch(`${gw.url}/api/v1/echo/a`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gateway - security headers on success and error responses', async () => {
    for (const path of ['/healthz', '/nope']) {
      const r = await fetch(`${gw.url}${path}`);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('gateway - 413 with the error JSON on a 2 MB body', async () => {
    const r = await fetch(`${gw.url}/api/v1/echo/a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(r.status).toBe(413);
    const err = await errorOf(r);
    expect(err.code).toBe('HTTP_PAYLOAD_TOO_LARGE');
    expect(r.headers.get('x-request-id')).toBeTruthy();
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200); // the server is fine afterwards
  });

  it('gateway - a chunked body without content-length is cut off at the limit', async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const r = await fetch(`${gw.url}/api/v1/echo/a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit).catch((err: unknown) => err as Error);
    // Either the client reads the 413, or the server closed before the client finished sending.
    if (r instanceof Response) {
      expect(r.status).toBe(413);
      expect((await errorOf(r)).code).toBe('HTTP_PAYLOAD_TOO_LARGE');
    }
    expect(sent).toBeLessThan(8 * 1024 * 1024);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });

  it('gateway - malformed JSON is 400 and a wrong content type is 415', async () => {
    const bad = await fetch(`${gw.url}/api/v1/echo/a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "x",',
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('HTTP_MALFORMED_JSON');
    const form = await fetch(`${gw.url}/api/v1/echo/a`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=x' });
    expect(form.status).toBe(415);
    const ok = await fetch(`${gw.url}/api/v1/echo/a%20b`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: 'a b', name: 'x' });
  });

  it('gateway - rate limit answers 429 with Retry-After', async () => {
    const g = await startGateway({ config: { rateLimitIpPerSec: 1, rateLimitIpBurst: 3 } });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${g.url}/api/v1/openapi.json`);
      statuses.push(last.status);
      if (last.status === 200) await last.arrayBuffer();
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses[4]).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await errorOf(last!)).code).toBe('HTTP_RATE_LIMITED');
    // Probes are limited on the public port too; the admin listener's are not.
    expect((await fetch(`${g.url}/healthz`)).status).toBe(429);
    expect((await fetch(`${g.adminUrl}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${g.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/tb_gateway_rate_limited_total\{scope="ip"\} [1-9]/);
    expect(metrics).toMatch(/tb_gateway_http_requests_total\{method="GET",route="\/api\/v1\/openapi.json",status="429"\}/);
  });

  it('gateway - request id is echoed, or generated when absent or insane', async () => {
    const mine = await fetch(`${gw.url}/healthz`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-42.a:b');
    const none = await fetch(`${gw.url}/healthz`);
    expect(none.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const insane = await fetch(`${gw.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(insane.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const echoed = await fetch(`${gw.url}/api/v1/echo/a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'rid-1' },
      body: '{"name":"x"}',
    });
    expect(await echoed.json()).toMatchObject({ requestId: 'rid-1' });
  });

  it('gateway - past its in-flight limit it sheds load with 503 and Retry-After, never queues; probes still answer', async () => {
    const g = await startGateway({ config: { httpMaxInFlight: 5 } });
    // 20 concurrent slow requests: 5 are handled, the rest are refused at once.
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const r = await fetch(`${g.url}/api/v1/slow`);
        return {
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          body: (await r.json()) as { error?: { code: string; retryable: boolean } },
          at: Date.now() - started,
        };
      }),
    );
    const ok = answers.filter((a) => a.status === 200);
    const shed = answers.filter((a) => a.status === 503);
    expect(ok.length + shed.length).toBe(20);
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(shed.length).toBeGreaterThan(0);
    for (const a of shed) {
      expect(a.body.error).toMatchObject({ code: 'HTTP_OVERLOADED', retryable: true });
      expect(a.retryAfter).toBe('1');
    }
    // Shed answers came before the slow route could have answered (no queueing behind it).
    expect(Math.min(...shed.map((a) => a.at))).toBeLessThan(Math.min(...ok.map((a) => a.at)));
    // While it is full, the probes and the scrape still answer, and the shed count is exported.
    const busy = Array.from({ length: 10 }, () => fetch(`${g.url}/api/v1/slow`).then((r) => r.arrayBuffer()));
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`${g.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${g.adminUrl}/metrics`)).text();
    expect(Number(/^tb_gateway_shed_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(shed.length);
    await Promise.all(busy);
    // Once the load is gone, requests are served again.
    expect((await fetch(`${g.url}/api/v1/slow`)).status).toBe(200);
  });
});
