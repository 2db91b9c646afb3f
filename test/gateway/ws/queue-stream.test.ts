/**
 * @module test/gateway/ws/queue-stream.test
 * gateway ws integration (real NATS, PostgreSQL, actor node, gateway, `ws` clients): auth
 * refusal before the upgrade, refusals after open (close 4000 + status), the status at once, a reconnect resuming the same session, the
 * cursor and the admission reaching the right socket, and one NATS subscription per event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { queueFeedSubject } from '../../../gateway/ws/index.js';
import { openQueueClient } from './client.js';
import { startWsStack, type WsStack } from './setup.js';

let stack: WsStack;
beforeAll(async () => {
  stack = await startWsStack({ wsCursorIntervalMs: 0 });
});
afterAll(async () => {
  await stack?.stop();
});

/** The HTTP status of a refused upgrade. */
function refusedStatus(url: string, protocols?: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => reject(new Error('upgraded without a valid token')));
    ws.once('error', () => undefined);
  });
}

describe('gateway ws - queue stream', () => {
  it('gateway ws - refuses a missing, forged or expired token with 401 before upgrading', async () => {
    await stack.openEvent('wsauth', 5);
    const url = `${stack.wsUrl}/api/v1/events/wsauth/queue/ws`;
    expect(await refusedStatus(url)).toBe(401);
    expect(await refusedStatus(url, ['tb.queue.v1', 'bearer.not-a-jwt'])).toBe(401);
    expect(await refusedStatus(`${url}?access_token=eyJhbGciOiJIUzI1NiJ9.e30.x`)).toBe(401);
    const [u] = await stack.users(1);
    const ok = await openQueueClient(stack.wsUrl, 'wsauth', u!.token, { via: 'query' });
    expect(ok.ws.protocol).toBe('');
    ok.close();
    const viaProtocol = await openQueueClient(stack.wsUrl, 'wsauth', u!.token);
    expect(viaProtocol.ws.protocol).toBe('tb.queue.v1'); // the token is never echoed when another protocol is offered
    viaProtocol.close();
  });

  it('gateway ws - what needs I/O is refused after open: an error frame, then close 4000 + status with the code as reason', async () => {
    const [u, gone] = await stack.users(2);
    // No such event: the join fails after the socket opened.
    const noEvent = await openQueueClient(stack.wsUrl, 'wsnosuchevent', u!.token).then(
      () => 'opened',
      (e: { closeCode?: number; code?: string }) => e,
    );
    expect(noEvent).toMatchObject({ closeCode: expect.any(Number), code: expect.any(String) });
    const { closeCode, code } = noEvent as { closeCode: number; code: string };
    expect(closeCode).toBeGreaterThanOrEqual(4400);
    expect(closeCode).toBeLessThan(4500);
    expect(['COMMAND_NOT_FOUND', 'QUEUE_NOT_OPEN', 'QUEUE_NOT_ENABLED']).toContain(code);
    // A deleted account's token still has a valid signature: refused after open with 4401.
    await stack.openEvent('wsgone', 5);
    await stack.db.sql`update users set deleted_at = now() where id = ${gone!.id}`;
    const deleted = await openQueueClient(stack.wsUrl, 'wsgone', gone!.token).then(
      () => 'opened',
      (e: unknown) => e,
    );
    expect(deleted).toMatchObject({ closeCode: 4401, code: 'AUTH_TOKEN_INVALID' });
    expect(stack.stream.stats().refusedAfterOpen).toBeGreaterThanOrEqual(2);
  });

  it('gateway ws - sends the status at once, and a reconnect resumes the same session', async () => {
    await stack.openEvent('wsresume', 1);
    const users = await stack.users(3);
    const first = await openQueueClient(stack.wsUrl, 'wsresume', users[0]!.token);
    const c = await openQueueClient(stack.wsUrl, 'wsresume', users[1]!.token);
    expect(c.frames[0]!.frame).toMatchObject({ t: 'status', state: 'queued', position: 2, ticket: 2, cursor: 1 });
    expect(c.aheadHistory).toEqual([0]);
    const { sessionId, ticket } = c;
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = await openQueueClient(stack.wsUrl, 'wsresume', users[1]!.token);
    expect([again.sessionId, again.ticket]).toEqual([sessionId, ticket]);
    // The first user was admitted at once (one slot): the token came with the status.
    await first.waitFor((x) => x.admitted !== undefined, 20_000);
    // Freeing the slot admits the resumed user on its socket, with a token for that user only.
    await stack.complete('wsresume', first.sessionId!);
    await again.waitFor((x) => x.admitted !== undefined, 20_000);
    const claims = JSON.parse(Buffer.from(again.admitted!.token.split('.')[1]!, 'base64url').toString());
    expect(claims.sub ?? claims.userId).toBe(users[1]!.id);
    expect(again.cursor).toBe(2);
    first.close();
    again.close();
  });

  it('gateway ws - sold out and resumed reach every socket as one broadcast each', async () => {
    await stack.openEvent('wssold', 1);
    const users = await stack.users(5);
    const clients = await Promise.all(users.map((u) => openQueueClient(stack.wsUrl, 'wssold', u.token)));
    const published = stack.stream.stats().published;
    await stack.actors.request('queue', 'wssold', 'stock', { commandId: 'stock-0', available: 0, soldOut: true });
    await Promise.all(clients.map((c) => c.waitFor((x) => x.frames.some((f) => f.frame.t === 'soldOut'), 20_000)));
    await stack.actors.request('queue', 'wssold', 'stock', { commandId: 'stock-5', available: 5, soldOut: false });
    await Promise.all(clients.map((c) => c.waitFor((x) => x.frames.some((f) => f.frame.t === 'resumed'), 20_000)));
    expect(stack.stream.stats().published - published).toBeLessThanOrEqual(4); // soldOut + resumed (+ a cursor move), not one per socket
    for (const c of clients) c.close();
  });

  it('gateway ws - one NATS subscription per event whatever the number of sockets, gone with the last one', async () => {
    await stack.openEvent('wssubs', 2);
    const users = await stack.users(20);
    const clients = await Promise.all(users.map((u) => openQueueClient(stack.wsUrl, 'wssubs', u.token)));
    const subs = async () => {
      const res = await fetch(`http://127.0.0.1:${stack.nats.monitorPort}/connz?subs=detail`);
      const body = (await res.json()) as { connections: { subscriptions_list_detail?: { subject: string }[] }[] };
      return body.connections.flatMap((c) => c.subscriptions_list_detail ?? []).filter((s) => s.subject === queueFeedSubject('wssubs'))
        .length;
    };
    expect(await subs()).toBe(1);
    for (const c of clients) c.close();
    await expect.poll(subs, { timeout: 10_000 }).toBe(0);
  });
});
