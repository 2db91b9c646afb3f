/**
 * @module gateway/ws/queue-stream.test
 * The queue stream against a fake queue service and a fake feed: upgrade auth and protocol
 * selection, status at open, one NATS watch per event, claims when the cursor passes.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TbError } from '../../contracts/index.js';
import { createRequest } from '../request.js';
import type { QueueFeed } from './queue-feed.js';
import { fakeSocket, status } from './testing.js';
import { createQueueStream } from './queue-stream.js';
import type { QueueFeedEvent, QueuePort, QueueSocketData } from './types.js';
import { wsCredentials } from './ws-auth.js';

function setup() {
  const watched = new Map<string, number>();
  let emit: (ev: QueueFeedEvent) => void = () => {};
  const positions = new Map<string, number>();
  const claims: string[] = [];
  const queue: QueuePort = {
    join: async (_e, u) => status(positions.get(u) ?? 1),
    status: async (_e, u) => status(positions.get(u) ?? 1),
    statusMany: async (_e, sessions) => sessions.map((x) => status(x.ticket, { sessionId: x.sessionId })),
    claim: async (_e, u) => {
      claims.push(u);
      return { token: `tok-${u}`, expiresAt: 99 };
    },
  };
  const feed = (onEvent: (ev: QueueFeedEvent) => void): QueueFeed => {
    emit = onEvent;
    return {
      watch: (e) => void watched.set(e, (watched.get(e) ?? 0) + 1),
      unwatch: (e) => void watched.set(e, (watched.get(e) ?? 0) - 1),
      watched: () => [...watched.keys()], malformed: 0, close() {},
    };
  };
  const published: string[] = [];
  const stream = createQueueStream({
    queue, feed, publish: (_t, f) => published.push(f), log: pino({ level: 'silent' }),
    verifyAccessToken: async (t) => {
      if (t !== 'good' && t !== 'good2') throw new TbError('AUTH_TOKEN_INVALID');
      return { userId: t === 'good' ? 'u1' : 'u2', roles: [] };
    },
    options: { correctionMs: 10_000, cursorIntervalMs: 0, backpressureBytes: 65_536, idleTimeoutSec: 60, maxInFlight: 16 },
  });
  return { stream, watched, emit: (ev: QueueFeedEvent) => emit(ev), positions, claims, published };
}

const req = (path: string, headers: Record<string, string> = {}, query = '') => createRequest({ method: 'GET', path, headers, query } as never);

describe('gateway ws stream (fake queue)', () => {
  it('gateway ws - credentials come from the bearer subprotocol or access_token, and select a protocol', () => {
    expect(wsCredentials({ headers: { 'sec-websocket-protocol': 'tb.queue.v1, bearer.abc' }, query: '' })).toEqual({ token: 'abc', protocol: 'tb.queue.v1' });
    expect(wsCredentials({ headers: { 'sec-websocket-protocol': 'bearer.abc' }, query: '' })).toEqual({ token: 'abc', protocol: 'bearer.abc' });
    expect(wsCredentials({ headers: {}, query: 'access_token=xyz' })).toEqual({ token: 'xyz', protocol: undefined });
    expect(wsCredentials({ headers: {}, query: '' }).token).toBeUndefined();
  });

  it('gateway ws - upgrade refuses a missing or bad token with 401 and a bad event id with 400', async () => {
    const { stream } = setup();
    const missing = await stream.route.upgrade(req('/api/v1/events/ev1/queue/ws'));
    expect('response' in missing && missing.response.status).toBe(401);
    const bad = await stream.route.upgrade(req('/api/v1/events/ev1/queue/ws', { 'sec-websocket-protocol': 'bearer.nope' }));
    expect('response' in bad && bad.response.status).toBe(401);
    const badId = await stream.route.upgrade(req('/api/v1/events/a.b/queue/ws', {}, 'access_token=good'));
    expect('response' in badId && badId.response.status).toBe(400);
  });

  it('gateway ws - open sends the status at once; the cursor passing a socket claims for it only', async () => {
    const { stream, watched, emit, positions, claims, published } = setup();
    positions.set('u1', 3);
    positions.set('u2', 8);
    const sockets = [];
    for (const token of ['good', 'good2']) {
      const up = await stream.route.upgrade(req('/api/v1/events/ev1/queue/ws', {}, `access_token=${token}`));
      if (!('data' in up)) throw new Error('refused');
      const s = fakeSocket(up.data.userId);
      (s as { data: QueueSocketData }).data = up.data;
      stream.route.open!(s);
      sockets.push(s);
    }
    expect(watched.get('ev1')).toBe(1); // one NATS subscription for the event, not one per socket
    expect(sockets[0]!.frames[0]).toMatchObject({ t: 'status', state: 'queued', position: 3 });
    emit({ name: 'advanced', eventId: 'ev1', at: 5, data: { cursor: 3, admittedRate: 2 } });
    expect(JSON.parse(published.at(-1)!)).toEqual({ t: 'cursor', cursor: 3, at: 5, rate: 2 });
    await new Promise((r) => setTimeout(r, 10));
    expect(claims).toEqual(['u1']);
    expect(sockets[0]!.frames.at(-1)).toEqual({ t: 'admitted', token: 'tok-u1', expiresAt: 99 });
    expect(sockets[1]!.frames.some((f: { t: string }) => f.t === 'admitted')).toBe(false);
    for (const s of sockets) stream.route.close!(s, 1000);
    expect(watched.get('ev1')).toBe(0);
    expect(stream.stats()).toMatchObject({ sockets: 0, rooms: 0, claims: 1 });
    stream.close();
  });

  it('gateway ws - corrections are batched: one statusMany per event per tick, none per socket; the opening reshuffle too', async () => {
    const single: string[] = [];
    const batches: Array<{ eventId: string; tickets: number[] }> = [];
    let emit: (ev: QueueFeedEvent) => void = () => {};
    const queue: QueuePort = {
      join: async (_e, u) => status(Number(u.slice(1))),
      status: async (_e, u) => { single.push(u); return status(1); },
      claim: async () => ({ token: 't', expiresAt: 1 }),
      statusMany: async (eventId, sessions) => {
        batches.push({ eventId, tickets: sessions.map((x) => x.ticket) });
        return sessions.map((x) => status(x.ticket, { ahead: x.ticket + 100, sessionId: x.sessionId }));
      },
    };
    const stream = createQueueStream({
      queue, publish: () => undefined, log: pino({ level: 'silent' }),
      feed: (onEvent) => { emit = onEvent; return { watch() {}, unwatch() {}, watched: () => [], malformed: 0, close() {} }; },
      verifyAccessToken: async (t) => ({ userId: t, roles: [] }),
      options: { correctionMs: 1_000, cursorIntervalMs: 0, backpressureBytes: 65_536, idleTimeoutSec: 60, maxInFlight: 16 },
    });
    const sockets = [];
    for (let i = 1; i <= 60; i++) {
      const up = await stream.route.upgrade(req('/api/v1/events/ev1/queue/ws', {}, `access_token=u${i + 10}`));
      if (!('data' in up)) throw new Error('refused');
      const sock = fakeSocket(up.data.userId);
      (sock as { data: QueueSocketData }).data = up.data;
      stream.route.open!(sock);
      sockets.push(sock);
    }
    await new Promise((r) => setTimeout(r, 1_300)); // one correction period (10 ticks) and a bit
    expect(single).toEqual([]);
    const asked = batches.flatMap((b) => b.tickets).sort((a, b) => a - b);
    expect(new Set(asked)).toEqual(new Set(Array.from({ length: 60 }, (_, i) => i + 11))); // every socket, by its own ticket
    expect(batches.length).toBeLessThanOrEqual(12); // per tick, not per socket
    expect(sockets.every((x) => x.frames.some((f: { t: string; ahead?: number }) => f.t === 'status' && f.ahead === (x.data.initial.ticket + 100)))).toBe(true);
    batches.length = 0;
    emit({ name: 'opened', eventId: 'ev1', at: 1, data: {} });
    await new Promise((r) => setImmediate(r));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.tickets).toHaveLength(60);
    expect(stream.stats().correctionReads).toBeLessThan(stream.stats().corrections);
    for (const x of sockets) stream.route.close!(x, 1000);
    stream.close();
  });
});
