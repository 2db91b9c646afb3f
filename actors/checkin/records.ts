/**
 * @module actors/checkin/records
 * The check-in records of one bucket as one string: `\n<ticketId>\t<at base 36>\t<gate>\t<by>\t<key>`
 * per ticket. No field can hold a tab or a newline (ticket ids, gates, user ids and keys are
 * checked by the command schemas), so a ticket's line is found by searching `\n<ticketId>\t`.
 * Pure functions; a new record is appended, an earlier offline scan replaces its line in place.
 */
import type { CheckinRecord } from './types.js';

/** The empty record set. */
export const NO_RECORDS = '';

const lineOf = (ticketId: string, r: CheckinRecord): string => `\n${ticketId}\t${r[0].toString(36)}\t${r[1]}\t${r[2]}\t${r[3]}`;

/** Where `ticketId`'s line starts in `records`, or -1. */
function find(records: string, ticketId: string): number {
  return records.indexOf(`\n${ticketId}\t`);
}

/** The line starting at `start` (without its leading newline) and where it ends. */
function lineAt(records: string, start: number): { text: string; end: number } {
  const next = records.indexOf('\n', start + 1);
  const end = next === -1 ? records.length : next;
  return { text: records.slice(start + 1, end), end };
}

function parse(text: string): [ticketId: string, record: CheckinRecord] {
  const [ticketId, at, gate, by, key] = text.split('\t') as [string, string, string, string, string];
  return [ticketId, [parseInt(at, 36), gate, by, key]];
}

/** The record of `ticketId`, if it is checked in. */
export function recordOf(records: string, ticketId: string): CheckinRecord | undefined {
  const i = find(records, ticketId);
  return i === -1 ? undefined : parse(lineAt(records, i).text)[1];
}

/** `records` with `ticketId`'s record set to `r` (appended, or its line replaced). */
export function withRecord(records: string, ticketId: string, r: CheckinRecord): string {
  const i = find(records, ticketId);
  if (i === -1) return records + lineOf(ticketId, r);
  return records.slice(0, i) + lineOf(ticketId, r) + records.slice(lineAt(records, i).end);
}

/** Every record, in the order they were first made. */
export function allRecords(records: string): Array<[ticketId: string, record: CheckinRecord]> {
  if (!records) return [];
  return records.slice(1).split('\n').map(parse);
}

/** The records of a version-1 context (an object of `[at, gate, by, key]`) as a string. */
export function fromRecordObject(obj: Record<string, CheckinRecord>): string {
  let s = NO_RECORDS;
  for (const [ticketId, r] of Object.entries(obj)) s += lineOf(ticketId, r);
  return s;
}
