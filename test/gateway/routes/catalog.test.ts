/**
 * @module test/gateway/routes/catalog.test
 * gateway routes over real NATS, PostgreSQL, actors, the catalog projector and uWebSockets.js:
 * public listing (search, category, dates, pages), categories and "my events", plus hostile
 * query parameters answered with a 4xx in the error format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBody, startRoutesStack, type RoutesStack, type TestUser } from './setup.js';

let s: RoutesStack;
let owner: TestUser;
let viewer: TestUser;
let platformAdmin: TestUser;
const tag = `t${Date.now().toString(36)}`;
const ids: Record<string, string> = {};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function create(name: string, days: number, categories: string[], publish: boolean): Promise<string> {
  const body = { ...eventBody(name, days), categories, description: `${tag} ${name}` };
  const id = (await s.api('POST', '/api/v1/events', { token: owner.token, body })).body.eventId as string;
  if (publish) {
    await s.api('PUT', `/api/v1/events/${id}/config`, { token: owner.token, body: { isPublic: true } });
    await s.api('POST', `/api/v1/events/${id}/approve`, { token: platformAdmin.token });
    expect((await s.api('POST', `/api/v1/events/${id}/publish`, { token: owner.token })).status).toBe(200);
  }
  return id;
}

beforeAll(async () => {
  s = await startRoutesStack();
  owner = await s.signUp('owner');
  viewer = await s.signUp('viewer');
  platformAdmin = await s.signUp('platform', { admin: true });
  ids['jazz'] = await create('Jazz night', 10, [`${tag}-music`], true);
  ids['rock'] = await create('Rock festival', 20, [`${tag}-music`, `${tag}-outdoor`], true);
  ids['tech'] = await create('Tech conference', 30, [`${tag}-tech`], true);
  ids['draft'] = await create('Secret draft', 15, [`${tag}-music`], false);
  await s.api('PUT', `/api/v1/events/${ids['draft']}/roles/${viewer.id}`, { token: owner.token, body: { role: 'viewer' } });
  // The catalog is a projection: wait until it has caught up with the last change.
  await until('the catalog projection', async () => {
    const r = await s.api('GET', `/api/v1/me/events?limit=100`, { token: viewer.token });
    return r.body.items?.some((e: { eventId: string }) => e.eventId === ids['draft']) ? true : undefined;
  });
  await until('published events listed', async () => {
    const r = await s.api('GET', `/api/v1/events?category=${tag}-tech`);
    return r.body.items?.length === 1 ? true : undefined;
  });
});
afterAll(async () => {
  await s?.stop();
});

describe('gateway routes - catalog', () => {
  it('gateway routes - public listing: published public events only, by start time, filtered', async () => {
    const all = await s.api('GET', '/api/v1/events?limit=100');
    expect(all.status).toBe(200);
    const mine = all.body.items
      .filter((e: { description: string }) => e.description.startsWith(tag))
      .map((e: { eventId: string }) => e.eventId);
    expect(mine).toEqual([ids['jazz'], ids['rock'], ids['tech']]);

    const music = await s.api('GET', `/api/v1/events?category=${tag}-music`);
    expect(music.body.items.map((e: { eventId: string }) => e.eventId)).toEqual([ids['jazz'], ids['rock']]);
    const search = await s.api('GET', `/api/v1/events?q=${encodeURIComponent('festival')}`);
    expect(search.body.items.map((e: { eventId: string }) => e.eventId)).toContain(ids['rock']);
    expect(search.body.items.map((e: { eventId: string }) => e.eventId)).not.toContain(ids['jazz']);

    const from = Date.now() + 25 * 86_400_000;
    const late = await s.api('GET', `/api/v1/events?category=${tag}-tech&from=${from}`);
    expect(late.body.items).toHaveLength(1);
    const early = await s.api('GET', `/api/v1/events?category=${tag}-tech&to=${from}`);
    expect(early.body.items).toHaveLength(0);
  });

  it('gateway routes - public listing pages with nextCursor', async () => {
    const p1 = await s.api('GET', `/api/v1/events?category=${tag}-music&limit=1`);
    expect(p1.status, JSON.stringify(p1.body)).toBe(200);
    expect(p1.body.items).toHaveLength(1);
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await s.api('GET', `/api/v1/events?category=${tag}-music&limit=1&cursor=${encodeURIComponent(p1.body.nextCursor)}`);
    expect(p2.body.items.map((e: { eventId: string }) => e.eventId)).toEqual([ids['rock']]);
    expect(p2.body.nextCursor).toBeNull();
  });

  it('gateway routes - categories and my events', async () => {
    const cats = await s.api('GET', '/api/v1/categories');
    expect(cats.status).toBe(200);
    expect(cats.body.items).toEqual(
      expect.arrayContaining([
        { category: `${tag}-music`, count: 2 },
        { category: `${tag}-tech`, count: 1 },
      ]),
    );

    const mine = await s.api('GET', '/api/v1/me/events?limit=100', { token: owner.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((e: { eventId: string }) => e.eventId).sort()).toEqual(Object.values(ids).sort());
    const drafts = await s.api('GET', '/api/v1/me/events?status=DRAFT', { token: owner.token });
    expect(drafts.body.items.map((e: { eventId: string }) => e.eventId)).toEqual([ids['draft']]);
    const theirs = await s.api('GET', '/api/v1/me/events', { token: viewer.token });
    expect(theirs.body.items.map((e: { eventId: string }) => e.eventId)).toEqual([ids['draft']]);
    expect((await s.api('GET', '/api/v1/me/events')).status).toBe(401);
  });

  it('gateway routes - hostile listing parameters are 4xx, never 500', async () => {
    const bad = [
      'limit=-1',
      'limit=0',
      'limit=1000',
      'limit=abc',
      'from=-5',
      'to=1e300',
      `cursor=${encodeURIComponent('not-a-cursor')}`,
      `cursor=${encodeURIComponent("' OR 1=1 --")}`,
      'unknown=1',
      `q=${'x'.repeat(500)}`,
    ];
    for (const q of bad) {
      const r = await s.api('GET', `/api/v1/events?${q}`);
      expect(r.status, q).toBeGreaterThanOrEqual(400);
      expect(r.status, q).toBeLessThan(500);
      expect(r.body.error.code, q).toMatch(/^(COMMAND_INVALID|CATALOG_INVALID_QUERY|CATALOG_INVALID_CURSOR)$/);
    }
    for (const q of ["' OR 1=1; DROP TABLE catalog_events; --", 'a & | ! ( ) :*', '"unterminated']) {
      const r = await s.api('GET', `/api/v1/events?q=${encodeURIComponent(q)}`);
      expect(r.status, q).toBe(200);
    }
    expect((await s.api('GET', '/api/v1/me/events?status=OPEN', { token: owner.token })).status).toBe(400);
    expect((await s.api('GET', `/api/v1/events?category=${tag}-music`)).body.items).toHaveLength(2);
  });
});
