/**
 * @module db/schema/tickets
 * Issued tickets and check-in lists. A ticket row is written once per seat of a COMPLETED
 * order, keyed by the deterministic id `<orderId>-<n>`, so a redelivered `order.completed` inserts
 * nothing twice (`ON CONFLICT DO NOTHING`). Its status only moves forward: `valid` → `checkedIn`,
 * `voided` or `transferred`. The check-in itself is decided by the `checkin` actor (the single
 * writer); the columns here are its projection, for the buyer's and organizer's views.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const tz = { withTimezone: true, mode: 'date' } as const;

/** One ticket: one seat of one order line. */
export const tickets = pgTable(
  'tickets',
  {
    ticketId: text('ticket_id').primaryKey(),
    orderId: text('order_id').notNull(),
    eventId: text('event_id').notNull(),
    classId: text('class_id').notNull(),
    ownerId: text('owner_id').notNull(),
    /** 1-based seat number inside the order (the `<n>` of the id). */
    seatNo: integer('seat_no').notNull(),
    priceMinor: bigint('price_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** `valid`, `checkedIn`, `voided` or `transferred`. */
    status: text('status').notNull().default('valid'),
    issuedAt: timestamp('issued_at', tz).notNull().default(sql`now()`),
    checkedInAt: timestamp('checked_in_at', tz),
    checkedInGate: text('checked_in_gate'),
    checkedInBy: text('checked_in_by'),
    /** Why a voided ticket was voided (`refunded`, `cancelled`, …). */
    voidReason: text('void_reason'),
    /** The ticket this one was transferred to (status `transferred`), or the one it came from. */
    transferredTo: text('transferred_to'),
    transferredFrom: text('transferred_from'),
    updatedAt: timestamp('updated_at', tz).notNull().default(sql`now()`),
  },
  (t) => [
    index('tickets_owner_ix').on(t.ownerId, t.issuedAt.desc(), t.ticketId),
    index('tickets_order_ix').on(t.orderId, t.seatNo),
    index('tickets_event_ix').on(t.eventId, t.status),
  ],
);

/** A check-in list of an event: which classes it admits (null = all) and which gates scan it. */
export const checkinLists = pgTable(
  'checkin_lists',
  {
    listId: text('list_id').primaryKey(),
    eventId: text('event_id').notNull(),
    name: text('name').notNull(),
    classIds: jsonb('class_ids').$type<string[] | null>(),
    gates: jsonb('gates').$type<string[]>().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', tz).notNull().default(sql`now()`),
  },
  (t) => [index('checkin_lists_event_ix').on(t.eventId)],
);

export type TicketRow = typeof tickets.$inferSelect;
export type NewTicketRow = typeof tickets.$inferInsert;
export type CheckinListRow = typeof checkinLists.$inferSelect;
