/**
 * @module orders/organizer
 * The organizer's read models of one event, in PostgreSQL: its orders (with the buyer, searchable,
 * cursor-paged newest first), its attendees, sales by ticket class over time, check-in progress by
 * gate, and CSV exports of the lists. Orders and sales read the order-history projection
 * (`order_history`, `order_history_lines`) joined with `users`; attendees and check-ins read the
 * issued-tickets table `tickets` (columns ticket_id, event_id, class_id, order_id, owner_id,
 * status, checked_in_at, gate) when it exists, and otherwise answer from the paid order lines
 * (attendees) or say `unavailable` (check-ins). A voided ticket (refund) is listed, as voided, and
 * not counted as issued; a transferred one is neither (its successor is). Invariants: every query is bounded by the event id
 * and a page size; a cursor is opaque and refused (ORGANIZER_CURSOR_INVALID) when it is not one a
 * page gave out; CSV cells that a spreadsheet would run as a formula are quoted as text.
 */
import { sql, type SQL } from 'drizzle-orm';
import { TbError } from '../contracts/index.js';
import { withDbErrors, type Db } from '../db/index.js';

/** One order in the organizer's list. */
export interface EventOrderRow {
  orderId: string;
  code: string;
  status: string;
  totalMinor: number;
  currency: string;
  tickets: number;
  buyerId: string;
  buyerEmail: string | null;
  buyerName: string | null;
  refundRequired: boolean;
  createdAt: string;
  updatedAt: string;
}
/** One attendee: an issued ticket (or, before tickets exist, a paid order line). */
export interface AttendeeRow {
  ticketId: string | null;
  orderId: string;
  classId: string;
  quantity: number;
  status: string;
  ownerId: string;
  email: string | null;
  name: string | null;
  checkedInAt: string | null;
  gate: string | null;
}
/** A page of a list. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const encode = (k: unknown[]) => Buffer.from(JSON.stringify(k), 'utf8').toString('base64url');
function decodeCursor(c: string | undefined, shape: Array<'string' | 'number'>): unknown[] | undefined {
  if (c === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === shape.length && v.every((x, i) => typeof x === shape[i])) return v;
  } catch {
    /* refused below */
  }
  throw new TbError('ORGANIZER_CURSOR_INVALID');
}
const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const rowsOf = <T>(r: unknown) => r as unknown as T[];

/** True when the issued-tickets table exists (it is created by the tickets migration). */
export async function hasTicketsTable(db: Db): Promise<boolean> {
  const [r] = rowsOf<{ t: string | null }>(await withDbErrors(() => db.execute(sql`select to_regclass('public.tickets')::text as t`)));
  return !!r?.t;
}

/** True once tickets of the event were issued (before that, attendees come from the paid order lines). */
async function hasTicketsFor(db: Db, eventId: string): Promise<boolean> {
  if (!(await hasTicketsTable(db))) return false;
  const rows = rowsOf<Record<string, unknown>>(
    await withDbErrors(() => db.execute(sql`select 1 from tickets where event_id = ${eventId} limit 1`)),
  );
  return rows.length > 0;
}

/** The event's orders, newest first; `q` matches the order code, the buyer's email or name; `status` filters. */
export async function listEventOrders(
  db: Db,
  eventId: string,
  o: { q?: string; status?: string; cursor?: string; limit: number },
): Promise<Page<EventOrderRow>> {
  const after = decodeCursor(o.cursor, ['number', 'string']);
  const where: SQL[] = [sql`oh.event_id = ${eventId}`];
  if (o.status) where.push(sql`oh.status = ${o.status}`);
  if (o.q)
    where.push(sql`(oh.code like ${`${o.q.replace(/[\\%_]/g, '')}%`} or u.email ilike ${like(o.q)} or u.display_name ilike ${like(o.q)})`);
  if (after) where.push(sql`(oh.created_at, oh.order_id) < (to_timestamp(${after[0] as number} / 1000.0), ${after[1] as string})`);
  const rows = rowsOf<Record<string, unknown>>(
    await withDbErrors(() =>
      db.execute(sql`
    select oh.order_id, oh.code, oh.status, oh.total_minor, oh.currency, oh.refund_required, oh.user_id, u.email, u.display_name,
      oh.created_at, oh.updated_at, (extract(epoch from oh.created_at) * 1000)::bigint as created_ms,
      coalesce((select sum(l.quantity) from order_history_lines l where l.order_id = oh.order_id), 0)::int as tickets
    from order_history oh left join users u on u.id::text = oh.user_id
    where ${sql.join(where, sql` and `)}
    order by oh.created_at desc, oh.order_id desc limit ${o.limit + 1}`),
    ),
  );
  const items = rows.slice(0, o.limit).map((r) => ({
    orderId: String(r['order_id']),
    code: String(r['code']),
    status: String(r['status']),
    totalMinor: Number(r['total_minor']),
    currency: String(r['currency']),
    tickets: Number(r['tickets']),
    buyerId: String(r['user_id']),
    buyerEmail: (r['email'] as string | null) ?? null,
    buyerName: (r['display_name'] as string | null) ?? null,
    refundRequired: Boolean(r['refund_required']),
    createdAt: new Date(r['created_at'] as string).toISOString(),
    updatedAt: new Date(r['updated_at'] as string).toISOString(),
  }));
  const last = rows[o.limit - 1];
  return { items, nextCursor: rows.length > o.limit && last ? encode([Number(last['created_ms']), String(last['order_id'])]) : null };
}

/** Attendees from the issued-tickets table (one row per ticket). */
async function attendeesFromTickets(
  db: Db,
  eventId: string,
  o: { q?: string; cursor?: string; limit: number },
): Promise<Page<AttendeeRow>> {
  const after = decodeCursor(o.cursor, ['string']);
  // A transferred ticket lives on as its successor (`<id>-t1`, the new owner's): listed once.
  const where: SQL[] = [sql`t.event_id = ${eventId}`, sql`t.status <> 'transferred'`];
  if (o.q) {
    const prefix = `${o.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(sql`(t.ticket_id::text like ${prefix} or u.email ilike ${like(o.q)} or u.display_name ilike ${like(o.q)}
      or t.order_id in (select oh.order_id from order_history oh where oh.event_id = ${eventId} and oh.code like ${prefix}))`);
  }
  if (after) where.push(sql`t.ticket_id::text > ${after[0] as string}`);
  const rows = rowsOf<Record<string, unknown>>(
    await withDbErrors(() =>
      db.execute(sql`
    select t.ticket_id::text as ticket_id, t.order_id, t.class_id, t.status, t.owner_id::text as owner_id, t.checked_in_at, t.checked_in_gate as gate, u.email, u.display_name
    from tickets t left join users u on u.id::text = t.owner_id::text
    where ${sql.join(where, sql` and `)} order by t.ticket_id::text limit ${o.limit + 1}`),
    ),
  );
  const items = rows.slice(0, o.limit).map((r) => ({
    ticketId: String(r['ticket_id']),
    orderId: String(r['order_id']),
    classId: String(r['class_id']),
    quantity: 1,
    status: String(r['status']),
    ownerId: String(r['owner_id']),
    email: (r['email'] as string | null) ?? null,
    name: (r['display_name'] as string | null) ?? null,
    checkedInAt: r['checked_in_at'] ? new Date(r['checked_in_at'] as string).toISOString() : null,
    gate: (r['gate'] as string | null) ?? null,
  }));
  return { items, nextCursor: rows.length > o.limit ? encode([items[items.length - 1]!.ticketId]) : null };
}

/** Attendees from the paid order lines (before tickets are issued): one row per line. */
async function attendeesFromOrders(db: Db, eventId: string, o: { q?: string; cursor?: string; limit: number }): Promise<Page<AttendeeRow>> {
  const after = decodeCursor(o.cursor, ['string', 'number']);
  const where: SQL[] = [sql`oh.event_id = ${eventId}`, sql`oh.status = 'COMPLETED'`, sql`l.state = 'confirmed'`];
  if (o.q)
    where.push(sql`(oh.code like ${`${o.q.replace(/[\\%_]/g, '')}%`} or u.email ilike ${like(o.q)} or u.display_name ilike ${like(o.q)})`);
  if (after) where.push(sql`(oh.order_id, l.line_no) > (${after[0] as string}, ${after[1] as number})`);
  const rows = rowsOf<Record<string, unknown>>(
    await withDbErrors(() =>
      db.execute(sql`
    select oh.order_id, l.line_no, l.class_id, l.quantity, oh.user_id, u.email, u.display_name
    from order_history oh join order_history_lines l on l.order_id = oh.order_id left join users u on u.id::text = oh.user_id
    where ${sql.join(where, sql` and `)} order by oh.order_id, l.line_no limit ${o.limit + 1}`),
    ),
  );
  const items = rows.slice(0, o.limit).map((r) => ({
    ticketId: null,
    orderId: String(r['order_id']),
    classId: String(r['class_id']),
    quantity: Number(r['quantity']),
    status: 'paid',
    ownerId: String(r['user_id']),
    email: (r['email'] as string | null) ?? null,
    name: (r['display_name'] as string | null) ?? null,
    checkedInAt: null,
    gate: null,
  }));
  const last = rows[o.limit - 1];
  return { items, nextCursor: rows.length > o.limit && last ? encode([String(last['order_id']), Number(last['line_no'])]) : null };
}

/** The event's attendees (tickets when issued, else paid order lines), with `source` saying which. */
export async function listEventAttendees(
  db: Db,
  eventId: string,
  o: { q?: string; cursor?: string; limit: number },
): Promise<Page<AttendeeRow> & { source: 'tickets' | 'orders' }> {
  return (await hasTicketsFor(db, eventId))
    ? { ...(await attendeesFromTickets(db, eventId, o)), source: 'tickets' }
    : { ...(await attendeesFromOrders(db, eventId, o)), source: 'orders' };
}

/** Tickets sold and revenue per ticket class per `bucket` (hour or day, UTC) of the orders' completion. */
export async function salesOverTime(
  db: Db,
  eventId: string,
  bucket: 'hour' | 'day',
): Promise<Array<{ at: string; classId: string; tickets: number; revenueMinor: number; currency: string }>> {
  const rows = rowsOf<Record<string, unknown>>(
    await withDbErrors(() =>
      db.execute(sql`
    select date_trunc(${bucket}, oh.updated_at at time zone 'UTC') as at, l.class_id, sum(l.quantity)::int as tickets,
      sum(l.quantity * l.unit_price_minor)::bigint as revenue, l.currency
    from order_history oh join order_history_lines l on l.order_id = oh.order_id
    where oh.event_id = ${eventId} and oh.status = 'COMPLETED' and l.state = 'confirmed'
    group by 1, 2, 5 order by 1, 2`),
    ),
  );
  return rows.map((r) => ({
    at: `${String(r['at']).replace(' ', 'T').slice(0, 19)}Z`,
    classId: String(r['class_id']),
    tickets: Number(r['tickets']),
    revenueMinor: Number(r['revenue']),
    currency: String(r['currency']),
  }));
}

/** Check-in progress by gate, from the issued-tickets table; `unavailable` while the event has no issued ticket. */
export async function checkInProgress(
  db: Db,
  eventId: string,
): Promise<{ source: 'tickets' | 'unavailable'; issued: number; checkedIn: number; gates: Array<{ gate: string; checkedIn: number }> }> {
  if (!(await hasTicketsFor(db, eventId))) return { source: 'unavailable', issued: 0, checkedIn: 0, gates: [] };
  const [tot] = rowsOf<Record<string, unknown>>(
    await withDbErrors(() =>
      db.execute(sql`
    select count(*) filter (where status not in ('voided', 'transferred'))::int as issued, count(checked_in_at)::int as checked_in from tickets where event_id = ${eventId}`),
    ),
  );
  const gates = rowsOf<Record<string, unknown>>(
    await withDbErrors(() =>
      db.execute(sql`
    select coalesce(checked_in_gate, '') as gate, count(*)::int as n from tickets where event_id = ${eventId} and checked_in_at is not null group by 1 order by 1`),
    ),
  );
  return {
    source: 'tickets',
    issued: Number(tot?.['issued'] ?? 0),
    checkedIn: Number(tot?.['checked_in'] ?? 0),
    gates: gates.map((g) => ({ gate: String(g['gate']), checkedIn: Number(g['n']) })),
  };
}

/** One CSV cell (RFC 4180 quoting); a value a spreadsheet would run as a formula is prefixed with `'`. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole list as CSV (pages of 1,000 until the end). */
export async function toCsv<T extends object>(
  columns: Array<keyof T & string>,
  page: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<string> {
  const out = [columns.join(',')];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    for (const item of p.items) out.push(columns.map((c) => csvCell(item[c])).join(','));
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
  return `${out.join('\r\n')}\r\n`;
}
