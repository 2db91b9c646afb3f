/**
 * @module gateway/ws/queue-room.test
 * Pure tests of a queue room: coalesced cursor publishes, claims for exactly the sockets the
 * cursor passed, backpressure (stale frames skipped, `admitted` held until drain), and the heap.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GatewaySocket } from '../types.js';
import { PositionHeap } from './position-heap.js';
import { QueueRoom, type QueueConn } from './queue-room.js';
import { fakeSocket, status } from './testing.js';
import type { QueueSocketData } from './types.js';

function conn(socket: GatewaySocket<QueueSocketData>, position: number): QueueConn {
  return {
    socket,
    eventId: 'ev1',
    userId: socket.data.userId,
    sessionId: `qs_${socket.data.userId}`,
    ticket: position,
    position,
    state: 'queued',
    admittedSent: false,
    pendingAdmitted: undefined,
    claiming: false,
    stale: false,
    caughtUpTo: -1,
    closed: false,
    slot: 0,
    askedAt: 0,
  };
}

describe('queue room', () => {
  let now = 1_000;
  const published: [string, any][] = [];
  const claimed: string[] = [];
  const refreshed: string[] = [];
  let room: QueueRoom;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 1_000;
    published.length = claimed.length = refreshed.length = 0;
    room = new QueueRoom('ev1', {
      publish: (t, f) => published.push([t, JSON.parse(f)]),
      claim: (c) => claimed.push(c.userId),
      refresh: (c) => refreshed.push(c.userId),
      cursorIntervalMs: 500,
      backpressureBytes: 1_000,
      now: () => now,
    });
  });
  afterEach(() => vi.useRealTimers());

  it('queue room - one cursor publish per interval, whatever the number of sockets and updates', () => {
    for (let i = 1; i <= 1_000; i++) room.add(conn(fakeSocket(`u${i}`), 10_000 + i));
    room.advance(1, now, 5);
    expect(published).toHaveLength(1);
    expect(published[0]).toEqual(['queue/ev1', { t: 'cursor', cursor: 1, at: 1_000, rate: 5 }]);
    for (let c = 2; c <= 50; c++) room.advance(c, now, 5); // inside the interval: coalesced
    expect(published).toHaveLength(1);
    now += 500;
    vi.advanceTimersByTime(500);
    expect(published).toHaveLength(2);
    expect(published[1]![1].cursor).toBe(50);
    room.advance(49, now, 5); // older cursor (redelivery): ignored
    room.advance(50, now, 5);
    vi.advanceTimersByTime(1_000);
    expect(published).toHaveLength(2);
    expect(room.delivered).toBe(2_000);
  });

  it('queue room - claims exactly the sockets the cursor passed, once each', () => {
    const conns = [5, 1, 3, 2, 4].map((p) => {
      const c = conn(fakeSocket(`u${p}`), p);
      room.add(c);
      room.applyStatus(c, status(p), false);
      return c;
    });
    room.advance(2, now, 1);
    expect(claimed.sort()).toEqual(['u1', 'u2']);
    room.advance(2, now, 1);
    room.advance(4, now, 1);
    expect(claimed.sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
    room.remove(conns[0]!); // u5 leaves before its turn
    room.advance(9, now, 1);
    expect(claimed).not.toContain('u5');
  });

  it('queue room - a backpressured socket gets no stale frames, but its admission waits for the drain', () => {
    const slow = fakeSocket('slow');
    const c = conn(slow, 3);
    room.add(c);
    slow.buffered = 5_000;
    expect(room.sendStale(c, '{"t":"status"}')).toBe(false);
    expect(c.stale).toBe(true);
    room.sendAdmitted(c, { token: 'tok', expiresAt: 9 });
    room.sendAdmitted(c, { token: 'tok', expiresAt: 9 }); // once only
    expect(slow.frames).toHaveLength(0);
    room.advance(7, now, 2);
    slow.buffered = 0;
    room.drain(c);
    expect(slow.frames).toEqual([
      { t: 'admitted', token: 'tok', expiresAt: 9 },
      { t: 'cursor', cursor: 7, at: now, rate: 2 },
    ]);
    expect(refreshed).toEqual(['slow']);
    room.drain(c); // nothing new: nothing sent
    expect(slow.frames).toHaveLength(2);
  });

  it('queue room - an admitted status hands the token over; a status frame carries the cursor', () => {
    const s = fakeSocket('u1');
    const c = conn(s, 1);
    room.add(c);
    room.advance(0, now, 0);
    room.applyStatus(c, status(1, { state: 'admitted', token: 't1', tokenExpiresAt: 42 }), true);
    expect(s.frames[0]).toMatchObject({ t: 'status', state: 'admitted', cursor: 0 });
    expect(s.frames[1]).toEqual({ t: 'admitted', token: 't1', expiresAt: 42 });
    room.broadcast({ t: 'soldOut', at: now });
    expect(room.soldOut).toBe(true);
    expect(published.at(-1)![1]).toEqual({ t: 'soldOut', at: now });
  });

  it('queue room - all held is its own state: status frames say allHeld (not soldOut) until stock is back', () => {
    const s = fakeSocket('u1');
    const c = conn(s, 5);
    room.add(c);
    room.broadcast({ t: 'allHeld', at: now });
    expect([room.allHeld, room.soldOut]).toEqual([true, false]);
    expect(published.at(-1)![1]).toEqual({ t: 'allHeld', at: now });
    room.applyStatus(c, status(5), true);
    expect(s.frames.at(-1)).toMatchObject({ t: 'status', allHeld: true });
    expect(s.frames.at(-1)!['soldOut']).toBeUndefined();
    room.broadcast({ t: 'resumed', at: now });
    expect([room.allHeld, room.soldOut]).toEqual([false, false]);
    room.broadcast({ t: 'soldOut', at: now });
    expect([room.allHeld, room.soldOut]).toEqual([false, true]);
  });
});

describe('position heap', () => {
  it('position heap - pops in key order, re-keys and deletes', () => {
    const h = new PositionHeap<string>();
    const keys = Array.from({ length: 200 }, (_, i) => (i * 7919) % 200);
    keys.forEach((k) => h.push(`k${k}`, k));
    h.push('k5', 500); // re-key
    expect(h.delete('k6')).toBe(true);
    expect(h.size).toBe(199);
    const out: string[] = [];
    for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
    expect(out.slice(0, 6)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k7']);
    expect(out.at(-1)).toBe('k5');
  });
});
