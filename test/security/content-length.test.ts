/**
 * @module test/security/content-length.test
 * Attack (issue 10, item 6): a request with two different `Content-Length` headers was accepted
 * (uWebSockets.js frames the body by the first one, a proxy may use the other: request
 * smuggling). Now conflicting or malformed lengths, and Content-Length with Transfer-Encoding,
 * close the connection at once over uWS (it parses pipelined bytes before any answer could
 * close it, so the adapter answers nothing) and get 400 `HTTP_BAD_CONTENT_LENGTH` from the core;
 * the bytes after the first body are never run as a second request. Real uWS over raw TCP.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, stopAll, type StartedGateway } from '../gateway/start-gateway.js';

let gw: StartedGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(stopAll);

/** Write raw bytes, collect everything until the server closes (or 1.5 s pass). */
function exchange(request: string): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = connect(gw.port, '127.0.0.1');
    let text = '';
    let closed = false;
    sock.on('data', (d) => {
      text += d.toString('latin1');
    });
    sock.on('close', () => {
      closed = true;
      resolve({ text, closed });
    });
    sock.on('error', () => undefined);
    sock.setTimeout(1_500, () => {
      sock.destroy();
      resolve({ text, closed });
    });
    sock.write(request);
  });
}

const statusLines = (text: string) => text.split('\r\n').filter((l) => l.startsWith('HTTP/1.1 '));

describe('security - ambiguous body length', () => {
  it('security - two different Content-Length headers: connection closed, the smuggled request never runs', async () => {
    const first = '{"name":"a"}';
    const smuggled =
      'POST /api/v1/echo/smuggled HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{"name":"b"}';
    const request =
      `POST /api/v1/echo/first HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${first.length}\r\n` +
      `Content-Length: ${first.length + smuggled.length}\r\n\r\n${first}${smuggled}`;
    const { text, closed } = await exchange(request);
    expect(statusLines(text)).toEqual([]);
    expect(text).not.toContain('smuggled');
    expect(closed).toBe(true);
    // The gateway is fine afterwards.
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });

  it('security - a Content-Length that is not a number, or a list of different ones, is refused', async () => {
    for (const header of ['Content-Length: 12\r\nContent-Length: 13', 'Content-Length: 12\r\nContent-Length: +12']) {
      const { text } = await exchange(
        `POST /api/v1/echo/a HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${header}\r\n\r\n{"name":"a"}`,
      );
      const lines = statusLines(text);
      // uWS itself drops some of these without an answer; what must never happen is a success.
      expect(
        lines.every((l) => l === 'HTTP/1.1 400 Bad Request'),
        header,
      ).toBe(true);
      expect(text).not.toContain('"id":"a"');
    }
  });

  it('security - repeats of one same Content-Length are fine (RFC 9110 §8.6)', async () => {
    const { text } = await exchange(
      'POST /api/v1/echo/same HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{"name":"a"}',
    );
    expect(statusLines(text)).toEqual(['HTTP/1.1 200 OK']);
    expect(text).toContain('"id":"same"');
  });

  it('security - Content-Length with Transfer-Encoding never succeeds', async () => {
    const { text } = await exchange(
      'POST /api/v1/echo/te HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\nc\r\n{"name":"a"}\r\n0\r\n\r\n',
    );
    expect(statusLines(text).every((l) => l === 'HTTP/1.1 400 Bad Request')).toBe(true);
    expect(text).not.toContain('"id":"te"');
    // The core refuses it too, whatever adapter delivers it.
    for (const headers of [
      { 'content-length': '12', 'transfer-encoding': 'chunked' },
      { 'content-length': '12, 13' },
      { 'content-length': '0x0c' },
    ] as Record<string, string>[]) {
      const r = await gw.gateway.handle({
        method: 'POST',
        path: '/api/v1/echo/x',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"name":"a"}',
      });
      expect(r.status, JSON.stringify(headers)).toBe(400);
      expect(JSON.parse(new TextDecoder().decode(r.body)).error.code).toBe('HTTP_BAD_CONTENT_LENGTH');
      expect(r.headers['connection']).toBe('close');
    }
  });
});
