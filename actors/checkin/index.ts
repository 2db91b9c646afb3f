/**
 * @module actors/checkin
 * The `checkin` kind's front door: the single writer of one event's check-ins, sharded into
 * buckets by a stable hash of the ticket id (`tb.checkin.<eventId>-b<k>.<verb>`, see
 * `checkinBucketOf`), so concurrent gates check a ticket in exactly once, an entry stays bounded
 * (about tickets ÷ buckets records) and a burst of scans at the doors is one write per batch
 * (group commit) rather than one row lock per scan.
 */
import { createHash } from 'node:crypto';
import type { ActorKind } from '../runtime/index.js';
import { checkinHandlers } from './handlers.js';
import { checkinMachine, type CheckinMachine } from './machine.js';
import { fromOlderRecords } from './records.js';

/**
 * The kind the runtime serves. Version 3: context of `types.ts` (check-ins as chunks of lines,
 * `records.ts`); version 2 kept them as one string and version 1 as an object of
 * `[at, gate, by, key]` records, both migrated on load.
 * Persisted by batch (actors/runtime/journal.ts): a bucket holds hundreds of records and a batch
 * of scans adds a few, so a write appends the scans, not the bucket (a whole-entry rewrite was
 * 22 KB per write in `bench:checkin`).
 */
export const checkinKind: ActorKind<CheckinMachine> = {
  kind: 'checkin',
  version: 3,
  persistence: 'journal',
  machine: checkinMachine,
  handlers: checkinHandlers,
  migrate: (persisted, fromVersion) => {
    const snap = persisted as { context?: { checked?: unknown } };
    if (fromVersion >= 3 || !snap.context) return persisted;
    return { ...snap, context: { ...snap.context, checked: fromOlderRecords(snap.context.checked) } };
  },
};

/**
 * The bucket actor id of `ticketId` in `eventId` with `buckets` buckets: `<eventId>-b<k>`, or
 * `h<sha256(eventId)>-b<k>` when the event id is too long for an actor id. Every process must use
 * the same `buckets` (the constant `checkinBuckets`, config/tuning.ts) for the life of an event.
 */
export function checkinBucketOf(eventId: string, ticketId: string, buckets: number): string {
  const k = createHash('sha256').update(ticketId).digest().readUInt32BE(0) % Math.max(1, buckets);
  return checkinBucketId(eventId, k);
}

/** The actor id of bucket `k` of `eventId`. */
export function checkinBucketId(eventId: string, k: number): string {
  const id = `${eventId}-b${k}`;
  return id.length <= 64 ? id : `h${createHash('sha256').update(eventId).digest('hex').slice(0, 40)}-b${k}`;
}

export { checkinMachine, checkinHandlers };
export { applyScans, applyVoid, isEarlier } from './machine.js';
export { scanKeyOf, resultOf } from './handlers.js';
export { recordOf, allRecords, fromOlderRecords, RECORD_CHUNKS } from './records.js';
export { CheckinEventType, CheckinEventSchemas } from './events.js';
export type { CheckinMachine };
export type { CheckinEvent } from './events.js';
export type { CheckinContext, CheckinInput, CheckinRecord, MachineScan } from './types.js';
