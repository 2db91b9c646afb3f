/**
 * tickets - issuance: one ticket per seat of a COMPLETED order, exactly once, through redelivery
 * (an insert that committed but whose ack was lost), replays of the event and a consumer restart
 * in the middle of the stream; a real free order through the gateway gets its tickets and names
 * them; a buyer never reads another buyer's tickets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketStore } from '../../tickets/index.js';
import { startTicketsStack, until, type TicketsStack } from './setup.js';

let s: TicketsStack;
beforeAll(async () => {
  s = await startTicketsStack();
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const count = async (where: string) => Number((await s.db.sql.unsafe(`select count(*)::int as n from tickets where ${where}`))[0]!['n']);

describe('tickets - issuance', () => {
  it('issues each seat exactly once through lost acks, replayed events and a consumer restart', async () => {
    const eventId = 'ev_issue1';
    // A store whose first two inserts commit but then "lose the ack": the batch is redelivered.
    let failures = 2;
    const flaky: TicketStore = {
      ...s.tickets.store,
      async issue(t) {
        const n = await s.tickets.store.issue(t);
        if (failures-- > 0) throw new Error('connection lost after commit');
        return n;
      },
    };
    s.startConsumers(flaky);
    const orders = Array.from({ length: 30 }, (_, i) => ({
      orderId: `ord_iss${i}`,
      userId: `user${i % 3}`,
      eventId,
      lines: [
        { classId: 'c1', quantity: 1 + (i % 3) },
        { classId: 'c2', quantity: 1 },
      ],
    }));
    const expected = orders.reduce((n, o) => n + o.lines.reduce((m, l) => m + l.quantity, 0), 0);
    for (const o of orders.slice(0, 15)) await s.publishCompleted(o);
    // Restart the consumer mid-stream; the rest arrives while it is down, plus replays of the first half.
    await until(async () => (await count(`event_id = '${eventId}'`)) > 0, 'first tickets');
    await s.stopConsumers();
    for (const o of orders.slice(15)) await s.publishCompleted(o);
    for (const o of orders.slice(0, 15)) await s.publishCompleted(o, `replay-${o.orderId}`);
    s.startConsumers();
    await until(async () => (await count(`event_id = '${eventId}'`)) === expected, `${expected} tickets`);
    // Let any redelivery still in flight land, then check nothing doubled and ids are the deterministic ones.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await count(`event_id = '${eventId}'`)).toBe(expected);
    const rows = await s.db.sql`select ticket_id, seat_no from tickets where order_id = 'ord_iss4' order by seat_no`;
    expect(rows.map((r) => r['ticket_id'])).toEqual(['ord_iss4-1', 'ord_iss4-2', 'ord_iss4-3']);
    expect(failures).toBeLessThanOrEqual(0);
    await s.stopConsumers();
  });

  it('a real free order gets its tickets; the order names them; another buyer gets 404', async () => {
    s.startConsumers();
    const [classId] = await s.publishEvent('ev_free1', [{ total: 20, priceMinor: 0 }], { isFree: true });
    const buyer = await s.signUp('buyer');
    const other = await s.signUp('other');
    const created = await s.api('POST', '/api/v1/orders', {
      token: buyer.token,
      body: { eventId: 'ev_free1', lines: [{ classId, quantity: 2 }] },
      key: 'free-1',
    });
    expect(created.status).toBe(201);
    const orderId = created.body.orderId as string;
    const order = await until(async () => {
      const r = await s.api('GET', `/api/v1/orders/${orderId}`, { token: buyer.token });
      return r.body.status === 'COMPLETED' ? r : undefined;
    }, 'completed order');
    expect(order.body.ticketIds).toEqual([`${orderId}-1`, `${orderId}-2`]);
    const list = await until(async () => {
      const r = await s.api('GET', `/api/v1/orders/${orderId}/tickets`, { token: buyer.token });
      return r.status === 200 && r.body.tickets.length === 2 ? r : undefined;
    }, 'issued tickets');
    expect(list.body.tickets.map((t: { ticketId: string; status: string; ownerId: string }) => [t.ticketId, t.status, t.ownerId])).toEqual([
      [`${orderId}-1`, 'valid', buyer.id],
      [`${orderId}-2`, 'valid', buyer.id],
    ]);
    const mine = await s.api('GET', '/api/v1/me/tickets', { token: buyer.token });
    expect(mine.body.tickets).toHaveLength(2);
    const one = await s.api('GET', `/api/v1/me/tickets/${orderId}-1`, { token: buyer.token });
    expect(one.status).toBe(200);
    expect(one.body.code).toMatch(/^TB1\./);

    // The attack: another signed-in buyer asks for the tickets, the code, the pictures, the PDF.
    expect((await s.api('GET', `/api/v1/orders/${orderId}/tickets`, { token: other.token })).status).toBe(404);
    const stolen = await s.api('GET', `/api/v1/me/tickets/${orderId}-1`, { token: other.token });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error?.code ?? stolen.body.code).toBe('TICKET_NOT_FOUND');
    for (const f of ['qr.svg', 'qr.png', 'ticket.pdf'])
      expect((await s.raw(`/api/v1/me/tickets/${orderId}-1/${f}`, other.token)).status).toBe(404);
    expect((await s.api('GET', '/api/v1/me/tickets', { token: other.token })).body.tickets).toHaveLength(0);
    expect((await s.api('GET', `/api/v1/me/tickets/${orderId}-1`)).status).toBe(401);

    // The owner gets real pictures and a real PDF.
    const svg = await s.raw(`/api/v1/me/tickets/${orderId}-1/qr.svg`, buyer.token);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(await svg.text()).toContain('<svg');
    const png = Buffer.from(await (await s.raw(`/api/v1/me/tickets/${orderId}-1/qr.png`, buyer.token)).arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const pdf = Buffer.from(await (await s.raw(`/api/v1/me/tickets/${orderId}-1/ticket.pdf`, buyer.token)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await s.stopConsumers();
  });
});
