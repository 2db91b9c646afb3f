/**
 * @module catalog/rows
 * Maps raw catalog rows (snake_case; timestamps selected as epoch-ms bigints, which arrive as strings) to the API items
 * of `schemas.ts`. Pure. Optional fields are omitted rather than null, as in the actor views.
 */
import { sql } from 'drizzle-orm';
import type { CatalogEventItem, CatalogTicketClassItem } from './schemas.js';

/** A raw row from `db.execute`. */
export type Row = Record<string, unknown>;

const epochMs = (col: string) => `floor(extract(epoch from ${col}) * 1000)::bigint as ${col.split('.').pop()}`;

/** The `catalog_events e` columns the API shows (never the search vector); timestamps as epoch ms. */
export const EVENT_COLUMNS = sql.raw(`e.event_id, e.name, e.description, e.location, ${epochMs('e.starts_at')}, ${epochMs('e.ends_at')},
  e.categories, e.status, e.is_public, e.is_free, e.organizer, e.created_by, ${epochMs('e.ticket_sale_start_at')},
  ${epochMs('e.ticket_sale_end_at')}, e.allow_wait_room, e.is_new_trending, e.version, ${epochMs('e.updated_at')}`);

/** The `catalog_ticket_classes` columns the API shows; timestamps as epoch ms. */
export const CLASS_COLUMNS = sql.raw(`class_id, event_id, name, price_minor, currency, total, available, state,
  ${epochMs('sale_starts_at')}, ${epochMs('sale_ends_at')}`);

const ms = (v: unknown): number => Number(v);

/** One `catalog_events` row as an API item. */
export function toEventItem(r: Row): CatalogEventItem {
  const item: CatalogEventItem = {
    eventId: String(r.event_id),
    name: String(r.name),
    description: String(r.description),
    location: String(r.location),
    startsAt: ms(r.starts_at),
    endsAt: ms(r.ends_at),
    categories: (r.categories as string[] | null) ?? [],
    status: r.status as CatalogEventItem['status'],
    isPublic: Boolean(r.is_public),
    isFree: Boolean(r.is_free),
    isNewTrending: Boolean(r.is_new_trending),
    allowWaitRoom: Boolean(r.allow_wait_room),
    createdBy: String(r.created_by),
    version: Number(r.version),
    updatedAt: ms(r.updated_at),
  };
  if (r.ticket_sale_start_at != null) item.ticketSaleStartDate = ms(r.ticket_sale_start_at);
  if (r.ticket_sale_end_at != null) item.ticketSaleEndDate = ms(r.ticket_sale_end_at);
  if (r.organizer != null) item.organizer = r.organizer as NonNullable<CatalogEventItem['organizer']>;
  return item;
}

/** One `catalog_ticket_classes` row (with details) as an API item; `soldOut` derived from `available`. */
export function toClassItem(r: Row): CatalogTicketClassItem {
  const available = Number(r.available);
  const state = String(r.state);
  const status = state === 'closed' || state === 'paused' ? state : available === 0 ? 'soldOut' : 'active';
  const item: CatalogTicketClassItem = {
    classId: String(r.class_id),
    eventId: String(r.event_id),
    name: String(r.name),
    priceMinor: Number(r.price_minor),
    currency: String(r.currency),
    total: Number(r.total),
    available,
    status,
  };
  if (r.sale_starts_at != null) item.saleStartsAt = ms(r.sale_starts_at);
  if (r.sale_ends_at != null) item.saleEndsAt = ms(r.sale_ends_at);
  return item;
}
