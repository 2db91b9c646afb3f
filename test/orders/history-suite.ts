/**
 * @module test/orders/history-suite
 * The ONE conformance suite of `OrderHistoryStore` (as drizzle's `pg-common.ts` `tests()`):
 * every implementation (PostgreSQL always, MongoDB when `MONGODB_URL` answers) must pass it
 * unchanged. It checks idempotent, order-insensitive projection; paging without gaps or
 * repeats; owner-only reads; and the sales view. Every test uses fresh ids, so stores are shared.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TbError } from '../../contracts/index.js';
import { Registry } from 'prom-client';
import type { OrderHistoryEvent, OrderHistoryStore, OrderView } from '../../orders/history.js';
import { registerOrderStatusGauge } from '../../orders/history/metrics.js';

/** A fresh id with `prefix`. */
export const fresh = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

const T0 = Date.UTC(2031, 0, 1);

/** An order view with overrides (one line of 2 × 150 000 VND in class `tc_a` by default). */
export function orderView(over: Partial<OrderView> = {}): OrderView {
  const orderId = over.orderId ?? fresh('ord');
  return {
    orderId,
    code: `C${orderId.slice(-8)}`,
    userId: 'u_alice',
    eventId: 'ev_x',
    status: 'PENDING',
    lines: [{ classId: 'tc_a', quantity: 2, unitPriceMinor: 150_000, currency: 'VND', state: 'held' }],
    totalMinor: 300_000,
    currency: 'VND',
    payment: { paymentId: 'p1', provider: 'sandbox', status: 'PENDING', paymentUrl: 'http://x' },
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

/** An event of `order` at write `version`. */
export function ev(order: OrderView, version: number, type = 'order.pending', n = 0): OrderHistoryEvent {
  return { type, order, version, n };
}

/** Run the conformance suite against the store `open()` returns (skipped with `skip` as the reason). */
export function orderHistorySuite(name: string, open: () => Promise<OrderHistoryStore>, skip?: string): void {
  describe.skipIf(skip !== undefined)(`orders - history store conformance (${name})${skip ? ` ${skip}` : ''}`, () => {
    let store: OrderHistoryStore;
    const ready = async () => (store ??= await open());

    it(`orders - history projection is idempotent and never moves backwards (${name})`, async () => {
      const s = await ready();
      const o = orderView();
      const created = ev({ ...o, status: 'CREATING' }, 1, 'order.created');
      const pending = ev({ ...o, status: 'PENDING', updatedAt: T0 + 1 }, 3, 'order.pending');
      const done = ev(
        { ...o, status: 'COMPLETED', updatedAt: T0 + 2, lines: [{ ...o.lines[0]!, state: 'confirmed' }] },
        7,
        'order.completed',
      );
      expect((await s.apply([created, pending])).applied).toBe(1);
      expect((await s.apply([done])).applied).toBe(1);
      // Redelivered, reordered and duplicated: nothing changes.
      expect((await s.apply([pending, created, done, created])).applied).toBe(0);
      const got = await s.get(o.orderId, o.userId);
      expect(got).toMatchObject({ orderId: o.orderId, status: 'COMPLETED', updatedAt: T0 + 2, refundRequired: false, failureReason: null });
      expect(got!.lines).toEqual([{ classId: 'tc_a', quantity: 2, unitPriceMinor: 150_000, currency: 'VND', state: 'confirmed' }]);
      // Same write, later event index wins.
      const failedN1 = ev({ ...o, status: 'FAILED', updatedAt: T0 + 3, failureReason: 'x' }, 7, 'order.failed', 1);
      expect((await s.apply([failedN1])).applied).toBe(1);
      expect((await s.get(o.orderId, o.userId))!.status).toBe('FAILED');
    });

    it(`orders - history pages a user's orders newest first without gaps or repeats (${name})`, async () => {
      const s = await ready();
      const userId = fresh('u');
      const orders = Array.from({ length: 23 }, (_, i) => orderView({ userId, createdAt: T0 + Math.floor(i / 3) * 1_000 }));
      await s.apply(orders.map((o) => ev(o, 2)));
      await s.apply([ev(orderView({ userId: fresh('other') }), 2)]);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await s.listForUser(userId, { cursor, limit: 10 });
        seen.push(...page.items.map((i) => i.orderId));
        expect(page.items.every((i) => i.lines.length === 1)).toBe(true);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      const expected = [...orders].sort((a, b) => b.createdAt - a.createdAt || (a.orderId < b.orderId ? 1 : -1)).map((o) => o.orderId);
      expect(seen).toEqual(expected);
      expect((await s.listForUser(fresh('nobody'))).items).toEqual([]);
      await expect(s.listForUser(userId, { cursor: 'garbage!' })).rejects.toSatisfy((e) => TbError.is(e, 'HISTORY_INVALID_CURSOR'));
    });

    it(`orders - history shows an order to its owner only (${name})`, async () => {
      const s = await ready();
      const o = orderView({ userId: fresh('owner') });
      await s.apply([ev(o, 1)]);
      expect((await s.get(o.orderId, o.userId))?.orderId).toBe(o.orderId);
      expect(await s.get(o.orderId, fresh('stranger'))).toBeUndefined();
      expect(await s.get(fresh('missing'), o.userId)).toBeUndefined();
    });

    it(`orders - history counts orders by status for the tb_orders gauge (${name})`, async () => {
      const s = await ready();
      const before = await s.countByStatus();
      const [a, b, c] = [orderView(), orderView(), orderView()];
      await s.apply([
        ev({ ...a, status: 'PENDING' }, 1),
        ev({ ...b, status: 'PENDING' }, 1),
        ev({ ...c, status: 'COMPLETED' }, 2, 'order.completed'),
      ]);
      const after = await s.countByStatus();
      expect((after['PENDING'] ?? 0) - (before['PENDING'] ?? 0)).toBe(2);
      expect((after['COMPLETED'] ?? 0) - (before['COMPLETED'] ?? 0)).toBe(1);
      const registry = new Registry();
      registerOrderStatusGauge(registry, s);
      const text = await registry.metrics();
      expect(text).toContain(`tb_orders{status="PENDING"} ${after['PENDING']}`);
      expect(text).toContain(`tb_orders{status="COMPLETED"} ${after['COMPLETED']}`);
    });

    it(`orders - history sales per ticket class count completed orders only (${name})`, async () => {
      const s = await ready();
      const eventId = fresh('ev');
      const line = (classId: string, quantity: number, unitPriceMinor: number, state = 'confirmed') => ({
        classId,
        quantity,
        unitPriceMinor,
        currency: 'VND',
        state,
      });
      const done = (lines: OrderView['lines'], over: Partial<OrderView> = {}) =>
        ev(orderView({ eventId, status: 'COMPLETED', lines, userId: fresh('b'), ...over }), 9, 'order.completed');
      await s.apply([
        done([line('tc_a', 2, 100), line('tc_b', 1, 500)]),
        done([line('tc_a', 3, 100)]),
        done([line('tc_a', 1, 100), line('tc_b', 4, 500, 'lost')]),
        done([line('tc_b', 9, 500)], { refundRequired: true }),
        ev(orderView({ eventId, status: 'PENDING', lines: [line('tc_a', 5, 100, 'held')] }), 3),
        ev(orderView({ eventId, status: 'FAILED', lines: [line('tc_b', 5, 500, 'released')] }), 4),
        done([line('tc_a', 7, 100)], { eventId: fresh('other') }),
      ]);
      const sales = await s.salesByEvent(eventId);
      expect(sales.eventId).toBe(eventId);
      expect(sales.classes).toEqual([
        { classId: 'tc_a', currency: 'VND', ticketsSold: 6, revenueMinor: 600, orders: 3 },
        { classId: 'tc_b', currency: 'VND', ticketsSold: 1, revenueMinor: 500, orders: 1 },
      ]);
      expect(sales.totals).toEqual([{ currency: 'VND', ticketsSold: 7, revenueMinor: 1_100, orders: 3 }]);
      expect((await s.salesByEvent(fresh('empty'))).classes).toEqual([]);
    });
  });
}
