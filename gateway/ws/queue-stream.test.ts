/**
 * @module gateway/ws/queue-stream.test
 * The queue stream against a fake queue service and a fake feed: the synchronous upgrade (auth,
 * protocol selection, bad ids and encodings, limits), authorization after open (status at once,
 * or a refusal close code), one NATS watch per event, claims when the cursor passes, and
 * corrections batched per tick (fake timers: no wall-clock window).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TbError } from '../../contracts/index.js';
import { createRequest } from '../request.js';
import type { QueueFeed } from './queue-feed.js';
import { fakeSocket, status, type FakeSocket } from './testing.js';
import { createQueueStream, type QueueStream } from './queue-stream.js';
import type { QueueFeedEvent, QueuePort, QueueSocketData, QueueStreamOptions } from './types.js';
import { wsCredentials } from './ws-auth.js';

const OPTIONS: QueueStreamOptions = {
  correctionMs: 10_000,
  cursorIntervalMs: 0,
  backpressureBytes: 65_536,
  idleTimeoutSec: 60,
  maxInFlight: 16,
};

/** Tokens are user ids here (`good` = u1, `good2` = u2, `u<n>` = itself); anything else is forged. */
const checkAccessToken = (t: string) => {
  if (t === 'good' || t === 'good2') return { userId: t === 'good' ? 'u1' : 'u2', exp: 9e9 };
  if (/^u\d+$/.test(t)) return { userId: t, exp: 9e9 };
  throw new TbError('AUTH_TOKEN_INVALID');
};

function setup(over: { queue?: Partial<QueuePort>; options?: Partial<QueueStreamOptions>; deleted?: Set<string> } = {}) {
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
    ...over.queue,
  };
  const feed = (onEvent: (ev: QueueFeedEvent) => void): QueueFeed => {
    emit = onEvent;
    return {
      watch: (e) => void watched.set(e, (watched.get(e) ?? 0) + 1),
      unwatch: (e) => void watched.set(e, (watched.get(e) ?? 0) - 1),
      watched: () => [...watched.keys()],
      malformed: 0,
      close() {},
    };
  };
  const published: string[] = [];
  const stream = createQueueStream({
    queue,
    feed,
    publish: (_t, f) => published.push(f),
    log: pino({ level: 'silent' }),
    checkAccessToken,
    verifyAccessToken: async (t) => {
      const { userId } = checkAccessToken(t);
      if (over.deleted?.has(userId)) throw new TbError('AUTH_TOKEN_INVALID');
      return { userId, roles: [] };
    },
    options: { ...OPTIONS, ...over.options },
  });
  return { stream, watched, emit: (ev: QueueFeedEvent) => emit(ev), positions, claims, published };
}

const req = (path: string, headers: Record<string, string> = {}, query = '', ip = '10.0.0.1') => ({
  ...createRequest({ method: 'GET', path, headers, query } as never),
  ip,
});

/** Upgrade with `token` and open a fake socket, as the adapter does (open runs inside the upgrade). */
function connect(stream: QueueStream, token: string, eventId = 'ev1'): FakeSocket {
  const up = stream.route.upgrade(req(`/api/v1/events/${eventId}/queue/ws`, {}, `access_token=${token}`));
  if (!('data' in up)) throw new Error(`refused: ${up.response.status}`);
  const s = fakeSocket(up.data.userId, eventId);
  (s as { data: QueueSocketData }).data = up.data;
  stream.route.open!(s);
  return s;
}

/** Let the authorization after open (promises) settle. */
const settle = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  vi.useRealTimers();
});

describe('gateway ws stream (fake queue)', () => {
  it('gateway ws - credentials come from the bearer subprotocol or access_token, and select a protocol', () => {
    expect(wsCredentials({ headers: { 'sec-websocket-protocol': 'tb.queue.v1, bearer.abc' }, query: '' })).toEqual({
      token: 'abc',
      protocol: 'tb.queue.v1',
    });
    expect(wsCredentials({ headers: { 'sec-websocket-protocol': 'bearer.abc' }, query: '' })).toEqual({
      token: 'abc',
      protocol: 'bearer.abc',
    });
    expect(wsCredentials({ headers: {}, query: 'access_token=xyz' })).toEqual({ token: 'xyz', protocol: undefined });
    expect(wsCredentials({ headers: {}, query: '' }).token).toBeUndefined();
  });

  it('gateway ws - upgrade decides synchronously: 401 for a missing or bad token, 400 for a bad event id or a bad percent-encoding', () => {
    const { stream } = setup();
    const missing = stream.route.upgrade(req('/api/v1/events/ev1/queue/ws'));
    expect(missing).not.toBeInstanceOf(Promise);
    expect('response' in missing && missing.response.status).toBe(401);
    const bad = stream.route.upgrade(req('/api/v1/events/ev1/queue/ws', { 'sec-websocket-protocol': 'bearer.nope' }));
    expect('response' in bad && bad.response.status).toBe(401);
    const badId = stream.route.upgrade(req('/api/v1/events/a.b/queue/ws', {}, 'access_token=good'));
    expect('response' in badId && badId.response.status).toBe(400);
    for (const path of ['/api/v1/events/%E0%A4%A/queue/ws', '/api/v1/events/%/queue/ws', '/api/v1/events/ev%ZZ1/queue/ws']) {
      const r = stream.route.upgrade(req(path, {}, 'access_token=good'));
      expect('response' in r && r.response.status).toBe(400);
      expect('response' in r && JSON.parse(Buffer.from(r.response.body).toString()).error.code).toBe('COMMAND_INVALID_ID');
    }
  });

  it('gateway ws - open sends the status once authorized; the cursor passing a socket claims for it only', async () => {
    const { stream, watched, emit, positions, claims, published } = setup();
    positions.set('u1', 3);
    positions.set('u2', 8);
    const sockets = ['good', 'good2'].map((t) => connect(stream, t));
    expect(sockets[0]!.frames).toEqual([]); // nothing is sent from inside the upgrade
    await settle();
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
    expect(stream.stats()).toMatchObject({ sockets: 0, rooms: 0, claims: 1, authorizing: 0 });
    stream.close();
  });

  it('gateway ws - a refusal after open is an error frame and a close with 4000 + status and the code as reason', async () => {
    const notOpen = setup({
      queue: {
        join: async (eventId) => {
          throw new TbError('QUEUE_NOT_OPEN', { eventId, reason: 'not published' });
        },
      },
    });
    const s = connect(notOpen.stream, 'good');
    await settle();
    expect(s.frames).toEqual([{ t: 'error', code: 'QUEUE_NOT_OPEN', message: expect.any(String), retryable: false }]);
    expect(s.ended).toEqual({ code: 4409, reason: 'QUEUE_NOT_OPEN' });
    expect(notOpen.stream.stats()).toMatchObject({ sockets: 0, refusedAfterOpen: 1 });
    notOpen.stream.route.close!(s, 4409);

    const gone = setup({ deleted: new Set(['u1']) });
    const d = connect(gone.stream, 'good');
    await settle();
    expect(d.ended).toEqual({ code: 4401, reason: 'AUTH_TOKEN_INVALID' });

    const broken = setup({
      queue: {
        join: async () => {
          throw new Error('secret detail');
        },
      },
    });
    const b = connect(broken.stream, 'good');
    await settle();
    expect(b.ended).toEqual({ code: 4500, reason: 'INTERNAL' });
    expect(JSON.stringify(b.frames)).not.toContain('secret detail');
  });

  it('gateway ws - a socket closed before its authorization finished never enters a room', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { stream, watched } = setup({
      queue: {
        join: async () => {
          await gate;
          return status(1);
        },
      },
    });
    const s = connect(stream, 'good');
    expect(stream.stats().authorizing).toBe(1);
    stream.route.close!(s, 1006);
    release();
    await settle();
    expect(s.frames).toEqual([]);
    expect(stream.stats()).toMatchObject({ sockets: 0, rooms: 0, authorizing: 0 });
    expect(watched.get('ev1')).toBeUndefined();
  });

  it('gateway ws - a user gets at most maxSocketsPerUser sockets per event (429), and one more once one closed', () => {
    const { stream } = setup({ options: { maxSocketsPerUser: 2 } });
    const a = connect(stream, 'good');
    connect(stream, 'good');
    const third = stream.route.upgrade(req('/api/v1/events/ev1/queue/ws', {}, 'access_token=good'));
    expect('response' in third && third.response.status).toBe(429);
    expect('response' in third && JSON.parse(Buffer.from(third.response.body).toString()).error.code).toBe('WS_TOO_MANY_SOCKETS');
    expect(() => connect(stream, 'good', 'ev2')).not.toThrow(); // per event
    expect(() => connect(stream, 'good2')).not.toThrow(); // per user
    stream.route.close!(a, 1000);
    expect(() => connect(stream, 'good')).not.toThrow();
    expect(stream.stats().upgradesOverUserCap).toBe(1);
  });

  it('gateway ws - upgrades are rate-limited per client IP with 429 and Retry-After', () => {
    const { stream } = setup({ options: { upgradeIpPerSec: 1, upgradeIpBurst: 3 } });
    const status = (ip: string) => {
      const r = stream.route.upgrade(req('/api/v1/events/ev1/queue/ws', {}, 'access_token=nope', ip));
      return 'response' in r ? r.response : undefined;
    };
    // Refused tokens take from the bucket too: the limit comes first, so it bounds token guessing.
    expect([1, 2, 3].map(() => status('10.0.0.9')?.status)).toEqual([401, 401, 401]);
    const limited = status('10.0.0.9');
    expect(limited?.status).toBe(429);
    expect(limited?.headers['retry-after']).toBe('1');
    expect(status('10.0.0.10')?.status).toBe(401); // another IP has its own bucket
    expect(stream.stats().upgradesRateLimited).toBe(1);
  });

  it('gateway ws - corrections are batched: at most one statusMany per event per tick, none per socket; the opening reshuffle too', async () => {
    vi.useFakeTimers(); // ticks are advanced one by one: no wall-clock window to count in
    const single: string[] = [];
    const batches: Array<{ eventId: string; tickets: number[] }> = [];
    let emit: (ev: QueueFeedEvent) => void = () => {};
    const queue: QueuePort = {
      join: async (_e, u) => status(Number(u.slice(1))),
      status: async (_e, u) => {
        single.push(u);
        return status(1);
      },
      claim: async () => ({ token: 't', expiresAt: 1 }),
      statusMany: async (eventId, sessions) => {
        batches.push({ eventId, tickets: sessions.map((x) => x.ticket) });
        return sessions.map((x) => status(x.ticket, { ahead: x.ticket + 100, sessionId: x.sessionId }));
      },
    };
    const stream = createQueueStream({
      queue,
      publish: () => undefined,
      log: pino({ level: 'silent' }),
      feed: (onEvent) => {
        emit = onEvent;
        return { watch() {}, unwatch() {}, watched: () => [], malformed: 0, close() {} };
      },
      checkAccessToken,
      verifyAccessToken: async (t) => ({ userId: t, roles: [] }),
      options: { ...OPTIONS, correctionMs: 1_000 },
    });
    const sockets = [];
    for (let i = 1; i <= 60; i++) sockets.push(connect(stream, `u${i + 10}`));
    await vi.advanceTimersByTimeAsync(0); // authorizations settle: every socket is in the wheel
    expect(stream.stats().sockets).toBe(60);
    // One correction period is 10 ticks of 100 ms (and one more for the wheel's phase): after
    // each tick, at most one more batch, whatever the number of sockets due in it.
    for (let tick = 0; tick < 11; tick++) {
      const before = batches.length;
      await vi.advanceTimersByTimeAsync(100);
      await vi.advanceTimersByTimeAsync(1); // the tick's flush (setImmediate) runs right after it
      expect(batches.length - before).toBeLessThanOrEqual(1);
    }
    expect(single).toEqual([]);
    const asked = batches.flatMap((b) => b.tickets).sort((a, b) => a - b);
    expect(new Set(asked)).toEqual(new Set(Array.from({ length: 60 }, (_, i) => i + 11))); // every socket, by its own ticket
    expect(batches.length).toBeLessThanOrEqual(11);
    expect(
      sockets.every((x) =>
        x.frames.some((f: { t: string; ahead?: number }) => f.t === 'status' && f.ahead === Number(x.data.userId.slice(1)) + 100),
      ),
    ).toBe(true);
    batches.length = 0;
    emit({ name: 'opened', eventId: 'ev1', at: 1, data: {} });
    await vi.advanceTimersByTimeAsync(1); // the flush, not yet the next wheel tick
    expect(batches).toHaveLength(1);
    expect(batches[0]!.tickets).toHaveLength(60);
    expect(stream.stats().correctionReads).toBeLessThan(stream.stats().corrections);
    for (const x of sockets) stream.route.close!(x, 1000);
    stream.close();
  });
});
