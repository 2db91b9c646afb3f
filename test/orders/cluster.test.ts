/**
 * The order saga under failure: 3 actor node PROCESSES on one nats-server, PostgreSQL for
 * payments, the saga worker in-process. 90 buyers order concurrently from two small classes
 * (so some are sold out); a node is SIGKILLed while orders are in flight; then some orders are
 * paid and some cancelled. Afterwards every order is final or correctly PENDING (holding all its
 * lines), no line is left mid-step, and each class's counters equal what the orders say:
 * `reserved` = held lines of PENDING orders, `sold` = confirmed lines, never oversold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/nats-core';
import { pino } from 'pino';
import { orderIdFor } from '../../actors/order/index.js';
import { loadConfig } from '../../config/index.js';
import { createActors, type ActorClient } from '../../actors/client/index.js';
import type { OrderView } from '../../contracts/kinds/order.js';
import type { TicketClassView } from '../../contracts/kinds/ticketclass.js';
import { createDb, migrate, type DbHandle } from '../../db/index.js';
import { createOrderService, startSagaWorker, type OrderService, type SagaWorker } from '../../orders/index.js';
import { createPaymentProviders, createPaymentStore } from '../../payments/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import type { ChildHandle } from '../harness/processes.js';
import { pool } from '../queue/helpers.js';
import { clientFor, FAST, spawnKindsNodes, until } from '../runtime/helpers.js';

const EVENT = 'ev-crash';
const CLASSES = ['ev-crash-a', 'ev-crash-b'];
const TOTAL = 40;
const BUYERS = 90;
const NAMES = ['o-a', 'o-b', 'o-c'];
const silent = pino({ level: 'silent' });
const ADMIN = { userId: 'organizer', platformRoles: ['admin'] };

let nats: NatsServerHandle;
let nc: NatsConnection;
let client: ActorClient;
let db: DbHandle;
let dbName: string;
let service: OrderService;
let worker: SagaWorker;
const nodes: ChildHandle[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  dbName = throwawayName();
  await migrate(testDatabaseUrl(dbName));
  db = createDb(testDatabaseUrl(dbName), { max: 8 });
  nodes.push(...(await spawnKindsNodes(nats.url, NAMES)));
  ({ nc, client } = await clientFor(nats.url));
  const cfg = loadConfig({}, { natsUrl: nats.url, partitions: FAST.partitions!, orderStepTimeoutMs: 8_000, orderSagaGraceMs: 1_000 });
  const actors = createActors(client, { budgetMs: 30_000 });
  service = createOrderService({
    actors,
    payments: createPaymentStore(db.db),
    providers: createPaymentProviders(cfg),
    config: cfg,
    log: silent,
  });
  worker = await startSagaWorker({ nc, partitions: cfg.partitions, config: cfg, log: silent, actors });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await Promise.all(nodes.map((n) => n.stop()));
  await nc?.close();
  await db?.close();
  await dropDatabase(dbName).catch(() => undefined);
  await nats?.stop();
});

async function publish(): Promise<void> {
  let n = 0;
  const ev = (verb: string, body: Record<string, unknown>) =>
    client.request('event', EVENT, verb, { commandId: `setup-${verb}-${n++}`, actor: ADMIN, ...body });
  const startsAt = Date.now() + 86_400_000;
  await ev('create', { name: 'Crash concert', startsAt, endsAt: startsAt + 3_600_000 });
  await ev('configure', {
    isPublic: true,
    requiresApproval: false,
    allowWaitRoom: false,
    ticketSaleStartDate: Date.now() - 1_000,
    ticketSaleEndDate: startsAt,
  });
  for (const c of CLASSES) {
    await client.request('ticketclass', c, 'create', {
      commandId: `setup-${c}`,
      eventId: EVENT,
      name: c,
      priceMinor: 100_000,
      currency: 'VND',
      total: TOTAL,
    });
    await ev('addTicketClass', { ticketClassId: c });
  }
  await ev('approve', {});
  await ev('publish', {});
}

describe('orders - crash', () => {
  it('orders - an actor node killed while orders are in flight: every order final or correctly PENDING, counters match the orders', async () => {
    await publish();
    let created = 0;
    let createdWhenKilled = -1;
    const killer = (async () => {
      await until(() => created >= 20, '20 orders created', 60_000);
      createdWhenKilled = created;
      const victim = nodes[1]!;
      victim.kill('SIGKILL');
      await victim.exited;
    })();
    const buyers = Array.from({ length: BUYERS }, (_, i) => ({
      userId: `buyer${i}`,
      key: `k${i}`,
      lines: [{ classId: CLASSES[i % 2]!, quantity: 1 + (i % 2) }],
    }));
    const outcomes = await pool(buyers, 24, async (b, i) => {
      try {
        const { order } = await service.create({ userId: b.userId, eventId: EVENT, lines: b.lines, idempotencyKey: b.key });
        created++;
        if (order.status === 'PENDING' && i % 3 === 0) {
          await client.request(
            'order',
            order.orderId,
            'paymentSucceeded',
            {
              commandId: `payment:t${i}:succeeded`,
              paymentId: order.payment!.paymentId,
              providerTxnId: `t${i}`,
              amountMinor: order.totalMinor,
              currency: order.currency,
            },
            { budgetMs: 30_000 },
          );
        } else if (order.status === 'PENDING' && i % 3 === 1) {
          await service.cancel(order.orderId, b.userId, `cancel-${i}`);
        }
        return order.status;
      } catch (err) {
        created++;
        return (err as { code?: string }).code ?? 'error';
      }
    });
    await killer;

    // Settle: every order leaves its in-between states (the worker performs intents; step deadlines fail stuck creates).
    const orderOf = (b: (typeof buyers)[number]) =>
      client
        .request<OrderView>('order', orderIdFor(b.userId, b.key), 'get', { commandId: 'read-check', viewerId: b.userId })
        .catch((err: { code?: string }) => {
          if (err.code === 'COMMAND_NOT_FOUND') return undefined;
          throw err;
        });
    const MID = new Set(['pending', 'releasing', 'confirming']);
    let orders: Array<OrderView | undefined> = [];
    await until(
      async () => {
        orders = await Promise.all(buyers.map(orderOf));
        return orders.every(
          (o) => !o || (['COMPLETED', 'FAILED', 'CANCELLED', 'PENDING'].includes(o.status) && o.lines.every((l) => !MID.has(l.state))),
        );
      },
      'every order settled',
      90_000,
    );

    for (const o of orders) {
      if (!o) continue;
      if (o.status === 'PENDING') expect(o.lines.every((l) => l.state === 'held')).toBe(true);
      if (o.status === 'COMPLETED') expect(o.payment?.status).toBe('COMPLETED');
      if (o.status === 'FAILED' || o.status === 'CANCELLED')
        expect(o.lines.every((l) => l.state === 'released' || l.state === 'refused')).toBe(true);
    }
    for (const classId of CLASSES) {
      const lines = orders.flatMap((o) => (o ? o.lines.filter((l) => l.classId === classId).map((l) => ({ ...l, status: o.status })) : []));
      const held = lines.filter((l) => l.status === 'PENDING' && l.state === 'held').reduce((s, l) => s + l.quantity, 0);
      const sold = lines.filter((l) => l.state === 'confirmed').reduce((s, l) => s + l.quantity, 0);
      const view = await client.request<TicketClassView>('ticketclass', classId, 'get', { commandId: 'read-class' });
      expect({ classId, reserved: view.reserved, sold: view.sold }).toEqual({ classId, reserved: held, sold });
      expect(view.reserved + view.sold).toBeLessThanOrEqual(TOTAL);
    }
    const tally = outcomes.reduce<Record<string, number>>((t, s) => ({ ...t, [s]: (t[s] ?? 0) + 1 }), {});
    const finals = orders.reduce<Record<string, number>>(
      (t, o) => ({ ...t, [o?.status ?? 'none']: (t[o?.status ?? 'none'] ?? 0) + 1 }),
      {},
    );
    expect(createdWhenKilled).toBeLessThan(BUYERS - 20);
    console.log(
      JSON.stringify({ test: 'orders-crash', buyers: BUYERS, createdWhenKilled, answers: tally, finals, worker: worker.stats() }),
    );
    expect(worker.stats().stuck).toEqual([]);
  }, 240_000);
});
