/**
 * @module catalog/apply
 * Writes decoded changes into the catalog tables, inside a transaction the caller owns.
 * Invariant: every statement is a guarded upsert (higher version / stream position wins), so
 * applying a change twice, or an older change after a newer one, leaves the tables unchanged.
 * Table names are unqualified on purpose: the rebuild points `search_path` at its shadow schema
 * and reuses exactly this code.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import type { CatalogChange } from './decode.js';

/** Anything that can run a statement: the db handle or a transaction. */
export type SqlRunner = { execute: Db['execute'] };

const ts = (ms: number | null | undefined): SQL =>
  ms === null || ms === undefined ? sql`null` : sql`${new Date(ms).toISOString()}::timestamptz`;

/** Apply one change (`ignored` and `poison` are no-ops here). */
export async function applyChange(tx: SqlRunner, change: CatalogChange): Promise<void> {
  if (change.type === 'event') await applyEvent(tx, change);
  else if (change.type === 'ticketclass') await applyTicketClass(tx, change);
}

async function applyEvent(tx: SqlRunner, c: Extract<CatalogChange, { type: 'event' }>): Promise<void> {
  const p = c.projection;
  // The creator is admin from creation; seeded at version 0 so any real role change overrides it.
  await tx.execute(sql`insert into catalog_event_staff (event_id, user_id, role, version)
    values (${p.eventId}, ${p.createdBy}, 'admin', 0) on conflict (event_id, user_id) do nothing`);
  if (c.staff) {
    await tx.execute(sql`insert into catalog_event_staff as s (event_id, user_id, role, version)
      values (${p.eventId}, ${c.staff.userId}, ${c.staff.role}, ${p.version})
      on conflict (event_id, user_id) do update set role = excluded.role, version = excluded.version
      where excluded.version > s.version`);
  }
  await tx.execute(sql`insert into catalog_events as e (event_id, name, description, location, starts_at, ends_at,
      categories, status, is_public, is_free, organizer, created_by, ticket_sale_start_at, ticket_sale_end_at,
      allow_wait_room, is_new_trending, version, updated_at)
    values (${p.eventId}, ${p.name}, ${p.description}, ${p.location}, ${ts(p.startsAt)}, ${ts(p.endsAt)},
      ${sql`${pgTextArray(p.categories)}::text[]`}, ${p.status}, ${p.isPublic}, ${p.isFree},
      ${p.organizer ? sql`${JSON.stringify(p.organizer)}::jsonb` : sql`null`}, ${p.createdBy},
      ${ts(p.ticketSaleStartDate)}, ${ts(p.ticketSaleEndDate)}, ${p.allowWaitRoom}, ${p.isNewTrending}, ${p.version},
      ${ts(p.updatedAt)})
    on conflict (event_id) do update set name = excluded.name, description = excluded.description,
      location = excluded.location, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
      categories = excluded.categories, status = excluded.status, is_public = excluded.is_public,
      is_free = excluded.is_free, organizer = excluded.organizer, created_by = excluded.created_by,
      ticket_sale_start_at = excluded.ticket_sale_start_at, ticket_sale_end_at = excluded.ticket_sale_end_at,
      allow_wait_room = excluded.allow_wait_room, is_new_trending = excluded.is_new_trending,
      version = excluded.version, updated_at = excluded.updated_at
    where excluded.version > e.version`);
  // Staff may change without the event row changing (a late roleChanged): always re-derive.
  await tx.execute(sql`update catalog_events set staff_user_ids = s.ids
    from (select coalesce(array_agg(user_id order by user_id), '{}') as ids from catalog_event_staff
          where event_id = ${p.eventId} and role is not null) s
    where event_id = ${p.eventId} and staff_user_ids is distinct from s.ids`);
}

async function applyTicketClass(tx: SqlRunner, c: Extract<CatalogChange, { type: 'ticketclass' }>): Promise<void> {
  const d = c.details;
  const statePos = c.state ? c.position : -1;
  const detailPos = d ? c.position : -1;
  const pick = (col: string) =>
    sql.raw(`${col} = case when excluded.detail_position > t.detail_position then excluded.${col} else t.${col} end`);
  await tx.execute(sql`insert into catalog_ticket_classes as t (class_id, event_id, name, price_minor, currency, total,
      sale_starts_at, sale_ends_at, available, state, position, state_position, detail_position)
    values (${c.classId}, ${c.eventId}, ${d?.name ?? null}, ${d?.priceMinor ?? null}, ${d?.currency ?? null},
      ${d?.total ?? null}, ${ts(d?.saleStartsAt)}, ${ts(d?.saleEndsAt)}, ${c.available}, ${c.state ?? 'active'},
      ${c.position}, ${statePos}, ${detailPos})
    on conflict (class_id) do update set
      available = case when excluded.position > t.position then excluded.available else t.available end,
      position = greatest(t.position, excluded.position),
      state = case when excluded.state_position > t.state_position then excluded.state else t.state end,
      state_position = greatest(t.state_position, excluded.state_position),
      ${pick('name')}, ${pick('price_minor')}, ${pick('currency')}, ${pick('total')},
      ${pick('sale_starts_at')}, ${pick('sale_ends_at')},
      detail_position = greatest(t.detail_position, excluded.detail_position)
    where excluded.position > t.position or excluded.state_position > t.state_position
      or excluded.detail_position > t.detail_position`);
}

/** Record that projector `name` committed up to stream sequence `seq` (never moves back). */
export async function saveCheckpoint(tx: SqlRunner, name: string, seq: number): Promise<void> {
  await tx.execute(sql`insert into catalog_checkpoints as c (projector, stream_seq, updated_at) values (${name}, ${seq}, now())
    on conflict (projector) do update set stream_seq = greatest(c.stream_seq, excluded.stream_seq), updated_at = now()`);
}

/** A PostgreSQL array literal for `text[]` (quoted and escaped; bound as one parameter). */
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
