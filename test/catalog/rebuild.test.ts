/**
 * @module test/catalog/rebuild.test
 * `rebuildCatalog` against a real stream: it reproduces the tables the live projector built,
 * repairs damaged tables, and swaps while the live projector keeps running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { sql } from 'drizzle-orm';
import { rebuildCatalog, startCatalogProjector, REBUILD_CONSUMER, type CatalogProjector } from '../../catalog/index.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import {
  log,
  projection,
  publishEvent,
  publishProjection,
  publishRaw,
  setupCatalog,
  snapshotTables,
  waitFor,
  waitForSeq,
  T0,
  type CatalogFixture,
} from './setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();

describe.skipIf(skip !== undefined)('catalog rebuild', () => {
  let fx: CatalogFixture;
  let projector: CatalogProjector;

  beforeAll(async () => {
    fx = await setupCatalog();
    projector = startCatalogProjector({ nc: fx.nc, db: fx.handle.db, log });
    let last = 0;
    for (let i = 0; i < 40; i++) {
      const id = `ev${i}`;
      last = await publishProjection(fx.nc, projection(id, { status: 'DRAFT', version: 1, createdBy: `u${i % 3}` }), 'created');
      if (i % 2 === 0)
        last = await publishProjection(
          fx.nc,
          projection(id, { version: 2, createdBy: `u${i % 3}`, categories: [`c${i % 4}`] }),
          'published',
        );
      if (i % 5 === 0)
        last = await publishProjection(fx.nc, projection(id, { version: 3, status: 'CANCELLED', createdBy: `u${i % 3}` }), 'cancelled');
      if (i % 7 === 0)
        last = await publishProjection(fx.nc, projection(id, { version: 4, status: 'CANCELLED', createdBy: `u${i % 3}` }), 'roleChanged', {
          userId: 'helper',
          role: 'viewer',
          previousRole: null,
        });
      last = await publishEvent(fx.nc, 'ticketclass', `tc${i}`, 'ticketclass.created', 1, {
        classId: `tc${i}`,
        eventId: id,
        available: 10,
        at: T0,
        name: 'GA',
        priceMinor: 100,
        currency: 'USD',
        total: 10,
      });
      last = await publishEvent(fx.nc, 'ticketclass', `tc${i}`, 'ticketclass.reserved', 2, {
        classId: `tc${i}`,
        eventId: id,
        available: 10 - (i % 10),
        at: T0,
        orderId: 'o',
        quantity: i % 10,
        expiresAt: T0,
      });
    }
    await publishRaw(fx.nc, 'tb.evt.event.junk.updated', new Uint8Array([0xc1]));
    last = await publishRaw(fx.nc, 'tb.evt.order.o9.created', new Uint8Array([1, 2, 3]));
    await waitForSeq(fx.handle, last);
  });
  afterAll(async () => {
    await projector?.stop();
    await fx?.dispose();
  });

  it('catalog - rebuild reproduces the same tables', async () => {
    const before = await snapshotTables(fx.handle);
    const progress: number[] = [];
    const r = await rebuildCatalog({ nc: fx.nc, db: fx.handle.db, log, batchSize: 16, onProgress: (p) => progress.push(p.processed) });
    expect(r.total).toBeGreaterThan(100);
    expect(r.processed).toBe(r.total);
    expect(progress.length).toBeGreaterThan(1);
    expect(r.events).toBe(40);
    expect(r.ticketClasses).toBe(40);
    expect(await snapshotTables(fx.handle)).toEqual(before);
    const jsm = await jetstreamManager(fx.nc);
    expect(await jsm.consumers.info('TB_EVENTS', REBUILD_CONSUMER).catch(() => null)).toBeNull();
    const schemas = await fx.handle.db.execute(sql`select 1 from pg_namespace where nspname = 'catalog_rebuild'`);
    expect(schemas).toHaveLength(0);
  });

  it('catalog - rebuild repairs damaged tables while the live projector keeps running', async () => {
    const before = await snapshotTables(fx.handle);
    await fx.handle.db.execute(sql`delete from catalog_events where event_id like 'ev1%'`);
    await fx.handle.db.execute(sql`update catalog_ticket_classes set available = 999`);
    // Events keep arriving during the rebuild; the live projector applies them too.
    let publishing = true;
    let extra = 0;
    const writer = (async () => {
      while (publishing) {
        await publishProjection(fx.nc, projection(`live${extra++}`), 'published');
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await rebuildCatalog({ nc: fx.nc, db: fx.handle.db, log, batchSize: 8 });
    publishing = false;
    await writer;
    const rows = await waitFor(
      async () => {
        const r = (await fx.handle.db.execute(
          sql`select count(*)::int as n from catalog_events where event_id like 'live%'`,
        )) as unknown as { n: number }[];
        return r[0]!.n === extra ? r : undefined;
      },
      15_000,
      'live events',
    );
    expect(rows[0]!.n).toBe(extra);
    await fx.handle.db.execute(sql`delete from catalog_events where event_id like 'live%'`);
    await fx.handle.db.execute(sql`delete from catalog_event_staff where event_id like 'live%'`);
    expect(await snapshotTables(fx.handle)).toEqual(before);
  });
});
