/**
 * tickets - store over the shared pool: `createDb` wraps the postgres.js client with drizzle,
 * which turns its timestamp and json serializers into the identity. The check-in projection once
 * passed a `Date`: postgres.js threw inside its socket handler on every connection's first
 * update, and that connection never answered again (the gateway's token checks queued behind it
 * hung). Many concurrent first updates on fresh connections, then a drizzle read, must all answer.
 */
import { and, inArray, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, migrate, users, type DbHandle } from '../../db/index.js';
import { createTicketStore, ticketsForOrder } from '../../tickets/index.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';

const name = throwawayName();
let db: DbHandle;
beforeAll(async () => {
  const url = testDatabaseUrl(name);
  await migrate(url);
  db = createDb(url, { max: 8 });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await dropDatabase(name).catch(() => undefined);
});

it('projects 128 concurrent check-ins on fresh connections, and the pool keeps answering', async () => {
  const store = createTicketStore(db.sql);
  const order = {
    orderId: 'ord_pool',
    userId: 'b',
    eventId: 'ev_pool',
    status: 'COMPLETED',
    code: '000000000001',
    currency: 'VND',
    totalMinor: 0,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    lines: [{ classId: 'ev_pool-c0', quantity: 128, unitPriceMinor: 0, currency: 'VND', state: 'confirmed' }],
  };
  const tickets = ticketsForOrder(order as never);
  expect(await store.issue(tickets)).toBe(128);
  const at = Date.now();
  await Promise.all(tickets.map((t, i) => store.markCheckedIn(t.ticketId, at - i, `gate-${i % 8}`, 'staff')));
  // A drizzle read on the same pool (the gateway's live-user check) still answers.
  expect(
    await db.db
      .select({ id: users.id })
      .from(users)
      .where(and(inArray(users.id, ['00000000-0000-4000-8000-000000000000']), isNull(users.deletedAt))),
  ).toEqual([]);
  const rows = await db.sql<{ n: number }[]>`select count(*)::int as n from tickets where order_id = 'ord_pool' and status = 'checkedIn'`;
  expect(rows[0]!.n).toBe(128);
  const first = await store.get(tickets[5]!.ticketId);
  expect(first?.checkedIn).toEqual({ at: at - 5, gate: 'gate-5', by: 'staff' });
});
