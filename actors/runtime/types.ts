/**
 * @module actors/runtime/types
 * What an actor kind gives the runtime (its machine and one handler per public verb) and what
 * the runtime gives back (notifications). Kinds are pure: a handler maps a decoded command onto
 * a machine event and a snapshot onto a reply; the runtime owns loading, persistence, outbox,
 * timers and replies: machines decide, the runtime does.
 */
import type { AnyStateMachine, EventObject, SnapshotFrom } from 'xstate';
import type { TSchema, Static } from '@sinclair/typebox';
import type { TbError } from '../../contracts/index.js';

/** What a handler sees besides the command. */
export interface CommandContext<TMachine extends AnyStateMachine = AnyStateMachine> {
  /** Actor id (the `<id>` of `tb.<kind>.<id>.<verb>`). */
  id: string;
  /** The committed-or-pending snapshot this command applies to; undefined if the actor does not exist yet. */
  snapshot: SnapshotFrom<TMachine> | undefined;
  /** Wall-clock time of this batch, ms since epoch. Machines must take time from events, never read a clock. */
  now: number;
  /** Correlation id of the request. */
  requestId: string | undefined;
}

/** What `reply` sees after the transition. */
export interface ReplyContext<TMachine extends AnyStateMachine, Cmd> {
  id: string;
  cmd: Cmd;
  before: SnapshotFrom<TMachine> | undefined;
  after: SnapshotFrom<TMachine>;
  /** Always empty today: the batch collects emitted events for the outbox apart from the replies; do not rely on it. */
  emitted: EventObject[];
  now: number;
}

/**
 * One public verb of a kind.
 * - `schema` validates the decoded body (use `Command({...})` from contracts: it requires `commandId`).
 * - `init` makes the verb able to create the actor: when no state exists, the runtime runs
 *   `initialTransition(machine, init(cmd, ctx))` first. Without `init`, a verb on a missing actor
 *   answers `COMMAND_NOT_FOUND`.
 * - `readOnly` verbs are answered from the current snapshot without a transition or a write
 *   (still after the batch's write, so they never see uncommitted state).
 * - `toEvent` returns the machine event, `null` for "no transition", or a `TbError` to reject.
 * - `reply` returns the result, or a `TbError` (a validation problem is a reply, never a throw).
 */
export interface VerbHandler<TMachine extends AnyStateMachine = AnyStateMachine, S extends TSchema = TSchema, R = unknown> {
  schema: S;
  readOnly?: boolean;
  init?: (cmd: Static<S>, ctx: CommandContext<TMachine>) => unknown;
  toEvent?: (cmd: Static<S>, ctx: CommandContext<TMachine>) => EventObject | null | TbError;
  reply: (ctx: ReplyContext<TMachine, Static<S>>) => R | TbError;
  /** One-line description, shown in `nats micro info` and the docs. */
  description?: string;
}

/** A kind: `{ kind, version, machine, handlers }`. */
export interface ActorKind<TMachine extends AnyStateMachine = AnyStateMachine> {
  kind: string;
  /** Persisted next to every snapshot; bump when the persisted shape changes. */
  version: number;
  machine: TMachine;
  // biome-ignore lint/suspicious/noExplicitAny: each verb has its own command and reply types
  handlers: Record<string, VerbHandler<TMachine, any, any>>;
  /**
   * Earliest deadline kept in the snapshot's context (e.g. the oldest hold's expiry), or
   * undefined. When it passes, the runtime sends `{ type: 'timer.fired', now }`; the machine
   * expires whatever is due, idempotently (runtime rule 5: the durable deadline is the truth).
   */
  nextDeadline?: (snapshot: SnapshotFrom<TMachine>) => number | undefined;
  /** Upgrade a persisted snapshot written by an older `version`. */
  migrate?: (persisted: unknown, fromVersion: number) => unknown;
  /** Largest mailbox before commands are refused with `RUNTIME_OVERLOADED`. Default 10,000. */
  maxMailbox?: number;
  /**
   * How the actor is persisted. `entry` (the default): every batch rewrites the whole state entry.
   * `journal`: every batch appends what it changed to the actor's journal and a snapshot is
   * written every so many batches (journal.ts), for kinds whose entry is big and whose batches
   * change little of it. A journaled machine must be deterministic in its events (it is replayed).
   */
  persistence?: 'entry' | 'journal';
}

/** The event a durable timer delivers when `nextDeadline` has passed. */
export interface TimerFiredEvent {
  type: 'timer.fired';
  now: number;
}

/** Runtime notifications: what happened, and what an operator should do about it. */
export type RuntimeNotification =
  /** This node now owns the partition and serves it. Nothing to do. */
  | { type: 'partition_acquired'; partition: number }
  /** The partition was handed off cleanly (rebalance or shutdown). Nothing to do. */
  | { type: 'partition_released'; partition: number }
  /** The lease was lost (CAS conflict or not renewed in time): the partition stopped here. If frequent, look for event-loop stalls. */
  | { type: 'lease_lost'; partition: number; reason: string }
  /** A fenced write lost: another node wrote this actor. Expected around takeovers; alarming otherwise. */
  | { type: 'write_conflict'; key: string; partition: number }
  /** The live node set changed. */
  | { type: 'membership_changed'; nodes: string[] };
