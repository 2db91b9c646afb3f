/**
 * @module orders/history/pg-store
 * The PostgreSQL order-history store (the default), over `order_history` and
 * `order_history_lines` (`db/schema/orders.ts`). Invariants: a batch is one transaction; an
 * order row is replaced only by a higher `(version, version_n)` — the guard is in the upsert's
 * `WHERE`, so concurrent projectors and redeliveries cannot move an order backwards — and its
 * lines are replaced in the same statement (one prepared statement per batch, whatever its size);
 * database failures surface as `TbError`s.
 */
import { and, asc, desc, eq, inArray, lt, notInArray, or, sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import { orderHistory, orderHistoryLines, withDbErrors, type Db, type OrderHistoryLineRow, type OrderHistoryRow } from '../../db/index.js';
import { OPEN_STATUSES, SOLD_STATUS, UNSOLD_LINE_STATES, decodeCursor, encodeCursor, newestPerOrder, pageSize } from './decode.js';
import type { ClassSales, EventSales, OrderHistoryItem, OrderHistoryStore } from './types.js';

/** A stored row (and its lines) as the read shape. */
function toItem(row: OrderHistoryRow, lines: readonly OrderHistoryLineRow[]): OrderHistoryItem {
  return {
    orderId: row.orderId,
    code: row.code,
    eventId: row.eventId,
    status: row.status,
    totalMinor: row.totalMinor,
    currency: row.currency,
    lines: [...lines]
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((l) => ({ classId: l.classId, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor, currency: l.currency, state: l.state })),
    payment: row.payment ?? null,
    failureReason: row.failureReason ?? null,
    refundRequired: row.refundRequired,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
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

/** The PostgreSQL store over `db` (a borrowed pool: `close` does nothing). */
export function createOrderHistory(db: Db): OrderHistoryStore {
  // drizzle's handle keeps its postgres.js client as `$client` (absent from `Db`'s type).
  const client = (db as Db & { $client: Sql }).$client;
  const linesOf = async (ids: string[]) => {
    if (ids.length === 0) return new Map<string, OrderHistoryLineRow[]>();
    const rows = await db.select().from(orderHistoryLines).where(inArray(orderHistoryLines.orderId, ids));
    const by = new Map<string, OrderHistoryLineRow[]>();
    for (const r of rows) by.set(r.orderId, [...(by.get(r.orderId) ?? []), r]);
    return by;
  };

  return {
    backend: 'postgres',

    apply: (events) =>
      withDbErrors(async () => {
        // One prepared statement per batch, whatever its size (issue 12; was a drizzle transaction
        // of an unprepared upsert, delete and insert): the orders as one jsonb parameter, their
        // lines as another; an order's row is replaced only by a higher (version, n), and only the
        // orders replaced get their lines upserted and the surplus lines deleted (disjoint rows, so
        // the statement's parts cannot collide). Sorted by id so two concurrent batches lock rows
        // in the same order (no deadlock); one event per order (the newest). Times travel as
        // epoch ms (no `Date` parameter on raw postgres.js, docs/tickets.md).
        const newest = newestPerOrder(events).sort((a, b) => (a.order.orderId < b.order.orderId ? -1 : 1));
        if (newest.length === 0) return { applied: 0, stale: events.length };
        const orders = newest.map(({ order: o, version, n }) => ({
          order_id: o.orderId,
          code: o.code,
          user_id: o.userId,
          event_id: o.eventId,
          status: o.status,
          total_minor: o.totalMinor,
          currency: o.currency,
          payment: o.payment ?? null,
          failure_reason: o.failureReason ?? null,
          refund_required: o.refundRequired === true,
          created_ms: o.createdAt,
          updated_ms: o.updatedAt,
          version,
          version_n: n,
        }));
        const lines = newest.flatMap(({ order: o }) =>
          o.lines.map((l, i) => ({
            order_id: o.orderId,
            line_no: i,
            class_id: l.classId,
            quantity: l.quantity,
            unit_price_minor: l.unitPriceMinor,
            currency: l.currency || o.currency,
            state: l.state,
          })),
        );
        const written = await client`
        with src as (
          select * from jsonb_to_recordset(${JSON.stringify(orders)}::jsonb) as t(
            order_id text, code text, user_id text, event_id text, status text, total_minor bigint, currency text, payment jsonb,
            failure_reason text, refund_required boolean, created_ms float8, updated_ms float8, version int, version_n int)
        ), up as (
          insert into order_history (order_id, code, user_id, event_id, status, total_minor, currency, payment, failure_reason, refund_required, created_at, updated_at, version, version_n)
          select order_id, code, user_id, event_id, status, total_minor, currency, payment, failure_reason, refund_required,
            to_timestamp(created_ms / 1000.0), to_timestamp(updated_ms / 1000.0), version, version_n from src
          on conflict (order_id) do update set code = excluded.code, user_id = excluded.user_id, event_id = excluded.event_id, status = excluded.status,
            total_minor = excluded.total_minor, currency = excluded.currency, payment = excluded.payment, failure_reason = excluded.failure_reason,
            refund_required = excluded.refund_required, created_at = excluded.created_at, updated_at = excluded.updated_at,
            version = excluded.version, version_n = excluded.version_n
          where (order_history.version, order_history.version_n) < (excluded.version, excluded.version_n)
          returning order_id
        ), lines_in as (
          select * from jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) as t(
            order_id text, line_no int, class_id text, quantity int, unit_price_minor bigint, currency text, state text)
        ), lines_up as (
          insert into order_history_lines (order_id, line_no, class_id, quantity, unit_price_minor, currency, state)
          select li.order_id, li.line_no, li.class_id, li.quantity, li.unit_price_minor, li.currency, li.state from lines_in li join up using (order_id)
          on conflict (order_id, line_no) do update set class_id = excluded.class_id, quantity = excluded.quantity,
            unit_price_minor = excluded.unit_price_minor, currency = excluded.currency, state = excluded.state
        ), lines_gone as (
          delete from order_history_lines d using up
          where d.order_id = up.order_id and d.line_no >= (select count(*) from lines_in li where li.order_id = up.order_id)
        )
        select order_id from up`;
        return { applied: written.length, stale: events.length - written.length };
      }),

    listForUser: (userId, page = {}) =>
      withDbErrors(async () => {
        const limit = pageSize(page.limit);
        const after = page.cursor ? decodeCursor(page.cursor) : undefined;
        const at = after ? new Date(after.createdAt) : undefined;
        const where =
          after && at
            ? and(
                eq(orderHistory.userId, userId),
                or(lt(orderHistory.createdAt, at), and(eq(orderHistory.createdAt, at), lt(orderHistory.orderId, after.orderId))),
              )
            : eq(orderHistory.userId, userId);
        const rows = await db
          .select()
          .from(orderHistory)
          .where(where)
          .orderBy(desc(orderHistory.createdAt), desc(orderHistory.orderId))
          .limit(limit + 1);
        const pageRows = rows.slice(0, limit);
        const lines = await linesOf(pageRows.map((r) => r.orderId));
        const last = pageRows[pageRows.length - 1];
        return {
          items: pageRows.map((r) => toItem(r, lines.get(r.orderId) ?? [])),
          nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.getTime(), orderId: last.orderId }) : null,
        };
      }),

    get: (orderId, viewerId) =>
      withDbErrors(async () => {
        const [row] = await db
          .select()
          .from(orderHistory)
          .where(and(eq(orderHistory.orderId, orderId), eq(orderHistory.userId, viewerId)));
        if (!row) return undefined;
        const lines = await db
          .select()
          .from(orderHistoryLines)
          .where(eq(orderHistoryLines.orderId, orderId))
          .orderBy(asc(orderHistoryLines.lineNo));
        return toItem(row, lines);
      }),

    salesByEvent: (eventId) =>
      withDbErrors(async () => {
        const sold = and(eq(orderHistory.eventId, eventId), eq(orderHistory.status, SOLD_STATUS), eq(orderHistory.refundRequired, false));
        const rows = await db
          .select({
            classId: orderHistoryLines.classId,
            currency: orderHistoryLines.currency,
            ticketsSold: sql<number>`sum(${orderHistoryLines.quantity})::int`,
            revenueMinor: sql<number>`sum(${orderHistoryLines.quantity}::bigint * ${orderHistoryLines.unitPriceMinor})::bigint`,
            orders: sql<number>`count(distinct ${orderHistoryLines.orderId})::int`,
          })
          .from(orderHistoryLines)
          .innerJoin(orderHistory, eq(orderHistory.orderId, orderHistoryLines.orderId))
          .where(and(sold, notInArray(orderHistoryLines.state, [...UNSOLD_LINE_STATES])))
          .groupBy(orderHistoryLines.classId, orderHistoryLines.currency)
          .orderBy(asc(orderHistoryLines.classId), asc(orderHistoryLines.currency));
        const counts = await db
          .select({ currency: orderHistory.currency, n: sql<number>`count(*)::int` })
          .from(orderHistory)
          .where(sold)
          .groupBy(orderHistory.currency);
        const classes = rows.map((r) => ({
          classId: r.classId,
          currency: r.currency,
          ticketsSold: Number(r.ticketsSold),
          revenueMinor: Number(r.revenueMinor),
          orders: Number(r.orders),
        }));
        return { eventId, classes, totals: totalsOf(classes, new Map(counts.map((c) => [c.currency, Number(c.n)]))) };
      }),

    openOrderIds: (eventId, limit, afterOrderId) =>
      withDbErrors(async () => {
        const open = and(eq(orderHistory.eventId, eventId), inArray(orderHistory.status, [...OPEN_STATUSES]));
        const rows = await db
          .select({ id: orderHistory.orderId })
          .from(orderHistory)
          .where(afterOrderId ? and(open, sql`${orderHistory.orderId} > ${afterOrderId}`) : open)
          .orderBy(asc(orderHistory.orderId))
          .limit(limit);
        return rows.map((r) => r.id);
      }),

    countByStatus: () =>
      withDbErrors(async () => {
        const rows = await db
          .select({ status: orderHistory.status, n: sql<number>`count(*)::int` })
          .from(orderHistory)
          .groupBy(orderHistory.status);
        return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      }),

    close: async () => undefined,
  };
}
