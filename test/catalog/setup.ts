/**
 * @module test/catalog/setup
 * A private nats-server with a `TB_EVENTS` stream, a throwaway migrated database, and builders
 * that publish real `DomainEventMessage`s (msgpack, `Nats-Msg-Id`, `tb-event-type`) the way the
 * actors' outbox does, so the catalog is tested against the exact bytes it will read.
 */
import { headers as natsHeaders, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { sql } from 'drizzle-orm';
import { pino, type Logger } from 'pino';
import {
  CONTENT_TYPE_HEADER,
  EVENTS_ROOT,
  EVENTS_STREAM,
  Headers,
  MSGPACK_CONTENT_TYPE,
  encode,
  eventSubject,
} from '../../contracts/index.js';
import type { EventProjection } from '../../contracts/kinds/index.js';
import { createDb, migrate, type DbHandle } from '../../db/index.js';
import { startNatsServer, type NatsServerHandle } from '../harness/nats.js';
import { dropDatabase, testDatabaseUrl, throwawayName } from '../db/throwaway-db.js';

/** Everything a catalog test file needs. */
export interface CatalogFixture {
  server: NatsServerHandle;
  nc: NatsConnection;
  handle: DbHandle;
  log: Logger;
  dispose(): Promise<void>;
}

export const log: Logger = pino({ level: process.env['TB_TEST_LOG'] ?? 'silent' });

/** Start NATS, create `TB_EVENTS` (`tb.evt.>`), create and migrate a throwaway database. */
export async function setupCatalog(): Promise<CatalogFixture> {
  const server = await startNatsServer();
  const nc = await connect({ servers: server.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: EVENTS_STREAM,
    subjects: [`${EVENTS_ROOT}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: 120_000_000_000,
  });
  const name = throwawayName();
  const url = testDatabaseUrl(name);
  await migrate(url);
  const handle = createDb(url, { max: 8 });
  return {
    server,
    nc,
    handle,
    log,
    async dispose() {
      await nc.close().catch(() => undefined);
      await handle.close();
      await dropDatabase(name);
      await server.stop();
    },
  };
}

/** Publish one domain event as the outbox does; `msgId` defaults to `<kind>.<id>.<seq>.<n>`. */
export async function publishEvent(
  nc: NatsConnection,
  kind: string,
  id: string,
  type: string,
  seq: number,
  data: Record<string, unknown>,
  opts: { n?: number; requestId?: string; msgId?: string } = {},
): Promise<number> {
  const n = opts.n ?? 0;
  const body = { type, kind, id, seq, n, at: Date.now(), data, ...(opts.requestId ? { requestId: opts.requestId } : {}) };
  const h = natsHeaders();
  h.set(CONTENT_TYPE_HEADER, MSGPACK_CONTENT_TYPE);
  h.set('tb-event-type', type);
  if (opts.requestId) h.set(Headers.RequestId, opts.requestId);
  const ack = await jetstream(nc).publish(eventSubject(kind, id, type), encode(body), {
    msgID: opts.msgId ?? `${kind}.${id}.${seq}.${n}`,
    headers: h,
  });
  return ack.seq;
}

/** Publish raw bytes on a subject (poison messages). */
export async function publishRaw(nc: NatsConnection, subject: string, bytes: Uint8Array): Promise<number> {
  return (await jetstream(nc).publish(subject, bytes)).seq;
}

const DAY = 86_400_000;
/** A base instant for test events (2031-01-01). */
export const T0 = Date.UTC(2031, 0, 1);

/** A full projection with overrides. */
export function projection(eventId: string, over: Partial<EventProjection> = {}): EventProjection {
  return {
    eventId,
    name: `Event ${eventId}`,
    description: '',
    location: '',
    startsAt: T0,
    endsAt: T0 + DAY,
    categories: [],
    status: 'PUBLISHED',
    isPublic: true,
    isFree: false,
    isNewTrending: false,
    allowWaitRoom: false,
    createdBy: 'alice',
    ticketClassIds: [],
    version: 1,
    updatedAt: T0 - DAY,
    ...over,
  };
}

/** Publish `event.<name>` for `p` (the actor's write sequence = `p.version`). */
export function publishProjection(
  nc: NatsConnection,
  p: EventProjection,
  name = 'updated',
  extra: Record<string, unknown> = {},
  requestId?: string,
): Promise<number> {
  return publishEvent(
    nc,
    'event',
    p.eventId,
    `event.${name}`,
    p.version,
    { type: `event.${name}`, eventId: p.eventId, at: p.updatedAt, by: p.createdBy, projection: p, ...extra },
    requestId ? { requestId } : {},
  );
}

/** Poll `fn` until it returns truthy (or throw after `timeoutMs`). */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait until the live projector's checkpoint reaches stream sequence `seq`. */
export function waitForSeq(handle: DbHandle, seq: number, projector = 'catalog'): Promise<number> {
  return waitFor(
    async () => {
      const rows = await handle.db.execute(sql`select stream_seq from catalog_checkpoints where projector = ${projector}`);
      const at = Number((rows as unknown as { stream_seq: string }[])[0]?.stream_seq ?? 0);
      return at >= seq ? at : undefined;
    },
    15_000,
    `checkpoint ${seq} (projector ${projector})`,
  );
}

/** Every catalog row, ordered, for whole-table comparisons. */
export async function snapshotTables(handle: DbHandle): Promise<unknown> {
  const q = (s: string) => handle.db.execute(sql.raw(s));
  return {
    events: await q(
      'select event_id, name, status, is_public, categories, staff_user_ids, version, starts_at, search_vector::text from catalog_events order by event_id',
    ),
    staff: await q('select * from catalog_event_staff order by event_id, user_id'),
    classes: await q('select * from catalog_ticket_classes order by class_id'),
  };
}
