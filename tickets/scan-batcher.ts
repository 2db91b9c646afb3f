/**
 * @module tickets/scan-batcher
 * Coalesces the live scans a gateway sends to one check-in bucket: while `maxInFlight` commands
 * to a bucket are unanswered (one by default), further scans for it wait and then go together as one `admit`
 * (at most `CheckinLimits.maxScansPerCommand`; a lone scan is an `admit` of one). No timer: a lone scan goes at once, and a burst at
 * the doors costs one request, one reply and one event per batch instead of one per scan (Nagle
 * without the delay). Each scan keeps its own `scanId`, so its answer is read off the committed
 * record (`resultOf`), a retry finds its own check-in, and two scans of one ticket in one batch
 * are one check-in and one "already" exactly as in two commands.
 */
import { randomBytes } from 'node:crypto';
import { CheckinLimits, parseAdmitReply, type ScanResult } from '../contracts/kinds/checkin.js';
import type { Actors } from '../actors/client/index.js';

/** One live scan for a bucket. */
export interface LiveScan {
  ticketId: string;
  gate: string;
  by: string;
  /** The scan's idempotency key (a retry with the same id gets the same answer). */
  scanId: string;
}

export interface ScanBatcher {
  /** Check `scan` in at `bucket` of `eventId`: the bucket's answer for it. */
  scan(eventId: string, bucket: string, scan: LiveScan): Promise<ScanResult>;
}

interface Waiting {
  scan: LiveScan;
  resolve: (r: ScanResult) => void;
  reject: (e: unknown) => void;
}

/**
 * A batcher over the check-in actors with at most `maxInFlight` commands per bucket in flight. 1 by default: in
 * `bench:checkin` two in flight made each command (and each state write) carry half as many scans
 * (2.0 scans a write against 2.6 with one), and the writes are what a bucket pays for.
 */
export function createScanBatcher(actors: Actors, maxInFlight = 1): ScanBatcher {
  const buckets = new Map<string, { eventId: string; inFlight: number; waiting: Waiting[] }>();
  const send = (bucket: string): void => {
    const b = buckets.get(bucket);
    if (!b || b.inFlight >= maxInFlight || b.waiting.length === 0) return;
    const batch = b.waiting.splice(0, CheckinLimits.maxScansPerCommand);
    b.inFlight++;
    const reply = actors
      .checkin(bucket)
      .admit({ eventId: b.eventId, scans: batch.map((w) => w.scan) }, ['admit', randomBytes(12).toString('hex')])
      .then((r) =>
        parseAdmitReply(
          r,
          batch.map((w) => w.scan.ticketId),
        ),
      );
    reply
      .then(
        (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
        (err) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        b.inFlight--;
        if (b.inFlight === 0 && b.waiting.length === 0) buckets.delete(bucket);
        else send(bucket);
      });
  };
  return {
    scan(eventId, bucket, scan) {
      return new Promise<ScanResult>((resolve, reject) => {
        let b = buckets.get(bucket);
        if (!b) buckets.set(bucket, (b = { eventId, inFlight: 0, waiting: [] }));
        b.waiting.push({ scan, resolve, reject });
        send(bucket);
      });
    },
  };
}
