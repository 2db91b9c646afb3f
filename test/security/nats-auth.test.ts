/**
 * @module test/security/nats-auth.test
 * Attack (issue 10, item 5): with the shipped `nats.conf` NATS was open, and actors trust the
 * identities in message bodies, so one request to `tb.order.<id>.paymentSucceeded` completed an
 * order, `tb.event.<id>.setRole` with a made-up `actor` granted admin, `tb.ticketclass.<id>.update`
 * changed prices and `tb.order.<id>.get` with any `viewerId` read any order. Here a 3-node cluster
 * runs the SHIPPED `nats.conf` (test/harness/nats.ts sets its users' passwords) and a real actor
 * node process connects as `actor` (TB_NATS_USER / TB_NATS_PASSWORD): a service user works end to
 * end; an anonymous connection is refused; the read-only `operator` cannot publish any command
 * (setRole with a forged actor, ticketclass update, order get with a chosen viewerId) and its
 * attempt changes nothing, while it can still read stream info; the `gateway` user cannot send
 * the payment verbs nor forge a domain event; only the `payments` user reaches paymentSucceeded.
 * Last, the whole stack (every entry point as its own process, each as its own nats.conf user)
 * sells through the waitroom end to end on that cluster, so every user's permissions suffice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { splitNatsUrl } from '../../config/index.js';
import { directSubject, encode, EVENTS_STREAM, partitionOf, publicSubject } from '../../contracts/index.js';
import { createActorClient, type ActorClient } from '../../actors/client/index.js';
import type { EventAccess, EventView } from '../../contracts/kinds/event.js';
import { startNatsCluster, type NatsClusterHandle, type NatsUser } from '../harness/nats.js';
import { spawnTs, type ChildHandle } from '../harness/processes.js';
import { FAST, fastEnv } from '../runtime/helpers.js';
import { apiFor, grantPlatformAdmin, publishEvent, sandboxPay, signUp, until, waitOrder } from '../e2e/client.js';
import { startE2EStack, type E2EStack } from '../e2e/stack.js';
import { openQueueClient } from '../gateway/ws/client.js';

const P = FAST.partitions!;
const HOUR = 3_600_000;
const alice = { userId: 'alice', platformRoles: [] };
const mallory = { userId: 'mallory', platformRoles: ['admin'] };

let cluster: NatsClusterHandle;
let node: ChildHandle;
const conns: NatsConnection[] = [];

const as = async (user: NatsUser): Promise<NatsConnection> => {
  const nc = await connect({ ...splitNatsUrl(cluster.urlFor(user)), ...(user === 'operator' ? { inboxPrefix: '_INBOX_operator' } : {}) });
  conns.push(nc);
  return nc;
};
const client = (nc: NatsConnection): ActorClient => createActorClient(nc, { partitions: P, timeoutMs: 3_000, budgetMs: 20_000 });
/** One raw request as the attacker would send it; answers how the server treated it. */
const attempt = async (nc: NatsConnection, subject: string, body: Record<string, unknown>): Promise<string> => {
  try {
    await nc.request(subject, encode(body), { timeout: 3_000 });
    return 'delivered';
  } catch (err) {
    const m = (err as Error).message;
    return /Permissions Violation/i.test(m) ? 'permission violation' : `other: ${m}`;
  }
};
const direct = (kind: string, id: string, verb: string) => directSubject(partitionOf(kind, id, P), kind, id, verb);

beforeAll(async () => {
  cluster = await startNatsCluster(3);
  const servers = cluster.servers.map((s) => s.url).join(',');
  node = spawnTs('actors/node-main.ts', {
    name: 'nats-auth-node',
    env: fastEnv(servers, {
      TB_NATS_USER: 'actor',
      TB_NATS_PASSWORD: cluster.passwords.actor,
      TB_NODE_ID: 'auth-node',
      TB_KV_REPLICAS: '1',
    }),
  });
  await node.waitForLine(/actor node started/, 90_000);
}, 150_000);
afterAll(async () => {
  for (const nc of conns) await nc.close().catch(() => undefined);
  await node?.stop();
  await cluster?.stop();
});

describe('security - NATS users from the shipped nats.conf', () => {
  it('security - anonymous connections and wrong passwords are refused', async () => {
    await expect(connect({ servers: cluster.servers[0]!.url, timeout: 3_000, reconnect: false })).rejects.toThrow(
      /Authorization Violation/,
    );
    await expect(
      connect({ servers: cluster.servers[0]!.url, user: 'gateway', pass: 'guess', timeout: 3_000, reconnect: false }),
    ).rejects.toThrow(/Authorization Violation/);
  });

  it('security - the gateway user works end to end; the operator cannot grant itself admin, change prices or read orders', async () => {
    const gw = client(await as('gateway'));
    const startsAt = Date.now() + 30 * 24 * HOUR;
    const ev = await gw.request<EventView>('event', 'ev-auth', 'create', {
      commandId: 'auth-mk',
      actor: alice,
      name: 'Concert',
      startsAt,
      endsAt: startsAt + HOUR,
    });
    expect(ev.status).toBe('DRAFT');
    expect(await gw.request<EventView>('event', 'ev-auth', 'get', { commandId: 'auth-get', viewer: alice })).toMatchObject({
      eventId: 'ev-auth',
    });

    const op = await as('operator');
    const forged = { commandId: 'forged-1', actor: { userId: 'alice', platformRoles: ['admin'] }, userId: 'mallory', role: 'admin' };
    expect(await attempt(op, direct('event', 'ev-auth', 'setRole'), forged)).toBe('permission violation');
    expect(await attempt(op, publicSubject('event', 'ev-auth', 'setRole'), forged)).toBe('permission violation');
    expect(
      await attempt(op, publicSubject('ticketclass', 'tc-auth', 'update'), { commandId: 'forged-2', actor: mallory, priceMinor: 1 }),
    ).toBe('permission violation');
    expect(await attempt(op, publicSubject('order', 'ord-auth', 'get'), { commandId: 'forged-3', viewerId: 'alice' })).toBe(
      'permission violation',
    );
    expect(await attempt(op, direct('order', 'ord-auth', 'get'), { commandId: 'forged-4', viewerId: 'alice' })).toBe(
      'permission violation',
    );
    // Nothing changed: mallory has no role on the event.
    expect(await gw.request<EventAccess>('event', 'ev-auth', 'checkAccess', { commandId: 'auth-chk', userId: 'mallory' })).toMatchObject({
      role: null,
    });
    // Read-only still reads: stream info.
    const info = await (await jetstreamManager(op)).streams.info(EVENTS_STREAM);
    expect(info.config.name).toBe(EVENTS_STREAM);
  });

  it('security - only the payments user may send paymentSucceeded; the gateway can neither send it nor forge a payment event', async () => {
    const gw = await as('gateway');
    const body = { commandId: 'pay-forged', paymentId: 'p1', providerTxnId: 't1', amountMinor: 1, currency: 'VND' };
    for (const verb of ['paymentSucceeded', 'paymentFailed', 'paymentProcessing']) {
      expect(await attempt(gw, direct('order', 'ord-auth', verb), body)).toBe('permission violation');
      expect(await attempt(gw, publicSubject('order', 'ord-auth', verb), body)).toBe('permission violation');
    }
    expect(await attempt(gw, direct('queue', 'ev-auth', 'stock'), { commandId: 's', available: 0, soldOut: true })).toBe(
      'permission violation',
    );
    // A forged domain event would reach the payment-events consumer through TB_EVENTS.
    expect(await attempt(gw, 'tb.evt.payment.123456789012.completed', { type: 'payment.completed' })).toBe('permission violation');
    // A forged journal record would be replayed into an actor's state at its next load: only the actor nodes append.
    for (const user of ['gateway', 'operator', 'saga', 'payments', 'tickets'] as const) {
      expect([user, await attempt(await as(user), 'tbj.ticketclass.tc-auth', { v: 1, seq: 9, prev: 0, at: 0, ops: [] })]).toEqual([
        user,
        'permission violation',
      ]);
    }
    for (const user of ['operator', 'saga', 'history', 'catalog', 'watcher', 'relay'] as const) {
      expect([user, await attempt(await as(user), direct('order', 'ord-auth', 'paymentSucceeded'), body)]).toEqual([
        user,
        'permission violation',
      ]);
    }
    // The payments worker's user reaches the order actor (which answers: no such order).
    expect(await attempt(await as('payments'), direct('order', 'ord-auth', 'paymentSucceeded'), body)).toBe('delivered');
  });
});

describe('security - the whole stack on the shipped nats.conf, each process as its own user', () => {
  let s: E2EStack | undefined;
  afterAll(async () => {
    await s?.stop();
  });

  it('security - waitroom, order, sandbox payment and completion work with per-service NATS users', async () => {
    s = await startE2EStack({ nodes: 1, natsCluster: cluster });
    const api = apiFor(s.url);
    const [organizer, admin, ann, bob] = [
      await signUp(api, 'organizer'),
      await signUp(api, 'admin'),
      await signUp(api, 'ann'),
      await signUp(api, 'bob'),
    ];
    await grantPlatformAdmin(s.db, admin.id);
    const { eventId, classIds } = await publishEvent(api, organizer, admin, { classes: [{ total: 5 }], waitroom: { maxConcurrent: 1 } });
    const joined = await api('POST', `/api/v1/events/${eventId}/queue/join`, { token: ann.token });
    expect(joined.body).toMatchObject({ state: 'admitted', token: expect.any(String) });
    // The gateway's queue feed (tb.evt.queue.>) reaches a waiting socket.
    const socket = await openQueueClient(s.url.replace('http', 'ws'), eventId, bob.token);
    try {
      await socket.waitFor((c) => c.position !== undefined, 20_000);
      const created = await api('POST', '/api/v1/orders', {
        token: ann.token,
        key: 'auth-1',
        body: { eventId, lines: [{ classId: classIds[0], quantity: 1 }], checkoutToken: joined.body.token },
      });
      expect([created.status, created.body.status]).toEqual([201, 'PENDING']);
      // relay -> TB_EVENTS -> payments worker -> order actor -> saga worker confirms -> queue slot completed.
      await sandboxPay(api, ann.token, created.body.code, 'completed');
      await waitOrder(
        api,
        ann,
        created.body.orderId,
        (o: { status: string }) => o.status === 'COMPLETED',
        'COMPLETED under per-service users',
        60_000,
      );
      await until(
        async () => (await api('GET', `/api/v1/events/${eventId}/queue/me`, { token: ann.token })).body.state === 'completed',
        'slot completed',
        60_000,
      );
      await socket.waitFor((c) => c.admitted !== undefined, 60_000);
    } finally {
      socket.close();
    }
    // The observer (read-only operator) still reads the stream.
    const info = await (await jetstreamManager(s.nc)).streams.info(EVENTS_STREAM);
    expect(info.state.messages).toBeGreaterThan(0);
  }, 240_000);
});
