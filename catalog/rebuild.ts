/**
 * @module catalog/rebuild
 * `npm run catalog:rebuild`: recompute the catalog tables from the whole `TB_EVENTS` stream.
 * Shadow-and-swap, safe while the system runs: replay into shadow tables (schema
 * `catalog_rebuild`) through a separate durable consumer, then, in ONE transaction that holds the
 * catalog write lock and the live tables in EXCLUSIVE mode (readers keep reading, the live
 * projector's writes wait), drain
 * what arrived meanwhile and copy the shadow rows over the live ones. Readers never see an empty
 * catalog; the live consumer keeps its position, and its next (guarded) upserts are no-ops or newer.
 */
import { connect } from '@nats-io/transport-node';
import { jetstreamManager, type Consumer, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { loadConfig, natsConnectOptions, refuseUnsafeStart } from '../config/index.js';
import { EVENTS_STREAM } from '../contracts/index.js';
import { createDb, migrate, type Db } from '../db/index.js';
import { CATALOG_WRITE_LOCK, createBatchApplier, type BatchApplier } from './batch.js';
import { createCatalogMetrics } from './metrics.js';
import { EVENTS_ROOT } from '../contracts/index.js';
import { createLogger, ensureDurable } from '../platform/index.js';

/** The rebuild's own durable consumer (deleted when done; ages out if the rebuild dies). */
export const REBUILD_CONSUMER = 'catalog-rebuild';
/** Schema of the shadow tables. */
export const SHADOW_SCHEMA = 'catalog_rebuild';
const TABLES = ['catalog_events', 'catalog_event_staff', 'catalog_ticket_classes'] as const;

/** Progress of a rebuild: `processed` of `total` messages (the consumer's `num_pending` at start). */
export interface RebuildProgress {
  processed: number;
  total: number;
}

/** What `rebuildCatalog` reports. */
export interface RebuildResult extends RebuildProgress {
  events: number;
  ticketClasses: number;
  durationMs: number;
}

/** Options of `rebuildCatalog`. */
export interface RebuildOptions {
  nc: NatsConnection;
  /** Needs a pool of at least 2 connections (the swap holds one while the drain writes). */
  db: Db;
  log: Logger;
  registry?: Registry;
  batchSize?: number;
  onProgress?: (p: RebuildProgress) => void;
}

/**
 * Rebuild the catalog tables from the stream, then swap them in atomically. Throws (leaving the
 * live tables untouched) if the database or NATS fails; running it again starts over.
 */
export async function rebuildCatalog(o: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const log = o.log.child({ module: 'catalog-rebuild' });
  const batchSize = o.batchSize ?? 512;
  const jsm = await jetstreamManager(o.nc);
  await jsm.consumers.delete(EVENTS_STREAM, REBUILD_CONSUMER).catch(() => false);
  for (const stmt of [
    `drop schema if exists ${SHADOW_SCHEMA} cascade`,
    `create schema ${SHADOW_SCHEMA}`,
    ...[...TABLES, 'catalog_checkpoints'].map((t) => `create table ${SHADOW_SCHEMA}.${t} (like public.${t} including all)`),
  ])
    await o.db.execute(sql.raw(stmt));
  try {
    const consumer = await ensureDurable(o.nc, REBUILD_CONSUMER, `${EVENTS_ROOT}.>`, {
      ackWaitMs: 60_000,
      maxAckPending: batchSize * 4,
      inactiveMs: 10 * 60_000,
    });
    const progress: RebuildProgress = { processed: 0, total: (await consumer.info()).num_pending };
    const apply = createBatchApplier({
      db: o.db,
      log,
      metrics: createCatalogMetrics(o.registry),
      name: REBUILD_CONSUMER,
      retryDelayMs: 1_000,
      schema: SHADOW_SCHEMA,
      confirmAcks: true,
    });
    const drain = () =>
      drainConsumer(jsm, consumer, batchSize, async (msgs) => {
        const top = await apply(msgs);
        progress.processed += msgs.length;
        progress.total = Math.max(progress.total, progress.processed);
        o.onProgress?.({ ...progress });
        return top;
      });
    await drain();
    log.info(progress, 'catalog replayed into shadow tables; swapping');
    await o.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${CATALOG_WRITE_LOCK})`);
      await tx.execute(sql.raw(`lock table ${TABLES.map((t) => `public.${t}`).join(', ')} in exclusive mode`));
      await drain(); // what was published while we replayed: the live projector is blocked from here on
      for (const t of TABLES) {
        const cols = (await tx.execute(sql`select column_name from information_schema.columns
          where table_schema = 'public' and table_name = ${t} and is_generated = 'NEVER' order by ordinal_position`)) as unknown as {
          column_name: string;
        }[];
        const list = cols.map((c) => `"${c.column_name}"`).join(', ');
        await tx.execute(sql.raw(`delete from public.${t}`));
        await tx.execute(sql.raw(`insert into public.${t} (${list}) select ${list} from ${SHADOW_SCHEMA}.${t}`));
      }
    });
    const [counts] = (await o.db.execute(sql`select (select count(*) from catalog_events)::int as events,
      (select count(*) from catalog_ticket_classes)::int as classes`)) as unknown as { events: number; classes: number }[];
    const result = { ...progress, events: counts!.events, ticketClasses: counts!.classes, durationMs: Date.now() - started };
    log.info(result, 'catalog rebuilt');
    return result;
  } finally {
    await jsm.consumers.delete(EVENTS_STREAM, REBUILD_CONSUMER).catch(() => false);
    await o.db.execute(sql.raw(`drop schema if exists ${SHADOW_SCHEMA} cascade`)).catch(() => undefined);
  }
}

/**
 * Apply everything up to the stream's current last sequence: done when the consumer has delivered
 * it and nothing is waiting for an ack (a nak'd message comes back first). The target is fixed so
 * a busy stream cannot keep the rebuild chasing it. Bounded fetches, not `consume()`: when a
 * fetch ends every message it pulled has arrived, so none is left pending for `ack_wait`.
 */
async function drainConsumer(jsm: JetStreamManager, consumer: Consumer, batchSize: number, apply: BatchApplier): Promise<void> {
  const last = (await jsm.streams.info(EVENTS_STREAM)).state.last_seq;
  for (;;) {
    const info = await consumer.info();
    if (info.delivered.stream_seq >= last && info.num_ack_pending === 0) return;
    const batch: JsMsg[] = [];
    // Asking for no more than is pending lets the fetch end as soon as they arrived.
    const want = Math.max(1, Math.min(batchSize, info.num_pending));
    for await (const m of await consumer.fetch({ max_messages: want, expires: 1_000 })) batch.push(m);
    if (batch.length > 0) await apply(batch);
  }
}

/** Process entry: `npm run catalog:rebuild`. Exit code 0 when the new tables are in place. */
async function main(): Promise<void> {
  const config = loadConfig();
  refuseUnsafeStart(config, 'catalog-rebuild');
  const log = createLogger('catalog-rebuild', { level: config.logLevel });
  await migrate(config.databaseUrl);
  const nc = await connect({ ...natsConnectOptions(config, `tb-catalog-rebuild-${process.pid}`) });
  const handle = createDb(config.databaseUrl, { max: 4 });
  let lastShown = 0;
  try {
    const r = await rebuildCatalog({
      nc,
      db: handle.db,
      log,
      onProgress: (p) => {
        if (Date.now() - lastShown < 1_000 && p.processed < p.total) return;
        lastShown = Date.now();
        process.stderr.write(`catalog rebuild: ${p.processed}/${p.total} messages\n`);
      },
    });
    process.stdout.write(
      `catalog rebuilt: ${r.processed} messages, ${r.events} events, ${r.ticketClasses} ticket classes in ${r.durationMs} ms\n`,
    );
  } finally {
    await nc.drain().catch(() => undefined);
    await handle.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
