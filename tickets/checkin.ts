/**
 * @module tickets/checkin
 * Checking tickets in at the doors. A scan is judged in this order: may the caller scan this
 * event (staff role with `checkIn`), is the code one the platform signed (else
 * `CHECKIN_CODE_INVALID`), is it for this event (`CHECKIN_WRONG_EVENT`), does the check-in list
 * admit its class at this gate, is a rotating code live (`CHECKIN_CODE_EXPIRED`); only then the
 * ticket's bucket actor decides, as the single writer: checked in, already checked in
 * (`CHECKIN_ALREADY`, naming when and where) or void (`CHECKIN_TICKET_VOIDED`). No row lock
 * anywhere: exactly-once comes from the actor, speed from its group commit and from coalescing
 * the scans this process sends one bucket while its previous command is in flight
 * (`scan-batcher.ts`).
 */
import { randomBytes } from 'node:crypto';
import { TbError } from '../contracts/index.js';
import { CheckinLimits, ScanOutcome, type ScanResult } from '../contracts/kinds/checkin.js';
import { checkinBucketOf } from '../actors/checkin/index.js';
import { eventRotationKey, isCodeProblem, isLiveOtp, ticketRotationSecret, type TicketSigner, type VerifiedCode } from './codes.js';
import { createScanBatcher } from './scan-batcher.js';
import type { Actors } from '../actors/client/index.js';
import type { TicketLookups } from './settings.js';
import type { TicketStore } from './store.js';
import type { BatchScanResult, CheckinListView, CheckinResult } from './types.js';

/** What check-in needs. */
export interface CheckinDeps {
  actors: Actors;
  signer: TicketSigner;
  lookups: TicketLookups;
  store: TicketStore;
  rotationSecret: string;
  windowSteps: number;
  buckets: number;
  now?: () => number;
}

/** One scan at a door. */
export interface ScanRequest {
  eventId: string;
  code: string;
  gate: string;
  listId?: string | undefined;
  user: { userId: string; roles: readonly string[] };
  /** Idempotency: the same command id repeats the first answer. */
  commandId?: string;
}

/** One offline gate's upload. */
export interface BatchRequest {
  eventId: string;
  gate: string;
  listId?: string | undefined;
  user: { userId: string; roles: readonly string[] };
  scans: ReadonlyArray<{ code: string; scannedAt: number }>;
  commandId?: string;
}

/** Offline scans older than this are refused (a gate uploads within the event's days). */
export const MAX_OFFLINE_AGE_MS = 7 * 86_400_000;
const FUTURE_SKEW_MS = 60_000;

/** The check-in service. */
export interface CheckinService {
  /** Check one ticket in now; throws the refusal (`CHECKIN_*`) otherwise. */
  scan(req: ScanRequest): Promise<CheckinResult>;
  /** Upload an offline gate's scans; earliest scan time wins, every other is reported. */
  scanBatch(req: BatchRequest): Promise<{ results: BatchScanResult[] }>;
}

/** The list a scan is judged against (undefined = every class, any gate). */
async function listOf(deps: CheckinDeps, eventId: string, listId: string | undefined, gate: string): Promise<CheckinListView | undefined> {
  if (!listId) return undefined;
  const list = await deps.store.getList(eventId, listId);
  if (!list) throw new TbError('CHECKIN_LIST_NOT_FOUND', { listId, eventId });
  if (!list.gates.includes(gate)) throw new TbError('CHECKIN_GATE_UNKNOWN', { gate, listId });
  return list;
}

/** Judge a code against the event, list and rotation, at scan time `at`: the refusal, or undefined. */
async function judge(
  deps: CheckinDeps,
  eventId: string,
  code: string,
  list: CheckinListView | undefined,
  at: number,
): Promise<{ v: VerifiedCode } | { err: TbError }> {
  const v = deps.signer.verify(code);
  if (isCodeProblem(v)) return { err: new TbError('CHECKIN_CODE_INVALID', { reason: v.type }) };
  if (v.eventId !== eventId) return { err: new TbError('CHECKIN_WRONG_EVENT', { eventId, ticketId: v.ticketId }) };
  if (list?.classIds && !list.classIds.includes(v.classId)) {
    return { err: new TbError('CHECKIN_NOT_ON_LIST', { ticketId: v.ticketId, classId: v.classId, listId: list.listId }) };
  }
  const s = await deps.lookups.settings(eventId);
  if (s.rotating) {
    const secret = ticketRotationSecret(eventRotationKey(deps.rotationSecret, eventId), v.ticketId);
    if (!v.rotating || !isLiveOtp(v.rotating, secret, at, s.periodSeconds, deps.windowSteps)) {
      return {
        err: new TbError('CHECKIN_CODE_EXPIRED', {
          ticketId: v.ticketId,
          reason: v.rotating ? 'stale or wrong' : 'rotating code required',
        }),
      };
    }
  }
  return { v };
}

/** The refusal of a scan result that did not check in. */
function refusalOf(r: ScanResult): TbError {
  if (r.outcome === ScanOutcome.Voided) return new TbError('CHECKIN_TICKET_VOIDED', { ticketId: r.ticketId, reason: r.reason ?? 'voided' });
  return new TbError('CHECKIN_ALREADY', {
    ticketId: r.ticketId,
    at: r.at,
    atIso: new Date(r.at ?? 0).toISOString(),
    gate: r.gate,
    by: r.by,
  });
}

/** The check-in service over `deps`. */
export function createCheckinService(deps: CheckinDeps): CheckinService {
  const now = deps.now ?? Date.now;
  const cid = () => randomBytes(12).toString('hex');
  const batcher = createScanBatcher(deps.actors);
  return {
    async scan(req) {
      await deps.lookups.assertScanner(req.eventId, req.user);
      const list = await listOf(deps, req.eventId, req.listId, req.gate);
      const j = await judge(deps, req.eventId, req.code, list, now());
      if ('err' in j) throw j.err;
      const { ticketId, classId } = j.v;
      const r = await batcher.scan(req.eventId, checkinBucketOf(req.eventId, ticketId, deps.buckets), {
        ticketId,
        gate: req.gate,
        by: req.user.userId,
        scanId: req.commandId ?? `scan:${cid()}`,
      });
      if (r.outcome !== ScanOutcome.CheckedIn) throw refusalOf(r);
      return { ticketId, eventId: req.eventId, classId, status: 'checkedIn', at: r.at!, gate: r.gate!, by: r.by! };
    },

    async scanBatch(req) {
      await deps.lookups.assertScanner(req.eventId, req.user);
      const list = await listOf(deps, req.eventId, req.listId, req.gate);
      const t = now();
      const results: BatchScanResult[] = new Array(req.scans.length);
      const byBucket = new Map<string, Array<{ index: number; ticketId: string; scannedAt: number }>>();
      for (const [index, s] of req.scans.entries()) {
        if (s.scannedAt > t + FUTURE_SKEW_MS || s.scannedAt < t - MAX_OFFLINE_AGE_MS) {
          results[index] = { index, outcome: 'refused', code: 'CHECKIN_CODE_EXPIRED' };
          continue;
        }
        const j = await judge(deps, req.eventId, s.code, list, s.scannedAt);
        if ('err' in j) {
          results[index] = {
            index,
            outcome: 'refused',
            code: j.err.code,
            ...(j.err.code === 'CHECKIN_CODE_INVALID' ? {} : { ticketId: String(j.err.details?.['ticketId'] ?? '') || undefined }),
          } as BatchScanResult;
          continue;
        }
        const bucket = checkinBucketOf(req.eventId, j.v.ticketId, deps.buckets);
        const group = byBucket.get(bucket) ?? [];
        group.push({ index, ticketId: j.v.ticketId, scannedAt: s.scannedAt });
        byBucket.set(bucket, group);
      }
      const base = req.commandId ?? `scan:${cid()}`;
      await Promise.all(
        [...byBucket].map(async ([bucket, group]) => {
          for (let i = 0; i < group.length; i += CheckinLimits.maxScansPerCommand) {
            const part = group.slice(i, i + CheckinLimits.maxScansPerCommand);
            const reply = await deps.actors.checkin(bucket).scanMany(
              {
                eventId: req.eventId,
                scans: part.map((p) => ({ ticketId: p.ticketId, gate: req.gate, by: req.user.userId, scannedAt: p.scannedAt })),
              },
              [base, bucket, i],
            );
            reply.results.forEach((r, k) => {
              const { index } = part[k]!;
              if (r.outcome === ScanOutcome.CheckedIn)
                results[index] = { index, ticketId: r.ticketId, outcome: 'checkedIn', winner: { at: r.at!, gate: r.gate!, by: r.by! } };
              else if (r.outcome === ScanOutcome.Already)
                results[index] = {
                  index,
                  ticketId: r.ticketId,
                  outcome: 'already',
                  code: 'CHECKIN_ALREADY',
                  winner: { at: r.at!, gate: r.gate!, by: r.by! },
                };
              else results[index] = { index, ticketId: r.ticketId, outcome: 'refused', code: 'CHECKIN_TICKET_VOIDED' };
            });
          }
        }),
      );
      return { results };
    },
  };
}
