/**
 * @module actors/runtime/store
 * Actor state entries in the `tb_state` KV bucket, read with their revision and written only
 * with `update(key, value, expectedRevision)` (or `create` for a new actor): a write that loses
 * the compare-and-set can never commit (fencing; runtime rules 2 and 8). This is the one place that
 * maps JetStream errors onto ours: wrong-last-sequence → `ConcurrencyConflictError`,
 * anything else (timeout, no responders during an election) → `StorageUnavailableError`,
 * whose outcome is unknown (runtime rule 7: a timeout is an unknown outcome).
 */
import type { KV } from '@nats-io/kv';
import { ConcurrencyConflictError, StorageUnavailableError, decode, encode, Format } from '../../contracts/index.js';

/** JetStream API error code for "wrong last sequence" (a lost compare-and-set). */
export const JS_WRONG_LAST_SEQUENCE = 10071;

/** What is persisted for one actor: snapshot plus the runtime fields written in the same write. */
export interface StateEntry {
  /** Kind's machine version that wrote `snap`. */
  v: number;
  /** Per-actor write counter; names outbox message ids `<kind>.<id>.<seq>.<n>`. */
  seq: number;
  /** XState persisted snapshot. */
  snap: unknown;
  /** Durable timers from delayed `raise` actions: id → due time and event. */
  timers: Record<string, { at: number; event: Record<string, unknown> }>;
  /** Domain events committed but not yet acknowledged by JetStream (runtime rule 4: effects after commit, at least once). */
  outbox: OutboxItem[];
  /** Replies of committed commands not yet in the reply log (so a retry after a crash finds them). */
  replies: ReplyBatch[];
  /** Last time a reply batch was written to the reply log (ms); 0 if never. */
  loggedAt: number;
  /**
   * For a kind that persists by batch (journal.ts): the journal record this snapshot covers
   * (its stream sequence; 0 or absent = none). A load replays the records after it.
   */
  j?: number;
}

export interface OutboxItem {
  msgId: string;
  subject: string;
  type: string;
  data: Record<string, unknown>;
  at: number;
  requestId?: string;
}

/** One committed batch's replies: [commandId, verb, reply] triples. */
export interface ReplyBatch {
  seq: number;
  at: number;
  items: [string, string, StoredReply][];
}

/** A remembered answer: `r` for a result, `e` for an error body. */
export type ReplyValue = { r: unknown } | { e: { code: string; message: string; retryable: boolean; details?: Record<string, unknown> } };

/**
 * A remembered answer as kept in the entry and the reply log: a `ReplyValue` packed once into
 * msgpack bytes when it is made (`packReply` in reply-log.ts), so every later write of the entry
 * copies its bytes instead of walking the whole view again, and a load leaves it packed until a
 * repeat asks for it. Entries written before this hold the `ReplyValue` itself; both are read.
 */
export type StoredReply = ReplyValue | Uint8Array;

export interface LoadedEntry {
  entry: StateEntry | undefined;
  /** KV revision to pass as expected revision on the next write (0 = key never written). */
  revision: number;
}

function isWrongLastSequence(err: unknown): boolean {
  const e = err as { code?: unknown; api_error?: { err_code?: number }; message?: string };
  if (typeof (e as { apiError?: unknown }).apiError === 'function') {
    const api = (e as { apiError(): { err_code?: number } }).apiError();
    if (api?.err_code === JS_WRONG_LAST_SEQUENCE) return true;
  }
  return e?.code === JS_WRONG_LAST_SEQUENCE || /wrong last sequence/i.test(e?.message ?? '');
}

export class StateStore {
  constructor(
    private readonly kv: KV,
    private readonly partitionOfKey: (key: string) => number,
  ) {}

  /** Read an entry. Throws `StorageUnavailableError` when storage does not answer. */
  async load(key: string): Promise<LoadedEntry> {
    let e: Awaited<ReturnType<KV['get']>>;
    try {
      e = await this.kv.get(key);
    } catch (cause) {
      throw new StorageUnavailableError({ cause });
    }
    if (!e) return { entry: undefined, revision: 0 };
    if (e.operation !== 'PUT' || e.value.byteLength === 0) return { entry: undefined, revision: e.revision };
    return { entry: decode(e.value, Format.Msgpack) as StateEntry, revision: e.revision };
  }

  /**
   * Write `entry` if the key is still at `expectedRevision` (0 = must not exist) and return the
   * new revision and the entry's size in bytes (the runtime lingers after big ones). Throws `ConcurrencyConflictError` when another writer got there first, and
   * `StorageUnavailableError` when the outcome is unknown: the caller must drop its copy and
   * re-read before deciding anything.
   */
  async write(key: string, entry: StateEntry, expectedRevision: number): Promise<{ revision: number; bytes: number }> {
    const data = encode(entry, Format.Msgpack);
    try {
      const revision = expectedRevision === 0 ? await this.kv.create(key, data) : await this.kv.update(key, data, expectedRevision);
      return { revision, bytes: data.byteLength };
    } catch (cause) {
      if (isWrongLastSequence(cause)) {
        throw new ConcurrencyConflictError(key, expectedRevision, undefined, this.partitionOfKey(key), { cause });
      }
      throw new StorageUnavailableError({ cause });
    }
  }
}

/** True for a `ConcurrencyConflictError`-like KV failure; exported for lease.ts. */
export { isWrongLastSequence };
