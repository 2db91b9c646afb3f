/**
 * organizer - the views of an event whose tickets are issued and partly checked in, on real NATS
 * and PostgreSQL (the tickets-backed path of `orders/organizer.ts`): attendees one row per ticket
 * with owner, status, gate and time; search by buyer and by ticket/order id; cursor paging without
 * loss or repeat; check-in progress by gate; the CSV export (a formula-looking name as text); a
 * refunded order's tickets shown voided and not counted as issued; a transferred ticket counted once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTicketsStack, until, type TicketsStack } from './setup.js';

let s: TicketsStack;
const EV = 'ev_orgview1';
let admin: { id: string; token: string };
let scanner: { id: string; token: string };
let viewer: { id: string; token: string };
let alice: { id: string; token: string };
let bob: { id: string; token: string };
let mallory: { id: string; token: string };
let classes: string[];

beforeAll(async () => {
  s = await startTicketsStack();
  const users = await Promise.all(['orgadmin', 'orgscan', 'orgview', 'alice', 'bob', '=HYPERLINK("x")'].map((p) => s.signUp(p)));
  [admin, scanner, viewer, alice, bob, mallory] = users as [
    typeof admin,
    typeof admin,
    typeof admin,
    typeof admin,
    typeof admin,
    typeof admin,
  ];
  classes = await s.publishEvent(EV, [{ total: 100 }, { total: 100 }]);
  await s.setRole(EV, admin.id, 'admin');
  await s.setRole(EV, scanner.id, 'scanner');
  await s.setRole(EV, viewer.id, 'viewer');
  await s.issue({ orderId: 'ord_oa', userId: alice.id, eventId: EV, lines: [{ classId: classes[0]!, quantity: 3 }] });
  await s.issue({ orderId: 'ord_ob', userId: bob.id, eventId: EV, lines: [{ classId: classes[1]!, quantity: 2 }] });
  await s.issue({ orderId: 'ord_om', userId: mallory.id, eventId: EV, lines: [{ classId: classes[0]!, quantity: 1 }] });
  s.startConsumers();
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const code = (ticketId: string, classId: string) => s.tickets.signer.sign({ ticketId, eventId: EV, classId });
const get = (path: string, token = admin.token) => s.api('GET', `/api/v1/events/${EV}/${path}`, { token });

describe('organizer - views of an event with issued tickets', () => {
  it('organizer - check-in progress by gate, attendees with search and paging, CSV; refunds and transfers counted right', async () => {
    // Three check-ins: two at the north gate, one at the south gate.
    for (const [t, c, gate] of [
      ['ord_oa-1', classes[0]!, 'north'],
      ['ord_oa-2', classes[0]!, 'north'],
      ['ord_ob-1', classes[1]!, 'south'],
    ] as const) {
      const r = await s.api('POST', `/api/v1/events/${EV}/check-ins`, { token: scanner.token, body: { code: code(t, c), gate } });
      expect(r.status).toBe(201);
    }
    const progress = await until(async () => {
      const r = await get('stats/check-ins', viewer.token); // figures are for every staff member
      return r.status === 200 && r.body.checkedIn === 3 ? r : undefined;
    }, 'check-ins projected');
    expect(progress.body).toEqual({
      source: 'tickets',
      issued: 6,
      checkedIn: 3,
      gates: [
        { gate: 'north', checkedIn: 2 },
        { gate: 'south', checkedIn: 1 },
      ],
    });

    // Attendees: one row per ticket, with owner, status, gate and time.
    const all = await get('attendees?limit=50');
    expect(all.status).toBe(200);
    expect(all.body.source).toBe('tickets');
    expect(all.body.items.map((a: { ticketId: string }) => a.ticketId)).toEqual([
      'ord_oa-1',
      'ord_oa-2',
      'ord_oa-3',
      'ord_ob-1',
      'ord_ob-2',
      'ord_om-1',
    ]);
    const oa1 = all.body.items[0];
    expect(oa1).toMatchObject({
      orderId: 'ord_oa',
      classId: classes[0],
      quantity: 1,
      status: 'checkedIn',
      ownerId: alice.id,
      gate: 'north',
    });
    expect(oa1.email).toMatch(/^alice/);
    expect(Date.parse(oa1.checkedInAt)).toBeGreaterThan(Date.now() - 600_000);
    expect(all.body.items[2]).toMatchObject({ ticketId: 'ord_oa-3', status: 'valid', checkedInAt: null, gate: null });

    // Paging: 4 + 2, no loss, no repeat; a forged cursor is refused.
    const p1 = await get('attendees?limit=4');
    expect(p1.body.items).toHaveLength(4);
    const p2 = await get(`attendees?limit=4&cursor=${encodeURIComponent(p1.body.nextCursor)}`);
    expect(p2.body.nextCursor).toBeNull();
    expect([...p1.body.items, ...p2.body.items].map((a: { ticketId: string }) => a.ticketId)).toEqual(
      all.body.items.map((a: { ticketId: string }) => a.ticketId),
    );
    const bad = await get('attendees?cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ORGANIZER_CURSOR_INVALID');

    // Search: by buyer email, by ticket id prefix, by order id.
    expect((await get('attendees?q=alice')).body.items.map((a: { ticketId: string }) => a.ticketId)).toEqual([
      'ord_oa-1',
      'ord_oa-2',
      'ord_oa-3',
    ]);
    expect((await get('attendees?q=ord_ob-2')).body.items.map((a: { ticketId: string }) => a.ticketId)).toEqual(['ord_ob-2']);
    expect((await get('attendees?q=ord_ob')).body.items.map((a: { ticketId: string }) => a.ticketId)).toEqual(['ord_ob-1', 'ord_ob-2']);
    expect((await get('attendees?q=nobody-at-all')).body.items).toEqual([]);

    // CSV: every ticket, the check-in columns filled, the formula-looking name as text.
    const res = await s.raw(`/api/v1/events/${EV}/exports/attendees.csv`, admin.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('ticketId,orderId,classId,quantity,status,email,name,checkedInAt,gate');
    expect(lines).toHaveLength(7);
    expect(lines.find((l) => l.startsWith('ord_ob-1,'))).toMatch(/,checkedIn,.*,\d{4}-\d\d-\d\dT[^,]*Z,south$/);
    expect(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")`))).toBe(true);
    expect(lines.some((l) => /,=HYPERLINK/.test(l))).toBe(false);

    // A refunded order: its ticket is voided, listed as such, and no longer counted as issued.
    await s.publishRefunded('ord_om', EV, mallory.id);
    await until(async () => ((await get('stats/check-ins')).body.issued === 5 ? true : undefined), 'refund voided the ticket');
    expect((await get('attendees?q=ord_om')).body.items.map((a: { status: string }) => a.status)).toEqual(['voided']);

    // A transfer: the old ticket becomes `transferred`, the new one is bob's; issued stays 5.
    const moved = await s.api('POST', '/api/v1/me/tickets/ord_oa-3/transfer', { token: alice.token, body: { toUserId: bob.id } });
    expect(moved.status).toBe(200);
    const after = await get('stats/check-ins');
    expect(after.body).toMatchObject({ issued: 5, checkedIn: 3 });
    const rows = (await get('attendees?q=ord_oa-3')).body.items.map((a: { ticketId: string; status: string; ownerId: string }) => [
      a.ticketId,
      a.status,
      a.ownerId,
    ]);
    expect(rows).toEqual([['ord_oa-3-t1', 'valid', bob.id]]);
  }, 120_000);

  it('organizer - roles decide on the tickets-backed views: a scanner and a viewer see progress, not attendees', async () => {
    for (const who of [scanner, viewer]) {
      for (const path of ['attendees', 'exports/attendees.csv']) {
        const r = await get(path, who.token);
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('ORGANIZER_FORBIDDEN');
      }
    }
    expect((await get('stats/check-ins', bob.token)).status).toBe(403);
  });
});
