/**
 * @module catalog/batch
 * Applies a batch of `TB_EVENTS` messages in one PostgreSQL transaction, then acknowledges them.
 * Invariants (runtime rule 4: effects after commit, at least once): a message is acked only after the commit that contains its change;
 * a database failure naks with a delay, so no event is ever lost; a poison message (undecodable,
 * or refused by PostgreSQL as data) is logged with its stream sequence and terminated, so it can
 * never block the ones behind it.
 */
import type { JsMsg } from '@nats-io/jetstream';
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { pgErrorFacts, type Db } from '../db/index.js';
import { applyChange, saveCheckpoint } from './apply.js';
import { decodeCatalogMessage, type DecodedMessage } from './decode.js';
import { MessageOutcome, type CatalogMetrics } from './metrics.js';

/** Advisory lock key: shared by live catalog writers, exclusive during the rebuild's swap. */
export const CATALOG_WRITE_LOCK = 0x7b_ca7a1;

/** How a batch applier is set up. */
export interface BatchOptions {
  db: Db;
  log: Logger;
  metrics: CatalogMetrics;
  /** Projector name: the checkpoint row and the metrics label. */
  name: string;
  /** Delay of the nak after a database failure. */
  retryDelayMs: number;
  /** Write into this schema instead of `public` (the rebuild's shadow tables). */
  schema?: string;
  /** Wait for the server to confirm each ack (the rebuild counts on it to detect catch-up). */
  confirmAcks?: boolean;
  /** @internal Test hook: runs after the commit, before the acks. */
  beforeAck?: (streamSeqs: number[]) => Promise<void>;
}

/** Apply `msgs` (in stream order); resolves with the highest stream sequence committed, or 0. */
export type BatchApplier = (msgs: readonly JsMsg[]) => Promise<number>;

interface Item {
  msg: JsMsg;
  decoded: DecodedMessage;
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity): retrying the same message cannot help. */
function isDataError(err: unknown): boolean {
  const code = pgErrorFacts(err)?.code ?? '';
  return /^2[23]/.test(code);
}

/** Create the applier for one consumer. */
export function createBatchApplier(o: BatchOptions): BatchApplier {
  const label = { projector: o.name };
  const count = (outcome: MessageOutcome, n = 1) => {
    if (n > 0) o.metrics.messages.inc({ ...label, outcome }, n);
  };
  const ack = async (msg: JsMsg) => {
    try {
      if (o.confirmAcks) await msg.ackAck();
      else msg.ack();
    } catch (err) {
      // The connection went away: the message is redelivered and re-applied harmlessly.
      o.log.warn({ err, seq: msg.seq }, 'catalog ack failed');
    }
  };
  const poison = (item: Item, reason: string, err?: unknown) => {
    o.log.error(
      { seq: item.msg.seq, subject: item.msg.subject, requestId: item.decoded.requestId, reason, err },
      'catalog poison message terminated',
    );
    count(MessageOutcome.Poison);
    try {
      item.msg.term();
    } catch {
      /* redelivered and judged again */
    }
  };

  const commit = async (items: readonly Item[]): Promise<number> => {
    const top = Math.max(...items.map((i) => i.msg.seq));
    await o.db.transaction(async (tx) => {
      if (o.schema) await tx.execute(sql.raw(`set local search_path to "${o.schema}", public`));
      // Live writers share this lock; the rebuild's swap takes it exclusively before its table
      // locks, so the two can never deadlock on the tables (taken in different orders).
      else await tx.execute(sql`select pg_advisory_xact_lock_shared(${CATALOG_WRITE_LOCK})`);
      for (const i of items) await applyChange(tx, i.decoded.change);
      await saveCheckpoint(tx, o.name, top);
    });
    o.metrics.batches.inc(label);
    if (o.beforeAck) await o.beforeAck(items.map((i) => i.msg.seq));
    for (const i of items) {
      o.log.debug({ seq: i.msg.seq, type: i.decoded.change.type, requestId: i.decoded.requestId }, 'catalog applied');
      await ack(i.msg);
    }
    const applied = items.filter((i) => i.decoded.change.type !== 'ignored').length;
    count(MessageOutcome.Applied, applied);
    count(MessageOutcome.Ignored, items.length - applied);
    return top;
  };

  const retryLater = (items: readonly Item[], err: unknown) => {
    o.log.warn(
      { err, seqs: items.map((i) => i.msg.seq), delayMs: o.retryDelayMs },
      'catalog database failure; messages will be redelivered',
    );
    for (const i of items) {
      try {
        i.msg.nak(o.retryDelayMs);
      } catch {
        /* redelivered after ack_wait anyway */
      }
    }
    count(MessageOutcome.Retried, items.length);
  };

  return async (msgs) => {
    const items: Item[] = [];
    for (const msg of msgs) {
      const item = { msg, decoded: decodeCatalogMessage(msg.subject, msg.data, msg.headers) };
      if (item.decoded.change.type === 'poison') poison(item, item.decoded.change.reason);
      else items.push(item);
    }
    if (items.length === 0) return 0;
    try {
      return await commit(items);
    } catch (err) {
      if (!isDataError(err)) {
        retryLater(items, err);
        return 0;
      }
    }
    // One message's data was refused: find it by applying one at a time.
    let top = 0;
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      try {
        top = Math.max(top, await commit([item]));
      } catch (err) {
        if (isDataError(err)) poison(item, 'refused by PostgreSQL', err);
        else {
          retryLater(items.slice(k), err);
          break;
        }
      }
    }
    return top;
  };
}
