/**
 * @module actors/checkin/types
 * The context and events of one check-in bucket. The check-ins are chunks of lines (see
 * `records.ts`), `\n<ticketId>\t<at>\t<gate>\t<by>\t<scanKey>` each: the scan time (ms, base 36),
 * the gate, the staff member and a short key of the scan that made it (how a reply tells "my
 * scan won" from "another scan at the same instant won"). Strings, not an object of records:
 * version 1 kept an object of arrays, and copying and packing it took half of a node's CPU in
 * `bench:checkin`; a string is copied by reference and packed as one block, and found with a
 * native `indexOf`. Chunks, not one string (version 2): a change copies one small chunk.
 */
/** The records of one bucket: `RECORD_CHUNKS` strings of lines (`records.ts`), or none before the first record. */
export type Records = readonly string[];

/** One check-in: scan time (ms), gate, staff user id, scan key. */
export type CheckinRecord = [at: number, gate: string, by: string, key: string];

export interface CheckinContext {
  eventId: string;
  /** The winning (earliest) scan of every checked-in ticket, one line each, in chunks (`records.ts`). */
  checked: Records;
  /** ticket id → why it was voided. */
  voided: Record<string, string>;
}

export interface CheckinInput {
  eventId: string;
}

/** One scan as the machine sees it: time already resolved, key derived from the scan's id. */
export interface MachineScan {
  ticketId: string;
  gate: string;
  by: string;
  at: number;
  key: string;
  /**
   * A scan at the door now (no `scannedAt`): it records only a ticket with no record yet. Two
   * live scans in one group commit share `now`, and the earliest-wins tie-break (gate, staff)
   * would let the second replace the first after the first was already told "checked in": two
   * gates admitting one ticket.
   */
  live?: boolean;
}

export type CheckinMachineEvent =
  | { type: 'checkin.scan'; scans: MachineScan[]; now: number }
  | { type: 'checkin.void'; ticketIds: string[]; reason: string; now: number };
