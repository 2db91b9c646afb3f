/**
 * @module orders/history/pg-store
 * The PostgreSQL order-history store (the default), over `order_history` and
 * `order_history_lines` (`db/schema/orders.ts`). Invariants: a batch is one transaction; an
 * order row is replaced only by a higher `(version, version_n)` — the guard is in the upsert's
 * `WHERE`, so concurrent projectors and redeliveries cannot move an order backwards — and its
 * lines are replaced in the same transaction (three statements per batch, whatever its size);
 * database failures surface as `TbError`s.
 */
import { and, asc, desc, eq, getTableColumns, inArray, lt, notInArray, or, sql } from 'drizzle-orm';
import { orderHistory, orderHistoryLines, withDbErrors, type Db, type OrderHistoryLineRow, type OrderHistoryRow } from '../../db/index.js';
import { OPEN_STATUSES, SOLD_STATUS, UNSOLD_LINE_STATES, decodeCursor, encodeCursor, newestPerOrder, pageSize } from './decode.js';
import type { ClassSales, EventSales, OrderHistoryItem, OrderHistoryStore } from './types.js';

/** A stored row (and its lines) as the read shape. */
function toItem(row: OrderHistoryRow, lines: readonly OrderHistoryLineRow[]): OrderHistoryItem {
  return {
    orderId: row.orderId, code: row.code, eventId: row.eventId, status: row.status, totalMinor: row.totalMinor, currency: row.currency,
    lines: [...lines].sort((a, b) => a.lineNo - b.lineNo).map((l) => ({ classId: l.classId, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor, currency: l.currency, state: l.state })),
    payment: row.payment ?? null, failureReason: row.failureReason ?? null, refundRequired: row.refundRequired,
    createdAt: row.createdAt.getTime(), updatedAt: row.updatedAt.getTime(),
  };
}

/** Totals per currency from per-class sales. */
export function totalsOf(classes: readonly ClassSales[], orderCounts: Map<string, number>): EventSales['totals'] {
  const by = new Map<string, { currency: string; ticketsSold: number; revenueMinor: number; orders: number }>();
  for (const c of classes) {
    const t = by.get(c.currency) ?? { currency: c.currency, ticketsSold: 0, revenueMinor: 0, orders: orderCounts.get(c.currency) ?? 0 };
    t.ticketsSold += c.ticketsSold;
    t.revenueMinor += c.revenueMinor;
    by.set(c.currency, t);
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Every `order_history` column but the key, set from the proposed row (`excluded.*`) on conflict. */
const EXCLUDED_SET = Object.fromEntries(Object.entries(getTableColumns(orderHistory))
  .filter(([key]) => key !== 'orderId')
  .map(([key, col]) => [key, sql.raw(`excluded.${col.name}`)]));

/** The PostgreSQL store over `db` (a borrowed pool: `close` does nothing). */
export function createOrderHistory(db: Db): OrderHistoryStore {
  const linesOf = async (ids: string[]) => {
    if (ids.length === 0) return new Map<string, OrderHistoryLineRow[]>();
    const rows = await db.select().from(orderHistoryLines).where(inArray(orderHistoryLines.orderId, ids));
    const by = new Map<string, OrderHistoryLineRow[]>();
    for (const r of rows) by.set(r.orderId, [...(by.get(r.orderId) ?? []), r]);
    return by;
  };

  return {
    backend: 'postgres',

    apply: (events) => withDbErrors(() => db.transaction(async (tx) => {
      // One upsert, one delete and one insert per batch, not per order: the projector keeps up
      // with a sale's order events with a few statements a batch. Sorted by id so two concurrent
      // batches lock rows in the same order (no deadlock); one event per order (the newest).
      const newest = newestPerOrder(events).sort((a, b) => (a.order.orderId < b.order.orderId ? -1 : 1));
      if (newest.length === 0) return { applied: 0, stale: events.length };
      const written = await tx.insert(orderHistory).values(newest.map((e) => {
        const o = e.order;
        return {
          orderId: o.orderId, code: o.code, userId: o.userId, eventId: o.eventId, status: o.status, totalMinor: o.totalMinor,
          currency: o.currency, payment: o.payment ?? null, failureReason: o.failureReason ?? null, refundRequired: o.refundRequired === true,
          createdAt: new Date(o.createdAt), updatedAt: new Date(o.updatedAt), version: e.version, versionN: e.n,
        };
      })).onConflictDoUpdate({
        target: orderHistory.orderId, set: EXCLUDED_SET,
        setWhere: sql`(${orderHistory.version}, ${orderHistory.versionN}) < (excluded.version, excluded.version_n)`,
      }).returning({ id: orderHistory.orderId });
      const applied = new Set(written.map((w) => w.id));
      if (applied.size > 0) {
        await tx.delete(orderHistoryLines).where(inArray(orderHistoryLines.orderId, [...applied]));
        const lines = newest.filter((e) => applied.has(e.order.orderId)).flatMap(({ order: o }) => o.lines.map((l, i) => ({
          orderId: o.orderId, lineNo: i, classId: l.classId, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor, currency: l.currency || o.currency, state: l.state,
        })));
        if (lines.length > 0) await tx.insert(orderHistoryLines).values(lines);
      }
      return { applied: applied.size, stale: events.length - applied.size };
    })),

    listForUser: (userId, page = {}) => withDbErrors(async () => {
      const limit = pageSize(page.limit);
      const after = page.cursor ? decodeCursor(page.cursor) : undefined;
      const at = after ? new Date(after.createdAt) : undefined;
      const where = after && at
        ? and(eq(orderHistory.userId, userId), or(lt(orderHistory.createdAt, at), and(eq(orderHistory.createdAt, at), lt(orderHistory.orderId, after.orderId))))
        : eq(orderHistory.userId, userId);
      const rows = await db.select().from(orderHistory).where(where)
        .orderBy(desc(orderHistory.createdAt), desc(orderHistory.orderId)).limit(limit + 1);
      const pageRows = rows.slice(0, limit);
      const lines = await linesOf(pageRows.map((r) => r.orderId));
      const last = pageRows[pageRows.length - 1];
      return {
        items: pageRows.map((r) => toItem(r, lines.get(r.orderId) ?? [])),
        nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.getTime(), orderId: last.orderId }) : null,
      };
    }),

    get: (orderId, viewerId) => withDbErrors(async () => {
      const [row] = await db.select().from(orderHistory).where(and(eq(orderHistory.orderId, orderId), eq(orderHistory.userId, viewerId)));
      if (!row) return undefined;
      const lines = await db.select().from(orderHistoryLines).where(eq(orderHistoryLines.orderId, orderId)).orderBy(asc(orderHistoryLines.lineNo));
      return toItem(row, lines);
    }),

    salesByEvent: (eventId) => withDbErrors(async () => {
      const sold = and(eq(orderHistory.eventId, eventId), eq(orderHistory.status, SOLD_STATUS), eq(orderHistory.refundRequired, false));
      const rows = await db.select({
        classId: orderHistoryLines.classId, currency: orderHistoryLines.currency,
        ticketsSold: sql<number>`sum(${orderHistoryLines.quantity})::int`,
        revenueMinor: sql<number>`sum(${orderHistoryLines.quantity}::bigint * ${orderHistoryLines.unitPriceMinor})::bigint`,
        orders: sql<number>`count(distinct ${orderHistoryLines.orderId})::int`,
      }).from(orderHistoryLines).innerJoin(orderHistory, eq(orderHistory.orderId, orderHistoryLines.orderId)).where(and(sold, notInArray(orderHistoryLines.state, [...UNSOLD_LINE_STATES])))
        .groupBy(orderHistoryLines.classId, orderHistoryLines.currency).orderBy(asc(orderHistoryLines.classId), asc(orderHistoryLines.currency));
      const counts = await db.select({ currency: orderHistory.currency, n: sql<number>`count(*)::int` }).from(orderHistory).where(sold).groupBy(orderHistory.currency);
      const classes = rows.map((r) => ({ classId: r.classId, currency: r.currency, ticketsSold: Number(r.ticketsSold), revenueMinor: Number(r.revenueMinor), orders: Number(r.orders) }));
      return { eventId, classes, totals: totalsOf(classes, new Map(counts.map((c) => [c.currency, Number(c.n)]))) };
    }),

    openOrderIds: (eventId, limit, afterOrderId) => withDbErrors(async () => {
      const open = and(eq(orderHistory.eventId, eventId), inArray(orderHistory.status, [...OPEN_STATUSES]));
      const rows = await db.select({ id: orderHistory.orderId }).from(orderHistory)
        .where(afterOrderId ? and(open, sql`${orderHistory.orderId} > ${afterOrderId}`) : open).orderBy(asc(orderHistory.orderId)).limit(limit);
      return rows.map((r) => r.id);
    }),

    countByStatus: () => withDbErrors(async () => {
      const rows = await db.select({ status: orderHistory.status, n: sql<number>`count(*)::int` }).from(orderHistory).groupBy(orderHistory.status);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    }),

    close: async () => undefined,
  };
}
