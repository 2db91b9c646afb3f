/**
 * tickets - check-in: the attacks at the door. 8 gates scan the same 500 tickets at once over
 * two actor nodes → exactly 500 check-ins, every other scan "already checked in"; forged,
 * altered, other-event and stale rotating codes are refused with their reason; an outsider and a
 * viewer cannot scan, a scanner can; refunded and transferred tickets' codes stop at once;
 * offline uploads resolve by scan time whatever order the gates upload in.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketSigner, eventRotationKey, otpOf, rotatingCode, stepOf, ticketRotationSecret } from '../../tickets/index.js';
import { startTicketsStack, until, type TicketsStack } from './setup.js';

let s: TicketsStack;
let staff: { id: string; token: string };
beforeAll(async () => {
  s = await startTicketsStack();
  staff = await s.signUp('door');
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

const codeOf = (ticketId: string, eventId: string, classId: string) => s.tickets.signer.sign({ ticketId, eventId, classId });
const scan = (eventId: string, code: string, gate: string, token = staff.token, listId?: string) =>
  s.api('POST', `/api/v1/events/${eventId}/check-ins`, { token, body: { code, gate, ...(listId ? { listId } : {}) } });
/** 50 orders × 10 = the issue's 500 tickets; TB_TICKETS_ATTACK_ORDERS lowers it on a loaded machine. */
const TICKET_ORDERS = Number(process.env['TB_TICKETS_ATTACK_ORDERS'] ?? 50);
const errCode = (r: { body: { error?: { code: string } } }) => r.body.error?.code;

describe('tickets - check-in', () => {
  it('8 gates scanning the same 500 tickets at once check each in exactly once', async () => {
    const eventId = 'ev_door1';
    const [classId] = await s.publishEvent(eventId, [{ total: 1000 }]);
    await s.setRole(eventId, staff.id, 'scanner');
    const ids: string[] = [];
    for (let i = 0; i < TICKET_ORDERS; i++)
      ids.push(...(await s.issue({ orderId: `ord_d${i}`, userId: 'buyer1', eventId, lines: [{ classId: classId!, quantity: 10 }] })));
    expect(ids).toHaveLength(TICKET_ORDERS * 10);
    s.startConsumers();
    const codes = ids.map((t) => codeOf(t, eventId, classId!));
    const gates = Array.from({ length: 8 }, (_, g) => `gate-${g}`);
    // Each gate walks the list from its own offset, 16 scans in flight per gate, all gates at once.
    const results = await Promise.all(
      gates.map(async (gate, g) => {
        const order = codes.map((_, i) => (i + g * 61) % codes.length);
        const out: Array<{ status: number; code?: string }> = [];
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next < order.length) {
              const i = order[next++]!;
              const r = await scan(eventId, codes[i]!, gate);
              out.push({ status: r.status, ...(errCode(r) ? { code: errCode(r) } : {}) });
            }
          }),
        );
        return out;
      }),
    );
    const all = results.flat();
    const n = ids.length;
    expect(all).toHaveLength(8 * n);
    expect(all.filter((r) => r.status === 201)).toHaveLength(n);
    expect(all.filter((r) => r.status === 409 && r.code === 'CHECKIN_ALREADY')).toHaveLength(7 * n);
    // A later scan names when and where.
    const again = await scan(eventId, codes[7]!, 'gate-x');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already checked in at \d{4}-\d\d-\d\dT.* at gate gate-\d/);
    // The projection reaches every ticket row, once.
    await until(
      async () =>
        Number((await s.db.sql`select count(*)::int as n from tickets where event_id = ${eventId} and status = 'checkedIn'`)[0]!['n']) ===
        n,
      'checked-in rows',
    );
    await s.stopConsumers();
  }, 180_000);

  it('refuses forged, altered, other-event and stale rotating codes with their reason', async () => {
    const [c] = await s.publishEvent('ev_codes', [{ total: 10 }]);
    const [r] = await s.publishEvent('ev_rot', [{ total: 10 }], { rotatingCodes: true, codePeriodSeconds: 15 });
    await s.publishEvent('ev_other', [{ total: 10 }]);
    for (const e of ['ev_codes', 'ev_rot', 'ev_other']) await s.setRole(e, staff.id, 'scanner');
    const [t1] = await s.issue({ orderId: 'ord_codes', userId: 'b', eventId: 'ev_codes', lines: [{ classId: c!, quantity: 1 }] });
    const good = codeOf(t1!, 'ev_codes', c!);
    const forger = createTicketSigner(generateKeyPairSync('ed25519').privateKey);
    const forged = forger.sign({ ticketId: t1!, eventId: 'ev_codes', classId: c! });
    expect(errCode(await scan('ev_codes', forged, 'g'))).toBe('CHECKIN_CODE_INVALID');
    // Altered: another ticket id under the genuine signature; and a flipped signature character.
    const parts = good.split('.');
    expect(errCode(await scan('ev_codes', [parts[0], 'ord_codes-2', ...parts.slice(2)].join('.'), 'g'))).toBe('CHECKIN_CODE_INVALID');
    const sig = parts[4]!;
    const flipped = [...parts.slice(0, 4), (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)].join('.');
    expect(errCode(await scan('ev_codes', flipped, 'g'))).toBe('CHECKIN_CODE_INVALID');
    expect(errCode(await scan('ev_codes', 'not a code', 'g'))).toBe('CHECKIN_CODE_INVALID');
    // A genuine code of another event.
    const wrong = await scan('ev_other', good, 'g');
    expect([wrong.status, errCode(wrong)]).toEqual([409, 'CHECKIN_WRONG_EVENT']);

    // Rotating: the static code and a code from three periods ago are refused; the live one works.
    const [rt] = await s.issue({ orderId: 'ord_rot', userId: 'b', eventId: 'ev_rot', lines: [{ classId: r!, quantity: 1 }] });
    const base = codeOf(rt!, 'ev_rot', r!);
    expect(errCode(await scan('ev_rot', base, 'g'))).toBe('CHECKIN_CODE_EXPIRED');
    const secret = ticketRotationSecret(eventRotationKey(s.cfg.ticketRotationSecret, 'ev_rot'), rt!);
    const oldStep = stepOf(Date.now(), 15) - 3;
    expect(errCode(await scan('ev_rot', `${base}.${oldStep}.${otpOf(secret, oldStep)}`, 'g'))).toBe('CHECKIN_CODE_EXPIRED');
    const now = stepOf(Date.now(), 15);
    expect(errCode(await scan('ev_rot', `${base}.${now}.${otpOf('not-the-secret', now)}`, 'g'))).toBe('CHECKIN_CODE_EXPIRED');
    const live = await scan('ev_rot', rotatingCode(base, secret, Date.now(), 15), 'g');
    expect(live.status).toBe(201);
  });

  it('an outsider and a viewer cannot scan; a scanner, and only with a list that admits the class and gate', async () => {
    const [c0, c1] = await s.publishEvent('ev_roles', [{ total: 10 }, { total: 10 }]);
    const outsider = await s.signUp('outsider');
    const viewer = await s.signUp('viewer');
    await s.setRole('ev_roles', viewer.id, 'viewer');
    await s.setRole('ev_roles', staff.id, 'scanner');
    const [a, b] = await s.issue({
      orderId: 'ord_roles',
      userId: 'b',
      eventId: 'ev_roles',
      lines: [
        { classId: c0!, quantity: 1 },
        { classId: c1!, quantity: 1 },
      ],
    });
    const code = codeOf(a!, 'ev_roles', c0!);
    expect(errCode(await scan('ev_roles', code, 'g', outsider.token))).toBe('CHECKIN_FORBIDDEN');
    expect(errCode(await scan('ev_roles', code, 'g', viewer.token))).toBe('CHECKIN_FORBIDDEN');
    expect((await s.api('POST', '/api/v1/events/ev_roles/check-ins', { body: { code, gate: 'g' } })).status).toBe(401);
    // Lists: only the admin/editor creates them; a scanner cannot.
    expect(
      (
        await s.api('POST', '/api/v1/events/ev_roles/checkin-lists', {
          token: staff.token,
          body: { listId: 'vip', name: 'VIP', classIds: [c1], gates: ['north'] },
        })
      ).status,
    ).toBe(403);
    await s.setRole('ev_roles', viewer.id, 'editor');
    expect(
      (
        await s.api('POST', '/api/v1/events/ev_roles/checkin-lists', {
          token: viewer.token,
          body: { listId: 'vip', name: 'VIP', classIds: [c1], gates: ['north'] },
        })
      ).status,
    ).toBe(201);
    expect(errCode(await scan('ev_roles', code, 'north', staff.token, 'vip'))).toBe('CHECKIN_NOT_ON_LIST');
    expect(errCode(await scan('ev_roles', codeOf(b!, 'ev_roles', c1!), 'south', staff.token, 'vip'))).toBe('CHECKIN_GATE_UNKNOWN');
    expect((await scan('ev_roles', codeOf(b!, 'ev_roles', c1!), 'north', staff.token, 'vip')).status).toBe(201);
    expect((await scan('ev_roles', code, 'g')).status).toBe(201);
    // Nothing the refused scans did changed state: the outsider's attempt left no check-in behind it.
    const offline = await s.api('GET', '/api/v1/events/ev_roles/checkin-lists/offline', { token: outsider.token });
    expect(offline.status).toBe(403);
  });

  it("a refunded order's and a transferred ticket's old codes stop at once", async () => {
    const [c] = await s.publishEvent('ev_void', [{ total: 10 }]);
    await s.setRole('ev_void', staff.id, 'scanner');
    const buyer = await s.signUp('holder');
    const friend = await s.signUp('friend');
    const [r1, r2] = await s.issue({ orderId: 'ord_ref1', userId: buyer.id, eventId: 'ev_void', lines: [{ classId: c!, quantity: 2 }] });
    expect((await scan('ev_void', codeOf(r2!, 'ev_void', c!), 'g')).status).toBe(201);
    const out = await s.tickets.service.voidOrderTickets('ord_ref1', 'refunded');
    expect(out).toEqual({ voided: [r1], alreadyCheckedIn: [r2] });
    expect(await s.tickets.service.voidOrderTickets('ord_ref1', 'refunded')).toEqual(out);
    const refused = await scan('ev_void', codeOf(r1!, 'ev_void', c!), 'g');
    expect([refused.status, errCode(refused), refused.body.error.details.reason]).toEqual([409, 'CHECKIN_TICKET_VOIDED', 'refunded']);
    // The same through the refund path's domain event.
    const [e1] = await s.issue({ orderId: 'ord_ref2', userId: buyer.id, eventId: 'ev_void', lines: [{ classId: c!, quantity: 1 }] });
    s.startConsumers();
    await s.publishRefunded('ord_ref2', 'ev_void', buyer.id);
    await until(async () => (await s.tickets.store.get(e1!))?.status === 'voided', 'voided by order.refunded');
    expect(errCode(await scan('ev_void', codeOf(e1!, 'ev_void', c!), 'g'))).toBe('CHECKIN_TICKET_VOIDED');
    await s.stopConsumers();
    // Transfer: the old code is refused at once, the new owner's works.
    const [x] = await s.issue({ orderId: 'ord_tr', userId: buyer.id, eventId: 'ev_void', lines: [{ classId: c!, quantity: 1 }] });
    const oldCode = (await s.api('GET', `/api/v1/me/tickets/${x}`, { token: buyer.token })).body.code as string;
    const moved = await s.api('POST', `/api/v1/me/tickets/${x}/transfer`, { token: buyer.token, body: { toUserId: friend.id } });
    expect(moved.status).toBe(200);
    expect(moved.body.ticketId).toBe(`${x}-t1`);
    expect((await s.api('POST', `/api/v1/me/tickets/${x}/transfer`, { token: buyer.token, body: { toUserId: friend.id } })).status).toBe(
      409,
    );
    expect(errCode(await scan('ev_void', oldCode, 'g'))).toBe('CHECKIN_TICKET_VOIDED');
    expect((await s.api('GET', `/api/v1/me/tickets/${x}-t1`, { token: buyer.token })).status).toBe(404);
    const newCode = (await s.api('GET', `/api/v1/me/tickets/${x}-t1`, { token: friend.token })).body.code as string;
    expect((await scan('ev_void', newCode, 'g')).status).toBe(201);
  });

  it('offline uploads resolve by scan time, whatever order the gates upload in', async () => {
    const [c] = await s.publishEvent('ev_off', [{ total: 10 }]);
    await s.setRole('ev_off', staff.id, 'scanner');
    const [t1, t2, t3] = await s.issue({ orderId: 'ord_off', userId: 'b', eventId: 'ev_off', lines: [{ classId: c!, quantity: 3 }] });
    const list = await s.api('GET', '/api/v1/events/ev_off/checkin-lists/offline', { token: staff.token });
    expect(list.status).toBe(200);
    expect(list.body.tickets).toHaveLength(3);
    const { signature, ...signed } = list.body;
    const { verify, createPublicKey } = await import('node:crypto');
    const pub = createPublicKey((await s.api('GET', '/api/v1/tickets/public-key')).body.pem);
    expect(verify(null, Buffer.from(JSON.stringify(signed)), pub, Buffer.from(signature, 'base64url'))).toBe(true);

    const T = Date.now() - 60_000;
    const code = (t: string) => codeOf(t, 'ev_off', c!);
    // Gate B uploads first: t1 at T+150, t2 at T+150. Gate A then: t1 at T+100 (earlier: wins), t2 at T+200 (later: loses).
    const b = await s.api('POST', '/api/v1/events/ev_off/check-ins/batch', {
      token: staff.token,
      body: {
        gate: 'B',
        scans: [
          { code: code(t1!), scannedAt: T + 150 },
          { code: code(t2!), scannedAt: T + 150 },
        ],
      },
    });
    expect(b.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['checkedIn', 'checkedIn']);
    const a = await s.api('POST', '/api/v1/events/ev_off/check-ins/batch', {
      token: staff.token,
      body: {
        gate: 'A',
        scans: [
          { code: code(t1!), scannedAt: T + 100 },
          { code: code(t2!), scannedAt: T + 200 },
          { code: code(t3!), scannedAt: T + 300 },
          { code: 'forged', scannedAt: T },
        ],
      },
    });
    expect(a.body.results.map((r: { outcome: string; winner?: { gate: string } }) => [r.outcome, r.winner?.gate])).toEqual([
      ['checkedIn', 'A'],
      ['already', 'B'],
      ['checkedIn', 'A'],
      ['refused', undefined],
    ]);
    expect(a.body.results[3].code).toBe('CHECKIN_CODE_INVALID');
    // The door now names the winners: t1 at A (T+100), t2 at B (T+150).
    const r1 = await scan('ev_off', code(t1!), 'C');
    expect([r1.body.error.details.gate, r1.body.error.details.at]).toEqual(['A', T + 100]);
    const r2 = await scan('ev_off', code(t2!), 'C');
    expect([r2.body.error.details.gate, r2.body.error.details.at]).toEqual(['B', T + 150]);
  });
});
