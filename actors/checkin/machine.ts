/**
 * @module actors/checkin/machine
 * One bucket of one event's check-ins as a pure XState machine. Invariants: a ticket has at most
 * one check-in record, and it is the earliest scan by `(at, gate, by)` seen so far, so uploads
 * from offline gates converge to the same record in any order, except that a live scan (at the
 * door now) never replaces a record, so a ticket a gate was told is checked in stays so for every
 * later live scan, even one in the same batch at the same instant; a voided ticket never gains one;
 * a checked-in ticket is never voided (the refund that arrives late is told so).
 */
import { setup } from 'xstate';
import { stepAction } from '../runtime/index.js';
import { CheckinEventType, type CheckinEvent } from './events.js';
import { NO_RECORDS, recordOf, withRecord } from './records.js';
import type { CheckinContext, CheckinInput, CheckinMachineEvent, CheckinRecord, MachineScan } from './types.js';

/** True when scan `a` comes before record `b` (earliest wins; ties by gate, then staff, keep the first). */
export function isEarlier(a: MachineScan, b: CheckinRecord): boolean {
  if (a.at !== b[0]) return a.at < b[0];
  if (a.gate !== b[1]) return a.gate < b[1];
  return a.by < b[2];
}

/**
 * Apply scans in order: the new context and the check-ins it records, as one event for the whole
 * command (a coalesced batch of a gateway's scans publishes one event, not one per ticket). Pure.
 */
export function applyScans(ctx: CheckinContext, scans: readonly MachineScan[]): { ctx: CheckinContext; emitted: CheckinEvent[] } {
  let checked = ctx.checked;
  const made: CheckinEvent['checkins'] = [];
  for (const s of scans) {
    if (Object.hasOwn(ctx.voided, s.ticketId)) continue;
    const cur = recordOf(checked, s.ticketId);
    if (cur && (s.live === true || !isEarlier(s, cur))) continue;
    checked = withRecord(checked, s.ticketId, [s.at, s.gate, s.by, s.key]);
    made.push({ ticketId: s.ticketId, at: s.at, gate: s.gate, by: s.by });
  }
  if (made.length === 0) return { ctx, emitted: [] };
  return { ctx: { ...ctx, checked }, emitted: [{ type: CheckinEventType.CheckedIn, eventId: ctx.eventId, checkins: made }] };
}

/** Void tickets that are not checked in. Pure. */
export function applyVoid(ctx: CheckinContext, ticketIds: readonly string[], reason: string): CheckinContext {
  const todo = ticketIds.filter((t) => recordOf(ctx.checked, t) === undefined && !Object.hasOwn(ctx.voided, t));
  if (todo.length === 0) return ctx;
  const voided = { ...ctx.voided };
  for (const t of todo) voided[t] = reason;
  return { ...ctx, voided };
}

type Ev<K extends CheckinMachineEvent['type']> = Extract<CheckinMachineEvent, { type: K }>;

const recordScans = stepAction<CheckinContext, CheckinMachineEvent, CheckinEvent>((context, event) =>
  applyScans(context, (event as Ev<'checkin.scan'>).scans),
);

const recordVoids = stepAction<CheckinContext, CheckinMachineEvent, CheckinEvent>((context, event) => {
  const e = event as Ev<'checkin.void'>;
  return { ctx: applyVoid(context, e.ticketIds, e.reason), emitted: [] };
});

/** The `checkin` machine: one state, `open`; every command is a pure step on the context. */
export const checkinMachine = setup({
  types: { context: {} as CheckinContext, input: {} as CheckinInput, events: {} as CheckinMachineEvent, emitted: {} as CheckinEvent },
  actions: { recordScans, recordVoids },
}).createMachine({
  id: 'checkin',
  // xstate's transition() evaluates this factory without input on every call: answer cheaply.
  context: ({ input }) => (input ? { eventId: input.eventId, checked: NO_RECORDS, voided: {} } : ({} as CheckinContext)),
  initial: 'open',
  states: { open: { on: { 'checkin.scan': { actions: 'recordScans' }, 'checkin.void': { actions: 'recordVoids' } } } },
});

export type CheckinMachine = typeof checkinMachine;
