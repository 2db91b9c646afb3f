/**
 * @module test/security/sold-out.test
 * Attack (issue 10, item 7): "an order for a class whose stock is all held by unpaid checkouts
 * gets 409 INVENTORY_SOLD_OUT; buyers leave, the holds expire, and the tickets stay unsold".
 * Sold out means sold: while what is left is only held, buyers are told INVENTORY_ALL_HELD with
 * `retryAt` and the waitroom keeps its waiters (admission pauses, a distinct `allHeld` is
 * broadcast); held tickets coming back (released or lapsed) are sold to the next buyers; sold out
 * is said only when every ticket is sold. Real nats-server, two actor node processes, three
 * client connections, the stock watcher and the queue service in this process.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TbError } from '../../contracts/index.js';
import type { ActorClient } from '../../actors/client/index.js';
import { TicketClassLimits, type HoldResult, type TicketClassView } from '../../contracts/kinds/ticketclass.js';
import { startStockWatcher, type QueueService, type StockWatcher } from '../../queue/index.js';
import { readEvents } from '../actors/events.js';
import { cid, refusal } from '../actors/helpers.js';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import type { ChildHandle } from '../harness/processes.js';
import { publishEvent, serviceOn } from '../queue/helpers.js';
import { clientFor, FAST, spawnKindsNodes, until } from '../runtime/helpers.js';

const HOLD_MS = TicketClassLimits.minHoldMs;
let nats: NatsServerHandle;
let nodes: ChildHandle[] = [];
const conns: Array<{ nc: NatsConnection; client: ActorClient }> = [];
let service: QueueService;
let watcher: StockWatcher;

beforeAll(async () => {
  nats = await startNatsServer();
  nodes = await spawnKindsNodes(nats.url, ['so-a', 'so-b']);
  for (let i = 0; i < 3; i++) conns.push(await clientFor(nats.url));
  service = serviceOn(conns[0]!.nc, FAST.partitions!, { queueClaimGraceMs: 60_000, queueCheckoutTtlMs: 120_000 });
  watcher = await startStockWatcher({ nc: conns[1]!.nc, partitions: FAST.partitions!, log: pino({ level: 'silent' }) });
}, 120_000);
afterAll(async () => {
  await watcher?.stop();
  await Promise.all(conns.map((c) => c.nc.close()));
  await Promise.all(nodes.map((n) => n.stop()));
  await nats?.stop();
});

const clientOf = (i: number) => conns[i % conns.length]!.client;
const ask = <R>(i: number, kind: string, id: string, verb: string, body: Record<string, unknown> = {}) =>
  clientOf(i).request<R>(kind, id, verb, { commandId: cid(verb), ...body }, { budgetMs: 60_000 });
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

async function createClass(id: string, eventId: string, total: number): Promise<void> {
  const body = { commandId: `mk-${id}`, eventId, name: 'GA', priceMinor: 100, currency: 'VND', total, holdTtlMs: HOLD_MS };
  await until(
    () =>
      clientOf(0)
        .request('ticketclass', id, 'create', body)
        .then(
          () => true,
          () => false,
        ),
    'class created',
    60_000,
  );
}

/** Reserve concurrently from `n` buyers (1 ticket each, over three connections): the holds and the refusals. */
async function race(classId: string, prefix: string, n: number): Promise<{ holds: HoldResult[]; refusals: TbError[] }> {
  const settled = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => ask<HoldResult>(i, 'ticketclass', classId, 'reserve', { orderId: `${prefix}${i}`, quantity: 1 })),
  );
  const holds = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const refusals = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as TbError] : []));
  return { holds, refusals };
}

describe('security - sold out means sold', () => {
  it('sold out - concurrent buyers of an all-held class are told ALL_HELD with retryAt (never SOLD_OUT); a buyer retrying at retryAt gets the lapsed ticket; SOLD_OUT only once all are sold', async () => {
    await createClass('so-class', 'ev-so-class', 3);
    const { holds, refusals } = await race('so-class', 'ord_so_', 30);
    expect(holds).toHaveLength(3);
    expect(refusals).toHaveLength(27);
    const earliest = Math.min(...holds.map((h) => h.expiresAt));
    for (const r of refusals) {
      expect([r.code, r.status, r.retryable]).toEqual(['INVENTORY_ALL_HELD', 409, false]);
      expect(r.details).toMatchObject({ classId: 'so-class', available: 0, held: 3, requested: 1 });
      expect(r.details?.['retryAt']).toBeGreaterThanOrEqual(earliest);
    }
    expect(await ask<TicketClassView>(0, 'ticketclass', 'so-class', 'get')).toMatchObject({
      status: 'allHeld',
      available: 0,
      reserved: 3,
      sold: 0,
      nextHoldEndsAt: earliest,
    });

    // Two buyers pay; the third never does: its hold lapses at its deadline.
    const [lapsing, ...paying] = [...holds].sort((a, b) => a.expiresAt - b.expiresAt);
    for (const h of paying) await ask(0, 'ticketclass', 'so-class', 'confirm', { orderId: h.orderId });
    const again = await refusal(() => ask(1, 'ticketclass', 'so-class', 'reserve', { orderId: 'ord_so_retry', quantity: 1 }));
    expect([again.code, again.details?.['held']]).toEqual(['INVENTORY_ALL_HELD', 1]);
    const retryAt = again.details!['retryAt'] as number;
    expect(retryAt).toBe(lapsing!.expiresAt);

    // The buyer comes back at retryAt, as told, and gets the ticket that was held.
    await sleepUntil(retryAt);
    const got = await ask<HoldResult>(2, 'ticketclass', 'so-class', 'reserve', { orderId: 'ord_so_retry', quantity: 1 });
    expect(got).toMatchObject({ orderId: 'ord_so_retry', quantity: 1, available: 0 });
    await ask(2, 'ticketclass', 'so-class', 'confirm', { orderId: 'ord_so_retry' });

    // Every ticket sold: now, and only now, sold out.
    const soldOut = await refusal(() => ask(0, 'ticketclass', 'so-class', 'reserve', { orderId: 'ord_so_late', quantity: 1 }));
    expect([soldOut.code, soldOut.details?.['held'], soldOut.details?.['retryAt']]).toEqual(['INVENTORY_SOLD_OUT', 0, undefined]);
    expect(await ask<TicketClassView>(0, 'ticketclass', 'so-class', 'get')).toMatchObject({ status: 'soldOut', sold: 3, reserved: 0 });
    const types = (await readEvents(conns[0]!.nc, 'ticketclass', 'so-class')).map((e) => e.type);
    expect(types.filter((t) => t === 'ticketclass.soldOut')).toHaveLength(1);
    expect(types.indexOf('ticketclass.allHeld')).toBeLessThan(types.indexOf('ticketclass.soldOut'));
  }, 120_000);

  it('sold out - the waitroom keeps its waiters while all is held and admits the next ones when held tickets are released or lapse; soldOut is broadcast only when every ticket is sold', async () => {
    const EV = 'ev-so-room';
    const TC = 'tc-so-room';
    await publishEvent(clientOf(0), EV, { saleStartsAt: Date.now() - 1_000, maxConcurrent: 2 });
    await createClass(TC, EV, 2);
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    const sessions = new Map<string, string>();
    for (const u of users) sessions.set(u, (await service.join(EV, u)).sessionId);
    await until(async () => (await service.publicStatus(EV)).available === 2, 'stock known', 20_000);
    expect((await service.publicStatus(EV)).cursor).toBe(2);
    const complete = (u: string) => ask(0, 'queue', EV, 'complete', { sessionId: sessions.get(u), outcome: 'failed' });

    // The two admitted buyers and 10 others race for the 2 tickets: 2 holds, the rest ALL_HELD.
    const { holds, refusals } = await race(TC, 'ord_room_', 12);
    expect(holds).toHaveLength(2);
    expect(refusals.map((r) => r.code)).toEqual(Array(10).fill('INVENTORY_ALL_HELD'));
    await until(async () => (await service.publicStatus(EV)).allHeld === true, 'queue told all held', 20_000);
    const paused = await service.publicStatus(EV);
    expect([paused.soldOut, paused.available, paused.held]).toEqual([false, 0, 2]);
    const waiting = await service.status(EV, 'u6');
    expect([waiting.state, waiting.soldOut, waiting.allHeld]).toEqual(['queued', false, true]);

    // Both checkouts end without paying; their slots free, but nobody is admitted while all is held.
    for (const u of ['u1', 'u2']) await complete(u);
    expect((await service.publicStatus(EV)).cursor).toBe(2);

    // One hold is released: the stock is back and the waiters are admitted into the free slots.
    const [released, lapsing] = [...holds].sort((a, b) => a.expiresAt - b.expiresAt).reverse() as [HoldResult, HoldResult];
    await ask(1, 'ticketclass', TC, 'release', { orderId: released.orderId, reason: 'paymentFailed' });
    await until(async () => (await service.publicStatus(EV)).cursor === 4, 'u3 and u4 admitted after a release', 20_000);
    expect((await service.status(EV, 'u3')).state).toBe('admitted');
    expect((await service.status(EV, 'u4')).state).toBe('admitted');
    // u3 holds long enough to pay at the end, however slowly the machine gets there (the other hold is the one that lapses).
    const h3 = await ask<HoldResult>(2, 'ticketclass', TC, 'reserve', { orderId: 'ord_room_u3', quantity: 1, holdMs: 10 * 60_000 });
    await until(async () => (await service.publicStatus(EV)).allHeld === true, 'all held again', 20_000);
    // u4 is told to come back when the other hold can lapse, and gives up instead: admission stays paused.
    const told = await refusal(() => ask(0, 'ticketclass', TC, 'reserve', { orderId: 'ord_room_u4', quantity: 1 }));
    expect([told.code, told.details?.['retryAt']]).toEqual(['INVENTORY_ALL_HELD', lapsing.expiresAt]);
    await complete('u4');
    expect((await service.publicStatus(EV)).cursor).toBe(4);

    // The other hold lapses at its deadline (the durable timer): the next waiter is admitted.
    await until(async () => (await service.publicStatus(EV)).cursor === 5, 'u5 admitted after a hold lapsed', HOLD_MS + 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(lapsing.expiresAt);
    expect((await service.status(EV, 'u5')).state).toBe('admitted');
    const h5 = await ask<HoldResult>(0, 'ticketclass', TC, 'reserve', { orderId: 'ord_room_u5', quantity: 1, holdMs: 10 * 60_000 });
    let types = (await readEvents(conns[0]!.nc, 'queue', EV)).map((e) => e.type);
    expect(types.filter((t) => t === 'queue.allHeld').length).toBeGreaterThanOrEqual(2);
    expect(types).not.toContain('queue.soldOut');

    // Both pay: every ticket is sold, and the last waiter is told sold out, once.
    await ask(1, 'ticketclass', TC, 'confirm', { orderId: h3.orderId });
    await ask(2, 'ticketclass', TC, 'confirm', { orderId: h5.orderId });
    await until(async () => (await service.publicStatus(EV)).soldOut, 'sold out', 20_000);
    const last = await service.status(EV, 'u6');
    expect([last.state, last.soldOut, last.allHeld]).toEqual(['queued', true, undefined]);
    types = (await readEvents(conns[0]!.nc, 'queue', EV)).map((e) => e.type);
    expect(types.filter((t) => t === 'queue.soldOut')).toHaveLength(1);
  }, 180_000);
});
