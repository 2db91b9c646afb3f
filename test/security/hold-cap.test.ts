/**
 * @module test/security/hold-cap.test
 * Attack (issue 10, item 4): "with `maxHolds: 5`, five 1-ticket orders made the next buyer fail
 * with 503 while 95 tickets were left". A class's hold count must never refuse a buyer while
 * stock is left: the stock bounds the holds (each is ≥ 1 ticket), and holds are packed so the
 * entry stays bounded. Real nats-server, two actor node processes, three client connections.
 */
import { Kvm } from '@nats-io/kv';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode } from '../../contracts/index.js';
import type { ActorClient } from '../../actors/client/index.js';
import { TicketClassLimits, type HoldResult, type TicketClassView } from '../../contracts/kinds/ticketclass.js';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import type { ChildHandle } from '../harness/processes.js';
import { cid, refusal } from '../actors/helpers.js';
import { clientFor, spawnKindsNodes, until } from '../runtime/helpers.js';

let nats: NatsServerHandle;
let nodes: ChildHandle[] = [];
const conns: Array<{ nc: NatsConnection; client: ActorClient }> = [];

beforeAll(async () => {
  nats = await startNatsServer();
  nodes = await spawnKindsNodes(nats.url, ['cap-a', 'cap-b']);
  for (let i = 0; i < 3; i++) conns.push(await clientFor(nats.url));
}, 120_000);
afterAll(async () => {
  await Promise.all(conns.map((c) => c.nc.close()));
  await Promise.all(nodes.map((n) => n.stop()));
  await nats?.stop();
});

const clientOf = (i: number) => conns[i % conns.length]!.client;
const ask = <R>(i: number, id: string, verb: string, body: Record<string, unknown> = {}) =>
  clientOf(i).request<R>('ticketclass', id, verb, { commandId: cid(verb), ...body }, { budgetMs: 60_000 });

async function createClass(id: string, fields: Record<string, unknown>): Promise<void> {
  const body = {
    commandId: `mk-${id}`,
    eventId: `ev-${id}`,
    name: 'GA',
    priceMinor: 100,
    currency: 'VND',
    holdTtlMs: 5 * 60_000,
    ...fields,
  };
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

/** Run `n` tasks with at most `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

describe('security - a class hold cap never blocks buyers while stock is left', () => {
  it('hold cap - 100 concurrent 1-ticket orders on a class of 100 with maxHolds 5 all get their hold; the next is told ALL_HELD, never a 503', async () => {
    await createClass('cap-small', { total: 100, maxHolds: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => ask<HoldResult>(i, 'cap-small', 'reserve', { orderId: `ord_small_${i}`, quantity: 1 })),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.code);
    expect(refused).toEqual([]);
    const view = await ask<TicketClassView>(0, 'cap-small', 'get');
    expect(view).toMatchObject({ reserved: 100, holdsCount: 100, available: 0, sold: 0, status: 'allHeld' });
    // Stock really gone (all held): an honest 409 that says when to come back, not a 503 and not SOLD_OUT.
    const next = await refusal(() => ask(1, 'cap-small', 'reserve', { orderId: 'ord_small_late', quantity: 1 }));
    expect([next.code, next.status, next.details?.['held']]).toEqual(['INVENTORY_ALL_HELD', 409, 100]);
    expect(next.details?.['retryAt']).toBeGreaterThan(Date.now());
  }, 120_000);

  it(`hold cap - a class of 1,000,000 with 12,000 live holds (more than the old cap of ${TicketClassLimits.maxHoldsCap}) keeps its packed snapshot under 24 KB + ${TicketClassLimits.holdEntryBytes} B a hold`, async () => {
    const HOLDS = 12_000;
    // More than the finished-order memory keeps (≤ 256, about 18 KB), so that part is full.
    const FINISHED = 300;
    await createClass('cap-large', { total: 1_000_000, maxHolds: 10 });
    await pool(FINISHED, 64, async (i) => {
      await ask(i, 'cap-large', 'reserve', { orderId: `ord_${String(i).padStart(24, 'f')}`, quantity: 1 });
      await ask(i, 'cap-large', 'release', { orderId: `ord_${String(i).padStart(24, 'f')}` });
    });
    // The platform's order ids: `ord_` + 24 hex characters.
    await pool(HOLDS, 256, async (i) => {
      await ask(i, 'cap-large', 'reserve', { orderId: `ord_${i.toString(16).padStart(24, '0')}`, quantity: 1 + (i % 4) });
    });
    const view = await ask<TicketClassView>(0, 'cap-large', 'get');
    expect(view.holdsCount).toBe(HOLDS);

    const kv = await new Kvm(jetstream(conns[0]!.nc)).open('tb_state');
    const entry = await kv.get('ticketclass.cap-large');
    expect(entry?.operation).toBe('PUT');
    const stored = decode(entry!.value) as { v: number; snap: { context: Record<string, unknown> } };
    expect(stored.v).toBe(2);
    const snapBytes = encode(stored.snap).length;
    const bound = 24 * 1024 + TicketClassLimits.holdEntryBytes * HOLDS;
    expect(snapBytes, `snapshot ${snapBytes} B for ${HOLDS} holds`).toBeLessThanOrEqual(bound);
    // The whole entry (with the runtime's outbox and remembered replies) fits a KV value (1 MB).
    expect(entry!.value.length).toBeLessThan(1024 * 1024);
  }, 240_000);
});
