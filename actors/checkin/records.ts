/**
 * @module actors/checkin/records
 * The check-in records of one bucket as `RECORD_CHUNKS` strings of lines,
 * `\n<ticketId>\t<at base 36>\t<gate>\t<by>\t<key>` per ticket, a ticket's line in the chunk its
 * id hashes to. No field can hold a tab or a newline (ticket ids, gates, user ids and keys are
 * checked by the command schemas), so a ticket's line is found by searching its chunk for
 * `\n<ticketId>\t`. Pure functions; a new record is appended to its chunk, an earlier offline scan
 * replaces its line in place. A change copies one chunk and the array of chunk references, not
 * the bucket: with the whole bucket as one string, finding and copying it took a quarter of a
 * node's CPU in `bench:checkin` at 1,250 tickets a bucket.
 */
import type { CheckinRecord, Records } from './types.js';

export type { Records };

/** Chunks per bucket. */
export const RECORD_CHUNKS = 64;

/** The empty record set. */
export const NO_RECORDS: Records = [];

const lineOf = (ticketId: string, r: CheckinRecord): string => `\n${ticketId}\t${r[0].toString(36)}\t${r[1]}\t${r[2]}\t${r[3]}`;

/** The chunk of `ticketId` (FNV-1a of its UTF-16 code units). */
function chunkOf(ticketId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ticketId.length; i++) h = Math.imul(h ^ ticketId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % RECORD_CHUNKS;
}

/** The line starting at `start` (without its leading newline) and where it ends. */
function lineAt(chunk: string, start: number): { text: string; end: number } {
  const next = chunk.indexOf('\n', start + 1);
  const end = next === -1 ? chunk.length : next;
  return { text: chunk.slice(start + 1, end), end };
}

function parse(text: string): [ticketId: string, record: CheckinRecord] {
  const [ticketId, at, gate, by, key] = text.split('\t') as [string, string, string, string, string];
  return [ticketId, [parseInt(at, 36), gate, by, key]];
}

/** The record of `ticketId`, if it is checked in. */
export function recordOf(records: Records, ticketId: string): CheckinRecord | undefined {
  const chunk = records[chunkOf(ticketId)] ?? '';
  const i = chunk.indexOf(`\n${ticketId}\t`);
  return i === -1 ? undefined : parse(lineAt(chunk, i).text)[1];
}

/** `records` with `ticketId`'s record set to `r` (appended, or its line replaced). */
export function withRecord(records: Records, ticketId: string, r: CheckinRecord): Records {
  const c = chunkOf(ticketId);
  const out = records.length === RECORD_CHUNKS ? records.slice() : new Array<string>(RECORD_CHUNKS).fill('');
  const chunk = out[c]!;
  const i = chunk.indexOf(`\n${ticketId}\t`);
  out[c] = i === -1 ? chunk + lineOf(ticketId, r) : chunk.slice(0, i) + lineOf(ticketId, r) + chunk.slice(lineAt(chunk, i).end);
  return out;
}

/** Every record (by chunk, then in the order they were made). */
export function allRecords(records: Records): Array<[ticketId: string, record: CheckinRecord]> {
  const out: Array<[string, CheckinRecord]> = [];
  for (const chunk of records) if (chunk) for (const line of chunk.slice(1).split('\n')) out.push(parse(line));
  return out;
}

/** The records of an older context: version 1 kept an object of `[at, gate, by, key]`, version 2 one string of lines. */
export function fromOlderRecords(old: unknown): Records {
  let records = NO_RECORDS;
  if (typeof old === 'string') {
    if (old) for (const line of old.slice(1).split('\n')) records = withRecord(records, ...parse(line));
  } else if (old && typeof old === 'object') {
    for (const [ticketId, r] of Object.entries(old as Record<string, CheckinRecord>)) records = withRecord(records, ticketId, r);
  }
  return records;
}
