/**
 * @module actors/runtime/timers
 * Durable timers (Orleans reminders). The truth is the deadline kept in the actor's state; the
 * per-partition index in the `tb_timers` KV bucket (`p<partition>.<kind>.<id>` → earliest due
 * time) only tells a new owner which actors to wake. The index is written *before* a state write
 * that brings a deadline earlier (so a crash can never leave a deadline unindexed), deleted when
 * no deadline is left, and otherwise left earlier than need be (a later deadline does not
 * rewrite it: an early entry only makes a new owner wake the actor once, early). Ticks are hints:
 * they may come early, late or twice; each expiry is idempotent in the machine (runtime rule 5:
 * the durable deadline is the truth). An actor whose entry holds unpublished effects (outbox, reply
 * log) is indexed as due at once, so a new owner wakes it and re-publishes them even if no
 * command ever comes for it again.
 */
import type { KV } from '@nats-io/kv';
import { decode, encode, Format } from '../../contracts/index.js';

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export type DueHandler = (partition: number, actorKey: string) => void;

export class DurableTimers {
  /** What the index holds for each actor, as far as this node knows. */
  private readonly indexed = new Map<string, number>();
  private readonly partitionOf = new Map<string, number>();
  private readonly handles = new Map<string, { at: number; handle: NodeJS.Timeout; partition: number }>();

  constructor(
    private readonly kv: KV,
    private readonly onDue: DueHandler,
    private readonly now: () => number = Date.now,
  ) {}

  static indexKey(partition: number, actorKey: string): string {
    return `p${partition}.${actorKey}`;
  }

  /**
   * Write-ahead: make sure the index wakes `actorKey` no later than `nextDue`. Throws when the
   * index cannot be written; the caller must then not write the state.
   */
  async beforeWrite(partition: number, actorKey: string, nextDue: number | undefined): Promise<void> {
    if (nextDue === undefined) return;
    const current = this.indexed.get(actorKey);
    if (current !== undefined && current <= nextDue) return;
    await this.kv.put(DurableTimers.indexKey(partition, actorKey), encode({ at: nextDue }, Format.Msgpack));
    this.indexed.set(actorKey, nextDue);
    this.partitionOf.set(actorKey, partition);
  }

  /**
   * After a commit (or a no-op batch): arm the in-memory tick for `localDue` (the real deadlines)
   * and tidy the index lazily towards `nextDue` (deadlines and the pending-effects marker).
   */
  afterWrite(partition: number, actorKey: string, nextDue: number | undefined, localDue: number | undefined = nextDue): void {
    this.arm(partition, actorKey, localDue);
    const current = this.indexed.get(actorKey);
    const key = DurableTimers.indexKey(partition, actorKey);
    if (nextDue === undefined) {
      if (current !== undefined) {
        this.indexed.delete(actorKey);
        void this.kv.delete(key).catch(() => this.indexed.set(actorKey, current));
      }
    } else if (current === undefined) {
      // Unknown here (loaded on a new owner): write it, so a stale earlier entry does not wake
      // the actor again at the next takeover. An index entry earlier than `nextDue` that this
      // node knows of is left as it is: it only wakes a new owner early, once, and that owner
      // tidies it then. Raising it cost a KV put every time a deadline moved later (issue 12).
      this.indexed.set(actorKey, nextDue);
      this.partitionOf.set(actorKey, partition);
      void this.kv.put(key, encode({ at: nextDue }, Format.Msgpack)).catch(() => undefined);
    }
  }

  private arm(partition: number, actorKey: string, at: number | undefined): void {
    const existing = this.handles.get(actorKey);
    if (existing && existing.at === at) return;
    if (existing) clearTimeout(existing.handle);
    if (at === undefined) {
      this.handles.delete(actorKey);
      return;
    }
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, at - this.now()));
    const handle = setTimeout(() => {
      this.handles.delete(actorKey);
      this.onDue(partition, actorKey);
    }, delay);
    handle.unref?.();
    this.handles.set(actorKey, { at, handle, partition });
  }

  /** On takeover: read the partition's index and arm every actor in it. Returns how many. */
  async loadPartition(partition: number): Promise<number> {
    const prefix = `p${partition}.`;
    const keys: string[] = [];
    for await (const k of await this.kv.keys(`${prefix}>`)) keys.push(k);
    await Promise.all(
      keys.map(async (k) => {
        const e = await this.kv.get(k);
        if (e?.operation !== 'PUT') return;
        const { at } = decode(e.value, Format.Msgpack) as { at: number };
        const actorKey = k.slice(prefix.length);
        this.indexed.set(actorKey, at);
        this.partitionOf.set(actorKey, partition);
        this.arm(partition, actorKey, at);
      }),
    );
    return keys.length;
  }

  /** Forget a partition's ticks (it moved away); the index stays for the next owner. */
  clearPartition(partition: number): void {
    for (const [key, h] of this.handles) {
      if (h.partition === partition) {
        clearTimeout(h.handle);
        this.handles.delete(key);
      }
    }
    for (const [key, p] of this.partitionOf) {
      if (p === partition) {
        this.partitionOf.delete(key);
        this.indexed.delete(key);
      }
    }
  }

  get armed(): number {
    return this.handles.size;
  }
}
