/**
 * @module catalog/projector
 * The catalog projection's live consumer: a durable pull consumer `catalog` on `TB_EVENTS`
 * (one filter subject, `tb.evt.>`: NATS 2.9 allows only one) that keeps the catalog tables.
 * Invariants: at-least-once (ack after commit, nak on failure, G10 rule 4) made harmless by the
 * guarded upserts of `apply.ts`; a restart resumes from the consumer's ack floor.
 */
import {
  AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { EVENTS_ROOT, EVENTS_STREAM } from '../contracts/index.js';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ns = (ms: number) => ms * 1_000_000;

/** Create the durable consumer `name` unless it exists (an existing one keeps its position; its ack wait and max ack pending are updated). */
export async function ensureCatalogConsumer(nc: NatsConnection, name: string, opts: { ackWaitMs: number; maxAckPending: number; inactiveMs?: number }): Promise<Consumer> {
  const jsm = await jetstreamManager(nc);
  const existing = await jsm.consumers.info(EVENTS_STREAM, name).catch(() => undefined);
  if (existing && (existing.config.ack_wait !== ns(opts.ackWaitMs) || existing.config.max_ack_pending !== opts.maxAckPending)) {
    // Editable settings follow the configuration; the position is kept.
    await jsm.consumers.update(EVENTS_STREAM, name, { ack_wait: ns(opts.ackWaitMs), max_ack_pending: opts.maxAckPending });
  }
  if (!existing) {
    await jsm.consumers.add(EVENTS_STREAM, {
      durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: `${EVENTS_ROOT}.>`,
      ack_wait: ns(opts.ackWaitMs), max_ack_pending: opts.maxAckPending, max_deliver: -1,
      ...(opts.inactiveMs ? { inactive_threshold: ns(opts.inactiveMs) } : {}),
    });
  }
  return jetstream(nc).consumers.get(EVENTS_STREAM, name);
}

/** @internal Control of one `pump` run. */
export interface PumpControl {
  stopping(): boolean;
  setMessages(m: ConsumerMessages | undefined): void;
}

/**
 * @internal Pull from `consumer` and hand messages to `apply` in batches: whatever has arrived,
 * up to `batchSize`, so a quiet stream still sees each event at once. The server's
 * `max_ack_pending` bounds what can be buffered here. Resolves when stopped or when the
 * subscription ends (the caller re-attaches).
 */
export async function pump(consumer: Consumer, apply: BatchApplier, batchSize: number, ctl: PumpControl): Promise<void> {
  const queue: JsMsg[] = [];
  let wake: (() => void) | undefined;
  const messages = await consumer.consume({ max_messages: batchSize, callback: (m) => { queue.push(m); wake?.(); } });
  ctl.setMessages(messages);
  let ended = false;
  const closed = messages.closed().then(() => { ended = true; wake?.(); });
  try {
    while (!ctl.stopping()) {
      if (queue.length === 0) {
        if (ended) break;
        await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        continue;
      }
      await apply(queue.splice(0, batchSize));
    }
  } finally {
    // Anything still queued goes back now (nak) rather than after ack_wait; on a dead
    // connection the nak fails and ack_wait brings it back anyway.
    for (const m of queue.splice(0)) { try { m.nak(); } catch { /* redelivered after ack_wait */ } }
    ctl.setMessages(undefined);
    await messages.close().catch(() => undefined);
    await closed;
  }
}

/**
 * Start the live catalog projector: creates the durable consumer when missing (retrying until the
 * `TB_EVENTS` stream exists), then applies `event.*` and `ticketclass.*` events; other kinds are
 * acknowledged untouched. Never throws after start: failures are logged and retried.
 */
export function startCatalogProjector(o: CatalogProjectorOptions): CatalogProjector {
  const batchSize = o.batchSize ?? 256;
  const log = o.log.child({ component: 'catalog-projector' });
  const metrics = createCatalogMetrics(o.registry);
  const applier = createBatchApplier({
    db: o.db, log, metrics, name: CATALOG_CONSUMER, retryDelayMs: o.retryDelayMs ?? 2_000, ...(o.beforeAck ? { beforeAck: o.beforeAck } : {}),
  });
  let last = 0;
  const apply: BatchApplier = async (msgs) => {
    const top = await applier(msgs);
    if (top > last) { last = top; metrics.streamSeq.set({ projector: CATALOG_CONSUMER }, top); }
    return top;
  };
  let stopping = false;
  let current: ConsumerMessages | undefined;
  const ctl: PumpControl = { stopping: () => stopping, setMessages: (m) => { current = m; } };

  const loop = (async () => {
    while (!stopping) {
      try {
        const consumer = await ensureCatalogConsumer(o.nc, CATALOG_CONSUMER, { ackWaitMs: o.ackWaitMs ?? 30_000, maxAckPending: batchSize * 4 });
        log.info({ consumer: CATALOG_CONSUMER }, 'catalog projector consuming');
        await pump(consumer, apply, batchSize, ctl);
        if (!stopping) await sleep(250); // the iterator ended on its own (consumer gone?): re-attach
      } catch (err) {
        if (stopping) break;
        log.warn({ err }, 'catalog projector consumer failed; retrying');
        await sleep(1_000);
      }
    }
  })();

  return {
    lastStreamSeq: () => last,
    async stop() {
      stopping = true;
      await current?.close().catch(() => undefined);
      await Promise.race([loop, sleep(10_000)]);
    },
  };
}
