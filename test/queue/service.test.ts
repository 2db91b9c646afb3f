/**
 * The waitroom service end to end over real NATS (in-process actor node, sessions in KV):
 * checkout tokens (expired, forged, other user, other event are refused), leaving skips the
 * place, an unclaimed call expires and the cursor moves on, and the stock watcher stops and
 * resumes admission from ticket-class events, with "likely sold out" for users behind the stock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { SignJWT, UnsecuredJWT } from 'jose';
import { pino } from 'pino';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { startKindsNode } from '../actors/helpers.js';
import { clientFor, FAST, until } from '../runtime/helpers.js';
import { readEvents } from '../actors/events.js';
import type { ActorClient } from '../../actors/client/index.js';
import {
  checkoutKey,
  createQueueService,
  signCheckoutToken,
  startStockWatcher,
  type QueueService,
  type UserQueueStatus,
} from '../../queue/index.js';
import { publishEvent, queueConfig, serviceOn } from './helpers.js';

let nats: NatsServerHandle;
let stopNode: () => Promise<void>;
let nc: NatsConnection;
let client: ActorClient;
let service: QueueService;
const P = FAST.partitions!;

beforeAll(async () => {
  nats = await startNatsServer();
  ({ stop: stopNode } = await startKindsNode(nats.url));
  ({ nc, client } = await clientFor(nats.url));
  service = serviceOn(nc, P, { queueClaimGraceMs: 1_000, queueCheckoutTtlMs: 3_000 });
});
afterAll(async () => {
  await nc?.close();
  await stopNode?.();
  await nats?.stop();
});

describe('queue - service', () => {
  it('queue - tokens: the admitted user gets a token the order flow accepts; expired, forged, other-user and other-event tokens are refused', async () => {
    await publishEvent(client, 'ev-tok', { saleStartsAt: Date.now() - 1_000, maxConcurrent: 5 });
    const s = await service.join('ev-tok', 'ann');
    expect(s).toMatchObject({ state: 'admitted', position: 1, phase: 'open' });
    const claims = await service.verifyToken(s.token!, { userId: 'ann', eventId: 'ev-tok' });
    expect(claims).toMatchObject({ userId: 'ann', eventId: 'ev-tok', sessionId: s.sessionId, position: 1 });
    expect(claims.expiresAt).toBeLessThanOrEqual(Date.now() + 3_000);
    // The same user claiming again gets the same slot (idempotent by session).
    expect((await service.claim('ev-tok', 'ann')).tokenExpiresAt).toBe(s.tokenExpiresAt);

    await expect(service.verifyToken(s.token!, { userId: 'bob', eventId: 'ev-tok' })).rejects.toMatchObject({
      code: 'QUEUE_TOKEN_WRONG_USER',
      status: 403,
    });
    await expect(service.verifyToken(s.token!, { userId: 'ann', eventId: 'ev-other' })).rejects.toMatchObject({
      code: 'QUEUE_TOKEN_WRONG_EVENT',
      status: 403,
    });
    const forgedKey = checkoutKey('not-the-real-secret-0123456789abcdef');
    const forged = await signCheckoutToken(forgedKey, {
      userId: 'ann',
      eventId: 'ev-tok',
      sessionId: s.sessionId,
      position: 1,
      expiresAt: Date.now() + 60_000,
    });
    await expect(service.verifyToken(forged, { userId: 'ann', eventId: 'ev-tok' })).rejects.toMatchObject({
      code: 'QUEUE_TOKEN_INVALID',
      status: 403,
    });
    const unsigned = new UnsecuredJWT({ evt: 'ev-tok', sid: s.sessionId, pos: 1 })
      .setSubject('ann')
      .setAudience('tb-checkout')
      .setExpirationTime('1h')
      .encode();
    await expect(service.verifyToken(unsigned, { userId: 'ann', eventId: 'ev-tok' })).rejects.toMatchObject({
      code: 'QUEUE_TOKEN_INVALID',
    });
    const [h, , sig] = s.token!.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'eve', evt: 'ev-tok', sid: 'x', pos: 1, aud: 'tb-checkout', iss: 'ticketbottle', exp: 9e9 })).toString('base64url')}.${sig}`;
    await expect(service.verifyToken(tampered, { userId: 'eve', eventId: 'ev-tok' })).rejects.toMatchObject({
      code: 'QUEUE_TOKEN_INVALID',
    });
    const key = checkoutKey(queueConfig(P).checkoutSecret);
    const otherAud = await new SignJWT({ evt: 'ev-tok', sid: 'x', pos: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ann')
      .setAudience('ticketbottle-api')
      .setExpirationTime('1h')
      .sign(key);
    await expect(service.verifyToken(otherAud, { userId: 'ann', eventId: 'ev-tok' })).rejects.toMatchObject({
      code: 'QUEUE_TOKEN_INVALID',
    });
    // Expired: after the slot's deadline the token is refused (verified with a clock past expiry).
    const future = createQueueService({ nc, config: queueConfig(P), log: pino({ level: 'silent' }), now: () => claims.expiresAt + 1_000 });
    await expect(future.verifyToken(s.token!, { userId: 'ann', eventId: 'ev-tok' })).rejects.toMatchObject({
      code: 'QUEUE_TOKEN_EXPIRED',
      status: 403,
    });
  });

  it('queue - joining needs a published event with a waitroom', async () => {
    await publishEvent(client, 'ev-nowr', { allowWaitRoom: false });
    await expect(service.join('ev-nowr', 'ann')).rejects.toMatchObject({ code: 'QUEUE_NOT_ENABLED' });
    await expect(service.join('ev-missing', 'ann')).rejects.toMatchObject({ code: 'COMMAND_NOT_FOUND' });
    await expect(service.status('ev-nowr', 'ann')).rejects.toMatchObject({ code: 'QUEUE_NOT_JOINED' });
  });

  it('queue - leaving skips the place, an unclaimed call expires and the cursor moves on', async () => {
    await publishEvent(client, 'ev-flow', { saleStartsAt: Date.now() - 1_000, maxConcurrent: 1 });
    const a = await service.join('ev-flow', 'a');
    const b = await service.join('ev-flow', 'b');
    const c = await service.join('ev-flow', 'c');
    const d = await service.join('ev-flow', 'd');
    expect([a.state, b.state, b.ahead, c.ahead, d.ahead]).toEqual(['admitted', 'queued', 0, 1, 2]);
    expect((await service.leave('ev-flow', 'b')).state).toBe('left');
    expect((await service.status('ev-flow', 'c')).ahead).toBe(0);
    expect((await service.status('ev-flow', 'd')).ahead).toBe(1);
    // a finishes: b is skipped, c is called; c never comes back, so after the grace d is called.
    await client.request('queue', 'ev-flow', 'complete', { commandId: 'done-a', sessionId: a.sessionId, outcome: 'completed' });
    expect((await service.publicStatus('ev-flow')).cursor).toBe(3);
    await until(async () => (await service.publicStatus('ev-flow')).cursor === 4, 'the unclaimed call expired', 15_000);
    expect((await service.status('ev-flow', 'c')).state).toBe('expired');
    expect((await service.status('ev-flow', 'd')).state).toBe('admitted');
    expect((await service.status('ev-flow', 'a')).state).toBe('completed');
    expect((await service.join('ev-flow', 'b')).state).toBe('left');
    const types = (await readEvents(nc, 'queue', 'ev-flow')).map((e) => e.type);
    for (const t of [
      'queue.created',
      'queue.opened',
      'queue.joined',
      'queue.left',
      'queue.ready',
      'queue.released',
      'queue.expired',
      'queue.advanced',
    ])
      expect(types).toContain(t);
  });

  it('queue - statusMany answers what status answers, for many sessions in one read per 500, in order', async () => {
    await publishEvent(client, 'ev-many', { saleStartsAt: Date.now() - 1_000, maxConcurrent: 2 });
    const users = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    const joined = [];
    for (const u of users) joined.push(await service.join('ev-many', u));
    await service.leave('ev-many', 'm4');
    const one = await Promise.all(users.map((u) => service.status('ev-many', u, { autoClaim: false })));
    const sessions = joined.map((j) => ({ sessionId: j.sessionId, ticket: j.ticket }));
    const many = await service.statusMany('ev-many', sessions);
    const strip = ({
      at: _at,
      token: _t,
      tokenExpiresAt: _e,
      outcome: _o,
      admittedRate: _r,
      estimatedWaitSec: _w,
      ...rest
    }: Partial<UserQueueStatus>) => rest; // the rate decays between reads
    // m4 left: the batch reads no session, yet the queue's skip tells the same.
    expect(many.map(strip)).toEqual(one.map(strip));
    expect(many.map((m) => m.state)).toEqual(['admitted', 'admitted', 'queued', 'left', 'queued', 'queued']);
    expect(many.map((m) => m.ahead)).toEqual([0, 0, 0, undefined, 1, 2]);
    // Beyond 500 sessions the reads are chunked; answers stay in order (unknown tickets: no position).
    const lots = Array.from({ length: 520 }, (_, i) => ({ sessionId: `qs_x${i}`, ticket: i + 1 }));
    const big = await service.statusMany('ev-many', lots);
    expect(big.map((b) => b.ticket)).toEqual(lots.map((l) => l.ticket));
    expect(big[0]!.position).toBe(1);
    expect(big[519]!.position).toBeUndefined();
    // The actor refuses an oversized read outright.
    await expect(
      client.request('queue', 'ev-many', 'statuses', { commandId: 'read-big', tickets: lots.map((l) => l.ticket) }),
    ).rejects.toMatchObject({ code: 'COMMAND_INVALID' });
  });

  it('queue - all held pauses admission with one allHeld broadcast (not soldOut), likely sold out is told, back in stock resumes', async () => {
    const watcher = await startStockWatcher({ nc, partitions: P, log: pino({ level: 'silent' }) });
    try {
      await publishEvent(client, 'ev-stock', { saleStartsAt: Date.now() - 1_000, maxConcurrent: 1 });
      await client.request('ticketclass', 'tc-stock', 'create', {
        commandId: 'mk',
        eventId: 'ev-stock',
        name: 'GA',
        priceMinor: 1,
        currency: 'VND',
        total: 2,
      });
      const a = await service.join('ev-stock', 'a');
      await service.join('ev-stock', 'b');
      await service.join('ev-stock', 'c');
      await service.join('ev-stock', 'd');
      await until(async () => (await service.publicStatus('ev-stock')).available === 2, 'stock known', 10_000);
      const before = await service.status('ev-stock', 'd');
      expect([before.ahead, before.available, before.likelySoldOut]).toEqual([2, 2, undefined]);
      await client.request('ticketclass', 'tc-stock', 'reserve', { commandId: 'r1', orderId: 'o1', quantity: 2 });
      await until(async () => (await service.publicStatus('ev-stock')).allHeld === true, 'all held', 10_000);
      expect((await service.publicStatus('ev-stock')).soldOut).toBe(false);
      expect((await service.status('ev-stock', 'd')).likelySoldOut).toBe(true);
      await client.request('queue', 'ev-stock', 'complete', { commandId: 'done-a', sessionId: a.sessionId, outcome: 'failed' });
      expect((await service.publicStatus('ev-stock')).cursor).toBe(1);
      await client.request('ticketclass', 'tc-stock', 'release', { commandId: 'rel1', orderId: 'o1' });
      await until(async () => (await service.publicStatus('ev-stock')).cursor === 2, 'admission resumed', 10_000);
      const types = (await readEvents(nc, 'queue', 'ev-stock')).map((e) => e.type);
      expect(types.filter((t) => t === 'queue.allHeld')).toHaveLength(1);
      expect(types).not.toContain('queue.soldOut');
      expect(types).toContain('queue.resumed');
    } finally {
      await watcher.stop();
    }
  });
});
