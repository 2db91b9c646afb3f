/**
 * @module actors/runtime/reply-log
 * Remembering answers so a repeated command id gets the first answer and changes nothing.
 * Three layers: (1) `RecentReplies`, in memory, per activation; (2) the replies of batches not
 * yet logged, inside the state entry (written in the same compare-and-set as their effects, so
 * a retry after a crash between commit and reply still finds them); (3) the `TB_REPLIES`
 * stream, one message per committed batch on `tbrt.replies.<kind>.<id>`, kept for the dedupe
 * window and read back when an actor is activated again within that window. The entry stays
 * small however hot the actor is: only unlogged batches live in it.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { readSince } from './read-since.js';
import { decode, encode, Format } from '../../contracts/index.js';
import type { ReplyBatch, ReplyValue, StoredReply } from './store.js';

/**
 * Pack an answer once, when it is made (issue 12): an order's entry used to carry five full
 * `OrderView` answers that every write of the entry encoded again. Copied out of msgpackr's
 * shared buffer, so the bytes stay valid for as long as the entry keeps them.
 */
export function packReply(value: ReplyValue): Uint8Array {
  return Uint8Array.from(encode(value, Format.Msgpack));
}

/** The answer a `StoredReply` holds, packed or (written before packing) as is. */
export function unpackReply(stored: StoredReply): ReplyValue {
  return stored instanceof Uint8Array ? (decode(stored, Format.Msgpack) as ReplyValue) : stored;
}

export const REPLIES_STREAM = 'TB_REPLIES';
export const REPLIES_ROOT = 'tbrt.replies';

export function replySubject(kind: string, id: string): string {
  return `${REPLIES_ROOT}.${kind}.${id}`;
}

interface Remembered {
  verb: string;
  reply: StoredReply;
  at: number;
}

/** In-memory index of recent answers, pruned by age and bounded in size. */
export class RecentReplies {
  private readonly map = new Map<string, Remembered>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 200_000,
  ) {}

  get(commandId: string, now: number): Remembered | undefined {
    const r = this.map.get(commandId);
    if (r && r.at + this.windowMs < now) {
      this.map.delete(commandId);
      return undefined;
    }
    return r;
  }

  addBatch(batch: ReplyBatch): void {
    for (const [commandId, verb, reply] of batch.items) this.map.set(commandId, { verb, reply, at: batch.at });
    this.prune(batch.at);
  }

  private prune(now: number): void {
    // Map iteration is insertion order, so the oldest come first.
    for (const [k, v] of this.map) {
      if (this.map.size > this.maxEntries || v.at + this.windowMs < now) this.map.delete(k);
      else break;
    }
  }

  get size(): number {
    return this.map.size;
  }
}

export class ReplyLog {
  constructor(
    private readonly js: JetStreamClient,
    readonly windowMs: number,
  ) {}

  /** Append one committed batch (deduplicated by `Nats-Msg-Id` on a re-publish). */
  async append(kind: string, id: string, batch: ReplyBatch): Promise<void> {
    await this.js.publish(replySubject(kind, id), encode(batch, Format.Msgpack), { msgID: `${kind}.${id}.${batch.seq}.r`, timeout: 5_000 });
  }

  /**
   * Read the batches logged for `kind.id` since `since` (ms). Bounded: stops when the consumer
   * reports nothing pending, or after `idleMs` without a message.
   */
  async load(kind: string, id: string, since: number, idleMs = 1_500): Promise<ReplyBatch[]> {
    const out: ReplyBatch[] = [];
    await readSince(this.js, { stream: REPLIES_STREAM, filter: replySubject(kind, id), sinceMs: since, idleMs }, (m) => {
      out.push(decode(m.data, Format.Msgpack) as ReplyBatch);
    });
    return out;
  }
}
