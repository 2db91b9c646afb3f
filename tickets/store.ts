/**
 * @module tickets/store
 * The tickets table through prepared postgres.js statements (the hot paths: issuing, listing,
 * projecting check-ins). Invariants: issuing is an idempotent insert by deterministic ticket id
 * (`ON CONFLICT DO NOTHING`), so a redelivered or replayed `order.completed` never issues twice;
 * a status only moves forward (`valid` → `checkedIn` | `voided` | `transferred`), and a
 * check-in projection keeps the earliest scan.
 *
 * The pool is the one `createDb` wraps with drizzle, and drizzle replaces postgres.js's
 * serializers for timestamps (1184, 1114, …) and json (114, 3802) with the identity. A `Date` or
 * an object parameter then reaches the wire unserialized and postgres.js throws inside its socket
 * handler, which leaves that connection waiting forever (and every query queued behind it, such as
 * the gateway's access-token check). So parameters here are text, numbers and arrays only, with
 * explicit casts (`${iso}::timestamptz`, `${json}::jsonb`).
 */
import type { Sql } from 'postgres';
import { TicketStatus, type CheckinListView, type TicketView } from './types.js';

/** A ticket to issue. */
export interface NewTicket {
  ticketId: string;
  orderId: string;
  eventId: string;
  classId: string;
  ownerId: string;
  seatNo: number;
  priceMinor: number;
  currency: string;
  transferredFrom?: string;
}

interface Row {
  ticket_id: string;
  order_id: string;
  event_id: string;
  class_id: string;
  owner_id: string;
  seat_no: number;
  price_minor: string | number;
  currency: string;
  status: string;
  issued_at: Date | string;
  checked_in_at: Date | string | null;
  checked_in_gate: string | null;
  checked_in_by: string | null;
  void_reason: string | null;
  transferred_to: string | null;
  transferred_from: string | null;
}

const COLS = [
  'ticket_id',
  'order_id',
  'event_id',
  'class_id',
  'owner_id',
  'seat_no',
  'price_minor',
  'currency',
  'status',
  'issued_at',
  'checked_in_at',
  'checked_in_gate',
  'checked_in_by',
  'void_reason',
  'transferred_to',
  'transferred_from',
];

/** Milliseconds of a timestamp column (a Date, or its text when the driver leaves it unparsed). */
const ms = (d: Date | string): number => (d instanceof Date ? d.getTime() : new Date(d).getTime());

/** A row as the API shows it. */
export function viewOf(r: Row): TicketView {
  return {
    ticketId: r.ticket_id,
    orderId: r.order_id,
    eventId: r.event_id,
    classId: r.class_id,
    ownerId: r.owner_id,
    seatNo: r.seat_no,
    priceMinor: Number(r.price_minor),
    currency: r.currency,
    status: r.status as TicketView['status'],
    issuedAt: ms(r.issued_at),
    ...(r.checked_in_at ? { checkedIn: { at: ms(r.checked_in_at), gate: r.checked_in_gate ?? '', by: r.checked_in_by ?? '' } } : {}),
    ...(r.void_reason ? { voidReason: r.void_reason } : {}),
    ...(r.transferred_to ? { transferredTo: r.transferred_to } : {}),
    ...(r.transferred_from ? { transferredFrom: r.transferred_from } : {}),
  };
}

/** The tickets store over a postgres.js client. */
export interface TicketStore {
  /** Insert tickets that do not exist yet; answers how many were new. */
  issue(tickets: readonly NewTicket[]): Promise<number>;
  get(ticketId: string): Promise<TicketView | undefined>;
  listByOwner(ownerId: string, limit?: number): Promise<TicketView[]>;
  listByOrder(orderId: string): Promise<TicketView[]>;
  /** Every ticket of an event (the offline list), optionally of some classes only. */
  listByEvent(eventId: string, classIds?: readonly string[] | null): Promise<TicketView[]>;
  /** Record a check-in unless an earlier one is recorded (or the ticket is void). */
  markCheckedIn(ticketId: string, at: number, gate: string, by: string): Promise<void>;
  /** `markCheckedIn` for many check-ins in one statement (the earliest per ticket is kept). */
  markCheckedInMany(checkins: ReadonlyArray<{ ticketId: string; at: number; gate: string; by: string }>): Promise<void>;
  /** Void valid tickets; answers the ids that changed. */
  voidMany(ticketIds: readonly string[], reason: string): Promise<string[]>;
  /** Move a valid ticket to `next` (status `transferred`), in one transaction with the new row; false if it was not valid. */
  transfer(from: string, next: NewTicket): Promise<boolean>;
  createList(list: CheckinListView & { createdBy: string }): Promise<void>;
  getList(eventId: string, listId: string): Promise<CheckinListView | undefined>;
  lists(eventId: string): Promise<CheckinListView[]>;
}

/** The store; every statement is a tagged template, which postgres.js prepares once per connection. */
export function createTicketStore(sql: Sql): TicketStore {
  const listRow = (r: {
    list_id: string;
    event_id: string;
    name: string;
    class_ids: string[] | null;
    gates: string[];
  }): CheckinListView => ({ listId: r.list_id, eventId: r.event_id, name: r.name, classIds: r.class_ids, gates: r.gates });
  return {
    async issue(tickets) {
      if (tickets.length === 0) return 0;
      const col = <K extends keyof NewTicket>(k: K) => tickets.map((t) => t[k] ?? null);
      const res = await sql`
        insert into tickets (ticket_id, order_id, event_id, class_id, owner_id, seat_no, price_minor, currency, transferred_from)
        select * from unnest(${col('ticketId') as string[]}::text[], ${col('orderId') as string[]}::text[], ${col('eventId') as string[]}::text[],
          ${col('classId') as string[]}::text[], ${col('ownerId') as string[]}::text[], ${col('seatNo') as number[]}::int[],
          ${col('priceMinor') as number[]}::bigint[], ${col('currency') as string[]}::text[], ${col('transferredFrom') as string[]}::text[])
        on conflict (ticket_id) do nothing`;
      return res.count;
    },
    async get(ticketId) {
      const rows = await sql<Row[]>`select ${sql(COLS)} from tickets where ticket_id = ${ticketId}`;
      return rows[0] ? viewOf(rows[0]) : undefined;
    },
    async listByOwner(ownerId, limit = 200) {
      const rows = await sql<
        Row[]
      >`select ${sql(COLS)} from tickets where owner_id = ${ownerId} order by issued_at desc, ticket_id limit ${limit}`;
      return rows.map(viewOf);
    },
    async listByOrder(orderId) {
      const rows = await sql<Row[]>`select ${sql(COLS)} from tickets where order_id = ${orderId} order by seat_no, ticket_id`;
      return rows.map(viewOf);
    },
    async listByEvent(eventId, classIds) {
      const rows = classIds
        ? await sql<
            Row[]
          >`select ${sql(COLS)} from tickets where event_id = ${eventId} and class_id = any(${classIds as string[]}::text[]) order by ticket_id`
        : await sql<Row[]>`select ${sql(COLS)} from tickets where event_id = ${eventId} order by ticket_id`;
      return rows.map(viewOf);
    },
    async markCheckedIn(ticketId, at, gate, by) {
      // The time goes as ISO text with a cast, never as a Date: the pool is shared with drizzle,
      // which makes postgres.js pass Date parameters through unserialized (see the module header).
      const iso = new Date(at).toISOString();
      await sql`
        update tickets set status = ${TicketStatus.CheckedIn}, checked_in_at = ${iso}::timestamptz, checked_in_gate = ${gate}, checked_in_by = ${by}, updated_at = now()
        where ticket_id = ${ticketId} and status in ('valid', 'checkedIn') and (checked_in_at is null or checked_in_at > ${iso}::timestamptz)`;
    },
    async markCheckedInMany(checkins) {
      if (checkins.length === 0) return;
      // One row per ticket (the earliest), so the update never sees a ticket twice. Times go as a
      // text[] cast after unnest: a timestamptz[] parameter is not serialized on the drizzle pool.
      const first = new Map<string, { ticketId: string; at: number; gate: string; by: string }>();
      for (const c of checkins) {
        const cur = first.get(c.ticketId);
        if (!cur || c.at < cur.at) first.set(c.ticketId, c);
      }
      const rows = [...first.values()];
      await sql`
        update tickets t set status = ${TicketStatus.CheckedIn}, checked_in_at = c.at, checked_in_gate = c.gate, checked_in_by = c.by, updated_at = now()
        from (select unnest(${rows.map((r) => r.ticketId)}::text[]) as ticket_id, unnest(${rows.map((r) => new Date(r.at).toISOString())}::text[])::timestamptz as at,
                     unnest(${rows.map((r) => r.gate)}::text[]) as gate, unnest(${rows.map((r) => r.by)}::text[]) as by) c
        where t.ticket_id = c.ticket_id and t.status in ('valid', 'checkedIn') and (t.checked_in_at is null or t.checked_in_at > c.at)`;
    },
    async voidMany(ticketIds, reason) {
      if (ticketIds.length === 0) return [];
      const rows = await sql<{ ticket_id: string }[]>`
        update tickets set status = ${TicketStatus.Voided}, void_reason = ${reason}, updated_at = now()
        where ticket_id = any(${ticketIds as string[]}::text[]) and status = 'valid' returning ticket_id`;
      return rows.map((r) => r.ticket_id);
    },
    async transfer(from, next) {
      return sql.begin(async (tx) => {
        const moved = await tx`
          update tickets set status = ${TicketStatus.Transferred}, transferred_to = ${next.ticketId}, updated_at = now()
          where ticket_id = ${from} and status = 'valid' returning ticket_id`;
        if (moved.count === 0) return false;
        await tx`
          insert into tickets (ticket_id, order_id, event_id, class_id, owner_id, seat_no, price_minor, currency, transferred_from)
          values (${next.ticketId}, ${next.orderId}, ${next.eventId}, ${next.classId}, ${next.ownerId}, ${next.seatNo}, ${next.priceMinor}, ${next.currency}, ${from})`;
        return true;
      }) as Promise<boolean>;
    },
    async createList(l) {
      await sql`insert into checkin_lists (list_id, event_id, name, class_ids, gates, created_by)
        values (${l.listId}, ${l.eventId}, ${l.name}, ${l.classIds === null ? null : JSON.stringify(l.classIds)}::jsonb, ${JSON.stringify(l.gates)}::jsonb, ${l.createdBy})
        on conflict (list_id) do nothing`;
    },
    async getList(eventId, listId) {
      const rows = await sql<
        Parameters<typeof listRow>[0][]
      >`select list_id, event_id, name, class_ids, gates from checkin_lists where list_id = ${listId} and event_id = ${eventId}`;
      return rows[0] ? listRow(rows[0]) : undefined;
    },
    async lists(eventId) {
      const rows = await sql<
        Parameters<typeof listRow>[0][]
      >`select list_id, event_id, name, class_ids, gates from checkin_lists where event_id = ${eventId} order by created_at, list_id`;
      return rows.map(listRow);
    },
  };
}
