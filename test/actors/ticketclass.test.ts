/**
 * The `ticketclass` actor end to end: every verb through `createActorClient` over a real
 * nats-server, against an in-process node serving `productionKinds()`. Covers idempotency by
 * order id and by command id, the refusals with their stable codes and details, and a short hold
 * released by the runtime's durable timer (no command sent) with `ticketclass.released`
 * reason `expired` stored on `TB_EVENTS`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { clientFor, until } from '../runtime/helpers.js';
import { refusal, send, startKindsNode } from './helpers.js';
import { lastEvent } from './events.js';
import { TicketClassLimits, type HoldResult, type OrderOutcome, type TicketClassView } from '../../contracts/kinds/ticketclass.js';
import type { ActorClient } from '../../actors/client/index.js';

let server: NatsServerHandle;
let node: Awaited<ReturnType<typeof startKindsNode>>;
let nc: NatsConnection;
let client: ActorClient;

beforeAll(async () => {
  server = await startNatsServer();
  node = await startKindsNode(server.url);
  ({ nc, client } = await clientFor(server.url));
});
afterAll(async () => {
  await node?.stop();
  await nc?.close();
  await server?.stop();
});

const base = { eventId: 'ev1', name: 'Standing', priceMinor: 150_000, currency: 'VND' };
const create = (id: string, extra: Record<string, unknown> = {}) =>
  send<TicketClassView>(client, 'ticketclass', id, 'create', { ...base, total: 100, ...extra });
const tc = <R = any>(id: string, verb: string, body: Record<string, unknown> = {}) => send<R>(client, 'ticketclass', id, verb, body);

describe('ticketclass - verbs over NATS', () => {
  it('ticketclass - create answers the view; the same create again is the same answer; another create is refused', async () => {
    const body = { commandId: 'mk-a', ...base, total: 100, maxPerOrder: 4 };
    const view = await client.request<TicketClassView>('ticketclass', 'tc-a', 'create', body);
    expect(view).toMatchObject({
      classId: 'tc-a',
      eventId: 'ev1',
      total: 100,
      reserved: 0,
      sold: 0,
      available: 100,
      status: 'active',
      holdTtlMs: TicketClassLimits.defaultHoldTtlMs,
      maxPerOrder: 4,
    });
    expect(await client.request('ticketclass', 'tc-a', 'create', body)).toEqual(view);
    expect((await refusal(() => create('tc-a'))).code).toBe('INVENTORY_ALREADY_EXISTS');
    expect(await tc<TicketClassView>('tc-a', 'get')).toMatchObject({ available: 100, holdsCount: 0 });
  });

  it('ticketclass - reserve holds stock; a repeat for the same order returns the same hold', async () => {
    await create('tc-r');
    const hold = await tc<HoldResult>('tc-r', 'reserve', { orderId: 'o1', quantity: 3 });
    expect(hold).toMatchObject({ classId: 'tc-r', orderId: 'o1', quantity: 3, available: 97, unitPriceMinor: 150_000, currency: 'VND' });
    expect(hold.expiresAt).toBeGreaterThan(Date.now() + TicketClassLimits.defaultHoldTtlMs - 60_000);
    const again = await tc<HoldResult>('tc-r', 'reserve', { orderId: 'o1', quantity: 3 });
    expect({ ...again, available: 0 }).toEqual({ ...hold, available: 0 });
    const conflict = await refusal(() => tc('tc-r', 'reserve', { orderId: 'o1', quantity: 2 }));
    expect([conflict.code, conflict.details]).toEqual([
      'INVENTORY_HOLD_CONFLICT',
      { classId: 'tc-r', orderId: 'o1', held: 3, requested: 2 },
    ]);
    expect(await tc<TicketClassView>('tc-r', 'get')).toMatchObject({ reserved: 3, sold: 0, available: 97, holdsCount: 1 });
  });

  it('ticketclass - confirm is idempotent and sold tickets are never released', async () => {
    await create('tc-c');
    await tc('tc-c', 'reserve', { orderId: 'o1', quantity: 2 });
    expect(await tc<OrderOutcome>('tc-c', 'confirm', { orderId: 'o1' })).toEqual({
      classId: 'tc-c',
      orderId: 'o1',
      state: 'confirmed',
      quantity: 2,
      changed: true,
      available: 98,
    });
    expect(await tc<OrderOutcome>('tc-c', 'confirm', { orderId: 'o1' })).toMatchObject({ state: 'confirmed', quantity: 2, changed: false });
    const finished = await refusal(() => tc('tc-c', 'release', { orderId: 'o1' }));
    expect([finished.code, finished.details]).toEqual(['INVENTORY_ORDER_FINISHED', { classId: 'tc-c', orderId: 'o1', state: 'confirmed' }]);
    expect((await refusal(() => tc('tc-c', 'confirm', { orderId: 'nobody' }))).code).toBe('INVENTORY_HOLD_NOT_FOUND');
    expect(await tc<TicketClassView>('tc-c', 'get')).toMatchObject({ reserved: 0, sold: 2, available: 98, soldOrders: 1 });
  });

  it('ticketclass - release is idempotent; a released order cannot be reserved or confirmed again', async () => {
    await create('tc-l');
    await tc('tc-l', 'reserve', { orderId: 'o2', quantity: 5 });
    expect(await tc<OrderOutcome>('tc-l', 'release', { orderId: 'o2', reason: 'paymentFailed' })).toEqual({
      classId: 'tc-l',
      orderId: 'o2',
      state: 'released',
      quantity: 5,
      reason: 'paymentFailed',
      changed: true,
      available: 100,
    });
    expect(await tc<OrderOutcome>('tc-l', 'release', { orderId: 'o2' })).toMatchObject({
      state: 'released',
      changed: false,
      reason: 'paymentFailed',
    });
    expect(await tc<OrderOutcome>('tc-l', 'release', { orderId: 'ghost' })).toMatchObject({
      state: 'unknown',
      quantity: 0,
      changed: false,
    });
    expect((await refusal(() => tc('tc-l', 'reserve', { orderId: 'o2', quantity: 5 }))).details).toMatchObject({
      state: 'released',
      reason: 'paymentFailed',
    });
    expect((await refusal(() => tc('tc-l', 'confirm', { orderId: 'o2' }))).code).toBe('INVENTORY_ORDER_FINISHED');
  });

  it('ticketclass - stock runs out: insufficient, all held (not sold out) while holds live, sold out once all sold, and a total below reserved + sold is refused', async () => {
    await create('tc-s', { total: 6 });
    await tc('tc-s', 'reserve', { orderId: 'a', quantity: 4 });
    await tc('tc-s', 'confirm', { orderId: 'a' });
    await tc('tc-s', 'reserve', { orderId: 'b', quantity: 1 });
    const short = await refusal(() => tc('tc-s', 'reserve', { orderId: 'c', quantity: 2 }));
    expect([short.code, short.details]).toEqual([
      'INVENTORY_INSUFFICIENT',
      { classId: 'tc-s', requested: 2, available: 1, held: 1, retryAt: expect.any(Number), retryInSec: expect.any(Number) },
    ]);
    await tc('tc-s', 'reserve', { orderId: 'd', quantity: 1 });
    expect(await tc<TicketClassView>('tc-s', 'get')).toMatchObject({ available: 0, status: 'allHeld' });
    const held = await refusal(() => tc('tc-s', 'reserve', { orderId: 'e', quantity: 1 }));
    expect([held.code, held.details?.['held']]).toEqual(['INVENTORY_ALL_HELD', 2]);
    const low = await refusal(() => tc('tc-s', 'update', { total: 5 }));
    expect([low.code, low.details]).toEqual(['INVENTORY_TOTAL_TOO_LOW', { classId: 'tc-s', total: 5, committed: 6, reserved: 2, sold: 4 }]);
    expect(await tc<TicketClassView>('tc-s', 'update', { total: 8 })).toMatchObject({ total: 8, available: 2, status: 'active' });
    await tc('tc-s', 'update', { total: 6 });
    await tc('tc-s', 'confirm', { orderId: 'b' });
    await tc('tc-s', 'confirm', { orderId: 'd' });
    expect(await tc<TicketClassView>('tc-s', 'get')).toMatchObject({ available: 0, sold: 6, status: 'soldOut' });
    expect((await refusal(() => tc('tc-s', 'reserve', { orderId: 'f', quantity: 1 }))).code).toBe('INVENTORY_SOLD_OUT');
  });

  it('ticketclass - a paused class refuses reserves but confirms holds; a closed class refuses reserves, pause and update', async () => {
    await create('tc-p');
    await tc('tc-p', 'reserve', { orderId: 'h1', quantity: 1 });
    await tc('tc-p', 'reserve', { orderId: 'h2', quantity: 1 });
    expect(await tc<TicketClassView>('tc-p', 'pause')).toMatchObject({ status: 'paused' });
    expect(await tc<TicketClassView>('tc-p', 'pause')).toMatchObject({ status: 'paused' });
    const paused = await refusal(() => tc('tc-p', 'reserve', { orderId: 'x', quantity: 1 }));
    expect([paused.code, paused.details]).toEqual(['INVENTORY_NOT_ON_SALE', { classId: 'tc-p', reason: 'paused' }]);
    expect(await tc<OrderOutcome>('tc-p', 'confirm', { orderId: 'h1' })).toMatchObject({ state: 'confirmed', changed: true });
    expect(await tc<TicketClassView>('tc-p', 'resume')).toMatchObject({ status: 'active' });
    expect(await tc<TicketClassView>('tc-p', 'close')).toMatchObject({ status: 'closed' });
    expect((await refusal(() => tc('tc-p', 'reserve', { orderId: 'y', quantity: 1 }))).details).toMatchObject({ reason: 'closed' });
    expect((await refusal(() => tc('tc-p', 'pause'))).code).toBe('INVENTORY_CLASS_CLOSED');
    expect((await refusal(() => tc('tc-p', 'update', { name: 'VIP' }))).code).toBe('INVENTORY_CLASS_CLOSED');
    expect((await refusal(() => tc('tc-p', 'extend', { orderId: 'h2', holdMs: 60_000 }))).code).toBe('INVENTORY_CLASS_CLOSED');
    expect(await tc<OrderOutcome>('tc-p', 'release', { orderId: 'h2' })).toMatchObject({ state: 'released', changed: true });
  });

  it('ticketclass - bad input answers stable codes', async () => {
    await create('tc-b', { maxPerOrder: 4 });
    const code = async (p: Promise<unknown>) => (await refusal(() => p)).code;
    expect(await code(tc('tc-b', 'reserve', { orderId: 'o', quantity: 0 }))).toBe('COMMAND_INVALID');
    expect(await code(tc('tc-b', 'reserve', { orderId: '__proto__', quantity: 1 }))).toBe('COMMAND_INVALID');
    expect(await code(tc('tc-b', 'reserve', { orderId: 'o', quantity: 1, holdMs: TicketClassLimits.minHoldMs - 1 }))).toBe(
      'COMMAND_INVALID',
    );
    expect(await code(tc('tc-b', 'reserve', { orderId: 'o', quantity: 1.5 }))).toBe('COMMAND_INVALID');
    expect(await code(client.request('ticketclass', 'tc-b', 'reserve', { orderId: 'o', quantity: 1 }))).toBe('COMMAND_INVALID');
    const over = await refusal(() => tc('tc-b', 'reserve', { orderId: 'o', quantity: 5 }));
    expect([over.code, over.details]).toEqual(['INVENTORY_QUANTITY_OVER_LIMIT', { classId: 'tc-b', requested: 5, limit: 4 }]);
    expect(await code(tc('tc-missing', 'reserve', { orderId: 'o', quantity: 1 }))).toBe('COMMAND_NOT_FOUND');
    expect(await code(create('tc-bad', { currency: 'vnd' }))).toBe('COMMAND_INVALID');
    expect(await code(create('tc-bad', { total: -1 }))).toBe('COMMAND_INVALID');
    expect(await code(create('tc-bad', { saleStartsAt: 2_000, saleEndsAt: 1_000 }))).toBe('INVENTORY_INVALID_SALE_WINDOW');
    expect(await code(tc('tc-b', 'update', { saleStartsAt: 5_000, saleEndsAt: 5_000 }))).toBe('INVENTORY_INVALID_SALE_WINDOW');
    expect(await code(tc('tc-b', 'frobnicate'))).toBe('COMMAND_UNKNOWN_VERB');
    const early = await refusal(() =>
      create('tc-later', { saleStartsAt: Date.now() + 3_600_000 }).then(() => tc('tc-later', 'reserve', { orderId: 'o', quantity: 1 })),
    );
    expect(early.details).toMatchObject({ reason: 'notStarted' });
  });

  it('ticketclass - a short hold is released by the durable timer, with ticketclass.released reason expired on TB_EVENTS', async () => {
    // The shortest hold the contract allows (TicketClassLimits.minHoldMs = 10 s).
    await create('tc-t', { holdTtlMs: TicketClassLimits.minHoldMs });
    const hold = await tc<HoldResult>('tc-t', 'reserve', { orderId: 'late', quantity: 2, holdMs: TicketClassLimits.minHoldMs });
    expect(hold.expiresAt - Date.now()).toBeLessThanOrEqual(TicketClassLimits.minHoldMs);
    // No command is sent until the event is there: only the timer can have released the hold.
    await until(
      async () => (await lastEvent(nc, 'ticketclass', 'tc-t', 'ticketclass.released')) !== undefined,
      'ticketclass.released on TB_EVENTS',
      60_000,
    );
    const ev = (await lastEvent(nc, 'ticketclass', 'tc-t', 'ticketclass.released'))!;
    expect(ev).toMatchObject({
      type: 'ticketclass.released',
      kind: 'ticketclass',
      id: 'tc-t',
      data: { classId: 'tc-t', orderId: 'late', quantity: 2, reason: 'expired', available: 100 },
    });
    expect(ev.at).toBeGreaterThanOrEqual(hold.expiresAt);
    expect(await tc<TicketClassView>('tc-t', 'get')).toMatchObject({ reserved: 0, holdsCount: 0, available: 100 });
    const confirm = await refusal(() => tc('tc-t', 'confirm', { orderId: 'late' }));
    expect([confirm.code, confirm.details]).toEqual([
      'INVENTORY_ORDER_FINISHED',
      { classId: 'tc-t', orderId: 'late', state: 'released', reason: 'expired' },
    ]);
  });
});
