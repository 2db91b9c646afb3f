/**
 * @module actors/runtime/activation
 * One live actor (Akka entity, Orleans activation): load → mailbox → group commit → reply →
 * effects → passivate. This is the engine of the runtime and is long on purpose: the order of
 * its steps *is* the correctness argument, and splitting it would hide that order.
 *
 *   1. Drain the whole mailbox; apply every command in order with the pure XState functions.
 *   2. Check the partition lease (runtime rule 3: no lease, no entities), write the durable-timer index ahead if a deadline
 *      came earlier, then write the state ONCE with compare-and-set on its revision.
 *   3. Only then reply to every command of the batch (rule 1).
 *   4. Then publish the outbox and the reply log, and arm timers (rule 4); acknowledged effects
 *      are removed from the entry by a later write.
 * A lost compare-and-set drops the activation and answers `RUNTIME_NOT_OWNER` (rule 2); an
 * unknown outcome drops it and answers `RUNTIME_UNAVAILABLE`, and the next load re-reads (rule 7).
 * A kind with `persistence: 'journal'` writes step 2 as one appended journal record of what the
 * batch changed, fenced the same way, and a whole-entry snapshot every `SNAPSHOT_EVERY` records
 * (journal.ts); its load is the snapshot plus the records after it, replayed.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { TbError, ConcurrencyConflictError, NotOwnerError, type ErrorBody } from '../../contracts/index.js';
import type { ActorKind } from './types.js';
import type { StateStore, StateEntry, OutboxItem, ReplyBatch, ReplyValue, StoredReply } from './store.js';
import { toOutboxItems, type OutboxPublisher } from './outbox.js';
import { RecentReplies, packReply, unpackReply, type ReplyLog } from './reply-log.js';
import type { DurableTimers } from './timers.js';
import { Mailbox } from './mailbox.js';
import { scopedTransitions } from './scoped-transition.js';
import { applyCommand, type CommandOutcome } from './apply-command.js';
import { SNAPSHOT_EVERY, type JournalOp, type JournalRecord, type JournalStore, type LoadedRecord } from './journal.js';

/** The outcome handed to a command's reply callback. */
export type { CommandOutcome };

/** A queued item: a public command, a timer tick, or an effects flush. */
export type Pending =
  | {
      t: 'cmd';
      verb: string;
      cmd: Record<string, unknown> & { commandId?: string };
      requestId: string | undefined;
      done: (o: CommandOutcome) => void;
    }
  | { t: 'timer' }
  | { t: 'flush' };

export interface ActivationDeps {
  kind: ActorKind;
  id: string;
  key: string;
  partition: number;
  store: StateStore;
  /** The journal, for kinds with `persistence: 'journal'` (without it they write whole entries). */
  journal?: JournalStore;
  leaseValid: (partition: number) => boolean;
  outbox: OutboxPublisher;
  replyLog: ReplyLog;
  timers: DurableTimers;
  dedupeWindowMs: number;
  /** After writing an entry of `LINGER_BYTES` or more, gather the next batch this long per `LINGER_BYTES` of it, at most 10 times (0 = never). */
  lingerMs?: number;
  /** How long acknowledged effects may stay in an idle actor's entry (default `FLUSH_DELAY_MS`). */
  flushDelayMs?: number;
  log: { debug(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
  onDropped: (activation: Activation, reason: string) => void;
  onConflict: (key: string, partition: number) => void;
  onBatch?: (size: number, wrote: boolean) => void;
  now?: () => number;
  /** @internal Fault injection for tests: called after a successful state write, before any reply or effect. */
  afterCommit?: (key: string, seq: number) => void;
}

/**
 * How long acknowledged effects may stay in the entry before a write of their own removes them.
 * A busy actor removes them for free in its next batch's write; only an idle one pays a write.
 */
const FLUSH_DELAY_MS = 5_000;
/**
 * Recent replies kept inside the entry (items). A quiet actor never needs the reply log: its
 * recent answers ride in its own entry. Only a busy actor's overflow is logged before it leaves.
 * A busy actor logs every batch once whatever the budget, so a small one costs no extra
 * publishes; 128 made a waitroom carry about 50 KB of old answers in every write.
 */
const REPLY_BUDGET = 32;
/**
 * The same for a kind that persists by batch: its answers ride in the journal records and only
 * the snapshot (every 64 batches) carries the kept ones, so keeping more costs a bigger snapshot,
 * not a bigger write; with 32, a busy check-in bucket published every batch's answers to the
 * reply log as well.
 */
const JOURNALED_REPLY_BUDGET = 1_024;
/**
 * Unacknowledged effect items (events + evicting replies) the next write may carry along. Above
 * this the next batch waits for the acknowledgements first, so an entry stays small (~40 B an item).
 */
const EFFECTS_BACKLOG_LIMIT = 512;
/** Longest a batch waits for the previous batch's effects before writing anyway. */
const EFFECTS_WAIT_MS = 2_000;
/**
 * Most commands applied in one synchronous slice. A waitroom flooded with joins once applied
 * thousands at a time and held its node's event loop for over 8 s: its heartbeats stopped, its
 * leases expired, and the partitions bounced between nodes mid-sale.
 */
const APPLY_PER_TURN = 256;
/** During a flood, an open batch this big is written even while the effects backlog says wait. */
const FLOOD_BATCH_LIMIT = 4_096;
/**
 * Entries at least this big make the next batch linger: `lingerMs` for every `LINGER_BYTES` of
 * the last entry, at most `MAX_LINGER_FACTOR` times `lingerMs`. Packing and writing a 100 KB
 * waitroom entry per handful of joins cost a rehearsal's node a third of its CPU; with a fixed
 * 10 ms linger a 150 KB waitroom still packed a third of its node's busy time, so the wait now
 * grows with the entry (about 90 ms, ten writes a second, for 150 KB).
 */
export const LINGER_BYTES = 16 * 1024;
const MAX_LINGER_FACTOR = 10;

/** How long the batch after an entry of `bytes` gathers (ms), for the configured `lingerMs`. */
export function lingerFor(bytes: number, lingerMs: number): number {
  if (bytes < LINGER_BYTES || lingerMs <= 0) return 0;
  return Math.min(MAX_LINGER_FACTOR, bytes / LINGER_BYTES) * lingerMs;
}

function waitAtMost(p: Promise<unknown>, ms: number): Promise<unknown> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise((r) => (t = setTimeout(r, ms)))]).finally(() => clearTimeout(t));
}

export class Activation {
  readonly key: string;
  private readonly mailbox: Mailbox<Pending>;
  private readonly recent: RecentReplies;
  private readonly now: () => number;
  private loaded = false;
  private running = false;
  private dropped = false;
  /** Size and end time of the last state write (adaptive linger). */
  private lastEntryBytes = 0;
  private lastWriteEndedAt = 0;
  private snapshot: AnyMachineSnapshot | undefined;
  /** The committed context (undefined before the first load or for an actor that does not exist); read-only, for metrics. */
  get committedContext(): unknown {
    return this.snapshot?.context;
  }
  private revision = 0;
  private seq = 0;
  /** Journal mode: the last record appended or loaded (its stream sequence), records since the last snapshot, the snapshot in flight. */
  private jseq = 0;
  private sinceSnapshot = 0;
  private snapshotting: Promise<void> | undefined;
  private timers: StateEntry['timers'] = {};
  private outbox: OutboxItem[] = [];
  private replies: ReplyBatch[] = [];
  private loggedAt = 0;
  private readonly acked = new Set<string>();
  private readonly logged = new Set<number>();
  /** Set while publishing keeps failing: the actor is then kept in the durable index (due now) so a new owner retries. */
  private publishFailing = false;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Acknowledgement of the last batch's effects; the next write waits for it (bounded). */
  private effectsInFlight: Promise<unknown> | undefined;
  /** Speculative state: the committed state plus the sealed batch in flight plus the open batch. */
  private working: AnyMachineSnapshot | undefined;
  private workingTimers: StateEntry['timers'] = {};
  /** Commands applied but not yet committed or answered. */
  private open: OpenBatch | undefined;
  /** Answers of the batch whose write is in flight, so a repeat arriving meanwhile finds them. */
  private readonly inflightIds = new Map<string, { verb: string; reply: StoredReply }>();
  /** Set while the loop waits: the next enqueue wakes it. */
  private wake: (() => void) | undefined;
  lastUsed: number;

  constructor(private readonly d: ActivationDeps) {
    this.key = d.key;
    this.now = d.now ?? Date.now;
    this.mailbox = new Mailbox(d.kind.maxMailbox ?? 10_000);
    this.recent = new RecentReplies(d.dedupeWindowMs);
    this.lastUsed = this.now();
  }

  get partition(): number {
    return this.d.partition;
  }

  /** True when batches are appended to the journal instead of rewriting the entry. */
  private get journaled(): boolean {
    return this.d.kind.persistence === 'journal' && this.d.journal !== undefined;
  }

  /** True while earlier effects are still being published and too many are unacknowledged. */
  private effectsBacklogged(): boolean {
    return this.effectsInFlight !== undefined && this.unacknowledged() > EFFECTS_BACKLOG_LIMIT;
  }

  /** Effect items committed but not yet acknowledged by JetStream. */
  private unacknowledged(): number {
    let n = 0;
    for (const o of this.outbox) if (!this.acked.has(o.msgId)) n++;
    for (const r of this.evicting(this.replies)) if (!this.logged.has(r.seq)) n += r.items.length;
    return n;
  }

  /** Nothing queued or running, and every effect acknowledged (maybe not yet removed): safe to hand off. */
  get quiescent(): boolean {
    return (
      !this.running &&
      this.mailbox.size === 0 &&
      !this.open &&
      this.outbox.every((o) => this.acked.has(o.msgId)) &&
      this.evicting(this.replies).every((r) => this.logged.has(r.seq))
    );
  }

  /** Quiescent, and the entry holds no acknowledged leftovers either: safe to passivate. */
  get idle(): boolean {
    return !this.running && this.mailbox.size === 0 && !this.open && this.outbox.length === 0 && this.evicting(this.replies).length === 0;
  }

  get isDropped(): boolean {
    return this.dropped;
  }

  /** Queue an item; refuses with `RUNTIME_OVERLOADED` when the mailbox is full. */
  enqueue(p: Pending): void {
    this.lastUsed = this.now();
    if (this.dropped) return this.refuse(p, new NotOwnerError(this.d.partition));
    if (!this.mailbox.offer(p) || (this.open?.size ?? 0) >= this.mailbox.capacity)
      return this.refuse(p, new TbError('RUNTIME_OVERLOADED', { depth: this.mailbox.size }));
    if (this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    } else if (!this.running) void this.run();
  }

  private refuse(p: Pending, err: TbError): void {
    if (p.t === 'cmd') p.done({ ok: false, error: err });
  }

  /** Stop serving: answer everything queued with `err` (retryable) and refuse what comes next. */
  drop(reason: string, err: TbError = new NotOwnerError(this.d.partition)): void {
    if (this.dropped) return;
    this.dropped = true;
    clearTimeout(this.flushTimer);
    for (const p of this.mailbox.drain()) this.refuse(p, err);
    this.failOpen(err);
    this.wake?.();
    this.d.onDropped(this, reason);
  }

  /**
   * The activation loop. Commands are applied as they arrive, onto a speculative working state
   * (the "open" batch), even while the previous batch's write is in flight: the CPU work of a
   * batch overlaps the I/O of the one before. A batch is sealed and written only when no write is
   * in flight (its expected revision is the previous write's result), and its replies go out only
   * after its own write succeeded (rule 1). If a write fails, the speculative batch built on top of
   * it is refused as well, and the activation is dropped (rule 2).
   */
  private async run(): Promise<void> {
    this.running = true;
    try {
      if (!this.loaded) await this.load();
      let inflight: Promise<boolean> | undefined;
      let outcome: boolean | undefined; // the in-flight write's result, once known
      const start = (open: OpenBatch): void => {
        const sealed = this.seal(open);
        this.open = undefined;
        outcome = undefined;
        inflight = this.commit(sealed).then((ok) => (outcome = ok));
      };
      for (;;) {
        if (this.dropped) break;
        if (inflight && outcome !== undefined) {
          inflight = undefined;
          if (!outcome) return this.failOpen(new NotOwnerError(this.d.partition));
        }
        if (this.mailbox.size > 0) {
          this.applyInto(this.openBatch(), this.mailbox.drain(APPLY_PER_TURN));
          if (this.mailbox.size > 0) {
            // A flood: the mailbox may never be empty, so write what is applied whenever no write
            // is in flight (unless the effects backlog says wait, up to a bound), and give the
            // event loop a turn between slices: lease renewals, heartbeats and other actors must
            // not wait behind one hot actor's thousands of queued commands.
            const open = this.open!;
            if (!inflight && (!this.effectsBacklogged() || open.size >= FLOOD_BATCH_LIMIT)) start(open);
            await new Promise((r) => setImmediate(r));
          }
          continue;
        }
        if (inflight) {
          await Promise.race([inflight, this.arrival()]);
          this.wake = undefined; // a stale waker would swallow the next enqueue
          continue;
        }
        if (!this.open) break;
        // Adaptive group commit: after a big entry, let commands gather (longer the bigger it
        // was) since that write ended, so one pack-and-write serves many of them.
        const linger =
          this.lastEntryBytes >= LINGER_BYTES
            ? this.lastWriteEndedAt + lingerFor(this.lastEntryBytes, this.d.lingerMs ?? 0) - Date.now()
            : 0;
        if (linger > 0 && this.open.changed) {
          await Promise.race([new Promise((r) => setTimeout(r, linger)), this.arrival()]);
          this.wake = undefined;
          continue;
        }
        // Back-pressure from the effects: while many earlier events are unacknowledged, let
        // commands join the open batch rather than carry the backlog along in every write.
        if (this.effectsBacklogged()) {
          await waitAtMost(this.effectsInFlight!, EFFECTS_WAIT_MS);
          continue;
        }
        start(this.open);
      }
    } catch (err) {
      const e = err instanceof TbError ? err : new TbError('RUNTIME_UNAVAILABLE', {}, { cause: err });
      this.d.log.error({ err, actor: this.key }, 'activation failed');
      const error = e.retryable ? e : new TbError('RUNTIME_UNAVAILABLE', {}, { cause: err });
      this.failOpen(error);
      this.drop('failure', error);
    } finally {
      this.wake = undefined;
      this.running = false;
    }
  }

  /** Resolves 'arrived' at the next enqueue (the loop then applies it while a write is in flight). */
  private arrival(): Promise<'arrived'> {
    return new Promise((resolve) => (this.wake = () => resolve('arrived')));
  }

  private openBatch(): OpenBatch {
    this.open ??= {
      outcomes: [],
      items: [],
      inBatch: new Map(),
      emitted: [],
      emittedRequestIds: [],
      ops: [],
      timersChanged: false,
      changed: false,
      flush: false,
      size: 0,
    };
    return this.open;
  }

  /** Refuse every command of the open (speculative) batch. */
  private failOpen(error: TbError): void {
    const open = this.open;
    this.open = undefined;
    if (open) for (const [p] of open.outcomes) p.done({ ok: false, error });
  }

  private async load(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { entry, revision } = await this.d.store.load(this.key);
      this.revision = revision;
      this.snapshot = undefined;
      this.seq = 0;
      this.timers = {};
      this.outbox = [];
      this.replies = [];
      this.loggedAt = 0;
      if (entry) {
        let snap = entry.snap;
        if (entry.v !== this.d.kind.version && this.d.kind.migrate) snap = this.d.kind.migrate(snap, entry.v);
        this.snapshot = this.d.kind.machine.resolveState(snap as never) as AnyMachineSnapshot;
        this.seq = entry.seq;
        this.timers = entry.timers ?? {};
        this.outbox = entry.outbox ?? [];
        this.replies = entry.replies ?? [];
        this.loggedAt = entry.loggedAt ?? 0;
      }
      if (!this.journaled) break;
      this.jseq = entry?.j ?? 0;
      const tail = await this.d.journal!.tail(this.d.kind.kind, this.d.id, this.jseq);
      if (tail) {
        this.replay(tail);
        this.sinceSnapshot = tail.length;
        break;
      }
      // A snapshot was written and the records after the one we read were purged meanwhile: read again.
      if (attempt >= 5) throw new TbError('RUNTIME_UNAVAILABLE', { reason: 'journal changed under every load' });
    }
    for (const b of this.replies) this.recent.addBatch(b);
    if (this.loggedAt > this.now() - this.d.dedupeWindowMs) {
      const since = this.now() - this.d.dedupeWindowMs;
      for (const b of await this.d.replyLog.load(this.d.kind.kind, this.d.id, since)) this.recent.addBatch(b);
    }
    this.loaded = true;
    this.working = this.snapshot;
    this.workingTimers = this.timers;
    // Re-publish what a previous owner committed but may not have published (runtime rule 4: effects after commit, at least once).
    this.publishEffects();
    this.d.timers.afterWrite(this.d.partition, this.key, this.indexDue(), this.nextDue());
  }

  /**
   * Replay journal records onto the loaded snapshot: the same transitions, in the same order, as
   * the batches that wrote them (machines are pure and take time from their events), and the
   * outbox items, answers and timers each batch recorded.
   */
  private replay(records: LoadedRecord[]): void {
    const pure = scopedTransitions(this.d.kind.machine);
    for (const { jseq, record } of records) {
      let snap = this.snapshot;
      for (const op of record.ops) {
        snap = (op[0] === 1 ? pure.initialTransition(op[1]) : pure.transition(snap!, op[1] as EventObject))[0];
      }
      this.snapshot = snap;
      this.seq = record.seq;
      if (record.t) this.timers = record.t;
      if (record.o) this.outbox = [...this.outbox, ...record.o];
      const fresh = this.replies.filter((b) => b.at + this.d.dedupeWindowMs >= record.at);
      this.replies = record.r ? [...fresh, record.r] : fresh;
      this.jseq = jseq;
    }
  }

  /**
   * What the durable index must say: the next deadline, or "now" while publishing keeps failing.
   * (Effects that are merely in flight need no index entry: a new owner finds actors written
   * just before a takeover by scanning the state bucket's recent writes.)
   */
  private indexDue(): number | undefined {
    const due = this.nextDue();
    if (!this.publishFailing) return due;
    return due === undefined ? this.lastUsed : Math.min(due, this.lastUsed);
  }

  /**
   * Reply batches that no longer fit the entry's budget (oldest first): they must reach the reply
   * log before they leave the entry. Batches older than the dedupe window are simply forgotten.
   */
  private evicting(batches: ReplyBatch[]): ReplyBatch[] {
    const budget = this.journaled ? JOURNALED_REPLY_BUDGET : REPLY_BUDGET;
    let kept = 0;
    for (let i = batches.length - 1; i >= 0; i--) {
      kept += batches[i]!.items.length;
      if (kept > budget) return batches.slice(0, i + 1);
    }
    return [];
  }

  /** The reply batches the next entry keeps: not expired, and not already logged while evicting. */
  private retainedReplies(batches: ReplyBatch[], now: number): ReplyBatch[] {
    // Batches are in time order and only a logged batch can leave early: when the oldest is fresh
    // and none is logged, all stay (no copies per batch of an actor that keeps 1,024 answers).
    if ((batches[0] === undefined || batches[0].at + this.d.dedupeWindowMs >= now) && this.logged.size === 0) return batches;
    const fresh = batches.filter((b) => b.at + this.d.dedupeWindowMs >= now);
    const evicting = new Set(this.evicting(fresh).map((b) => b.seq));
    return fresh.filter((b) => !(evicting.has(b.seq) && this.logged.has(b.seq)));
  }

  private nextDue(): number | undefined {
    let due: number | undefined = this.snapshot && this.d.kind.nextDeadline ? this.d.kind.nextDeadline(this.snapshot as never) : undefined;
    for (const t of Object.values(this.timers)) due = due === undefined ? t.at : Math.min(due, t.at);
    return due;
  }

  /** Apply the machine's returned actions: emitted events, delayed raises → durable timers, cancels. */
  /** Returns true when the timers changed. */
  private collect(
    actions: { type: string; params?: unknown }[],
    emitted: EventObject[],
    timers: StateEntry['timers'],
    now: number,
  ): boolean {
    let changed = false;
    for (const a of actions) {
      const params = (a.params ?? {}) as Record<string, unknown>;
      if (a.type === 'xstate.emit') emitted.push(params.event as EventObject);
      else if (a.type === 'xstate.raise' && typeof params.delay === 'number') {
        const id = typeof params.id === 'string' ? params.id : `raise.${Object.keys(timers).length}.${now}`;
        timers[id] = { at: now + params.delay, event: params.event as Record<string, unknown> };
        changed = true;
      } else if (a.type === 'xstate.cancel' && typeof params.sendId === 'string') {
        delete timers[params.sendId];
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Apply `items` to the working state, into `open`. Synchronous and pure apart from updating the
   * working snapshot and timers: nothing is written or answered here.
   */
  private applyInto(open: OpenBatch, items: Pending[]): void {
    const now = this.now();
    const kind = this.d.kind;
    // One reused inert actor scope per machine, not a throw-away actor per transition (scoped-transition.ts).
    const pure = scopedTransitions(kind.machine);
    const journaled = this.journaled;
    const absorb = (actions: unknown, requestId: string | undefined): void => {
      const before = open.emitted.length;
      if (this.collect(actions as never, open.emitted, this.workingTimers, now)) open.timersChanged = true;
      for (let i = before; i < open.emitted.length; i++) open.emittedRequestIds.push(requestId);
      open.changed = true;
    };
    const tools: MachineTools = {
      step: (event, requestId) => {
        const [next, actions] = pure.transition(this.working!, event);
        if (journaled) open.ops.push([0, event as unknown as Record<string, unknown>]);
        absorb(actions, requestId);
        return (this.working = next as AnyMachineSnapshot);
      },
      init: (input, requestId) => {
        const [initial, actions] = pure.initialTransition(input);
        if (journaled) open.ops.push([1, input]);
        absorb(actions, requestId);
        return (this.working = initial as AnyMachineSnapshot);
      },
    };
    if (this.workingTimers === this.timers) this.workingTimers = { ...this.timers };
    for (const p of items) {
      open.size++;
      if (p.t === 'flush') {
        open.flush = true;
        continue;
      }
      if (p.t === 'timer') {
        if (!this.working) continue;
        for (const [id, t] of Object.entries(this.workingTimers)) {
          if (t.at <= now) {
            delete this.workingTimers[id];
            open.timersChanged = true;
            tools.step(t.event as EventObject, undefined);
          }
        }
        const due = kind.nextDeadline?.(this.working as never);
        if (due !== undefined && due <= now) tools.step({ type: 'timer.fired', now } as EventObject, undefined);
        continue;
      }
      const handler = kind.handlers[p.verb]!;
      const commandId = p.cmd.commandId;
      // Idempotency: a repeated command id gets the first answer and changes nothing, whether the
      // first is committed, in the write in flight, or earlier in this batch.
      if (commandId !== undefined && !handler.readOnly) {
        const seen = open.inBatch.get(commandId) ?? this.inflightIds.get(commandId) ?? this.recent.get(commandId, now);
        if (seen) {
          open.outcomes.push([
            p,
            seen.verb === p.verb ? fromStored(seen.reply) : { ok: false, error: new TbError('COMMAND_ID_REUSED', { commandId }) },
          ]);
          continue;
        }
      }
      const outcome = this.apply(p, this.working, now, tools);
      open.outcomes.push([p, outcome]);
      if (commandId !== undefined && !handler.readOnly && (outcome.ok || !outcome.error.retryable)) {
        const reply = toStored(outcome);
        open.inBatch.set(commandId, { verb: p.verb, reply });
        open.items.push([commandId, p.verb, reply]);
      }
    }
  }

  /** Turn the open batch into the entry to write. Called only when no write is in flight. */
  private seal(open: OpenBatch): SealedBatch {
    const now = this.now();
    const kind = this.d.kind;
    const nextSeq = this.seq + 1;
    const retained = this.retainedReplies(this.replies, now);
    const removable = this.outbox.some((o) => this.acked.has(o.msgId)) || retained.length !== this.replies.length;
    const newBatch: ReplyBatch | undefined = open.items.length > 0 ? { seq: nextSeq, at: now, items: open.items } : undefined;
    // Read-only commands never write: acknowledged effects leave the entry with the next write
    // that changes something, or with the flush timer's own batch, never because of a `get`.
    // A journal has nothing to remove: acknowledged effects leave the memory, and the next snapshot.
    const journaled = this.journaled;
    const mustWrite = this.working !== undefined && (open.changed || newBatch !== undefined || (removable && open.flush && !journaled));
    const sealed: SealedBatch = { open, seq: nextSeq, snapshot: this.working, timers: this.workingTimers, newBatch, mustWrite, now };
    if (!mustWrite) {
      if (journaled && removable && open.flush)
        sealed.prune = { outbox: this.outbox.filter((o) => !this.acked.has(o.msgId)), replies: retained };
      return sealed;
    }
    const newOutbox = toOutboxItems(kind.kind, this.d.id, nextSeq, open.emitted, now, open.emittedRequestIds);
    if (journaled) {
      sealed.record = {
        v: kind.version,
        seq: nextSeq,
        prev: this.jseq,
        at: now,
        ops: open.ops,
        ...(newOutbox.length > 0 ? { o: newOutbox } : {}),
        ...(newBatch ? { r: newBatch } : {}),
        ...(open.timersChanged ? { t: this.workingTimers } : {}),
      };
    }
    sealed.entry = {
      v: kind.version,
      seq: nextSeq,
      // A journal writes the snapshot only every SNAPSHOT_EVERY records (writeSnapshot), from the committed state.
      snap: journaled ? undefined : kind.machine.getPersistedSnapshot(this.working as never),
      timers: this.workingTimers,
      outbox: [...this.outbox.filter((o) => !this.acked.has(o.msgId)), ...newOutbox],
      replies: newBatch ? [...retained, newBatch] : retained,
      loggedAt: this.loggedAt,
    };
    if (newBatch) for (const [commandId, verb, reply] of newBatch.items) this.inflightIds.set(commandId, { verb, reply });
    // The next open batch starts from here: copy-on-write timers.
    this.workingTimers = { ...this.workingTimers };
    return sealed;
  }

  /**
   * Write a sealed batch, then answer it and start its effects. Resolves false when the write
   * failed: the batch was answered with a retryable error and the activation dropped.
   */
  private async commit(s: SealedBatch): Promise<boolean> {
    const { open } = s;
    if (s.mustWrite && s.entry) {
      if (!this.d.leaseValid(this.d.partition)) {
        for (const [p] of open.outcomes) p.done({ ok: false, error: new NotOwnerError(this.d.partition) });
        this.drop('lease not valid');
        return false;
      }
      const deadline = nextDueOf(this.d.kind, s.snapshot!, s.timers);
      const indexDue = this.publishFailing ? Math.min(deadline ?? s.now, s.now) : deadline;
      try {
        await this.d.timers.beforeWrite(this.d.partition, this.key, indexDue);
        if (s.record) {
          const appended = await this.d.journal!.append(this.d.kind.kind, this.d.id, s.record);
          this.jseq = appended.jseq;
          this.sinceSnapshot++;
          // No linger after a record: its size is the batch's, so gathering more would not make a write cheaper per command.
          this.lastEntryBytes = 0;
        } else {
          const written = await this.d.store.write(this.key, s.entry, this.revision);
          this.revision = written.revision;
          this.lastEntryBytes = written.bytes;
        }
        this.lastWriteEndedAt = Date.now();
      } catch (err) {
        const conflict = err instanceof ConcurrencyConflictError;
        if (conflict) this.d.onConflict(this.key, this.d.partition);
        const error = conflict
          ? new NotOwnerError(this.d.partition, undefined, { cause: err })
          : TbError.is(err) && err.retryable
            ? err
            : new TbError('RUNTIME_UNAVAILABLE', {}, { cause: err });
        for (const [p] of open.outcomes) p.done({ ok: false, error });
        this.d.onBatch?.(open.size, false);
        this.drop(conflict ? 'write conflict' : 'write outcome unknown', error);
        return false;
      }
      this.d.afterCommit?.(this.key, s.seq);
      this.seq = s.seq;
      this.snapshot = s.snapshot;
      this.timers = s.timers;
      const keptMsgIds = new Set(s.entry.outbox.map((o) => o.msgId));
      for (const id of this.acked) if (!keptMsgIds.has(id)) this.acked.delete(id);
      if (this.logged.size > 0) {
        const keptSeqs = new Set(s.entry.replies.map((r) => r.seq));
        for (const seq of this.logged) if (!keptSeqs.has(seq)) this.logged.delete(seq);
      }
      this.outbox = s.entry.outbox;
      this.replies = s.entry.replies;
      if (s.newBatch) {
        this.recent.addBatch(s.newBatch);
        for (const [commandId] of s.newBatch.items) this.inflightIds.delete(commandId);
      }
    }
    if (s.prune) {
      this.outbox = s.prune.outbox;
      this.replies = s.prune.replies;
      const kept = new Set(this.replies.map((r) => r.seq));
      for (const seq of this.logged) if (!kept.has(seq)) this.logged.delete(seq);
      this.acked.clear();
    }
    // Rule 1: replies only now, after the write that makes them true.
    for (const [p, o] of open.outcomes) p.done(o);
    this.d.onBatch?.(open.size, s.mustWrite);
    if (s.mustWrite) this.publishEffects();
    if (s.record && this.sinceSnapshot >= SNAPSHOT_EVERY && !this.snapshotting) {
      const done = (this.snapshotting = this.writeSnapshot().finally(() => {
        if (this.snapshotting === done) this.snapshotting = undefined;
      }));
    }
    this.d.timers.afterWrite(this.d.partition, this.key, this.indexDue(), this.nextDue());
    return true;
  }

  /**
   * Journal mode: write the committed state as the snapshot (fenced on the entry's revision like
   * any entry write) naming the last record it covers, then purge the records before that one.
   * A lost compare-and-set means another node owns the actor now: drop, as a lost append would.
   */
  private async writeSnapshot(): Promise<void> {
    const covered = this.jseq;
    const records = this.sinceSnapshot;
    const entry: StateEntry = {
      v: this.d.kind.version,
      seq: this.seq,
      snap: this.d.kind.machine.getPersistedSnapshot(this.snapshot as never),
      timers: this.timers,
      outbox: this.outbox.filter((o) => !this.acked.has(o.msgId)),
      replies: this.replies,
      loggedAt: this.loggedAt,
      j: covered,
    };
    try {
      const written = await this.d.store.write(this.key, entry, this.revision);
      this.revision = written.revision;
      this.sinceSnapshot -= records;
      await this.d.journal!.purgeBefore(this.d.kind.kind, this.d.id, covered);
    } catch (err) {
      const conflict = err instanceof ConcurrencyConflictError;
      if (conflict) this.d.onConflict(this.key, this.d.partition);
      this.drop(conflict ? 'snapshot conflict' : 'snapshot outcome unknown', conflict ? new NotOwnerError(this.d.partition) : undefined);
    }
  }

  /** Apply one command to `snapshot`; validation problems become error outcomes, never throws. */
  private apply(p: Pending & { t: 'cmd' }, snapshot: AnyMachineSnapshot | undefined, now: number, tools: MachineTools): CommandOutcome {
    const { outcome } = applyCommand(this.d.kind, p.verb, p.cmd, snapshot, {
      id: this.d.id,
      now,
      requestId: p.requestId,
      transitions: tools,
    });
    if (!outcome.ok && outcome.error.code === 'INTERNAL' && outcome.error.cause !== undefined) {
      this.d.log.error({ err: outcome.error.cause, actor: this.key, verb: p.verb, reqId: p.requestId }, 'handler threw');
    }
    return outcome;
  }

  /** Publish pending outbox items and unlogged reply batches; schedule a flush write when they are acknowledged. */
  private publishEffects(): void {
    const work: Promise<unknown>[] = [];
    const pending = this.outbox.filter((o) => !this.acked.has(o.msgId));
    if (pending.length > 0) {
      work.push(
        this.d.outbox.publish(this.d.kind.kind, this.d.id, pending).then((ids) => {
          for (const id of ids) this.acked.add(id);
          const failing = ids.length < pending.length;
          if (failing) this.d.log.warn({ actor: this.key, failed: pending.length - ids.length }, 'outbox publish failed; will retry');
          if (failing !== this.publishFailing) {
            this.publishFailing = failing;
            // Keep (or stop keeping) the actor in the durable index so a new owner retries.
            if (failing) void this.d.timers.beforeWrite(this.d.partition, this.key, this.lastUsed).catch(() => undefined);
          }
          this.scheduleFlush(failing ? 1_000 : (this.d.flushDelayMs ?? FLUSH_DELAY_MS));
        }),
      );
    }
    for (const batch of this.evicting(this.replies).filter((r) => !this.logged.has(r.seq))) {
      work.push(
        this.d.replyLog
          .append(this.d.kind.kind, this.d.id, batch)
          .then(() => {
            this.logged.add(batch.seq);
            this.loggedAt = Math.max(this.loggedAt, batch.at);
            this.scheduleFlush(this.d.flushDelayMs ?? FLUSH_DELAY_MS);
          })
          .catch((err) => {
            this.d.log.warn({ err, actor: this.key }, 'reply log append failed; will retry');
            this.scheduleFlush(1_000);
          }),
      );
    }
    if (work.length > 0) {
      const all = Promise.all(work);
      this.effectsInFlight = all;
      void all.finally(() => {
        if (this.effectsInFlight === all) this.effectsInFlight = undefined;
      });
    }
  }

  private scheduleFlush(delay: number): void {
    if (this.flushTimer || this.dropped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      if (this.dropped) return;
      const evicting = this.evicting(this.replies);
      const unpublished = this.outbox.some((o) => !this.acked.has(o.msgId)) || evicting.some((r) => !this.logged.has(r.seq));
      if (unpublished) this.publishEffects();
      if (this.outbox.some((o) => this.acked.has(o.msgId)) || evicting.some((r) => this.logged.has(r.seq))) this.enqueue({ t: 'flush' });
    }, delay);
    this.flushTimer.unref?.();
  }
}

/** Commands applied to the working state and not yet written or answered. */
interface OpenBatch {
  outcomes: [Pending & { t: 'cmd' }, CommandOutcome][];
  items: ReplyBatch['items'];
  inBatch: Map<string, { verb: string; reply: StoredReply }>;
  emitted: EventObject[];
  emittedRequestIds: (string | undefined)[];
  /** Journal mode: the transitions applied, in order (the record replays them). */
  ops: JournalOp[];
  /** The batch changed the durable timers (the record then carries them). */
  timersChanged: boolean;
  changed: boolean;
  /** A flush item was applied: the batch may write only to remove acknowledged effects. */
  flush: boolean;
  /** Items applied (commands, ticks, flushes). */
  size: number;
}

/** An open batch turned into the entry to write. */
interface SealedBatch {
  open: OpenBatch;
  seq: number;
  snapshot: AnyMachineSnapshot | undefined;
  timers: StateEntry['timers'];
  newBatch: ReplyBatch | undefined;
  mustWrite: boolean;
  now: number;
  entry?: StateEntry;
  /** Journal mode: the record to append instead of writing `entry`. */
  record?: JournalRecord;
  /** Journal mode, a flush with nothing to write: the effects left in memory after it. */
  prune?: { outbox: OutboxItem[]; replies: ReplyBatch[] };
}

/** The batch's access to the pure machine functions; both update the batch's working snapshot. */
interface MachineTools {
  step: (event: EventObject, requestId: string | undefined) => AnyMachineSnapshot;
  init: (input: unknown, requestId: string | undefined) => AnyMachineSnapshot;
}

function nextDueOf(kind: ActorKind, snapshot: AnyMachineSnapshot, timers: StateEntry['timers']): number | undefined {
  let due = kind.nextDeadline ? kind.nextDeadline(snapshot as never) : undefined;
  for (const t of Object.values(timers)) due = due === undefined ? t.at : Math.min(due, t.at);
  return due;
}

/** The answer as remembered: packed once (reply-log.ts), so later writes of the entry only copy it. */
function toStored(o: CommandOutcome): StoredReply {
  return packReply(o.ok ? { r: o.result } : { e: o.error.toBody() as ReplyValue extends { e: infer E } ? E : never });
}

function fromStored(stored: StoredReply): CommandOutcome {
  const s = unpackReply(stored);
  return 'r' in s ? { ok: true, result: s.r } : { ok: false, error: TbError.fromBody(s.e as ErrorBody) };
}
