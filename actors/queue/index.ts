/**
 * @module actors/queue
 * The `queue` kind's front door: the waitroom of one event (`tb.queue.<eventId>.<verb>`). Its
 * entry is O(1) in the number of users (counters and at most `maxConcurrent` slots); per-user
 * sessions live in the `tb_queue_sessions` KV bucket (`queue/sessions.ts`). Never more than
 * `maxConcurrent` slots at once; every slot has a deadline the runtime's durable timer enforces.
 */
import type { ActorKind } from '../runtime/index.js';
import { queueHandlers } from './handlers.js';
import { nextQueueDeadline, queueMachine, type QueueMachine } from './machine.js';

/** The kind the runtime serves. Version 1: context shape of `types.ts`. */
export const queueKind: ActorKind<QueueMachine> = {
  kind: 'queue',
  version: 1,
  // Persisted by batch (actors/runtime/journal.ts): a waitroom's entry holds its slots and
  // grows to 100 KB and more, and a batch of joins changes a few numbers of it.
  persistence: 'journal',
  machine: queueMachine,
  handlers: queueHandlers,
  nextDeadline: (snapshot) => nextQueueDeadline(snapshot.context),
};

export { queueMachine, queueHandlers };
export { viewOf } from './handlers.js';
export { QueueEventType, QueueEventSchemas, QueueEventSchema } from './events.js';

export type { QueueMachine };
export type { QueueEvent, QueueEventOf } from './events.js';
export type { QueueContext, QueueInput, QueueMachineEvent, Slot } from './types.js';
