/**
 * @module orders/history/mongo-store
 * The MongoDB order-history store (used when `TB_MONGODB_URL` is set), behind the same
 * `OrderHistoryStore` interface as the PostgreSQL one. One document per order (`_id` = order
 * id) with its lines embedded. Invariants: a document is replaced only by a higher
 * `(version, versionN)` — the guard is in the update filter, and an upsert that loses the race
 * hits the `_id` unique index (duplicate key), which is counted as stale; driver failures
 * surface as `HISTORY_UNAVAILABLE` (retryable).
 */
import { MongoClient, type Collection, type Filter } from 'mongodb';
import { TbError } from '../../contracts/index.js';
import { OPEN_STATUSES, SOLD_STATUS, UNSOLD_LINE_STATES, decodeCursor, encodeCursor, newestPerOrder, pageSize } from './decode.js';
import { totalsOf } from './pg-store.js';
import type { OrderHistoryItem, OrderHistoryStore } from './types.js';

/** The stored document. */
interface OrderDoc extends Omit<OrderHistoryItem, 'orderId'> {
  _id: string;
  userId: string;
  version: number;
  versionN: number;
}

/** Where the store lives. */
export interface MongoHistoryOptions {
  url: string;
  /** Database name (default: the one in the URL, else `ticketbottle`). */
  dbName?: string;
  /** Collection name (default `order_history`). */
  collection?: string;
  /** How long to wait for a server at connect (default 3 s). */
  serverSelectionTimeoutMs?: number;
}

const isDuplicateKey = (err: unknown) => (err as { code?: number })?.code === 11000;

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TbError) throw err;
    throw new TbError('HISTORY_UNAVAILABLE', { backend: 'mongodb' }, { cause: err });
  }
}

function toItem(d: OrderDoc): OrderHistoryItem {
  return {
    orderId: d._id,
    code: d.code,
    eventId: d.eventId,
    status: d.status,
    totalMinor: d.totalMinor,
    currency: d.currency,
    lines: d.lines,
    payment: d.payment ?? null,
    failureReason: d.failureReason ?? null,
    refundRequired: d.refundRequired === true,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** Open the MongoDB store (connects, creates its indexes). Rejects with `HISTORY_UNAVAILABLE` when no server answers. */
export async function createMongoOrderHistory(o: MongoHistoryOptions): Promise<OrderHistoryStore> {
  const client = new MongoClient(o.url, { serverSelectionTimeoutMS: o.serverSelectionTimeoutMs ?? 3_000 });
  const col: Collection<OrderDoc> = await guard(async () => {
    await client.connect();
    const c = client.db(o.dbName).collection<OrderDoc>(o.collection ?? 'order_history');
    await c.createIndex({ userId: 1, createdAt: -1, _id: -1 });
    await c.createIndex({ eventId: 1, status: 1 });
    return c;
  }).catch(async (err: unknown) => {
    await client.close().catch(() => undefined);
    throw err;
  });

  return {
    backend: 'mongodb',

    apply: (events) =>
      guard(async () => {
        let applied = 0;
        for (const e of newestPerOrder(events)) {
          const o = e.order;
          const doc: Omit<OrderDoc, '_id'> = {
            code: o.code,
            userId: o.userId,
            eventId: o.eventId,
            status: o.status,
            totalMinor: o.totalMinor,
            currency: o.currency,
            lines: o.lines.map((l) => ({ ...l, currency: l.currency || o.currency })),
            payment: o.payment ?? null,
            failureReason: o.failureReason ?? null,
            refundRequired: o.refundRequired === true,
            createdAt: o.createdAt,
            updatedAt: o.updatedAt,
            version: e.version,
            versionN: e.n,
          };
          const older: Filter<OrderDoc> = {
            _id: o.orderId,
            $or: [{ version: { $lt: e.version } }, { version: e.version, versionN: { $lt: e.n } }],
          };
          try {
            const r = await col.updateOne(older, { $set: doc }, { upsert: true });
            if (r.modifiedCount + r.upsertedCount > 0) applied++;
          } catch (err) {
            if (!isDuplicateKey(err)) throw err; // a newer (or the same) version is stored already
          }
        }
        return { applied, stale: events.length - applied };
      }),

    listForUser: (userId, page = {}) =>
      guard(async () => {
        const limit = pageSize(page.limit);
        const after = page.cursor ? decodeCursor(page.cursor) : undefined;
        const filter: Filter<OrderDoc> = after
          ? { userId, $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.orderId } }] }
          : { userId };
        const docs = await col
          .find(filter)
          .sort({ createdAt: -1, _id: -1 })
          .limit(limit + 1)
          .toArray();
        const pageDocs = docs.slice(0, limit);
        const last = pageDocs[pageDocs.length - 1];
        return {
          items: pageDocs.map(toItem),
          nextCursor: docs.length > limit && last ? encodeCursor({ createdAt: last.createdAt, orderId: last._id }) : null,
        };
      }),

    get: (orderId, viewerId) =>
      guard(async () => {
        const d = await col.findOne({ _id: orderId, userId: viewerId });
        return d ? toItem(d) : undefined;
      }),

    salesByEvent: (eventId) =>
      guard(async () => {
        const match = { $match: { eventId, status: SOLD_STATUS, refundRequired: false } };
        const rows = await col
          .aggregate<{ _id: { classId: string; currency: string }; ticketsSold: number; revenueMinor: number; orders: string[] }>([
            match,
            { $unwind: '$lines' },
            { $match: { 'lines.state': { $nin: [...UNSOLD_LINE_STATES] } } },
            {
              $group: {
                _id: { classId: '$lines.classId', currency: '$lines.currency' },
                ticketsSold: { $sum: '$lines.quantity' },
                revenueMinor: { $sum: { $multiply: ['$lines.quantity', '$lines.unitPriceMinor'] } },
                orders: { $addToSet: '$_id' },
              },
            },
            { $sort: { '_id.classId': 1, '_id.currency': 1 } },
          ])
          .toArray();
        const counts = await col.aggregate<{ _id: string; n: number }>([match, { $group: { _id: '$currency', n: { $sum: 1 } } }]).toArray();
        const classes = rows.map((r) => ({
          classId: r._id.classId,
          currency: r._id.currency,
          ticketsSold: r.ticketsSold,
          revenueMinor: r.revenueMinor,
          orders: r.orders.length,
        }));
        return { eventId, classes, totals: totalsOf(classes, new Map(counts.map((c) => [c._id, c.n]))) };
      }),

    openOrderIds: (eventId, limit, afterOrderId) =>
      guard(async () => {
        const filter: Filter<OrderDoc> = {
          eventId,
          status: { $in: [...OPEN_STATUSES] },
          ...(afterOrderId ? { _id: { $gt: afterOrderId } } : {}),
        };
        const docs = await col
          .find(filter, { projection: { _id: 1 } })
          .sort({ _id: 1 })
          .limit(limit)
          .toArray();
        return docs.map((d) => d._id);
      }),

    countByStatus: () =>
      guard(async () => {
        const rows = await col.aggregate<{ _id: string; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
        return Object.fromEntries(rows.map((r) => [r._id, r.n]));
      }),

    close: () => client.close(),
  };
}

/** Why MongoDB tests must be skipped, or undefined when `url` answers a ping within `timeoutMs`. */
export async function mongoUnavailable(url: string | undefined, timeoutMs = 2_000): Promise<string | undefined> {
  if (!url) return 'skipped: no MongoDB';
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db().command({ ping: 1 });
    return undefined;
  } catch {
    return 'skipped: no MongoDB';
  } finally {
    await client.close().catch(() => undefined);
  }
}
