/**
 * @module tickets/service
 * The tickets a buyer holds: issuing them from a completed order (idempotent), reading them
 * (owner only: anyone else is told "no such ticket"), the owner's code, voiding an order's tickets
 * (the refund path calls `voidOrderTickets`), transfers, and the signed offline list a gate
 * downloads. Invariant: a ticket is void in its check-in bucket (the single writer the doors ask)
 * before the database says so, so a refunded or transferred ticket's old code stops at once.
 */
import { randomBytes } from 'node:crypto';
import { TbError } from '../contracts/index.js';
import type { CheckinReplies } from '../contracts/kinds/checkin.js';
import { checkinBucketOf } from '../actors/checkin/index.js';
import type { Static } from '@sinclair/typebox';
import { eventRotationKey, rotatingCode, ticketRotationSecret, type TicketSigner } from './codes.js';
import { ticketsForOrder, transferredIdOf, type IssuableOrder } from './issue.js';
import type { Actors } from '../actors/client/index.js';
import type { TicketLookups } from './settings.js';
import type { TicketStore } from './store.js';
import { TicketStatus, type TicketDetail, type TicketView } from './types.js';

/** What the tickets service needs. */
export interface TicketServiceDeps {
  actors: Actors;
  store: TicketStore;
  signer: TicketSigner;
  lookups: TicketLookups;
  rotationSecret: string;
  windowSteps: number;
  buckets: number;
  now?: () => number;
}

/** The outcome of voiding tickets. */
export interface VoidOutcome {
  /** Voided now or before (their codes are refused at the doors). */
  voided: string[];
  /** Already checked in: they stay checked in (the refund goes on; the door cannot be undone). */
  alreadyCheckedIn: string[];
}

/** The signed list an offline gate downloads. */
export interface OfflineList {
  eventId: string;
  listId: string | null;
  generatedAt: number;
  keyId: string;
  rotating: { eventKey: string; periodSeconds: number; windowSteps: number } | null;
  tickets: Array<{ ticketId: string; classId: string; status: string }>;
  /** Ed25519 signature (base64url) of the JSON of every field above, in this order. */
  signature: string;
}

export interface TicketService {
  /** Issue the tickets of a COMPLETED order view; answers how many were new (0 on a repeat). */
  issueForOrder(order: IssuableOrder): Promise<{ issued: number; ticketIds: string[] }>;
  listMine(userId: string): Promise<TicketView[]>;
  /** An order's tickets, owner only (`TICKET_NOT_FOUND`-free: an empty or foreign order answers `HISTORY_ORDER_NOT_FOUND`). */
  listForOrder(orderId: string, userId: string): Promise<TicketView[]>;
  /** One of my tickets, with its code (and rotating secret); anyone else's is `TICKET_NOT_FOUND`. */
  getMine(ticketId: string, userId: string): Promise<TicketDetail>;
  /** The code to render now (rotating events: the live code). */
  currentCode(ticket: TicketView): Promise<string>;
  /** Void every ticket of an order (refund, cancellation): idempotent. */
  voidOrderTickets(orderId: string, reason: string): Promise<VoidOutcome>;
  /** Give my ticket to another account: the old code is refused from now on. */
  transfer(ticketId: string, fromUserId: string, toUserId: string): Promise<TicketView>;
  /** The signed list for offline gates (caller's scanning right checked by the caller). */
  offlineList(eventId: string, list: { listId: string; classIds: string[] | null } | undefined): Promise<OfflineList>;
}

/** The service over `deps`. */
export function createTicketService(deps: TicketServiceDeps): TicketService {
  const now = deps.now ?? Date.now;
  const staticCode = (t: TicketView) => deps.signer.sign({ ticketId: t.ticketId, eventId: t.eventId, classId: t.classId });
  const secretOf = (t: TicketView) => ticketRotationSecret(eventRotationKey(deps.rotationSecret, t.eventId), t.ticketId);

  /** Void ids in their buckets: the doors' truth. */
  async function voidInBuckets(eventId: string, ids: readonly string[], reason: string): Promise<VoidOutcome> {
    const byBucket = new Map<string, string[]>();
    for (const id of ids) {
      const b = checkinBucketOf(eventId, id, deps.buckets);
      byBucket.set(b, [...(byBucket.get(b) ?? []), id]);
    }
    const out: VoidOutcome = { voided: [], alreadyCheckedIn: [] };
    await Promise.all(
      [...byBucket].map(async ([bucket, group]) => {
        // Deterministic command id: a retried void is the same command.
        const r = await deps.actors.checkin(bucket).void({ eventId, ticketIds: group, reason }, ['void', reason, group.join(',')]);
        out.voided.push(...r.voided);
        out.alreadyCheckedIn.push(...r.alreadyCheckedIn);
      }),
    );
    return out;
  }

  /** Void ids in their buckets, then in the database. */
  async function voidIds(eventId: string, ids: readonly string[], reason: string): Promise<VoidOutcome> {
    const out = await voidInBuckets(eventId, ids, reason);
    await deps.store.voidMany(out.voided, reason);
    return out;
  }

  const service: TicketService = {
    async issueForOrder(order) {
      const tickets = ticketsForOrder(order);
      const issued = await deps.store.issue(tickets);
      return { issued, ticketIds: tickets.map((t) => t.ticketId) };
    },
    listMine: (userId) => deps.store.listByOwner(userId),
    async listForOrder(orderId, userId) {
      const all = await deps.store.listByOrder(orderId);
      // The buyer of the order, or whoever holds one of its tickets now, sees what they hold; others see nothing.
      const mine = all.filter((t) => t.ownerId === userId);
      if (mine.length === 0) throw new TbError('HISTORY_ORDER_NOT_FOUND', { orderId });
      return mine;
    },
    async getMine(ticketId, userId) {
      const t = await deps.store.get(ticketId);
      if (!t || t.ownerId !== userId) throw new TbError('TICKET_NOT_FOUND', { ticketId });
      const s = await deps.lookups.settings(t.eventId);
      const code = staticCode(t);
      if (!s.rotating) return { ...t, code };
      const secret = secretOf(t);
      return {
        ...t,
        code,
        rotating: { secret, periodSeconds: s.periodSeconds, currentCode: rotatingCode(code, secret, now(), s.periodSeconds) },
      };
    },
    async currentCode(t) {
      const s = await deps.lookups.settings(t.eventId);
      const code = staticCode(t);
      return s.rotating ? rotatingCode(code, secretOf(t), now(), s.periodSeconds) : code;
    },
    async voidOrderTickets(orderId, reason) {
      const all = await deps.store.listByOrder(orderId);
      const byEvent = new Map<string, string[]>();
      for (const t of all) {
        if (t.status === TicketStatus.Transferred) continue;
        byEvent.set(t.eventId, [...(byEvent.get(t.eventId) ?? []), t.ticketId]);
      }
      const out: VoidOutcome = { voided: [], alreadyCheckedIn: [] };
      for (const [eventId, ids] of byEvent) {
        const r = await voidIds(eventId, ids, reason);
        out.voided.push(...r.voided);
        out.alreadyCheckedIn.push(...r.alreadyCheckedIn);
      }
      return out;
    },
    async transfer(ticketId, fromUserId, toUserId) {
      const t = await deps.store.get(ticketId);
      if (!t || t.ownerId !== fromUserId) throw new TbError('TICKET_NOT_FOUND', { ticketId });
      if (toUserId === fromUserId) throw new TbError('TICKET_TRANSFER_TARGET_INVALID', { target: 'yourself' });
      if (t.status !== TicketStatus.Valid) throw new TbError('TICKET_NOT_TRANSFERABLE', { ticketId, status: t.status });
      // The doors first: from this reply on, the old code is refused.
      const r = await voidInBuckets(t.eventId, [ticketId], 'transferred');
      if (r.alreadyCheckedIn.length > 0) throw new TbError('TICKET_NOT_TRANSFERABLE', { ticketId, status: TicketStatus.CheckedIn });
      const next = {
        ticketId: transferredIdOf(ticketId),
        orderId: t.orderId,
        eventId: t.eventId,
        classId: t.classId,
        ownerId: toUserId,
        seatNo: t.seatNo,
        priceMinor: t.priceMinor,
        currency: t.currency,
        transferredFrom: ticketId,
      };
      // A transfer that stopped between the two steps is finished by repeating it (the void is idempotent).
      const moved = await deps.store.transfer(ticketId, next);
      if (!moved) throw new TbError('TICKET_NOT_TRANSFERABLE', { ticketId, status: t.status });
      const fresh = await deps.store.get(next.ticketId);
      return fresh!;
    },
    async offlineList(eventId, list) {
      const s = await deps.lookups.settings(eventId);
      const tickets = (await deps.store.listByEvent(eventId, list?.classIds ?? null)).map((t) => ({
        ticketId: t.ticketId,
        classId: t.classId,
        status: t.status,
      }));
      const body = {
        eventId,
        listId: list?.listId ?? null,
        generatedAt: now(),
        keyId: deps.signer.keyId,
        rotating: s.rotating
          ? { eventKey: eventRotationKey(deps.rotationSecret, eventId), periodSeconds: s.periodSeconds, windowSteps: deps.windowSteps }
          : null,
        tickets,
      };
      return { ...body, signature: deps.signer.signBytes(Buffer.from(JSON.stringify(body))) };
    },
  };
  return service;
}

/** A command id for a read. */
export const readId = (): string => `tickets-read-${randomBytes(8).toString('hex')}`;
