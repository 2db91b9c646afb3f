/**
 * @module actors/checkin/types
 * The context and events of one check-in bucket. A record is `[at, gate, by, scanKey]`: the
 * scan time, the gate, the staff member and a short key of the command that made it (how a reply
 * tells "my scan won" from "another scan at the same instant won").
 */

/** One check-in: scan time (ms), gate, staff user id, scan key. */
export type CheckinRecord = [at: number, gate: string, by: string, key: string];

export interface CheckinContext {
  eventId: string;
  /** ticket id → the winning (earliest) scan. */
  checked: Record<string, CheckinRecord>;
  /** ticket id → why it was voided. */
  voided: Record<string, string>;
}

export interface CheckinInput {
  eventId: string;
}

/** One scan as the machine sees it: time already resolved, key derived from the command id. */
export interface MachineScan {
  ticketId: string;
  gate: string;
  by: string;
  at: number;
  key: string;
  /**
   * A scan at the door now (the `scan` verb without `scannedAt`): it records only a ticket with no
   * record yet. Two live scans in one group commit share `now`, and the earliest-wins tie-break
   * (gate, staff) would let the second replace the first after the first was already told
   * "checked in": two gates admitting one ticket.
   */
  live?: boolean;
}

export type CheckinMachineEvent =
  | { type: 'checkin.scan'; scans: MachineScan[]; now: number }
  | { type: 'checkin.void'; ticketIds: string[]; reason: string; now: number };
