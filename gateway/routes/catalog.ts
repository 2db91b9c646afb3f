/**
 * @module gateway/routes/catalog
 * Listing and search over the PostgreSQL catalog projection: public published events (search,
 * several categories at once, an inclusive date range, keyset pages both ways), categories, and the caller's own events in any status. These
 * reads never touch an actor; they lag the `event` actors by the projection delay (the event page
 * `GET /events/:eventId` and the ticket-class routes read the actors, so they are live).
 */
import { Type } from '../../contracts/index.js';
import { CatalogCategory, CatalogEventPage, CatalogListQuery, CatalogMyEventsQuery, type Catalog } from '../../catalog/index.js';
import { defineRoute } from '../route.js';
import type { AnyRoute } from '../types.js';
import { problem, userOf } from './shared.js';

const BAD_QUERY = problem('Bad parameters (COMMAND_INVALID, CATALOG_INVALID_QUERY) or cursor (CATALOG_INVALID_CURSOR)');

/** The catalog routes, bound to a catalog read API. */
export function catalogRoutes(catalog: Catalog): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/events',
      summary: 'Public published events: search, filter, page',
      tags: ['catalog'],
      auth: 'none',
      description:
        'By start time, or by relevance with `q`. `categories=a,b` matches events in any of them; `to` is included (startsAt ≤ to). Pass `nextCursor` (or `prevCursor`) back as `cursor` for the next (or previous) page, with the same filters.',
      query: CatalogListQuery,
      responses: { 200: CatalogEventPage, 400: BAD_QUERY },
      handler: async (ctx) => ({ body: await catalog.listPublic(ctx.query) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/categories',
      summary: 'Categories of public published events, with counts',
      tags: ['catalog'],
      auth: 'none',
      responses: { 200: Type.Object({ items: Type.Array(CatalogCategory) }) },
      handler: async () => ({ body: { items: await catalog.categories() } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/me/events',
      summary: 'Events I am staff of (admin, editor, viewer), any status',
      tags: ['catalog', 'me'],
      auth: 'required',
      query: CatalogMyEventsQuery,
      responses: { 200: CatalogEventPage, 400: BAD_QUERY },
      handler: async (ctx) => ({ body: await catalog.listForUser(userOf(ctx).userId, ctx.query) }),
    }),
  ];
}
