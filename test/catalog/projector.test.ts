/**
 * @module test/catalog/projector.test
 * The live catalog projector against a real nats-server and PostgreSQL: what becomes visible,
 * idempotence under duplicates and reordering, poison messages, and crash/restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createCatalog, startCatalogProjector, type Catalog, type CatalogProjector } from '../../catalog/index.js';
import { encode } from '../../contracts/index.js';
import { postgresUnavailable } from '../db/throwaway-db.js';
import { hasNatsServer } from '../harness/nats.js';
import {
  log,
  projection,
  publishEvent,
  publishProjection,
  publishRaw,
  setupCatalog,
  waitFor,
  waitForSeq,
  T0,
  type CatalogFixture,
} from './setup.js';

const skip = !hasNatsServer() ? 'skipped: no nats-server on PATH' : await postgresUnavailable();

describe.skipIf(skip !== undefined)('catalog projector', () => {
  let fx: CatalogFixture;
  let projector: CatalogProjector;
  let catalog: Catalog;
  const registry = new Registry();
  const lines: Record<string, unknown>[] = [];
  const recording = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });

  beforeAll(async () => {
    fx = await setupCatalog();
    projector = startCatalogProjector({ nc: fx.nc, db: fx.handle.db, log: recording, registry, retryDelayMs: 200 });
    catalog = createCatalog(fx.handle.db);
  });
  afterAll(async () => {
    await projector?.stop();
    await fx?.dispose();
  });

  it('catalog - listing shows only public published events', async () => {
    await publishProjection(fx.nc, projection('pub1', { name: 'Public one' }), 'published');
    await publishProjection(fx.nc, projection('draft1', { status: 'DRAFT' }), 'created');
    await publishProjection(fx.nc, projection('approved1', { status: 'APPROVED' }), 'approved');
    const last = await publishProjection(fx.nc, projection('private1', { isPublic: false }), 'published');
    await waitForSeq(fx.handle, last);
    const ids = (await catalog.listPublic({})).items.map((e) => e.eventId);
    expect(ids).toEqual(['pub1']);
    expect(await catalog.getEvent('draft1')).toBeNull();
    expect((await catalog.getEvent('draft1', { viewerId: 'alice' }))?.status).toBe('DRAFT');
    expect(await catalog.getEvent('private1', { viewerId: 'mallory' })).toBeNull();
  });

  it('catalog - out-of-order and duplicate events change nothing', async () => {
    const v3 = projection('ooo', { name: 'Newest name', version: 3 });
    await publishProjection(fx.nc, v3, 'updated');
    await publishProjection(fx.nc, projection('ooo', { name: 'Older name', version: 2 }), 'updated');
    await publishProjection(fx.nc, projection('ooo', { name: 'Oldest name', version: 1 }), 'created');
    // The same event again under another message id (a re-publish after the dedupe window).
    const last = await publishEvent(
      fx.nc,
      'event',
      'ooo',
      'event.updated',
      3,
      { type: 'event.updated', eventId: 'ooo', projection: { ...v3, name: 'Newest name' } },
      { msgId: 'again-1' },
    );
    await waitForSeq(fx.handle, last);
    const e = await catalog.getEvent('ooo');
    expect(e).toMatchObject({ name: 'Newest name', version: 3 });
  });

  it('catalog - a cancelled event disappears from the public listing', async () => {
    await publishProjection(fx.nc, projection('tocancel', { version: 1 }), 'published');
    let seq = await publishProjection(fx.nc, projection('tocancel', { version: 1 }), 'published');
    await waitForSeq(fx.handle, seq);
    expect((await catalog.listPublic({})).items.map((e) => e.eventId)).toContain('tocancel');
    seq = await publishProjection(fx.nc, projection('tocancel', { version: 2, status: 'CANCELLED' }), 'cancelled', { reason: 'rain' });
    await waitForSeq(fx.handle, seq);
    expect((await catalog.listPublic({})).items.map((e) => e.eventId)).not.toContain('tocancel');
    expect((await catalog.getEvent('tocancel', { viewerId: 'alice' }))?.status).toBe('CANCELLED');
  });

  it('catalog - staff see their events in any status, a removed member does not', async () => {
    const p = (v: number, over = {}) => projection('staffed', { status: 'DRAFT', version: v, createdBy: 'olga', ...over });
    await publishProjection(fx.nc, p(1), 'created');
    // Role changes out of order: the removal (v3) arrives before the grant (v2).
    await publishProjection(fx.nc, p(3), 'roleChanged', { userId: 'bob', role: null, previousRole: 'editor' });
    await publishProjection(fx.nc, p(2), 'roleChanged', { userId: 'bob', role: 'editor', previousRole: null });
    const seq = await publishProjection(fx.nc, p(4), 'roleChanged', { userId: 'vera', role: 'viewer', previousRole: null });
    await waitForSeq(fx.handle, seq);
    expect((await catalog.listForUser('olga')).items.map((e) => e.eventId)).toEqual(['staffed']);
    expect((await catalog.listForUser('vera', { status: 'DRAFT' })).items.map((e) => e.eventId)).toEqual(['staffed']);
    expect((await catalog.listForUser('vera', { status: 'PUBLISHED' })).items).toEqual([]);
    expect((await catalog.listForUser('bob')).items).toEqual([]);
  });

  it('catalog - ticket classes show approximate availability, whatever the arrival order', async () => {
    await publishProjection(fx.nc, projection('withclasses', { version: 1 }), 'published');
    const tc = (type: string, seq: number, data: Record<string, unknown>, n = 0) =>
      publishEvent(
        fx.nc,
        'ticketclass',
        'vip',
        `ticketclass.${type}`,
        seq,
        { type: `ticketclass.${type}`, classId: 'vip', eventId: 'withclasses', at: T0, ...data },
        { n },
      );
    await tc('reserved', 2, { available: 95, orderId: 'o1', quantity: 5, expiresAt: T0 });
    await tc('created', 1, { available: 100, name: 'VIP', priceMinor: 150_000, currency: 'VND', total: 100 });
    await tc('paused', 3, { available: 95 });
    await tc('reserved', 2, { available: 95, orderId: 'o1', quantity: 5, expiresAt: T0 }); // duplicate: deduped or harmless
    let seq = await tc('confirmed', 4, { available: 95, orderId: 'o1', quantity: 5, unitPriceMinor: 150_000, currency: 'VND', sold: 5 });
    await waitForSeq(fx.handle, seq);
    expect((await catalog.getEvent('withclasses'))?.ticketClasses).toEqual([
      {
        classId: 'vip',
        eventId: 'withclasses',
        name: 'VIP',
        priceMinor: 150_000,
        currency: 'VND',
        total: 100,
        available: 95,
        status: 'paused',
      },
    ]);
    await tc('resumed', 5, { available: 95 });
    seq = await tc('soldOut', 6, { available: 0 }, 1);
    await waitForSeq(fx.handle, seq);
    expect((await catalog.getEvent('withclasses'))?.ticketClasses[0]).toMatchObject({ available: 0, status: 'soldOut' });
  });

  it('catalog - a poison message does not block later ones', async () => {
    const bad1 = await publishRaw(fx.nc, 'tb.evt.event.poison1.updated', new Uint8Array([0xc1, 0xff, 0x00]));
    await publishRaw(
      fx.nc,
      'tb.evt.event.poison2.updated',
      encode({ type: 'event.updated', kind: 'event', id: 'poison2', seq: 1, n: 0, at: 1, data: { projection: { eventId: 'x' } } }),
    );
    await publishRaw(fx.nc, 'tb.evt.order.o1.created', encode({ hello: 'other kinds are ignored' }));
    const seq = await publishProjection(fx.nc, projection('afterpoison'), 'published');
    await waitForSeq(fx.handle, seq);
    expect(await catalog.getEvent('afterpoison')).not.toBeNull();
    expect(lines.find((l) => l.msg === 'catalog poison message terminated' && l.seq === bad1)).toMatchObject({
      level: 50,
      reason: 'undecodable body',
    });
    const metrics = await registry.getSingleMetricAsString('tb_catalog_messages_total');
    expect(metrics).toMatch(/outcome="poison"} [2-9]/);
    expect(bad1).toBeGreaterThan(0);
  });

  it('catalog - logs carry the event requestId', async () => {
    const seq = await publishProjection(fx.nc, projection('traced'), 'published', {}, 'req-trace-42');
    await waitForSeq(fx.handle, seq);
    expect(lines.find((l) => l.seq === seq)).toMatchObject({ requestId: 'req-trace-42', msg: 'catalog applied' });
  });

  it('catalog - a projector killed before its acks resumes without loss or double application', async () => {
    await projector.stop();
    const { connect } = await import('@nats-io/transport-node');
    const ncCrash = await connect({ servers: fx.server.url });
    let release!: () => void;
    const blocked = new Promise<void>((r) => {
      release = r;
    });
    const ackWaitMs = 1_500;
    const crashing = startCatalogProjector({ nc: ncCrash, db: fx.handle.db, log, ackWaitMs, beforeAck: () => blocked });
    const seqs: number[] = [];
    for (let v = 1; v <= 5; v++) seqs.push(await publishProjection(fx.nc, projection(`crash${v}`, { version: v }), 'published'));
    await waitForSeq(fx.handle, seqs[0]!);
    // "Crash": the first batch committed, but its connection dies before any ack is sent.
    await ncCrash.close();
    release();
    await crashing.stop();
    projector = startCatalogProjector({ nc: fx.nc, db: fx.handle.db, log, registry, ackWaitMs });
    const next = await publishProjection(fx.nc, projection('aftercrash'), 'published');
    await waitForSeq(fx.handle, next);
    // The checkpoint is the highest committed sequence, not a low-water mark: wait for the rows.
    const items = await waitFor(
      async () => {
        const page = (await catalog.listPublic({ limit: 100 })).items;
        return page.filter((e) => e.eventId.startsWith('crash')).length === 5 ? page : undefined;
      },
      15_000,
      'redelivered events',
    );
    for (let v = 1; v <= 5; v++) expect(items.filter((e) => e.eventId === `crash${v}`).map((e) => e.version)).toEqual([v]);
    expect(items.map((e) => e.eventId)).toContain('aftercrash');
    // Nothing is left unacknowledged once the redeliveries are applied.
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(fx.nc);
    await waitFor(
      async () => {
        const info = await jsm.consumers.info('TB_EVENTS', 'catalog');
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      15_000,
      'consumer drained',
    );
  });
});
