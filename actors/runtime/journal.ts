/**
 * @module actors/runtime/journal
 * The journal of a kind that persists by batch (`persistence: 'journal'`): one message per
 * committed batch on the actor's own subject `tbj.<kind>.<id>` of the stream `TB_JOURNAL`,
 * appended with `Nats-Expected-Last-Subject-Sequence` = the last record the writer saw (fencing,
 * runtime rules 2 and 8: the same compare-and-set a KV update does, on a subject that keeps its
 * history). A record holds what the batch changed (the machine events it applied, its new
 * outbox items, its new answers, the timers when they changed), so a write costs what the batch
 * changed, not what the actor holds. Every `SNAPSHOT_EVERY` records the activation writes its
 * whole entry to `tb_state` as a snapshot naming the last record it covers (`StateEntry.j`) and
 * purges the records before that one; a load is the snapshot plus the records after it (Akka
 * Persistence's recovery: snapshot, then replay).
 *
 * Every record names the record before it (`prev`), so a reader that raced a snapshot's purge
 * (it read the old snapshot, then found the records after it gone) sees the gap and reloads
 * instead of replaying a hole. The last record of a subject is never purged: the next append's
 * expectation is checked against it.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { ConcurrencyConflictError, StorageUnavailableError, decode, encode, Format } from '../../contracts/index.js';
import type { OutboxItem, ReplyBatch, StateEntry } from './store.js';
import { isWrongLastSequence } from './store.js';

export const JOURNAL_STREAM = 'TB_JOURNAL';
/** Disjoint from request subjects (`tb.>`) and from the event streams (`tb.evt.>`). */
export const JOURNAL_ROOT = 'tbj';
/** Records between two snapshots: a load replays at most this many; a snapshot costs one whole-entry write per this many batches. */
export const SNAPSHOT_EVERY = 64;

export const journalSubject = (kind: string, id: string): string => `${JOURNAL_ROOT}.${kind}.${id}`;

/** One applied transition: `[0, event]` for a step, `[1, input]` for the initial transition. */
export type JournalOp = [0, Record<string, unknown>] | [1, unknown];

/** One committed batch. */
export interface JournalRecord {
  /** The kind's machine version that applied `ops`. */
  v: number;
  /** Per-actor write counter (as `StateEntry.seq`): names the batch's outbox message ids. */
  seq: number;
  /** The stream sequence of the record before this one on the subject (0 = none): the chain a reader checks. */
  prev: number;
  /** Batch time (ms). */
  at: number;
  /** The transitions the batch applied, in order. */
  ops: JournalOp[];
  /** New outbox items. */
  o?: OutboxItem[];
  /** The batch's remembered answers. */
  r?: ReplyBatch;
  /** The durable timers after the batch, when the batch changed them. */
  t?: StateEntry['timers'];
}

export interface LoadedRecord {
  /** Stream sequence of the record (the next append expects it). */
  jseq: number;
  record: JournalRecord;
}

export class JournalStore {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly partitionOfKey: (key: string) => number,
  ) {}

  /**
   * Append `record` if the subject's last record is still `record.prev`; returns the new record's
   * stream sequence. Throws `ConcurrencyConflictError` when another writer appended first, and
   * `StorageUnavailableError` when the outcome is unknown (the caller drops its copy and reloads).
   */
  async append(kind: string, id: string, record: JournalRecord): Promise<{ jseq: number; bytes: number }> {
    const data = encode(record, Format.Msgpack);
    try {
      const ack = await this.js.publish(journalSubject(kind, id), data, { expect: { lastSubjectSequence: record.prev } });
      return { jseq: ack.seq, bytes: data.byteLength };
    } catch (cause) {
      const key = `${kind}.${id}`;
      if (isWrongLastSequence(cause)) throw new ConcurrencyConflictError(key, record.prev, undefined, this.partitionOfKey(key), { cause });
      throw new StorageUnavailableError({ cause });
    }
  }

  /**
   * The records after stream sequence `after`, in order, read from the stream leader (like the
   * state bucket: a replica that has not applied the last append would answer an old tail).
   * Returns `undefined` when the chain has a hole (records purged under the reader): reload.
   */
  async tail(kind: string, id: string, after: number): Promise<LoadedRecord[] | undefined> {
    const subject = journalSubject(kind, id);
    const out: LoadedRecord[] = [];
    let last = after;
    for (;;) {
      let m: Awaited<ReturnType<JetStreamManager['streams']['getMessage']>>;
      try {
        // STREAM.MSG.GET with next_by_subj (nats-server 2.9): the first message of the subject at or after seq.
        m = await this.jsm.streams.getMessage(JOURNAL_STREAM, { seq: last + 1, next_by_subj: subject } as never);
      } catch (cause) {
        if (/no message found/i.test((cause as Error)?.message ?? '')) break;
        throw new StorageUnavailableError({ cause });
      }
      if (!m) break;
      const record = decode(m.data, Format.Msgpack) as JournalRecord;
      if (record.prev !== last) return undefined;
      out.push({ jseq: m.seq, record });
      last = m.seq;
    }
    return out;
  }

  /** Remove the records before `jseq` (covered by a snapshot); best effort, the next snapshot retries. */
  async purgeBefore(kind: string, id: string, jseq: number): Promise<void> {
    await this.jsm.streams.purge(JOURNAL_STREAM, { filter: journalSubject(kind, id), seq: jseq }).catch(() => undefined);
  }
}
