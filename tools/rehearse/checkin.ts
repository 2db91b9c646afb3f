/**
 * @module tools/rehearse/checkin
 * The doors after the sale: waits (bounded) until the tickets process has issued a ticket for every
 * ticket sold, counted in PostgreSQL's `tickets` table; each buyer reads their codes through
 * `GET /api/v1/me/tickets` and `/api/v1/me/tickets/:id` as the owner; then `gates` gates, each run
 * by the event's organizer (its admin, so staff), scan EVERY ticket concurrently through
 * `POST /api/v1/events/:eventId/check-ins`, so every ticket is presented at every gate at about the
 * same time. Judged from the answers: exactly one 201 per ticket, every other scan refused with
 * `CHECKIN_ALREADY`; the tickets in PostgreSQL must say `checkedIn` too (read once the gates are done).
 */
import postgres from 'postgres';
import type { Api } from './http.js';
import type { Verdict } from './invariants.js';
import type { Sale } from './setup.js';
import type { BuyerRecord } from './types.js';
import { sleep } from '../../platform/index.js';

/** The verdicts of the check-in phase. */
export interface CheckinVerdicts {
  tickets_issued_equal_sold: Verdict;
  checked_in_once: Verdict;
}

/** Scans in flight per gate (each gate scans every ticket). */
const IN_FLIGHT_PER_GATE = 16;

/** Issue, read codes, scan at `gates` gates. Sold = the ticket classes' `sold` (staff view). */
export async function checkInAtGates(
  api: Api,
  sale: Sale,
  records: BuyerRecord[],
  o: {
    databaseUrl: string;
    gates: number;
    issueWaitMs: number;
    tokenOf: (userId: string) => string | undefined;
    log: (m: string) => void;
  },
): Promise<CheckinVerdicts> {
  const sql = postgres(o.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const classes = ((await api('GET', `/api/v1/events/${sale.eventId}/ticket-classes`, { token: sale.organizer.token })).body?.items ??
      []) as Array<{ sold: number }>;
    const sold = classes.reduce((n, c) => n + c.sold, 0);
    // 1. Issuance: count live tickets (a refund voids its order's tickets, a transfer replaces one).
    const until = Date.now() + o.issueWaitMs;
    let issued = 0;
    for (let round = 0; ; round++) {
      const [row] = await sql<
        Array<{ n: number }>
      >`SELECT count(*)::int AS n FROM tickets WHERE event_id = ${sale.eventId} AND status IN ('valid', 'checkedIn')`;
      issued = row?.n ?? 0;
      if (issued >= sold || Date.now() > until) break;
      if (round % 5 === 0) o.log(`waiting for tickets to be issued: ${issued} / ${sold}`);
      await sleep(1_000);
    }
    const tickets_issued_equal_sold: Verdict = { ok: issued === sold, detail: `${issued} tickets issued in PostgreSQL for ${sold} sold` };

    // 2. Each owner reads their codes. The owners are who PostgreSQL says holds a valid ticket, not
    // only the buyers whose own polling saw COMPLETED: at 20,000 buyers a few stopped polling (90 s)
    // before their order completed, and their tickets would not have been scanned at all.
    const sawCompleted = new Set(records.filter((r) => r.orders.some((a) => a.status === 'COMPLETED')).map((r) => r.userId));
    const holders = (
      await sql<
        Array<{ owner: string }>
      >`SELECT DISTINCT owner_id AS owner FROM tickets WHERE event_id = ${sale.eventId} AND status = 'valid'`
    ).map((row) => row.owner);
    const owners = [...new Set([...sawCompleted, ...holders])];
    const unseen = holders.filter((u) => !sawCompleted.has(u)).length;
    const codes: Array<{ ticketId: string; code: string }> = [];
    const readErrors: string[] = [];
    for (let i = 0; i < owners.length; i += 32) {
      await Promise.all(
        owners.slice(i, i + 32).map(async (userId) => {
          const token = o.tokenOf(userId);
          const list = await api('GET', '/api/v1/me/tickets', { token });
          if (list.status !== 200) {
            readErrors.push(`list ${userId}: HTTP ${list.status}`);
            return;
          }
          for (const t of (list.body?.tickets ?? []) as Array<{ ticketId: string; eventId: string; status: string }>) {
            if (t.eventId !== sale.eventId || t.status !== 'valid') continue;
            const d = await api('GET', `/api/v1/me/tickets/${encodeURIComponent(t.ticketId)}`, { token });
            if (d.status !== 200) {
              readErrors.push(`${t.ticketId}: HTTP ${d.status}`);
              continue;
            }
            codes.push({ ticketId: t.ticketId, code: String(d.body?.rotating?.currentCode ?? d.body?.code) });
          }
        }),
      );
    }
    o.log(`check-in: ${codes.length} codes read by their owners; ${o.gates} gates each scan every ticket`);

    // 3. Every gate scans every ticket, all gates at once. One Idempotency-Key per (gate, ticket):
    // a retried scan replays its own answer instead of meeting itself as CHECKIN_ALREADY.
    const run = Date.now().toString(36);
    const accepted = new Map<string, number>();
    const already = new Map<string, number>();
    const other: string[] = [];
    const gate = async (g: number) => {
      const order = codes.map((_, i) => (i + g * Math.ceil(codes.length / o.gates)) % codes.length); // each gate starts elsewhere
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT_PER_GATE }, async () => {
          while (next < order.length) {
            const c = codes[order[next++]!]!;
            const r = await api('POST', `/api/v1/events/${sale.eventId}/check-ins`, {
              token: sale.organizer.token,
              key: `rh-${run}-g${g}-${c.ticketId}`,
              body: { code: c.code, gate: `gate-${g + 1}` },
            });
            if (r.status === 201 && r.body?.ticketId === c.ticketId) accepted.set(c.ticketId, (accepted.get(c.ticketId) ?? 0) + 1);
            else if (r.status === 409 && r.body?.error?.code === 'CHECKIN_ALREADY')
              already.set(c.ticketId, (already.get(c.ticketId) ?? 0) + 1);
            else other.push(`${c.ticketId}@gate-${g + 1}: HTTP ${r.status} ${r.body?.error?.code ?? ''}`);
          }
        }),
      );
    };
    await Promise.all(Array.from({ length: o.gates }, (_, g) => gate(g)));
    const notOnce = codes.filter((c) => accepted.get(c.ticketId) !== 1 || already.get(c.ticketId) !== o.gates - 1);
    const [pg] = await sql<
      Array<{ n: number }>
    >`SELECT count(*)::int AS n FROM tickets WHERE event_id = ${sale.eventId} AND status = 'checkedIn'`;
    const checkedInPg = pg?.n ?? 0;
    const scans = codes.length * o.gates;
    const checked_in_once: Verdict = {
      ok: codes.length === issued && codes.length > 0 && readErrors.length === 0 && notOnce.length === 0 && other.length === 0,
      detail: `${codes.length} tickets × ${o.gates} gates = ${scans} scans: ${[...accepted.values()].reduce((a, b) => a + b, 0)} accepted, ${[...already.values()].reduce((a, b) => a + b, 0)} CHECKIN_ALREADY, ${other.length} other (${other.slice(0, 3).join(', ') || 'none'}); tickets not accepted exactly once: ${notOnce.length}; owners whose buyer never saw COMPLETED ${unseen}; owners' read errors ${readErrors.length} (${readErrors.slice(0, 3).join(', ') || 'none'}); checkedIn in PostgreSQL ${checkedInPg}`,
    };
    return { tickets_issued_equal_sold, checked_in_once };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
