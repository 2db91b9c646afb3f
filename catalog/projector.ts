/**
 * @module catalog/projector
 * The catalog projection's live consumer: a durable pull consumer `catalog` on `TB_EVENTS`
 * (one filter subject, `tb.evt.>`: NATS 2.9 allows only one) that keeps the catalog tables.
 * Invariants: at-least-once (ack after commit, nak on failure, runtime rule 4: effects after commit, at least once) made harmless by the
 * guarded upserts of `apply.ts`; a restart resumes from the consumer's ack floor.
 */
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { EVENTS_ROOT } from '../contracts/index.js';
import { startDurableConsumer } from '../platform/index.js';
import type { Db } from '../db/index.js';
import { createBatchApplier, type BatchApplier } from './batch.js';
import { createCatalogMetrics } from './metrics.js';

/** The live projector's durable consumer name. */
export const CATALOG_CONSUMER = 'catalog';

/** What `startCatalogProjector` needs. */
export interface CatalogProjectorOptions {
  nc: NatsConnection;
  db: Db;
  log: Logger;
  /** Where the `tb_catalog_*` metrics go (default: a private registry). */
  registry?: Registry;
  /** Most messages per database transaction (default 256). */
  batchSize?: number;
  /** Delay before a message that hit a database failure comes back (default 2 s). */
  retryDelayMs?: number;
  /** The consumer's ack wait: how long an unacked message (crashed projector) waits (default 30 s). */
  ackWaitMs?: number;
  /** @internal Test hook: runs after each commit, before the acks. */
  beforeAck?: (streamSeqs: number[]) => Promise<void>;
}

/** A running projector. */
export interface CatalogProjector {
  /** Highest stream sequence committed by this instance (0 before the first commit). */
  lastStreamSeq(): number;
  /** Stop pulling; the batch in progress finishes (bounded by 10 s). Unacked messages are redelivered later. */
  stop(): Promise<void>;
}

/**
 * Start the live catalog projector: creates the durable consumer when missing (retrying until the
 * `TB_EVENTS` stream exists), then applies `event.*` and `ticketclass.*` events; other kinds are
 * acknowledged untouched. Never throws after start: failures are logged and retried.
 */
export function startCatalogProjector(o: CatalogProjectorOptions): CatalogProjector {
  const batchSize = o.batchSize ?? 256;
  const log = o.log.child({ module: 'catalog-projector' });
  const metrics = createCatalogMetrics(o.registry);
  const applier = createBatchApplier({
    db: o.db,
    log,
    metrics,
    name: CATALOG_CONSUMER,
    retryDelayMs: o.retryDelayMs ?? 2_000,
    ...(o.beforeAck ? { beforeAck: o.beforeAck } : {}),
  });
  let last = 0;
  const apply: BatchApplier = async (msgs) => {
    const top = await applier(msgs);
    if (top > last) {
      last = top;
      metrics.streamSeq.set({ projector: CATALOG_CONSUMER }, top);
    }
    return top;
  };
  const consumer = startDurableConsumer({
    nc: o.nc,
    name: CATALOG_CONSUMER,
    filter: `${EVENTS_ROOT}.>`,
    log,
    batchSize,
    ackWaitMs: o.ackWaitMs ?? 30_000,
    handle: async (msgs) => {
      await apply(msgs);
    },
  });

  return {
    lastStreamSeq: () => last,
    stop: () => consumer.stop(),
  };
}
