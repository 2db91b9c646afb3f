/**
 * @module test/security/ws-limits.test
 * security (issue 10, item 6), over real sockets against the real stack (NATS, PostgreSQL, actor
 * node, gateway): the queue WebSocket's upgrade was not limited at all, so one user opened 200
 * sockets and one IP could upgrade as fast as it liked; and a bad percent-encoding in the
 * WebSocket path answered 500. Each attack here is refused now: the 6th socket of a user for an
 * event with 429 `WS_TOO_MANY_SOCKETS`, upgrades over an IP's bucket with 429
 * `HTTP_RATE_LIMITED` + `Retry-After`, a malformed escape with 400 `COMMAND_INVALID_ID`. The
 * gateway trusts `X-Forwarded-For` here so that one loopback client can play many IPs. Counts
 * only: the IP bucket refills so slowly (one upgrade per 1,000 s) that no clock enters the result.
 */
import { connect as tcp } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startWsStack, type WsStack } from '../gateway/ws/setup.js';

const BURST = 10;
const PER_USER = 5;

let stack: WsStack;
beforeAll(async () => {
  stack = await startWsStack({ httpTrustProxy: 1, wsUpgradeIpPerSec: 0.001, wsUpgradeIpBurst: BURST, wsMaxSocketsPerUser: PER_USER });
  await stack.openEvent('wslimits', 5);
});
afterAll(async () => {
  await stack?.stop();
});

type Attempt = { kind: 'open'; ws: WebSocket } | { kind: 'refused'; status: number; code: string; retryAfter: string | undefined };

/** One upgrade from `ip` with `token`: open (first status frame received) or refused (HTTP status and error code). */
function attempt(token: string, ip: string, eventId = 'wslimits'): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${stack.wsUrl}/api/v1/events/${eventId}/queue/ws`, ['tb.queue.v1', `bearer.${token}`], {
      headers: { 'x-forwarded-for': ip },
      perMessageDeflate: false,
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += String(d);
      });
      res.on('end', () => {
        ws.terminate();
        resolve({
          kind: 'refused',
          status: res.statusCode ?? 0,
          code: JSON.parse(body || '{}').error?.code,
          retryAfter: res.headers['retry-after'],
        });
      });
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string };
      if (frame.t === 'status') resolve({ kind: 'open', ws });
      else if (frame.t === 'error') reject(new Error(`refused after open: ${String(data)}`));
    });
    ws.once('error', () => undefined);
    ws.once('close', (code) => reject(new Error(`closed ${code} before a status`)));
  });
}

/** Send a raw upgrade request for `path`; resolve with the status line. */
function rawUpgrade(path: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tcp(Number(new URL(stack.httpUrl).port), '127.0.0.1');
    let buf = '';
    s.on('data', (d) => {
      buf += String(d);
      if (!buf.includes('\r\n')) return;
      s.destroy();
      resolve(buf.slice(0, buf.indexOf('\r\n')));
    });
    s.on('error', reject);
    s.write(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Forwarded-For: 198.51.100.77\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: tb.queue.v1, bearer.${token}\r\n\r\n`,
    );
  });
}

describe('security - queue WebSocket limits', () => {
  it('security - one user opening 200 sockets for an event at once gets 5; the rest are refused with 429 WS_TOO_MANY_SOCKETS', async () => {
    const [u] = await stack.users(1);
    // Each from its own IP: only the per-user cap is in play.
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => attempt(u!.token, `10.1.${i >> 8}.${i & 255}`)));
    const open = results.filter((r) => r.kind === 'open');
    const refused = results.filter((r): r is Extract<Attempt, { kind: 'refused' }> => r.kind === 'refused');
    expect(open).toHaveLength(PER_USER);
    expect(refused).toHaveLength(200 - PER_USER);
    expect(new Set(refused.map((r) => `${r.status} ${r.code}`))).toEqual(new Set(['429 WS_TOO_MANY_SOCKETS']));
    expect(stack.stream.stats().sockets).toBe(PER_USER);
    // Another user is not affected; closing a socket frees a place for the first user.
    const [other] = await stack.users(1);
    const otherSock = await attempt(other!.token, '10.2.0.1');
    expect(otherSock.kind).toBe('open');
    const first = open[0]!;
    if (first.kind !== 'open') throw new Error('unreachable');
    await new Promise<void>((r) => {
      first.ws.once('close', () => r());
      first.ws.close(1000);
    });
    await expect.poll(() => stack.stream.stats().sockets).toBe(PER_USER); // 4 of the user's + the other user's
    const again = await attempt(u!.token, '10.2.0.2');
    expect(again.kind).toBe('open');
    for (const r of [...open.slice(1), otherSock, again]) if (r.kind === 'open') r.ws.close(1000);
    await expect.poll(() => stack.stream.stats().sockets).toBe(0);
  });

  it('security - upgrades from one IP beyond its bucket are refused with 429 HTTP_RATE_LIMITED and Retry-After, whoever the user', async () => {
    const users = await stack.users(40);
    const ip = '203.0.113.9';
    const results: Attempt[] = [];
    for (const u of users) results.push(await attempt(u.token, ip)); // one after the other, 40 users, one IP
    const open = results.filter((r) => r.kind === 'open');
    const limited = results.filter((r): r is Extract<Attempt, { kind: 'refused' }> => r.kind === 'refused');
    expect(open).toHaveLength(BURST);
    expect(limited).toHaveLength(40 - BURST);
    for (const r of limited) {
      expect([r.status, r.code]).toEqual([429, 'HTTP_RATE_LIMITED']);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Refused tokens take from the bucket too (the limit is checked before the token): guessing is limited.
    const forged = await attempt('eyJhbGciOiJIUzI1NiJ9.e30.forged', ip).catch((e: unknown) => e);
    expect(forged).toMatchObject({ kind: 'refused', status: 429 });
    // Another IP has its own bucket.
    expect((await attempt(users[0]!.token, '203.0.113.10')).kind).toBe('open');
    for (const r of [...open]) if (r.kind === 'open') r.ws.close(1000);
  });

  it('security - a bad percent-encoding in the WebSocket path is 400 COMMAND_INVALID_ID, not 500', async () => {
    const [u] = await stack.users(1);
    for (const path of [
      '/api/v1/events/%E0%A4%A/queue/ws',
      '/api/v1/events/%/queue/ws',
      '/api/v1/events/ab%ZZ/queue/ws',
      '/api/v1/events/%C0%AF/queue/ws',
    ]) {
      expect(await rawUpgrade(path, u!.token), path).toBe('HTTP/1.1 400 Bad Request');
    }
    // Still served after them.
    const ok = await attempt(u!.token, '198.51.100.78');
    expect(ok.kind).toBe('open');
    if (ok.kind === 'open') ok.ws.close(1000);
  });
});
