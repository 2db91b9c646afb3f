/**
 * @module test/catalog/queries.test
 * The catalog read API over tables filled by the real projector: filters, full-text search,
 * hostile input, keyset pagination under concurrent inserts, cursor validation, categories.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog, startCatalogProjector, type Catalog, type CatalogProjector } from '../../catalog/index.js';
import { TbError } from '../../contracts/index.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import { log, projection, publishProjection, setupCatalog, waitForSeq, T0, type CatalogFixture } from './setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();
const DAY = 86_400_000;

describe.skipIf(skip !== undefined)('catalog queries', () => {
  let fx: CatalogFixture;
  let projector: CatalogProjector;
  let catalog: Catalog;
  const publish = async (id: string, over: Parameters<typeof projection>[1] = {}) =>
    waitForSeq(fx.handle, await publishProjection(fx.nc, projection(id, over), 'published'));

  beforeAll(async () => {
    fx = await setupCatalog();
    projector = startCatalogProjector({ nc: fx.nc, db: fx.handle.db, log });
    catalog = createCatalog(fx.handle.db);
    await publish('rock', {
      name: 'Rock Night',
      description: 'Loud guitars and drums',
      location: 'Hanoi Opera House',
      categories: ['music', 'rock'],
      startsAt: T0 + 1 * DAY,
      endsAt: T0 + 1 * DAY + 3_600_000,
    });
    await publish('jazz', {
      name: 'Jazz Evening',
      description: 'Smooth saxophone',
      location: 'Saigon Riverside',
      categories: ['music', 'jazz'],
      startsAt: T0 + 2 * DAY,
      endsAt: T0 + 2 * DAY + 3_600_000,
    });
    await publish('devconf', {
      name: 'DevConf',
      description: 'Talks about distributed systems and guitars',
      location: 'Da Nang',
      categories: ['tech'],
      startsAt: T0 + 10 * DAY,
      endsAt: T0 + 12 * DAY,
    });
    await publish('hidden', { name: 'Rock Secret', isPublic: false, categories: ['music'] });
  });
  afterAll(async () => {
    await projector?.stop();
    await fx?.dispose();
  });

  it('catalog - filters by category and date', async () => {
    const ids = async (q: Parameters<Catalog['listPublic']>[0]) => (await catalog.listPublic(q)).items.map((e) => e.eventId);
    expect(await ids({})).toEqual(['rock', 'jazz', 'devconf']);
    expect(await ids({ category: 'music' })).toEqual(['rock', 'jazz']);
    expect(await ids({ category: 'nope' })).toEqual([]);
    expect(await ids({ from: T0 + 2 * DAY })).toEqual(['jazz', 'devconf']);
    expect(await ids({ to: T0 + 2 * DAY - 1 })).toEqual(['rock']);
    expect(await ids({ to: T0 + 2 * DAY })).toEqual(['rock', 'jazz']); // `to` is included
    expect(await ids({ from: T0 + 11 * DAY, to: T0 + 11 * DAY + 1 })).toEqual(['devconf']); // still running
    expect(await catalog.categories()).toEqual([
      { category: 'music', count: 2 },
      { category: 'jazz', count: 1 },
      { category: 'rock', count: 1 },
      { category: 'tech', count: 1 },
    ]);
  });

  it('catalog - full-text search finds by name, description and location words', async () => {
    const ids = async (q: string) => (await catalog.listPublic({ q })).items.map((e) => e.eventId);
    expect(await ids('rock')).toEqual(['rock']); // never the private "Rock Secret"
    expect(await ids('saxophone')).toEqual(['jazz']);
    expect(await ids('riverside')).toEqual(['jazz']);
    expect((await ids('guitar')).sort()).toEqual(['devconf', 'rock']); // stemmed: "guitars" in both descriptions
    expect(await ids('rock guitars')).toEqual(['rock']); // all words must match
    expect(await ids('"opera house"')).toEqual(['rock']);
    expect(await ids('music -jazz')).toEqual([]);
    expect(await ids('guitars -rock')).toEqual(['devconf']);
  });

  it('catalog - hostile search strings are harmless', async () => {
    const hostile = [
      "'; DROP TABLE catalog_events; --",
      "rock' OR '1'='1",
      '"unbalanced',
      "it's",
      '((((',
      '!!!&&&|||',
      ':*',
      '\\',
      '\u0000rock\u0000',
      'a'.repeat(200),
      '💥 ünïcödé 漢字',
      '-',
      'or',
      '<script>alert(1)</script>',
    ];
    for (const q of hostile) {
      const page = await catalog.listPublic({ q });
      expect(Array.isArray(page.items)).toBe(true);
    }
    expect((await catalog.listPublic({ q: '\u0000rock\u0000' })).items.map((e) => e.eventId)).toEqual(['rock']);
    for (const q of ['x'.repeat(10_240), 'rock '.repeat(2_048)]) {
      await expect(catalog.listPublic({ q })).rejects.toMatchObject({ code: 'CATALOG_INVALID_QUERY', status: 400 });
    }
    await expect(catalog.listPublic({ category: "x'; DROP TABLE catalog_events; --" })).resolves.toEqual({
      items: [],
      nextCursor: null,
      prevCursor: null,
    });
    await expect(catalog.listPublic({ limit: 101 })).rejects.toMatchObject({ code: 'CATALOG_INVALID_QUERY' });
    await expect(catalog.listPublic({ extra: 1 } as never)).rejects.toMatchObject({ code: 'CATALOG_INVALID_QUERY' });
    expect(await catalog.getEvent("'; DROP TABLE catalog_events; --")).toBeNull();
    expect((await catalog.listPublic({})).items).toHaveLength(3); // the table is still there
  });

  it('catalog - a forged or garbage cursor is a 400, never a 500', async () => {
    const first = await catalog.listPublic({ limit: 1 });
    const bad = [
      'garbage!',
      'e30',
      Buffer.from('{"m":"t","s":"x","i":"a","f":"?"}').toString('base64url'),
      'A'.repeat(600),
      Buffer.from(JSON.stringify({ m: 't', s: 9e15, i: 'rock', f: 'x' })).toString('base64url'),
      Buffer.from(JSON.stringify({ m: 't', s: 1, i: "'; drop", f: 'x' })).toString('base64url'),
    ];
    for (const cursor of bad) {
      const err = await catalog.listPublic({ limit: 1, cursor }).catch((e: unknown) => e);
      expect(TbError.is(err, 'CATALOG_INVALID_CURSOR') || TbError.is(err, 'CATALOG_INVALID_QUERY')).toBe(true);
    }
    // A real cursor used with other filters (or for search) is refused too.
    await expect(catalog.listPublic({ limit: 1, cursor: first.nextCursor!, category: 'music' })).rejects.toMatchObject({
      code: 'CATALOG_INVALID_CURSOR',
    });
    await expect(catalog.listPublic({ limit: 1, cursor: first.nextCursor!, q: 'rock' })).rejects.toMatchObject({
      code: 'CATALOG_INVALID_CURSOR',
    });
    await expect(catalog.listForUser('alice', { cursor: first.nextCursor! })).rejects.toMatchObject({ code: 'CATALOG_INVALID_CURSOR' });
  });

  it('catalog - cursor pagination walks every row exactly once while rows are inserted', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push(`page${String(i).padStart(2, '0')}`);
    // Many share one start time, so the id tie-break matters.
    for (const [i, id] of ids.entries())
      await publish(id, { categories: ['paged'], startsAt: T0 + 100 * DAY + (i % 4) * DAY, endsAt: T0 + 200 * DAY });
    const seen: string[] = [];
    let cursor: string | undefined;
    let inserted = 0;
    do {
      const page = await catalog.listPublic({ category: 'paged', limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((e) => e.eventId));
      cursor = page.nextCursor ?? undefined;
      // New rows before and after the position reached: never duplicates, never skips old rows.
      await publish(`late${inserted++}`, {
        categories: ['paged'],
        startsAt: T0 + 100 * DAY + (inserted % 5) * DAY,
        endsAt: T0 + 200 * DAY,
      });
    } while (cursor);
    const old = seen.filter((id) => id.startsWith('page'));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...old].sort()).toEqual(ids);

    // Search pages walk by rank, then id, with the same guarantees.
    const searched: string[] = [];
    let c2: string | undefined;
    do {
      const page = await catalog.listPublic({ q: 'event', limit: 5, ...(c2 ? { cursor: c2 } : {}) });
      searched.push(...page.items.map((e) => e.eventId));
      c2 = page.nextCursor ?? undefined;
    } while (c2);
    expect(new Set(searched).size).toBe(searched.length);
    expect(searched.filter((id) => id.startsWith('page')).sort()).toEqual(ids);
  });
});
