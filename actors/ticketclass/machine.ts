/**
 * @module actors/ticketclass/machine
 * The ticket class as a pure XState machine: states `active` → `paused` ↔ `active` → `closed`
 * (`allHeld` / `soldOut` are derived from the stock, not states). Every event carries `now`; due holds are
 * expired before anything else, and every guard asks the kind's one policy decision (`decide` in
 * checks.ts: the handler's verdict for the same event, or a new one), so no event sequence can
 * oversell or leak a hold. Deadlines live in context (`nextExpiryAt`); no `after` delays (lost on restore).
 */
import { enqueueActions, setup } from 'xstate';
import { stepAction as reducerAction } from '../runtime/index.js';
import { TicketClassLimits } from '../../contracts/kinds/ticketclass.js';
import { emptyBucketMap } from './bucket-map.js';
import { decide, type PolicyEvent } from './checks.js';
import { TicketClassEventType as T, type TicketClassEvent } from './events.js';
import {
  applyChanges,
  availableOf,
  catalogOf,
  confirmHold,
  emptyRecent,
  extendHold,
  releaseHold,
  reserveHold,
  settle,
  type Step,
} from './inventory.js';
import type { TicketClassContext, TicketClassInput, TicketClassMachineEvent, TicketClassStateValue } from './types.js';

type Ev<K extends TicketClassMachineEvent['type']> = Extract<TicketClassMachineEvent, { type: K }>;
/** Where the event is handled: stock signals are not emitted once the class is closed. */
interface Where {
  state: TicketClassStateValue;
}

/** The context as of `now`: due holds expired (what every guard and handler reasons about). */
function asOf(ctx: TicketClassContext, now: number): TicketClassContext {
  return settle(ctx, now, false).ctx;
}

/** One named action: settle at the event's time, apply `change`, assign, emit what it implies. */
function stepAction<K extends TicketClassMachineEvent['type']>(change: (ctx: TicketClassContext, e: Ev<K>) => Step | undefined) {
  return reducerAction<TicketClassContext, TicketClassMachineEvent, TicketClassEvent, Where>((context, event, params) => {
    const e = event as Ev<K>;
    return settle(context, e.now, params.state !== 'closed', (c) => change(c, e) ?? { ctx: c, emitted: [] });
  });
}

/** A guard: the policy verdict on the event applies it (a refusal or a repeat leaves the class as it is). */
const allowed = (ctx: TicketClassContext, state: TicketClassStateValue | undefined, e: TicketClassMachineEvent) =>
  decide(ctx, state, e as PolicyEvent).kind === 'apply';

/** Fallback when a guard refuses: still expire what is due, so every event leaves no dead hold. */
const orExpire = (state: TicketClassStateValue) => ({ actions: { type: 'expireHolds' as const, params: { state } } });

/** The `ticketclass` machine (input: `TicketClassInput`, built by the `create` handler). */
export const ticketClassMachine = setup({
  types: {
    context: {} as TicketClassContext,
    events: {} as TicketClassMachineEvent,
    input: {} as TicketClassInput,
    emitted: {} as TicketClassEvent,
  },
  guards: {
    canReserve: ({ context, event }, p: Where) => allowed(context, p.state, event),
    canExtend: ({ context, event }, p: Where) => allowed(context, p.state, event),
    isConfirmable: ({ context, event }) => allowed(context, undefined, event),
    isReleasable: ({ context, event }) => allowed(context, undefined, event),
    canUpdate: ({ context, event }, p: Where) => allowed(context, p.state, event),
  },
  actions: {
    recordHold: stepAction<'ticketclass.reserve'>((c, e) => reserveHold(c, e.orderId, e.quantity, e.holdMs, e.now)),
    extendHold: stepAction<'ticketclass.extend'>((c, e) => extendHold(c, e.orderId, e.holdMs, e.now)),
    confirmOrder: stepAction<'ticketclass.confirm'>((c, e) => confirmHold(c, e.orderId, e.now)),
    releaseOrder: stepAction<'ticketclass.release'>((c, e) => releaseHold(c, e.orderId, e.reason, e.now)),
    applyUpdate: stepAction<'ticketclass.update'>((c, e) => applyChanges(c, e.changes, e.now)),
    expireHolds: stepAction(() => undefined),
    markPaused: stepAction(markStatus(T.Paused)),
    markResumed: stepAction(markStatus(T.Resumed)),
    markClosed: stepAction(markStatus(T.Closed)),
  },
}).createMachine({
  id: 'ticketclass',
  // xstate's pure transition() builds a throwaway actor that evaluates this factory with no
  // input on every call; answer it cheaply instead of throwing (a throw per command cost 7% CPU).
  context: ({ input }) => (input ? initialContext(input) : ({} as TicketClassContext)),
  initial: 'active',
  entry: enqueueActions(({ context, enqueue }) => {
    const at = context.createdAt;
    const base = { classId: context.classId, eventId: context.eventId, available: availableOf(context), held: 0, at };
    enqueue.emit({ type: T.Created, ...base, ...catalogOf(context) });
    if (context.total === 0) enqueue.emit({ type: T.SoldOut, ...base });
  }),
  states: {
    active: {
      on: {
        'ticketclass.reserve': [
          { guard: { type: 'canReserve', params: { state: 'active' } }, actions: { type: 'recordHold', params: { state: 'active' } } },
          orExpire('active'),
        ],
        'ticketclass.extend': [
          { guard: { type: 'canExtend', params: { state: 'active' } }, actions: { type: 'extendHold', params: { state: 'active' } } },
          orExpire('active'),
        ],
        'ticketclass.update': [
          { guard: { type: 'canUpdate', params: { state: 'active' } }, actions: { type: 'applyUpdate', params: { state: 'active' } } },
          orExpire('active'),
        ],
        'ticketclass.confirm': [
          { guard: 'isConfirmable', actions: { type: 'confirmOrder', params: { state: 'active' } } },
          orExpire('active'),
        ],
        'ticketclass.release': [
          { guard: 'isReleasable', actions: { type: 'releaseOrder', params: { state: 'active' } } },
          orExpire('active'),
        ],
        'timer.fired': { actions: { type: 'expireHolds', params: { state: 'active' } } },
        // Anything else (a refused or unknown command) still expires what is due.
        '*': orExpire('active'),
        'ticketclass.pause': { target: 'paused', actions: { type: 'markPaused', params: { state: 'paused' } } },
        'ticketclass.close': { target: 'closed', actions: { type: 'markClosed', params: { state: 'closed' } } },
      },
    },
    paused: {
      on: {
        'ticketclass.extend': [
          { guard: { type: 'canExtend', params: { state: 'paused' } }, actions: { type: 'extendHold', params: { state: 'paused' } } },
          orExpire('paused'),
        ],
        'ticketclass.update': [
          { guard: { type: 'canUpdate', params: { state: 'paused' } }, actions: { type: 'applyUpdate', params: { state: 'paused' } } },
          orExpire('paused'),
        ],
        'ticketclass.confirm': [
          { guard: 'isConfirmable', actions: { type: 'confirmOrder', params: { state: 'paused' } } },
          orExpire('paused'),
        ],
        'ticketclass.release': [
          { guard: 'isReleasable', actions: { type: 'releaseOrder', params: { state: 'paused' } } },
          orExpire('paused'),
        ],
        'timer.fired': { actions: { type: 'expireHolds', params: { state: 'paused' } } },
        // Anything else (a refused or unknown command) still expires what is due.
        '*': orExpire('paused'),
        'ticketclass.resume': { target: 'active', actions: { type: 'markResumed', params: { state: 'active' } } },
        'ticketclass.close': { target: 'closed', actions: { type: 'markClosed', params: { state: 'closed' } } },
      },
    },
    /** Sells nothing more, but holds taken before closing may still be confirmed, released or expire. */
    closed: {
      on: {
        'ticketclass.confirm': [
          { guard: 'isConfirmable', actions: { type: 'confirmOrder', params: { state: 'closed' } } },
          orExpire('closed'),
        ],
        'ticketclass.release': [
          { guard: 'isReleasable', actions: { type: 'releaseOrder', params: { state: 'closed' } } },
          orExpire('closed'),
        ],
        'timer.fired': { actions: { type: 'expireHolds', params: { state: 'closed' } } },
        // Anything else (a refused or unknown command) still expires what is due.
        '*': orExpire('closed'),
      },
    },
  },
});

function markStatus(type: typeof T.Paused | typeof T.Resumed | typeof T.Closed) {
  return (c: TicketClassContext, e: TicketClassMachineEvent): Step => {
    const ctx = { ...c, updatedAt: e.now };
    return { ctx, emitted: [{ type, classId: c.classId, eventId: c.eventId, available: availableOf(c), held: c.reserved, at: e.now }] };
  };
}

function initialContext(input: TicketClassInput): TicketClassContext {
  const { now, ...rest } = input;
  return {
    ...rest,
    reserved: 0,
    sold: 0,
    soldOrders: 0,
    holds: emptyBucketMap<number>(),
    holdsCount: 0,
    nextExpiryAt: undefined,
    recent: emptyRecent(),
    createdAt: now,
    updatedAt: now,
  };
}

/** Earliest hold deadline (a lower bound: firing early is harmless), or undefined with no holds. */
export function nextHoldDeadline(ctx: TicketClassContext): number | undefined {
  return ctx.holdsCount > 0 ? ctx.nextExpiryAt : undefined;
}

/** Default `holdTtlMs` etc. for `create` when the command leaves them out. */
export const ticketClassDefaults = {
  holdTtlMs: TicketClassLimits.defaultHoldTtlMs,
  maxPerOrder: TicketClassLimits.defaultMaxPerOrder,
  maxHolds: TicketClassLimits.defaultMaxHolds,
} as const;

/** The machine's type. */
export type TicketClassMachine = typeof ticketClassMachine;
/** `asOf` for handlers: the context with due holds expired. */
export { asOf as contextAsOf };
