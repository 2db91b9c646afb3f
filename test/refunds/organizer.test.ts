/**
 * @module test/refunds/organizer.test
 * The organizer's views on real NATS and PostgreSQL: the event's orders with search and cursor
 * paging, attendees (from paid order lines while no tickets table exists on this branch), sales by
 * class over time, check-in progress ("unavailable" without tickets), CSV export with formula
 * cells neutralised, and staff roles deciding who sees what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRefundStack, until, type RefundStack } from './setup.js';

describe('organizer - event views', () => {
  let s: RefundStack;
  let admin: { id: string; token: string };
  let viewer: { id: string; token: string };
  let editor: { id: string; token: string };
  let outsider: { id: string; token: string };
  const orders: string[] = [];
  beforeAll(async () => {
    s = await startRefundStack();
    const staff = await Promise.all(['org', 'viewer', 'editor', 'outsider'].map((p) => s.signUp(p)));
    [admin, viewer, editor, outsider] = [staff[0]!, staff[1]!, staff[2]!, staff[3]!];
    const classId = await s.publishEvent('evviews1', admin.id, 50, 120_000);
    await s.setRole('evviews1', viewer.id, 'viewer');
    await s.setRole('evviews1', editor.id, 'editor');
    const buyers = await Promise.all(['alice', 'bob', 'carol', '=HYPERLINK("x")', 'dave'].map((p) => s.signUp(p)));
    for (const [i, b] of buyers.entries()) {
      const o = await s.order(b.token, 'evviews1', classId, 2);
      orders.push(o.orderId);
      await s.pay(o.code, 240_000, `sbx-views-${i}`);
      await s.untilOrder(o.orderId, b.id, 'COMPLETED');
    }
    orders.push((await s.order(buyers[0]!.token, 'evviews1', classId, 1)).orderId); // stays PENDING
    await until(async () => {
      const r = await s.api('GET', '/api/v1/events/evviews1/orders?status=COMPLETED', { token: admin.token });
      return r.status === 200 && r.body.items.length === 5;
    }, 'orders projected');
  }, 180_000);
  afterAll(async () => {
    await s?.stop();
  });

  it('organizer - orders page by cursor without loss or repeat, search by buyer and code, filter by status', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: { items: Array<{ orderId: string }>; nextCursor: string | null } } = await s.api(
        'GET',
        `/api/v1/events/evviews1/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin.token },
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i) => i.orderId));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen)).toEqual(new Set(orders));
    expect(seen).toHaveLength(orders.length);
    const bob = await s.api('GET', '/api/v1/events/evviews1/orders?q=bob', { token: editor.token });
    expect(bob.body.items).toHaveLength(1);
    expect(bob.body.items[0]).toMatchObject({ buyerName: 'bob', status: 'COMPLETED', tickets: 2, totalMinor: 240_000 });
    const byCode = await s.api('GET', `/api/v1/events/evviews1/orders?q=${bob.body.items[0].code.slice(0, 8)}`, { token: admin.token });
    expect(byCode.body.items.map((i: { orderId: string }) => i.orderId)).toContain(bob.body.items[0].orderId);
    expect((await s.api('GET', '/api/v1/events/evviews1/orders?status=PENDING', { token: admin.token })).body.items).toHaveLength(1);
    const bad = await s.api('GET', '/api/v1/events/evviews1/orders?cursor=bm90LWEtY3Vyc29y', { token: admin.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ORGANIZER_CURSOR_INVALID');
  });

  it('organizer - roles decide: viewers see figures, not buyers; outsiders see neither', async () => {
    for (const who of [viewer, outsider]) {
      for (const path of ['orders', 'attendees', 'exports/orders.csv', 'exports/attendees.csv']) {
        const r = await s.api('GET', `/api/v1/events/evviews1/${path}`, { token: who.token });
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('ORGANIZER_FORBIDDEN');
      }
    }
    const sales = await s.api('GET', '/api/v1/events/evviews1/stats/sales?bucket=day', { token: viewer.token });
    expect(sales.status).toBe(200);
    expect(sales.body.points.reduce((n: number, p: { tickets: number }) => n + p.tickets, 0)).toBe(10);
    expect(sales.body.points[0]).toMatchObject({ classId: 'evviews1-c0', currency: 'VND' });
    expect((await s.api('GET', '/api/v1/events/evviews1/stats/sales', { token: outsider.token })).status).toBe(403);
    const checkIns = await s.api('GET', '/api/v1/events/evviews1/stats/check-ins', { token: viewer.token });
    expect(checkIns.body).toEqual({ source: 'unavailable', issued: 0, checkedIn: 0, gates: [] });
    expect((await s.api('GET', '/api/v1/events/evviews1/orders')).status).toBe(401);
    expect((await s.api('GET', '/api/v1/events/nosuchevent/orders', { token: admin.token })).status).toBe(404);
  });

  it('organizer - attendees and CSV exports; a formula-looking name is exported as text', async () => {
    const att = await s.api('GET', '/api/v1/events/evviews1/attendees', { token: admin.token });
    expect(att.body.source).toBe('orders');
    expect(att.body.items).toHaveLength(5);
    const res = await fetch(`${s.url}/api/v1/events/evviews1/exports/orders.csv`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('orderId,code,status,totalMinor,currency,tickets,buyerEmail,buyerName,refundRequired,createdAt,updatedAt');
    expect(lines).toHaveLength(1 + orders.length);
    expect(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")"`))).toBe(true);
    expect(lines.some((l) => /,=HYPERLINK/.test(l))).toBe(false);
  });
});
