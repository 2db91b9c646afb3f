/**
 * @module test/catalog/search.test
 * What a shopper's search needs from the catalog (issue 14), on tables filled by the real
 * projector: several categories at once (any of them), a date range that keeps the events of its
 * last day, and pages both ways (back from any page returns exactly the page before, for the
 * listing and for search), with bad input refused as 400s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, startCatalogProjector, type Catalog, type CatalogProjector } from '../../catalog/index.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import { log, projection, publishProjection, setupCatalog, waitForSeq, T0, type CatalogFixture } from './setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe.skipIf(skip !== undefined)('catalog search', () => {
  let fx: CatalogFixture;
  let projector: CatalogProjector;
  let catalog: Catalog;
  const publish = async (id: string, over: Parameters<typeof projection>[1] = {}) =>
    waitForSeq(fx.handle, await publishProjection(fx.nc, projection(id, over), 'published'));
  const ids = async (q: Parameters<Catalog['listPublic']>[0]) => (await catalog.listPublic(q)).items.map((e) => e.eventId);

  beforeAll(async () => {
    fx = await setupCatalog();
    projector = startCatalogProjector({ nc: fx.nc, db: fx.handle.db, log });
    catalog = createCatalog(fx.handle.db);
    await publish('rock', {
      name: 'Rock Night',
      categories: ['music', 'rock'],
      startsAt: T0 + 1 * DAY + 20 * HOUR,
      endsAt: T0 + 1 * DAY + 23 * HOUR,
    });
    await publish('jazz', { name: 'Jazz Evening', categories: ['music', 'jazz'], startsAt: T0 + 2 * DAY, endsAt: T0 + 2 * DAY + 3 * HOUR });
    await publish('talk', { name: 'Tech Talk', categories: ['tech'], startsAt: T0 + 3 * DAY, endsAt: T0 + 3 * DAY + HOUR });
    await publish('match', { name: 'Football Match', categories: ['sport'], startsAt: T0 + 4 * DAY, endsAt: T0 + 4 * DAY + 2 * HOUR });
    for (let i = 0; i < 11; i++)
      await publish(`p${String(i).padStart(2, '0')}`, {
        name: `Paged event ${i}`,
        description: 'paged event',
        categories: ['paged'],
        startsAt: T0 + 50 * DAY + (i % 4) * DAY,
        endsAt: T0 + 60 * DAY,
      });
  });
  afterAll(async () => {
    await projector?.stop();
    await fx?.dispose();
  });

  it('catalog - several categories at once match events in ANY of them (the old API took one)', async () => {
    expect(await ids({ categories: 'rock,tech' })).toEqual(['rock', 'talk']);
    expect(await ids({ categories: 'jazz, sport ,nope' })).toEqual(['jazz', 'match']);
    // The single `category` still works, and combines with `categories` as one more choice.
    expect(await ids({ category: 'sport', categories: 'tech' })).toEqual(['talk', 'match']);
    expect(await ids({ categories: 'music' })).toEqual(['rock', 'jazz']);
    expect(await ids({ categories: ',,' })).toHaveLength(15); // nothing named: no filter
    const tooMany = Array.from({ length: 21 }, (_, i) => `c${i}`).join(',');
    await expect(catalog.listPublic({ categories: tooMany })).rejects.toMatchObject({ code: 'CATALOG_INVALID_QUERY' });
  });

  it('catalog - a date range keeps the events of its last day (the old `to` was exclusive)', async () => {
    // Picking day 1 .. day 1: `from` = day 1 00:00, `to` = day 1 23:59:59.999. The 20:00 concert is in.
    expect(await ids({ from: T0 + 1 * DAY, to: T0 + 2 * DAY - 1, categories: 'music,tech' })).toEqual(['rock']);
    // An event starting exactly at `to` is included.
    expect(await ids({ from: T0 + 2 * DAY, to: T0 + 2 * DAY, categories: 'music,tech' })).toEqual(['jazz']);
    expect(await ids({ from: T0 + 2 * DAY, to: T0 + 4 * DAY - 1, categories: 'music,tech,sport' })).toEqual(['jazz', 'talk']);
  });

  it('catalog - pages go back as well as forward, for the listing and for search', async () => {
    for (const filters of [{ categories: 'paged' }, { q: 'paged' }]) {
      const pages: Array<{ items: string[]; next: string | null; prev: string | null }> = [];
      let cursor: string | undefined;
      do {
        const p = await catalog.listPublic({ ...filters, limit: 3, ...(cursor ? { cursor } : {}) });
        pages.push({ items: p.items.map((e) => e.eventId), next: p.nextCursor, prev: p.prevCursor });
        cursor = p.nextCursor ?? undefined;
      } while (cursor);
      expect(pages.map((p) => p.items.length)).toEqual([3, 3, 3, 2]);
      expect(new Set(pages.flatMap((p) => p.items)).size).toBe(11);
      expect(pages[0]!.prev).toBeNull();
      // From every later page, `prevCursor` gives exactly the page before; from there, `nextCursor` comes back.
      for (let i = 1; i < pages.length; i++) {
        const back = await catalog.listPublic({ ...filters, limit: 3, cursor: pages[i]!.prev! });
        expect(back.items.map((e) => e.eventId)).toEqual(pages[i - 1]!.items);
        expect(back.prevCursor === null).toBe(i === 1);
        const again = await catalog.listPublic({ ...filters, limit: 3, cursor: back.nextCursor! });
        expect(again.items.map((e) => e.eventId)).toEqual(pages[i]!.items);
      }
      // A backward cursor is tied to its filters like a forward one.
      await expect(catalog.listPublic({ categories: 'other', limit: 3, cursor: pages[1]!.prev! })).rejects.toMatchObject({
        code: 'CATALOG_INVALID_CURSOR',
      });
    }
  });

  it('catalog - a tampered direction in a cursor is a 400, never a 500', async () => {
    const p = await catalog.listPublic({ categories: 'paged', limit: 3 });
    const body = JSON.parse(Buffer.from(p.nextCursor!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...body, d: 'sideways' })).toString('base64url');
    await expect(catalog.listPublic({ categories: 'paged', limit: 3, cursor: forged })).rejects.toMatchObject({
      code: 'CATALOG_INVALID_CURSOR',
    });
  });
});
