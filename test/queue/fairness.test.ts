/**
 * Fairness of the waitroom with 5,000 joins from 64 concurrent clients (direct service calls over
 * NATS + KV, no HTTP): 2,000 join before the sale opens (the pre-queue), 3,000 after. Every user
 * is then admitted one slot at a time (claim → complete) and the admission order is checked:
 * later arrivals in join order; the pre-queue first, in the order the revealed seed gives (which
 * anyone can recompute from `seed` and P), and that order is not the join order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { startKindsNode } from '../actors/helpers.js';
import { clientFor, FAST } from '../runtime/helpers.js';
import { readEvents } from '../actors/events.js';
import { positionOf, seedHashOf, ticketAt, type QueueView } from '../../contracts/kinds/queue.js';
import type { ActorClient } from '../../actors/client/index.js';
import type { QueueService, UserQueueStatus } from '../../queue/index.js';
import { pool, publishEvent, serviceOn } from './helpers.js';

const EVENT = 'ev-fair';
const PRE = 2_000;
const POST = 3_000;
const MAX = 100;

let nats: NatsServerHandle;
let stopNode: () => Promise<void>;
let nc: NatsConnection;
let client: ActorClient;
let service: QueueService;

beforeAll(async () => {
  nats = await startNatsServer();
  ({ stop: stopNode } = await startKindsNode(nats.url));
  ({ nc, client } = await clientFor(nats.url));
  service = serviceOn(nc, FAST.partitions!, { queueClaimGraceMs: 60_000, queueCheckoutTtlMs: 60_000 });
});
afterAll(async () => {
  await nc?.close();
  await stopNode?.();
  await nats?.stop();
});

describe('queue - fairness', () => {
  it('queue - 5,000 concurrent joins: later arrivals are admitted in join order, the pre-queue first in the revealed seed order', async () => {
    await publishEvent(client, EVENT, { saleStartsAt: Date.now() + 3_600_000, maxConcurrent: MAX });
    /** FIFO evidence: for joins that did not overlap in time, the earlier one has the smaller ticket. */
    const spans: Array<{ user: string; sent: number; acked: number; ticket: number }> = [];
    const joinAll = (users: string[]) =>
      pool(users, 64, async (user) => {
        const sent = performance.now();
        const s = await service.join(EVENT, user);
        spans.push({ user, sent, acked: performance.now(), ticket: s.ticket });
        return s;
      });
    const preUsers = Array.from({ length: PRE }, (_, i) => `pre${i}`);
    const postUsers = Array.from({ length: POST }, (_, i) => `post${i}`);
    const pre = await joinAll(preUsers);
    expect(pre.every((s) => s.state === 'queued' && s.phase === 'preQueue' && s.position === undefined)).toBe(true);
    const committed = pre[0]!.seedHash;
    expect(pre.every((s) => s.seed === undefined)).toBe(true);
    // Joining again answers the same session.
    expect((await service.join(EVENT, 'pre7')).sessionId).toBe(pre[7]!.sessionId);

    const opened = await client.request<QueueView>('queue', EVENT, 'open', { commandId: 'open-now' });
    expect(opened).toMatchObject({ phase: 'open', preQueueSize: PRE, seedHash: committed });
    expect(seedHashOf(opened.seed!)).toBe(committed);
    const post = await joinAll(postUsers);

    const byTicket = new Map<number, string>();
    for (const s of spans) byTicket.set(s.ticket, s.user);
    expect(byTicket.size).toBe(PRE + POST);
    const sorted = spans.slice().sort((a, b) => a.acked - b.acked);
    let maxTicketAckedBefore = 0;
    let j = 0;
    for (const s of spans.slice().sort((a, b) => a.sent - b.sent)) {
      while (j < sorted.length && sorted[j]!.acked < s.sent) maxTicketAckedBefore = Math.max(maxTicketAckedBefore, sorted[j++]!.ticket);
      expect(s.ticket).toBeGreaterThan(maxTicketAckedBefore);
    }
    // Post-sale tickets keep their number as position; a claim before one's turn is refused.
    expect(post.every((s) => s.ticket > PRE && s.position === s.ticket)).toBe(true);
    await expect(service.claim(EVENT, postUsers[POST - 1]!)).rejects.toMatchObject({ code: 'QUEUE_NOT_YOUR_TURN' });

    // Admit everyone: claim each called position (in the order the cursor calls them), then complete.
    const admitted: string[] = [];
    let handled = 0;
    const cursorSeen: number[] = [];
    while (handled < PRE + POST) {
      const view = await service.publicStatus(EVENT);
      cursorSeen.push(view.cursor);
      expect(view.slotsInUse).toBeLessThanOrEqual(MAX);
      const called = Array.from({ length: view.cursor - handled }, (_, i) => handled + 1 + i);
      const claimed = await pool(called, 32, async (p) => {
        const user = byTicket.get(ticketAt(p, { preQueueSize: PRE, seed: opened.seed! }))!;
        const s: UserQueueStatus = await service.status(EVENT, user);
        expect([user, s.state, s.position]).toEqual([user, 'admitted', p]);
        await client.request('queue', EVENT, 'complete', { commandId: `done-${user}`, sessionId: s.sessionId, outcome: 'completed' });
        return user;
      });
      admitted.push(...claimed);
      handled = view.cursor;
    }
    expect(cursorSeen).toEqual(cursorSeen.slice().sort((a, b) => a - b));
    expect(new Set(admitted).size).toBe(PRE + POST);

    // After the sale opened: exactly join (ticket) order.
    const postOrder = admitted.slice(PRE);
    expect(postOrder).toEqual(postUsers.slice().sort((a, b) => ticketOf(a) - ticketOf(b)));
    // The pre-queue first, in the order anyone recomputes from the revealed seed; not the join order.
    const preOrder = admitted.slice(0, PRE);
    expect(new Set(preOrder)).toEqual(new Set(preUsers));
    const recomputed = preUsers
      .slice()
      .sort(
        (a, b) =>
          positionOf(ticketOf(a), { preQueueSize: PRE, seed: opened.seed! }) -
          positionOf(ticketOf(b), { preQueueSize: PRE, seed: opened.seed! }),
      );
    expect(preOrder).toEqual(recomputed);
    const joinOrder = preUsers.slice().sort((a, b) => ticketOf(a) - ticketOf(b));
    const samePlace = preOrder.filter((u, i) => joinOrder[i] === u).length;
    expect(samePlace).toBeLessThan(PRE / 50);

    // The broadcast: one `advanced` event per transition that moved the cursor, never one per user.
    const events = await readEvents(nc, 'queue', EVENT);
    const advanced = events.filter((e) => e.type === 'queue.advanced');
    expect(advanced.length).toBeLessThan(PRE + POST);
    expect(Math.max(...advanced.map((e) => e.data['cursor'] as number))).toBe(PRE + POST);
    expect(events.filter((e) => e.type === 'queue.joined').length).toBeGreaterThanOrEqual(PRE + POST);
    expect(events.find((e) => e.type === 'queue.created')?.data['seedHash']).toBe(committed);
    console.log(JSON.stringify({ test: 'queue-fairness', joins: PRE + POST, advancedEvents: advanced.length, preSamePlace: samePlace }));

    function ticketOf(user: string): number {
      return spans.find((s) => s.user === user)!.ticket;
    }
  });
});
