/**
 * @module actors/queue/machine
 * The waitroom of one event as a pure XState machine: `preQueue` (joins get tickets, nobody is
 * admitted) → `open` (at `opensAt`, a durable deadline, or on `queue.open`). Every event carries
 * `now` and goes through `settle` (expire due slots → change → advance the cursor), so the cap
 * holds after every event and freed slots are refilled in the same transition. Deadlines live in
 * context (`nextQueueDeadline`); no `after` delays (lost on restore).
 */
import { enqueueActions, setup } from 'xstate';
import { stepAction } from '../runtime/index.js';
import { seedHashOf } from '../../contracts/kinds/queue.js';
import { bindOrder, unbindOrder } from './checkout.js';
import {
  claimSlot,
  earliestSlotDeadline,
  joinQueue,
  leaveQueue,
  openSale,
  positionOfTicket,
  releaseSlot,
  setMaxConcurrent,
  setPaused,
  settle,
  slotOfSession,
  updateStock,
  type Step,
} from './admission.js';
import { QueueEventType as T, type QueueEvent } from './events.js';
import type { QueueContext, QueueInput, QueueMachineEvent } from './types.js';

type Ev<K extends QueueMachineEvent['type']> = Extract<QueueMachineEvent, { type: K }>;

/** The change each machine event makes to the settled context (the handlers validated it). */
function changeFor(e: QueueMachineEvent): ((c: QueueContext) => Step) | undefined {
  switch (e.type) {
    case 'queue.open':
      return (c) => openSale(c, e.now);
    case 'queue.join':
      return (c) => joinQueue(c, e.userId, e.now);
    case 'queue.leave':
      return (c) => leaveQueue(c, e.ticket, e.sessionId, e.userId, e.now);
    case 'queue.claim':
      return (c) => {
        const position = positionOfTicket(c, e.ticket);
        const slot = position === undefined ? undefined : c.slots[String(position)];
        return slot?.state === 'called' ? claimSlot(c, position!, e.sessionId, e.userId, e.now) : { ctx: c, emitted: [] };
      };
    case 'queue.complete':
      return (c) => {
        const held = slotOfSession(c, e.sessionId);
        return held ? releaseSlot(c, held[0], e.outcome, e.now, e.sessionId) : { ctx: c, emitted: [] };
      };
    case 'queue.bindOrder':
      return (c) => bindOrder(c, e.sessionId, e.orderId);
    case 'queue.unbindOrder':
      return (c) => unbindOrder(c, e.sessionId, e.orderId);
    case 'queue.stock':
      return (c) => updateStock(c, e.available, e.soldOut, e.now, e.held);
    case 'queue.pause':
      return (c) => setPaused(c, true);
    case 'queue.resume':
      return (c) => setPaused(c, false);
    case 'queue.configure':
      return (c) => setMaxConcurrent(c, e.maxConcurrent);
    case 'timer.fired':
      return (c) => (c.opensAt !== undefined && e.now >= c.opensAt ? openSale(c, e.now) : { ctx: c, emitted: [] });
  }
}

/** The one action: settle at the event's time with the event's change, assign, emit. */
const apply = stepAction<QueueContext, QueueMachineEvent, QueueEvent>((context, event) => settle(context, event.now, changeFor(event)));

/** The `queue` machine (input: `QueueInput`, built by the `create` handler). */
export const queueMachine = setup({
  types: {
    context: {} as QueueContext,
    events: {} as QueueMachineEvent,
    input: {} as QueueInput,
    emitted: {} as QueueEvent,
  },
  guards: {
    isOpeningDue: ({ context, event }) =>
      event.type === 'queue.open' || (context.opensAt !== undefined && (event as Ev<'timer.fired'>).now >= context.opensAt),
  },
  actions: { apply },
}).createMachine({
  id: 'queue',
  // xstate's pure transition() evaluates this factory with no input on every call: answer cheaply.
  context: ({ input }) => (input ? initialContext(input) : ({} as QueueContext)),
  initial: 'preQueue',
  entry: enqueueActions(({ context, enqueue }) => {
    enqueue.emit({
      type: T.Created,
      eventId: context.eventId,
      at: context.createdAt,
      seedHash: context.seedHash,
      maxConcurrent: context.maxConcurrent,
      ...(context.opensAt !== undefined ? { opensAt: context.opensAt } : {}),
    });
  }),
  states: {
    preQueue: {
      on: {
        'queue.open': { target: 'open', actions: 'apply' },
        'timer.fired': [{ guard: 'isOpeningDue', target: 'open', actions: 'apply' }, { actions: 'apply' }],
        '*': { actions: 'apply' },
      },
    },
    open: {
      on: { '*': { actions: 'apply' } },
    },
  },
});

function initialContext(input: QueueInput): QueueContext {
  const { now, ...rest } = input;
  return {
    ...rest,
    seedHash: seedHashOf(input.seed),
    joined: 0,
    cursor: 0,
    slots: {},
    skips: [],
    recent: [],
    soldOut: false,
    rate: { value: 0, at: now },
    admitted: 0,
    left: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/** Earliest deadline: the opening time (until open) and every slot's deadline. */
export function nextQueueDeadline(ctx: QueueContext): number | undefined {
  const opening = ctx.openedAt === undefined ? ctx.opensAt : undefined;
  const slot = earliestSlotDeadline(ctx);
  return opening === undefined ? slot : slot === undefined ? opening : Math.min(opening, slot);
}

/** The machine's type. */
export type QueueMachine = typeof queueMachine;
