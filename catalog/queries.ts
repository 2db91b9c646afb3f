/**
 * @module catalog/queries
 * The catalog's read side over PostgreSQL: public listing with category, date and full-text
 * filters, "my events" for staff, event pages with ticket classes, and categories. Invariants:
 * every input is a bound parameter (search goes through `websearch_to_tsquery`, which accepts any
 * text); pagination is keyset on a total order, so walking pages returns every row at most once,
 * and every row that existed for the whole walk exactly once, even while rows are inserted.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { sql, type SQL } from 'drizzle-orm';
import { TbError } from '../contracts/index.js';
import type { Db } from '../db/index.js';
import { decodeCursor, encodeCursor, filterFingerprint, type CursorKey } from './cursor.js';
import { toClassItem, toEventItem, CLASS_COLUMNS, EVENT_COLUMNS, type Row } from './rows.js';
import {
  CatalogListQuery,
  CatalogMyEventsQuery,
  DEFAULT_LIMIT,
  type CatalogCategory,
  type CatalogEventDetail,
  type CatalogEventPage,
} from './schemas.js';

/** The catalog read API (see `createCatalog`). */
export interface Catalog {
  /** Public (`isPublic`) `PUBLISHED` events: by start time, or by relevance when `q` is given. */
  listPublic(query?: CatalogListQuery): Promise<CatalogEventPage>;
  /** Events where `userId` is staff (admin, editor, viewer), in any status, by start time. */
  listForUser(userId: string, query?: CatalogMyEventsQuery): Promise<CatalogEventPage>;
  /**
   * One event with its ticket classes, or null when unknown or not visible: visible when public
   * and published, to its staff (`viewerId`), or to everyone with `includeHidden` (platform admins).
   */
  getEvent(eventId: string, opts?: { viewerId?: string; includeHidden?: boolean }): Promise<CatalogEventDetail | null>;
  /** Distinct categories of public published events with their event counts, most used first. */
  categories(): Promise<CatalogCategory[]>;
}

/** Strip characters PostgreSQL text refuses (NUL) and other control characters. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must go
const scrub = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();

function check<T>(schema: TSchema, value: unknown): T {
  if (Value.Check(schema, value)) return value as T;
  const first = Value.Errors(schema, value).First();
  throw new TbError('CATALOG_INVALID_QUERY', { reason: first ? `${first.path || '/'} ${first.message}` : 'invalid' });
}

const PUBLIC = sql`e.status = 'PUBLISHED' and e.is_public`;
/** Most categories one listing may ask for at once. */
const MAX_CATEGORIES = 20;

/**
 * One page. A `next` cursor (or none) reads forward from its key; a `prev` cursor reads the
 * `limit` rows just before its key (in reverse order, then flipped), so both directions are one
 * keyset query. `nextCursor` is set when rows follow the page, `prevCursor` when rows precede it
 * (after a forward cursor: always, the cursor's own row is before; at the start: never).
 */
async function page(
  db: Db,
  where: SQL[],
  limit: number,
  fp: string,
  search: SQL | undefined,
  cursor: CursorKey | undefined,
): Promise<CatalogEventPage> {
  const rank = search ? sql`ts_rank(e.search_vector, ${search})::float8` : sql`0::float8`;
  const back = cursor?.dir === 'prev';
  if (search) where.push(sql`e.search_vector @@ ${search}`);
  if (cursor?.mode === 'time') {
    const key = sql`(${new Date(cursor.startsAt).toISOString()}::timestamptz, ${cursor.id})`;
    where.push(back ? sql`(e.starts_at, e.event_id) < ${key}` : sql`(e.starts_at, e.event_id) > ${key}`);
  }
  if (cursor?.mode === 'rank') {
    where.push(
      back
        ? sql`(${rank} > ${cursor.rank}::float8 or (${rank} = ${cursor.rank}::float8 and e.event_id < ${cursor.id}))`
        : sql`(${rank} < ${cursor.rank}::float8 or (${rank} = ${cursor.rank}::float8 and e.event_id > ${cursor.id}))`,
    );
  }
  const order = search
    ? back
      ? sql`rank asc, e.event_id desc`
      : sql`rank desc, e.event_id asc`
    : back
      ? sql`e.starts_at desc, e.event_id desc`
      : sql`e.starts_at asc, e.event_id asc`;
  const rows = (await db.execute(sql`select ${EVENT_COLUMNS}, ${rank} as rank from catalog_events e
    where ${sql.join(where, sql` and `)} order by ${order} limit ${limit + 1}`)) as unknown as Row[];
  const more = rows.length > limit;
  const kept = rows.slice(0, limit);
  if (back) kept.reverse();
  const keyOf = (row: Row, dir: 'next' | 'prev'): string =>
    encodeCursor(
      search
        ? { mode: 'rank', rank: Number(row.rank), id: String(row.event_id), dir }
        : { mode: 'time', startsAt: Number(row.starts_at), id: String(row.event_id), dir },
      fp,
    );
  const first = kept[0];
  const last = kept[kept.length - 1];
  const hasNext = back ? kept.length > 0 : more;
  const hasPrev = back ? more : cursor !== undefined && kept.length > 0;
  return {
    items: kept.map(toEventItem),
    nextCursor: hasNext && last ? keyOf(last, 'next') : null,
    prevCursor: hasPrev && first ? keyOf(first, 'prev') : null,
  };
}

/** `categories=a,b` (any of them) and the older single `category`, scrubbed, without duplicates. */
function categoriesOf(p: CatalogListQuery): string[] {
  const all = [...(p.categories ?? '').split(','), p.category ?? ''].map(scrub).filter((c) => c.length > 0);
  return [...new Set(all)].sort();
}

/** Create the read API over `db`. Invalid parameters throw `CATALOG_INVALID_QUERY`, bad cursors `CATALOG_INVALID_CURSOR` (both 400). */
export function createCatalog(db: Db): Catalog {
  return {
    async listPublic(query = {}) {
      const p = check<CatalogListQuery>(CatalogListQuery, query);
      const q = p.q !== undefined ? scrub(p.q) : '';
      const categories = categoriesOf(p);
      if (categories.length > MAX_CATEGORIES)
        throw new TbError('CATALOG_INVALID_QUERY', { reason: `/categories at most ${MAX_CATEGORIES} categories` });
      const fp = filterFingerprint(['public', q, categories, p.from ?? null, p.to ?? null]);
      const where: SQL[] = [PUBLIC];
      // Any of the categories (OR): the arrays overlap.
      if (categories.length)
        where.push(
          sql`e.categories && array[${sql.join(
            categories.map((c) => sql`${c}`),
            sql`, `,
          )}]::text[]`,
        );
      if (p.from !== undefined) where.push(sql`e.ends_at >= ${new Date(p.from).toISOString()}::timestamptz`);
      // `to` is included: a range picked up to a day ends at that day's last millisecond and keeps its events.
      if (p.to !== undefined) where.push(sql`e.starts_at <= ${new Date(p.to).toISOString()}::timestamptz`);
      const search = q ? sql`websearch_to_tsquery('english'::regconfig, ${q})` : undefined;
      const cursor = p.cursor !== undefined ? decodeCursor(p.cursor, fp, search ? 'rank' : 'time') : undefined;
      return page(db, where, p.limit ?? DEFAULT_LIMIT, fp, search, cursor);
    },

    async listForUser(userId, query = {}) {
      const p = check<CatalogMyEventsQuery>(CatalogMyEventsQuery, query);
      const fp = filterFingerprint(['staff', userId, p.status ?? null]);
      const where: SQL[] = [sql`e.staff_user_ids @> array[${scrub(userId)}]::text[]`];
      if (p.status) where.push(sql`e.status = ${p.status}`);
      const cursor = p.cursor !== undefined ? decodeCursor(p.cursor, fp, 'time') : undefined;
      return page(db, where, p.limit ?? DEFAULT_LIMIT, fp, undefined, cursor);
    },

    async getEvent(eventId, opts = {}) {
      const visible = opts.includeHidden
        ? sql`true`
        : opts.viewerId
          ? sql`(${PUBLIC} or e.staff_user_ids @> array[${scrub(opts.viewerId)}]::text[])`
          : PUBLIC;
      const rows = (await db.execute(sql`select ${EVENT_COLUMNS} from catalog_events e
        where e.event_id = ${scrub(eventId)} and ${visible}`)) as unknown as Row[];
      if (rows.length === 0) return null;
      const classes = (await db.execute(sql`select ${CLASS_COLUMNS} from catalog_ticket_classes
        where event_id = ${scrub(eventId)} and name is not null order by price_minor asc, class_id asc`)) as unknown as Row[];
      return { ...toEventItem(rows[0]!), ticketClasses: classes.map(toClassItem) };
    },

    async categories() {
      const rows = (await db.execute(sql`select c as category, count(distinct e.event_id)::int as count
        from catalog_events e, unnest(e.categories) c where ${PUBLIC}
        group by c order by count desc, c asc`)) as unknown as Row[];
      return rows.map((r) => ({ category: String(r.category), count: Number(r.count) }));
    },
  };
}
