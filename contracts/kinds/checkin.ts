/**
 * @module contracts/kinds/checkin
 * The public protocol of the `checkin` actor: the check-in record of one bucket of one event's
 * tickets (`tb.checkin.<eventId>-b<k>.<verb>`, bucket `k` = a stable hash of the ticket id). It is
 * the single writer of "was this ticket let in": a ticket is checked in at most once, whatever
 * the number of gates; a voided ticket is never checked in. Offline scans resolve by scan time:
 * the earliest scan of a ticket wins, whatever order the gates upload in.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Command, ReadCommand } from '../schemas.js';
import { UserId } from './event.js';

/** Bounds that keep one bucket's entry small. */
export const CheckinLimits = {
  /** Most scans in one `scanMany` command. */
  maxScansPerCommand: 500,
  /** Most ticket ids in one `void` command. */
  maxVoidPerCommand: 500,
  /** A gate name: what staff call the door. */
  maxGateLength: 40,
} as const;

/** What a scan came to (G11). */
export const ScanOutcome = {
  /** This scan checked the ticket in (or, offline, it is the earliest scan so far). */
  CheckedIn: 'checkedIn',
  /** An earlier scan checked it in; `at`/`gate` name that one. */
  Already: 'already',
  /** The ticket was voided (refund, cancellation, transfer) before this scan. */
  Voided: 'voided',
} as const;
export type ScanOutcome = (typeof ScanOutcome)[keyof typeof ScanOutcome];

const TicketId = Type.String({ minLength: 1, maxLength: 80, pattern: '^[A-Za-z0-9_-]+$' });
const Gate = Type.String({ minLength: 1, maxLength: CheckinLimits.maxGateLength, pattern: '^[A-Za-z0-9 _.-]+$' });
const EpochMs = Type.Integer({ minimum: 0, maximum: 253_402_300_799_999 });
const Scan = Type.Object({
  ticketId: TicketId, gate: Gate, by: UserId,
  scannedAt: Type.Optional(EpochMs),
}, { additionalProperties: false });

/** Command schemas, one per verb. */
export const CheckinCommands = {
  /** One scan, now (online): `scannedAt` defaults to the batch time. */
  scan: Command({ eventId: Type.String({ minLength: 1, maxLength: 64 }), ...Scan.properties }),
  /** Scans uploaded by an offline gate: each with its own scan time. */
  scanMany: Command({ eventId: Type.String({ minLength: 1, maxLength: 64 }), scans: Type.Array(Scan, { minItems: 1, maxItems: CheckinLimits.maxScansPerCommand }) }),
  /** Void tickets (refund, cancellation, transfer): later scans are refused. A checked-in ticket stays checked in. */
  void: Command({ eventId: Type.String({ minLength: 1, maxLength: 64 }), ticketIds: Type.Array(TicketId, { minItems: 1, maxItems: CheckinLimits.maxVoidPerCommand }), reason: Type.String({ minLength: 1, maxLength: 32 }) }),
  /** The bucket's record (for the offline list and the organizer). */
  get: ReadCommand({}),
};

/** The answer to one scan. */
export const ScanResult = Type.Object({
  ticketId: Type.String(),
  outcome: Type.Union(Object.values(ScanOutcome).map((s) => Type.Literal(s))),
  /** The winning check-in (for `already`, and for `checkedIn`: this one). */
  at: Type.Optional(EpochMs), gate: Type.Optional(Type.String()), by: Type.Optional(Type.String()),
  /** For `voided`: why. */
  reason: Type.Optional(Type.String()),
});
export type ScanResult = Static<typeof ScanResult>;

/** The bucket's record. */
export const CheckinBucketView = Type.Object({
  eventId: Type.String(),
  checkedIn: Type.Record(Type.String(), Type.Object({ at: EpochMs, gate: Type.String(), by: Type.String() })),
  voided: Type.Record(Type.String(), Type.String()),
});
export type CheckinBucketView = Static<typeof CheckinBucketView>;

/** Reply schema per verb. */
export const CheckinReplies = {
  scan: ScanResult,
  scanMany: Type.Object({ results: Type.Array(ScanResult) }),
  void: Type.Object({ voided: Type.Array(Type.String()), alreadyCheckedIn: Type.Array(Type.String()) }),
  get: CheckinBucketView,
};

/** A decoded command of `verb`. */
export type CheckinCommand<V extends keyof typeof CheckinCommands> = Static<(typeof CheckinCommands)[V]>;
