/**
 * @module test/orders/history.test
 * The order-history store conformance suite against PostgreSQL (always) and MongoDB (only when
 * `MONGODB_URL` answers; otherwise skipped: "skipped: no MongoDB"), and the projector on a real
 * nats-server: `order.*` events with the full view become rows, redelivery and replays change
 * nothing, poison messages are terminated without blocking the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  createMongoOrderHistory,
  createOrderHistory,
  mongoUnavailable,
  startOrderHistoryProjector,
  type OrderHistoryStore,
} from '../../orders/history.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import { log, publishEvent, publishRaw, setupCatalog, waitFor, type CatalogFixture } from '../catalog/setup.js';
import { fresh, orderHistorySuite, orderView } from './history-suite.js';

const pgSkip = await postgresUnavailable();
const natsSkip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : pgSkip;
const mongoUrl = process.env['MONGODB_URL'];
const mongoSkip = await mongoUnavailable(mongoUrl);

let fx: CatalogFixture | undefined;
const stores: OrderHistoryStore[] = [];
beforeAll(async () => {
  if (!natsSkip) fx = await setupCatalog();
});
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  await fx?.dispose();
});

orderHistorySuite('postgres', async () => createOrderHistory(fx!.handle.db), natsSkip);
orderHistorySuite(
  'mongodb',
  async () => {
    const s = await createMongoOrderHistory({ url: mongoUrl!, dbName: `tb_test_${fresh('h').slice(2)}` });
    stores.push(s);
    return s;
  },
  mongoSkip,
);

describe.skipIf(natsSkip !== undefined)('orders - history projector', () => {
  it('orders - history projector applies order events once, survives poison and replays', async () => {
    const store = createOrderHistory(fx!.handle.db);
    const o = orderView({ userId: fresh('u') });
    const marker = orderView({ userId: o.userId, createdAt: o.createdAt - 1 });
    const msgId = (n: number) => `order.${o.orderId}.${n}.0`;
    await publishEvent(
      fx!.nc,
      'order',
      o.orderId,
      'order.created',
      1,
      { type: 'order.created', orderId: o.orderId, order: { ...o, status: 'CREATING' } },
      { msgId: msgId(1) },
    );
    await publishRaw(fx!.nc, `tb.evt.order.${o.orderId}.pending`, new Uint8Array([0xc1, 0x00, 0xff]));
    await publishEvent(
      fx!.nc,
      'order',
      o.orderId,
      'order.reserveRequested',
      2,
      { type: 'order.reserveRequested', orderId: o.orderId, classId: 'tc_a' },
      { msgId: msgId(2) },
    );
    await publishEvent(
      fx!.nc,
      'order',
      o.orderId,
      'order.pending',
      3,
      { type: 'order.pending', orderId: o.orderId, order: { ...o, status: 'PENDING', updatedAt: o.updatedAt + 5 } },
      { msgId: msgId(3) },
    );
    await publishEvent(
      fx!.nc,
      'order',
      o.orderId,
      'checkout.completed',
      4,
      { type: 'checkout.completed', orderId: o.orderId, sessionId: 's' },
      { msgId: msgId(4) },
    );
    const p = startOrderHistoryProjector({ nc: fx!.nc, store, log, name: 'hist-test-1', retryDelayMs: 100 });
    try {
      await waitFor(async () => (await store.get(o.orderId, o.userId))?.status === 'PENDING', 10_000, 'order projected');
      // An older event arriving late (e.g. another projector's redelivery) changes nothing.
      await publishEvent(
        fx!.nc,
        'order',
        o.orderId,
        'order.created',
        1,
        { type: 'order.created', orderId: o.orderId, order: { ...o, status: 'CREATING' } },
        { msgId: 'late-copy' },
      );
      await publishEvent(fx!.nc, 'order', marker.orderId, 'order.created', 1, {
        type: 'order.created',
        orderId: marker.orderId,
        order: marker,
      });
      await waitFor(async () => (await store.get(marker.orderId, o.userId)) !== undefined, 10_000, 'marker projected');
      expect((await store.get(o.orderId, o.userId))!.status).toBe('PENDING');
    } finally {
      await p.stop();
    }

    // A second projector from the start of the stream (a rebuild) leaves the same rows.
    const before = await fx!.handle.db.execute(
      sql`select order_id, status, version from order_history where user_id = ${o.userId} order by order_id`,
    );
    const p2 = startOrderHistoryProjector({ nc: fx!.nc, store, log, name: 'hist-test-2', retryDelayMs: 100 });
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const after = await fx!.handle.db.execute(
        sql`select order_id, status, version from order_history where user_id = ${o.userId} order by order_id`,
      );
      expect(after).toEqual(before);
    } finally {
      await p2.stop();
    }
    expect((await store.listForUser(o.userId)).items.map((i) => i.orderId)).toEqual([o.orderId, marker.orderId]);
  });
});
