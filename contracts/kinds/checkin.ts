/**
 * @module contracts/kinds/checkin
 * The public protocol of the `checkin` actor: the check-in record of one bucket of one event's
 * tickets (`tb.checkin.<eventId>-b<k>.<verb>`, bucket `k` = a stable hash of the ticket id). It is
 * the single writer of "was this ticket let in": a ticket is checked in at most once, whatever
 * the number of gates; a voided ticket is never checked in. Offline scans resolve by scan time:
 * the earliest scan of a ticket wins, whatever order the gates upload in.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Command, CommandId, ReadCommand } from '../schemas.js';
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

/** What a scan came to. */
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
const Scan = Type.Object(
  {
    ticketId: TicketId,
    gate: Gate,
    by: UserId,
    /** When an offline gate scanned it; absent = now, at the door (a live scan never replaces a check-in). */
    scannedAt: Type.Optional(EpochMs),
    /** The scan's own idempotency key when a gateway coalesces scans into one `scanMany`: a retry finds its own answer. */
    scanId: Type.Optional(CommandId),
  },
  { additionalProperties: false },
);

/** Command schemas, one per verb. */
export const CheckinCommands = {
  /** One scan, now (online): `scannedAt` defaults to the batch time. */
  scan: Command({
    eventId: Type.String({ minLength: 1, maxLength: 64 }),
    ticketId: TicketId,
    gate: Gate,
    by: UserId,
    scannedAt: Type.Optional(EpochMs),
  }),
  /**
   * Many scans in one command: an offline gate's upload (each with its scan time), or the live
   * scans a gateway coalesced for this bucket while its previous command was in flight (no
   * `scannedAt`, each with its `scanId`).
   */
  scanMany: Command({
    eventId: Type.String({ minLength: 1, maxLength: 64 }),
    scans: Type.Array(Scan, { minItems: 1, maxItems: CheckinLimits.maxScansPerCommand }),
  }),
  /**
   * Live scans a gateway coalesced for this bucket while its previous command was in flight (no
   * scan time: now, at the door). The reply is compact (`AdmitReply`).
   */
  admit: Command({
    eventId: Type.String({ minLength: 1, maxLength: 64 }),
    scans: Type.Array(Type.Object({ ticketId: TicketId, gate: Gate, by: UserId, scanId: CommandId }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: CheckinLimits.maxScansPerCommand,
    }),
  }),
  /** Void tickets (refund, cancellation, transfer): later scans are refused. A checked-in ticket stays checked in. */
  void: Command({
    eventId: Type.String({ minLength: 1, maxLength: 64 }),
    ticketIds: Type.Array(TicketId, { minItems: 1, maxItems: CheckinLimits.maxVoidPerCommand }),
    reason: Type.String({ minLength: 1, maxLength: 32 }),
  }),
  /** The bucket's record (for the offline list and the organizer). */
  get: ReadCommand({}),
};

/** The answer to one scan. */
export const ScanResult = Type.Object({
  ticketId: Type.String(),
  outcome: Type.Union(Object.values(ScanOutcome).map((s) => Type.Literal(s))),
  /** The winning check-in (for `already`, and for `checkedIn`: this one). */
  at: Type.Optional(EpochMs),
  gate: Type.Optional(Type.String()),
  by: Type.Optional(Type.String()),
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

/**
 * The answer to `admit`: one line per scan, in order, `<outcome>\t<at>\t<gate>\t<by>` (at in
 * base 36) or `voided\t<reason>`, joined by newlines. One string, not an array of `ScanResult`:
 * the runtime keeps an actor's last 32 answers in its entry and packs them on every write, and
 * as objects they were most of a check-in node's CPU in `bench:checkin`. `parseAdmitReply` reads it.
 */
export const AdmitReply = Type.Object({ lines: Type.String() });
export type AdmitReply = Static<typeof AdmitReply>;

/** The line of one scan result in an `AdmitReply`. */
export function admitLineOf(r: ScanResult): string {
  if (r.outcome === ScanOutcome.Voided) return `${r.outcome}\t${r.reason ?? 'voided'}`;
  return `${r.outcome}\t${(r.at ?? 0).toString(36)}\t${r.gate ?? ''}\t${r.by ?? ''}`;
}

/** The results of an `AdmitReply` for the scans of `ticketIds` (in command order). */
export function parseAdmitReply(reply: AdmitReply, ticketIds: readonly string[]): ScanResult[] {
  const lines = reply.lines.split('\n');
  return ticketIds.map((ticketId, i) => {
    const [outcome, a, gate, by] = (lines[i] ?? '').split('\t') as [string, string?, string?, string?];
    if (outcome === ScanOutcome.Voided) return { ticketId, outcome, reason: a ?? 'voided' };
    if (outcome !== ScanOutcome.CheckedIn && outcome !== ScanOutcome.Already) throw new Error(`admit reply line ${i} unreadable`);
    return { ticketId, outcome, at: parseInt(a ?? '0', 36), gate: gate ?? '', by: by ?? '' };
  });
}

/** Reply schema per verb. */
export const CheckinReplies = {
  scan: ScanResult,
  scanMany: Type.Object({ results: Type.Array(ScanResult) }),
  admit: AdmitReply,
  void: Type.Object({ voided: Type.Array(Type.String()), alreadyCheckedIn: Type.Array(Type.String()) }),
  get: CheckinBucketView,
};

/** A decoded command of `verb`. */
export type CheckinCommand<V extends keyof typeof CheckinCommands> = Static<(typeof CheckinCommands)[V]>;
