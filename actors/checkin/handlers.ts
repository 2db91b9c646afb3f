/**
 * @module actors/checkin/handlers
 * One handler per public verb of `tb.checkin.<eventId>-b<k>.<verb>`. Every mutating verb may
 * create the bucket. A scan's reply is read off the committed record: "checked in" only when the
 * record carries this command's scan key, so two scans in one group commit never both win.
 */
import { createHash } from 'node:crypto';
import type { SnapshotFrom } from 'xstate';
import { TbError } from '../../contracts/index.js';
import {
  admitLineOf,
  CheckinCommands as C,
  ScanOutcome,
  type AdmitReply,
  type CheckinBucketView,
  type ScanResult,
} from '../../contracts/kinds/checkin.js';
import type { VerbHandler } from '../runtime/index.js';
import type { CheckinMachine } from './machine.js';
import { allRecords, recordOf } from './records.js';
import type { CheckinContext, MachineScan } from './types.js';

type Snapshot = SnapshotFrom<CheckinMachine>;
type Handler<V extends keyof typeof C, R> = VerbHandler<CheckinMachine, (typeof C)[V], R>;

/**
 * The scan key of scan `i` of a command: short, stable, unique enough inside one bucket. A scan
 * that names its own `scanId` (a gateway coalescing scans into one `scanMany`) is keyed by it
 * alone, as `scanKeyOf(scanId, 0)`, the key the `scan` verb gives command `scanId`: a retried scan
 * finds its own record ("checked in") whichever batch carried it.
 */
export const scanKeyOf = (commandId: string, i: number): string =>
  createHash('sha1').update(`${commandId}#${i}`).digest('base64url').slice(0, 12);

/** The answer to a scan, from the committed context. */
export function resultOf(ctx: CheckinContext, ticketId: string, key: string): ScanResult {
  const rec = recordOf(ctx.checked, ticketId);
  if (rec) return { ticketId, outcome: rec[3] === key ? ScanOutcome.CheckedIn : ScanOutcome.Already, at: rec[0], gate: rec[1], by: rec[2] };
  return { ticketId, outcome: ScanOutcome.Voided, reason: ctx.voided[ticketId] ?? 'voided' };
}

const wrongEvent = (s: Snapshot | undefined, eventId: string) =>
  s && s.context.eventId !== eventId ? new TbError('CHECKIN_WRONG_EVENT', { eventId }) : undefined;

/** The machine event of the scans `fields` of one command (refused on another event's bucket): every scan verb's `toEvent`. */
function scanEvent(
  snapshot: Snapshot | undefined,
  cmd: { eventId: string; commandId: string },
  fields: readonly ScanFields[],
  now: number,
) {
  return (
    wrongEvent(snapshot, cmd.eventId) ?? {
      type: 'checkin.scan' as const,
      now,
      scans: fields.map((f, i) => machineScan(f, cmd.commandId, i, now)),
    }
  );
}

type ScanFields = { ticketId: string; gate: string; by: string; scannedAt?: number | undefined; scanId?: string | undefined };
const keyOf = (s: ScanFields, commandId: string, i: number): string =>
  s.scanId !== undefined ? scanKeyOf(s.scanId, 0) : scanKeyOf(commandId, i);

/** A command's scan as the machine sees it: without `scannedAt` it is live (at the door now). */
function machineScan(s: ScanFields, commandId: string, i: number, now: number): MachineScan {
  return {
    ticketId: s.ticketId,
    gate: s.gate,
    by: s.by,
    at: s.scannedAt ?? now,
    key: keyOf(s, commandId, i),
    ...(s.scannedAt === undefined ? { live: true } : {}),
  };
}

const scan: Handler<'scan', ScanResult> = {
  schema: C.scan,
  description: 'Check one ticket in now at a gate (exactly once per ticket)',
  init: (cmd) => ({ eventId: cmd.eventId }),
  toEvent: (cmd, ctx) => scanEvent(ctx.snapshot, cmd, [cmd], ctx.now),
  reply: ({ after, cmd }) => resultOf(after.context, cmd.ticketId, keyOf(cmd, cmd.commandId, 0)),
};

const scanMany: Handler<'scanMany', { results: ScanResult[] }> = {
  schema: C.scanMany,
  description: "Upload an offline gate's scans (earliest scan time wins)",
  init: (cmd) => ({ eventId: cmd.eventId }),
  toEvent: (cmd, ctx) => scanEvent(ctx.snapshot, cmd, cmd.scans, ctx.now),
  reply: ({ after, cmd }) => ({ results: cmd.scans.map((s, i) => resultOf(after.context, s.ticketId, keyOf(s, cmd.commandId, i))) }),
};

const admit: Handler<'admit', AdmitReply> = {
  schema: C.admit,
  description: 'Check in the live scans a gateway coalesced for this bucket (compact reply, one line per scan)',
  init: (cmd) => ({ eventId: cmd.eventId }),
  toEvent: (cmd, ctx) => scanEvent(ctx.snapshot, cmd, cmd.scans, ctx.now),
  reply: ({ after, cmd }) => ({
    lines: cmd.scans.map((s, i) => admitLineOf(resultOf(after.context, s.ticketId, keyOf(s, cmd.commandId, i)))).join('\n'),
  }),
};

const voidTickets: Handler<'void', { voided: string[]; alreadyCheckedIn: string[] }> = {
  schema: C.void,
  description: 'Void tickets (refund, cancellation, transfer); checked-in tickets stay checked in',
  init: (cmd) => ({ eventId: cmd.eventId }),
  toEvent: (cmd, ctx) =>
    wrongEvent(ctx.snapshot, cmd.eventId) ?? { type: 'checkin.void', ticketIds: cmd.ticketIds, reason: cmd.reason, now: ctx.now },
  reply: ({ after, cmd }) => ({
    voided: cmd.ticketIds.filter((t) => Object.hasOwn(after.context.voided, t)),
    alreadyCheckedIn: cmd.ticketIds.filter((t) => recordOf(after.context.checked, t) !== undefined),
  }),
};

const get: Handler<'get', CheckinBucketView> = {
  schema: C.get,
  readOnly: true,
  description: "The bucket's check-ins and voided tickets",
  reply: ({ after }) => ({
    eventId: after.context.eventId,
    checkedIn: Object.fromEntries(allRecords(after.context.checked).map(([t, r]) => [t, { at: r[0], gate: r[1], by: r[2] }])),
    voided: { ...after.context.voided },
  }),
};

export const checkinHandlers = { scan, scanMany, admit, void: voidTickets, get };
