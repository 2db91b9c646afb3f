/**
 * @module test/gateway/websocket.test
 * gateway integration: WebSocket routes through the transport-free interface
 */
import { connect as tcp } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonResponse, type WebSocketRoute } from '../../gateway/index.js';
import { startGateway, stopAll } from './start-gateway.js';

afterAll(stopAll);

/** Send a WebSocket upgrade request by hand; resolve with the status line and whatever frames follow. */
function upgrade(port: number, path: string): Promise<{ status: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const s = tcp(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = buf.subarray(0, buf.indexOf('\r\n')).toString();
      // wait briefly for a frame sent on open
      setTimeout(() => {
        s.destroy();
        resolve({ status, rest: buf.subarray(end + 4) });
      }, 100);
    });
    s.on('error', reject);
    s.write(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

describe('gateway websocket routes', () => {
  it('gateway - a websocket route upgrades or refuses through the transport-free interface', async () => {
    const route: WebSocketRoute<{ user: string }> = {
      path: '/ws/echo',
      upgrade(req) {
        if (req.query.includes('deny')) return { response: jsonResponse(401, { error: { code: 'AUTH_TOKEN_MISSING' } }) };
        return { data: { user: 'u1' } };
      },
      open(socket) {
        socket.send(`hello ${socket.data.user}`);
      },
    };
    const g = await startGateway({ webSocketRoutes: [route as WebSocketRoute<unknown>] });
    const ok = await upgrade(g.port, '/ws/echo');
    expect(ok.status).toBe('HTTP/1.1 101 Switching Protocols');
    expect(ok.rest.subarray(2).toString()).toBe('hello u1'); // unmasked text frame: 0x81, length, payload
    const denied = await upgrade(g.port, '/ws/echo?deny=1');
    expect(denied.status).toBe('HTTP/1.1 401 Unauthorized');
  });
});
